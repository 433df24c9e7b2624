package casefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// malformedReport is the source document the cases cite: a header, then
// three paragraphs.
const malformedReport = `Title: A report
Publisher: Someone

First paragraph.
Second paragraph.

Third paragraph.
`

// malformedHead is lines 1-6 of most cases below: a valid start that
// defines the cited source, so each case's own lines begin at line 7.
const malformedHead = `version: 1
sources:
  - id: source/report
    title: A report
    publisher: Someone
    file: report.txt
`

// malformedPerson is lines 1-11: malformedHead and one valid entity, whose
// fields may go on from line 12.
const malformedPerson = malformedHead + `entities:
  - id: person/a
    type: Person
    name: A
    cite: [source/report#p1]
`

// malformedCharge is lines 1-19: malformedPerson, a case and the start of
// charge/a, whose other fields follow from line 20.
const malformedCharge = malformedPerson + `  - id: case/a
    type: Case
    name: Case against A
    cite: [source/report#p1]
  - id: charge/a
    type: Charge
    name: Charge against A
    case: case/a
`

// mamai is an entity that misspelt references may have meant.
const mamai = "  - id: person/zhanbolat-mamai\n    type: Person\n    name: Zhanbolat Mamai\n    cite: [source/report#p1]\n"

// personB is malformedPerson and person/b, whose own fields start at
// line 14.
func personB(fields string) string {
	return malformedPerson + "  - id: person/b\n    type: Person\n" + fields + "    cite: [source/report#p1]\n"
}

type namedFile struct{ name, text string }

func TestMalformedCaseFiles(t *testing.T) {
	tests := []struct {
		name  string
		files []namedFile // loaded in this order
		at    string      // file:line:column of the one problem
		want  string      // in its message
	}{
		{
			name:  "bad indentation",
			files: []namedFile{{"a.yaml", malformedPerson + "   type: Person\n"}},
			at:    "a.yaml:12:4",
			want:  "not valid YAML",
		},
		{
			name:  "unclosed quote",
			files: []namedFile{{"a.yaml", malformedHead + "entities:\n  - id: person/a\n    type: Person\n    name: \"A\n    cite: [source/report#p1]\n"}},
			at:    "a.yaml:10:11",
			want:  `not valid YAML: the value of name opens a quote (") that its line does not close; close it: name: "A"`,
		},
		{
			name:  "tab in indentation after a list over two lines",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "[source/report#p1]", "[source/report#p1,\n      source/report#p2]", 1) + "\tnote: x\n"}},
			at:    "a.yaml:13:1",
			want:  "not valid YAML",
		},
		{
			name:  "a group that is not a slug",
			files: []namedFile{{"a.yaml", malformedPerson + "    visibility: [Monitors]\n"}},
			at:    "a.yaml:12:18",
			want:  `group "Monitors": want lower-case letters, digits and single hyphens`,
		},
		{
			name:  "visibility neither public nor a list",
			files: []namedFile{{"a.yaml", "visibility: private\n" + malformedPerson}},
			at:    "a.yaml:1:13",
			want:  "visibility: want public, or a list of the groups that may read it",
		},
		{
			name:  "an empty list of groups",
			files: []namedFile{{"a.yaml", malformedPerson + "    visibility: []\n"}},
			at:    "a.yaml:12:17",
			want:  "visibility: want public, or a list",
		},
		{
			name: "an addition in a restricted file",
			files: []namedFile{
				{"a.yaml", malformedPerson},
				{"b.yaml", "visibility: [monitors]\nversion: 1\nadditions:\n  - id: person/a\n    aliases: [Secret name]\n    cite: [source/report#p2]\n"},
			},
			at:   "b.yaml:4:5",
			want: "an addition cannot be restricted",
		},
		{
			name:  "empty file",
			files: []namedFile{{"a.yaml", ""}},
			at:    "a.yaml:1:1",
			want:  "the file is empty",
		},
		{
			name:  "only comments",
			files: []namedFile{{"a.yaml", "# nothing yet\n"}},
			at:    "a.yaml:1:1",
			want:  "the file is empty",
		},
		{
			name:  "top level is a list",
			files: []namedFile{{"a.yaml", "- version: 1\n"}},
			at:    "a.yaml:1:1",
			want:  "a case file is a mapping with version",
		},
		{
			name:  "unknown top-level field",
			files: []namedFile{{"a.yaml", malformedHead + "author: me\n"}},
			at:    "a.yaml:7:1",
			want:  `unknown top-level field "author": want version, visibility, sources, entities, relations or additions`,
		},
		{
			name:  "missing version",
			files: []namedFile{{"a.yaml", strings.TrimPrefix(malformedPerson, "version: 1\n")}},
			at:    "a.yaml:1:1",
			want:  "missing version: add `version: 2`",
		},
		{
			name:  "wrong version",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "version: 1", "version: 3", 1)}},
			at:    "a.yaml:1:10",
			want:  "version must be 2 (or 1, the format before it)",
		},
		{
			name:  "second YAML document",
			files: []namedFile{{"a.yaml", malformedPerson + "---\nversion: 1\n"}},
			at:    "a.yaml:12:1",
			want:  "one YAML document",
		},
		{
			name:  "top-level field twice",
			files: []namedFile{{"a.yaml", malformedPerson + "entities:\n"}},
			at:    "a.yaml:12:1",
			want:  `field "entities" appears twice`,
		},
		{
			name:  "unknown field on an entity",
			files: []namedFile{{"a.yaml", malformedPerson + "    age: 40\n"}},
			at:    "a.yaml:12:5",
			want:  `unknown field "age" for Person: want one of id, type, name, aliases`,
		},
		{
			name:  "field of another entity type",
			files: []namedFile{{"a.yaml", malformedPerson + "    status: brought\n"}},
			at:    "a.yaml:12:5",
			want:  `unknown field "status" for Person`,
		},
		{
			name:  "unknown entity type",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "type: Person", "type: Human", 1)}},
			at:    "a.yaml:9:11",
			want:  `unknown entity type "Human": want one of Person, Party`,
		},
		{
			name:  "entity without a type",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "    type: Person\n", "", 1)}},
			at:    "a.yaml:8:5",
			want:  "entity has no type",
		},
		{
			name:  "id with the prefix of another type",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "id: person/a", "id: party/a", 1)}},
			at:    "a.yaml:8:9",
			want:  `id "party/a" has the prefix of a Party, but the entity is a Person: want person/...`,
		},
		{
			name:  "malformed id",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "id: person/a", "id: person/Anna_B", 1)}},
			at:    "a.yaml:8:9",
			want:  `id "person/Anna_B": want person/ followed by lower-case letters, digits and hyphens`,
		},
		{
			name:  "duplicate id in one file",
			files: []namedFile{{"a.yaml", malformedPerson + "  - id: person/a\n    type: Person\n    name: B\n    cite: [source/report#p2]\n"}},
			at:    "a.yaml:12:9",
			want:  "duplicate id person/a: already defined at ",
		},
		{
			name: "duplicate id across files",
			files: []namedFile{
				{"a.yaml", malformedPerson},
				{"b.yaml", "version: 1\nentities:\n  - id: person/a\n    type: Person\n    name: B\n    cite: [source/report#p2]\n"},
			},
			at:   "b.yaml:3:9",
			want: "duplicate id person/a: already defined at ",
		},
		{
			name:  "impossible date",
			files: []namedFile{{"a.yaml", malformedCharge + "    defendant: person/a\n    status: brought\n    date: 2023-02-30\n    cite: [source/report#p1]\n"}},
			at:    "a.yaml:22:11",
			want:  `date: "2023-02-30" is not a real date`,
		},
		{
			name:  "malformed date",
			files: []namedFile{{"a.yaml", malformedCharge + "    defendant: person/a\n    status: brought\n    date: 10 April 2023\n    cite: [source/report#p1]\n"}},
			at:    "a.yaml:22:11",
			want:  `date: "10 April 2023" is not a date: want YYYY, YYYY-MM or YYYY-MM-DD`,
		},
		{
			name:  "wrong charge status",
			files: []namedFile{{"a.yaml", malformedCharge + "    defendant: person/a\n    status: sentenced\n    cite: [source/report#p1]\n"}},
			at:    "a.yaml:21:13",
			want:  `status "sentenced" is not allowed: want one of brought, reclassified`,
		},
		{
			name:  "wrong restriction kind",
			files: []namedFile{{"a.yaml", malformedPerson + "  - id: restriction/a\n    type: Restriction\n    name: Ban\n    person: person/a\n    kind: exile\n    cite: [source/report#p2]\n"}},
			at:    "a.yaml:16:11",
			want:  `kind "exile" is not allowed: want one of pre-trial-detention, house-arrest`,
		},
		{
			name:  "misspelt charge status",
			files: []namedFile{{"a.yaml", malformedCharge + "    defendant: person/a\n    status: convicetd\n    cite: [source/report#p1]\n"}},
			at:    "a.yaml:21:13",
			want:  `status "convicetd" is not allowed: did you mean convicted? Want one of brought, reclassified`,
		},
		{
			name:  "misspelt offence category",
			files: []namedFile{{"a.yaml", malformedCharge + "    defendant: person/a\n    status: brought\n    category: extremist\n    cite: [source/report#p1]\n"}},
			at:    "a.yaml:22:15",
			want:  `category "extremist" is not allowed: did you mean extremism? Want one of`,
		},
		{
			name:  "misspelt sentence kind",
			files: []namedFile{{"a.yaml", malformedCharge + "    defendant: person/a\n    status: convicted\n    cite: [source/report#p1]\n  - id: sentence/a\n    type: Sentence\n    name: S\n    case: case/a\n    person: person/a\n    kind: custodal\n    cite: [source/report#p1]\n"}},
			at:    "a.yaml:28:11",
			want:  `kind "custodal" is not allowed: did you mean custodial? Want one of`,
		},
		{
			name:  "misspelt occupation",
			files: []namedFile{{"a.yaml", malformedPerson + "    occupations: [journalist, activst]\n"}},
			at:    "a.yaml:12:31",
			want:  `occupations "activst" is not allowed: did you mean activist? Want one of`,
		},
		{
			name:  "misspelt field",
			files: []namedFile{{"a.yaml", malformedCharge + "    defendent: person/a\n    status: brought\n    cite: [source/report#p1]\n"}},
			at:    "a.yaml:20:5",
			want:  `unknown field "defendent" for Charge: did you mean defendant? Want one of id, type`,
		},
		{
			name:  "misspelt entity type",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "type: Person", "type: person", 1)}},
			at:    "a.yaml:9:11",
			want:  `unknown entity type "person": did you mean Person? Want one of`,
		},
		{
			name:  "misspelt relation type",
			files: []namedFile{{"a.yaml", malformedPerson + "relations:\n  - type: RELATIVE_FO\n    from: person/a\n    to: person/a\n    cite: [source/report#p1]\n"}},
			at:    "a.yaml:13:11",
			want:  `unknown relation type "RELATIVE_FO": did you mean RELATIVE_OF? Want one of`,
		},
		{
			name:  "misspelt top-level field",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "entities:", "entites:", 1)}},
			at:    "a.yaml:7:1",
			want:  `unknown top-level field "entites": did you mean entities? Want version, visibility, sources, entities, relations or additions`,
		},
		{
			name:  "missing required field",
			files: []namedFile{{"a.yaml", malformedCharge + "    defendant: person/a\n    cite: [source/report#p1]\n"}},
			at:    "a.yaml:16:5",
			want:  "Charge charge/a has no status",
		},
		{
			name:  "fact without a citation",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "    cite: [source/report#p1]\n", "", 1)}},
			at:    "a.yaml:8:5",
			want:  "no citation: every fact needs cite: [SOURCE-ID#pN, ...]",
		},
		{
			name:  "empty cite list",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "cite: [source/report#p1]", "cite: []", 1)}},
			at:    "a.yaml:11:11",
			want:  "cite must be a non-empty list of SOURCE-ID#pN",
		},
		{
			name:  "cite without a value",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "cite: [source/report#p1]", "cite:", 1)}},
			at:    "a.yaml:11:10",
			want:  "cite must be a non-empty list of SOURCE-ID#pN",
		},
		{
			name:  "malformed citation",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "[source/report#p1]", "[source/report#p1, source/report p2]", 1)}},
			at:    "a.yaml:11:30",
			want:  `"source/report p2" is not a citation: want SOURCE-ID#pN`,
		},
		{
			name:  "citation of an unknown source",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "[source/report#p1]", "[source/report#p1, source/memo#p1]", 1)}},
			at:    "a.yaml:11:30",
			want:  `citation of unknown source "source/memo": add it under sources:`,
		},
		{
			name:  "citation of a paragraph the source lacks",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "[source/report#p1]", "[source/report#p4]", 1)}},
			at:    "a.yaml:11:12",
			want:  "citation source/report#p4: report.txt has only 3 paragraphs",
		},
		{
			name:  "citation of an entity that is not a source",
			files: []namedFile{{"a.yaml", malformedPerson + "  - id: person/b\n    type: Person\n    name: B\n    cite: [person/a#p1]\n"}},
			at:    "a.yaml:15:12",
			want:  "is not a citation",
		},
		{
			name:  "source file missing",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "file: report.txt", "file: memo.txt", 1)}},
			at:    "a.yaml:3:9",
			want:  "source file memo.txt cannot be read",
		},
		{
			name:  "reference to an unknown id",
			files: []namedFile{{"a.yaml", malformedCharge + "    defendant: person/a\n    article: legal-article/kz-cc-999\n    status: brought\n    cite: [source/report#p1]\n"}},
			at:    "a.yaml:21:14",
			want:  `article of charge/a: unknown id "legal-article/kz-cc-999"`,
		},
		{
			name: "references to an entity with a problem",
			files: []namedFile{
				{"a.yaml", malformedCharge + "    defendant: person/b\n    status: brought\n    cite: [source/report#p1]\n" +
					"  - id: person/b\n    type: Person\n    name: B\n    age: 40\n    cite: [source/report#p1]\n" +
					"relations:\n  - type: RELATIVE_OF\n    from: person/a\n    to: person/b\n    cite: [source/report#p1]\n"},
				{"b.yaml", "version: 1\nrelations:\n  - type: DEFENDANT_IN\n    from: person/b\n    to: case/a\n    cite: [source/report#p2]\n"},
			},
			at:   "a.yaml:26:5",
			want: `unknown field "age" for Person`,
		},
		{
			name:  "citations of a source with a problem",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "    file: report.txt\n", "    file: report.txt\n    pages: 3\n", 1)}},
			at:    "a.yaml:7:5",
			want:  `unknown field "pages" for Source`,
		},
		{
			name:  "misspelt reference",
			files: []namedFile{{"a.yaml", malformedCharge + "    defendant: person/zhanbolat-mamay\n    status: brought\n    cite: [source/report#p1]\n" + mamai}},
			at:    "a.yaml:20:16",
			want:  `defendant of charge/a: unknown id "person/zhanbolat-mamay": did you mean person/zhanbolat-mamai? If not, define it in a case file`,
		},
		{
			name:  "reference without its type",
			files: []namedFile{{"a.yaml", malformedCharge + "    defendant: zhanbolat-mamai\n    status: brought\n    cite: [source/report#p1]\n" + mamai}},
			at:    "a.yaml:20:16",
			want:  `unknown id "zhanbolat-mamai": did you mean person/zhanbolat-mamai? If not,`,
		},
		{
			name: "reference misspelt in another file",
			files: []namedFile{
				{"a.yaml", malformedPerson + mamai},
				{"b.yaml", "version: 1\nrelations:\n  - type: RELATIVE_OF\n    from: person/a\n    to: person/zhanbolat-mamia\n    cite: [source/report#p2]\n"},
			},
			at:   "b.yaml:5:9",
			want: `to of RELATIVE_OF: unknown id "person/zhanbolat-mamia": did you mean person/zhanbolat-mamai?`,
		},
		{
			name:  "misspelt source in a citation",
			files: []namedFile{{"a.yaml", strings.Replace(malformedPerson, "[source/report#p1]", "[source/reprot#p1]", 1)}},
			at:    "a.yaml:11:12",
			want:  `citation of unknown source "source/reprot": did you mean source/report? If not, add it under sources:`,
		},
		{
			name:  "reference to an entity of the wrong type",
			files: []namedFile{{"a.yaml", malformedCharge + "    defendant: case/a\n    status: brought\n    cite: [source/report#p1]\n"}},
			at:    "a.yaml:20:16",
			want:  "defendant of charge/a: case/a is a Case, want Person",
		},
		{
			name:  "unknown relation type",
			files: []namedFile{{"a.yaml", malformedPerson + "relations:\n  - type: ACCUSED_IN\n    from: person/a\n    to: person/a\n    cite: [source/report#p1]\n"}},
			at:    "a.yaml:13:11",
			want:  `unknown relation type "ACCUSED_IN": want one of LEADS, MEMBER_OF`,
		},
		{
			name:  "relation end of a type the relation does not join",
			files: []namedFile{{"a.yaml", malformedPerson + "relations:\n  - type: DEFENDANT_IN\n    from: person/a\n    to: person/a\n    cite: [source/report#p1]\n"}},
			at:    "a.yaml:15:9",
			want:  "to of DEFENDANT_IN: person/a is a Person, want Case",
		},
		{
			name:  "relation without a citation",
			files: []namedFile{{"a.yaml", malformedPerson + "relations:\n  - type: RELATIVE_OF\n    from: person/a\n    to: person/a\n"}},
			at:    "a.yaml:13:5",
			want:  "no citation",
		},
		{
			name: "same relation twice without ids",
			files: []namedFile{{"a.yaml", malformedPerson + "relations:\n" +
				"  - type: RELATIVE_OF\n    from: person/a\n    to: person/a\n    cite: [source/report#p1]\n" +
				"  - type: RELATIVE_OF\n    from: person/a\n    to: person/a\n    cite: [source/report#p2]\n"}},
			at:   "a.yaml:17:5",
			want: "a relation RELATIVE_OF:person/a->person/a is stated twice; give each an id (rel/...)",
		},
		{
			name: "same relation in two files",
			files: []namedFile{
				{"a.yaml", malformedPerson + "relations:\n  - type: RELATIVE_OF\n    from: person/a\n    to: person/a\n    cite: [source/report#p1]\n"},
				{"b.yaml", "version: 1\nrelations:\n  - type: RELATIVE_OF\n    from: person/a\n    to: person/a\n    cite: [source/report#p2]\n"},
			},
			at:   "b.yaml:3:5",
			want: "relation RELATIVE_OF:person/a->person/a is already stated at ",
		},
		{
			name:  "boolean given a string",
			files: []namedFile{{"a.yaml", malformedPerson + "    contested: \"yes\"\n"}},
			at:    "a.yaml:12:16",
			want:  `contested must be true or false, not "yes"`,
		},
		{
			name:  "malformed duration",
			files: []namedFile{{"a.yaml", malformedPerson + "  - id: restriction/a\n    type: Restriction\n    name: Ban\n    person: person/a\n    kind: travel-ban\n    duration: 5 years\n    cite: [source/report#p2]\n"}},
			at:    "a.yaml:17:15",
			want:  `duration: "5 years" is not a duration: want an ISO 8601 period such as P6Y`,
		},
		{
			name:  "addition to an unknown entity",
			files: []namedFile{{"a.yaml", malformedPerson + "additions:\n  - id: person/nobody\n    aliases: [N]\n    cite: [source/report#p2]\n"}},
			at:    "a.yaml:13:9",
			want:  `addition to unknown id "person/nobody"`,
		},
		{
			name:  "addition to an entity the file defines",
			files: []namedFile{{"a.yaml", malformedPerson + "additions:\n  - id: person/a\n    aliases: [A2]\n    cite: [source/report#p2]\n"}},
			at:    "a.yaml:13:9",
			want:  "person/a is defined in this file at 8:9",
		},
		{
			name: "addition without a citation",
			files: []namedFile{
				{"a.yaml", malformedPerson},
				{"b.yaml", "version: 2\nadditions:\n  - id: person/a\n    aliases: [A2]\n"},
			},
			at:   "b.yaml:3:5",
			want: "no citation",
		},
		{
			name: "addition of a field other than aliases",
			files: []namedFile{
				{"a.yaml", malformedPerson},
				{"b.yaml", "version: 2\nadditions:\n  - id: person/a\n    name: A2\n    cite: [source/report#p2]\n"},
			},
			at:   "b.yaml:4:5",
			want: `unknown field "name" for an addition`,
		},
		{
			name: "two additions to one entity",
			files: []namedFile{
				{"a.yaml", malformedPerson},
				{"b.yaml", "version: 2\nadditions:\n  - id: person/a\n    aliases: [A2]\n    cite: [source/report#p2]\n  - id: person/a\n    cite: [source/report#p3]\n"},
			},
			at:   "b.yaml:6:9",
			want: "person/a is already added to at 3:9",
		},
		{
			name: "addition to a source",
			files: []namedFile{
				{"a.yaml", malformedPerson},
				{"b.yaml", "version: 2\nadditions:\n  - id: source/report\n    aliases: [R]\n    cite: [source/report#p2]\n"},
			},
			at:   "b.yaml:3:9",
			want: "a source takes no additions",
		},
		{
			name: "addition citing a paragraph the source lacks",
			files: []namedFile{
				{"a.yaml", malformedPerson},
				{"b.yaml", "version: 2\nadditions:\n  - id: person/a\n    aliases: [A2]\n    cite: [source/report#p9]\n"},
			},
			at:   "b.yaml:5:12",
			want: "has only 3 paragraphs",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTestFile(t, filepath.Join(dir, "report.txt"), malformedReport)
			paths := make([]string, len(tt.files))
			for i, f := range tt.files {
				paths[i] = filepath.Join(dir, f.name)
				writeTestFile(t, paths[i], f.text)
			}
			_, err := Load(paths, Options{SourcesDir: dir})
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Load returned %v, want Problems", err)
			}
			// One mistake, one problem: a cascade of follow-on reports
			// would hide the cause.
			got := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
			if len(ps) != 1 {
				t.Fatalf("got %d problems, want 1 at %s:\n%s", len(ps), tt.at, got)
			}
			if !strings.HasPrefix(got, tt.at+": ") || !strings.Contains(ps[0].Message, tt.want) {
				t.Errorf("got\n%s\nwant a problem at %s saying %q", got, tt.at, tt.want)
			}
		})
	}
}

func writeTestFile(tb testing.TB, path, text string) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// A large file with an early syntax error is located as a small one is,
// though the search no longer tries every prefix of it.
func TestSyntaxErrorInALargeFile(t *testing.T) {
	file := func(entries int) []byte {
		return []byte("version: 1\nentities:\n  - id: person/a\n    aliases: [A, B\n" +
			strings.Repeat("  - id: person/b\n    name: B\n", entries))
	}
	small, large := file(10), file(40000) // over 1 MiB: past the search budget
	if len(large) <= syntaxSearchBudget/32 {
		t.Fatalf("the large file (%d bytes) is too small to exhaust the budget", len(large))
	}
	wantLine, wantCol := syntaxErrorAt(small)
	if line, col := syntaxErrorAt(large); line != wantLine || col != wantCol {
		t.Errorf("large file: error at %d:%d, small file: %d:%d", line, col, wantLine, wantCol)
	}
	if wantLine != 4 {
		t.Errorf("error at line %d, want 4, where the flow list opens and never closes", wantLine)
	}
}

// Text that would let a name pass for another, hide text or reorder what a
// reader sees is refused where it stands, as are values past their limit
// and links that are not web addresses.
func TestTextFieldsAreChecked(t *testing.T) {
	person := personB
	source := func(fields string) string { // source/b's own fields start at line 10
		return strings.Replace(malformedPerson, "entities:\n", "  - id: source/b\n    title: B\n    publisher: B\n"+fields+"entities:\n", 1)
	}
	tests := []struct {
		name, file string
		at         string // line:column of the one problem
		want       string
	}{
		{"zero-width space in a name", person(`    name: "Zhanbolat\u200bMamai"` + "\n"), "14:11", "name has U+200B at character 10, an invisible character"},
		{"right-to-left override in an alias", person("    name: B\n    aliases: [Mamai, \"\\u202eiamaM\"]\n"), "15:22", "aliases: an item has U+202E at character 1, a bidirectional control"},
		{"control character in a note", person("    name: B\n    note: \"a bell\\a\"\n"), "15:11", "note has U+0007 at character 7, a control character"},
		{"line break in a name", person("    name: \"Zhanbolat\\nMamai\"\n"), "14:11", "name has U+000A at character 10, a line break or tab"},
		{"no-break space in a name", person("    name: \"Zhanbolat\\u00a0Mamai\"\n"), "14:11", "a space other than the ordinary one"},
		{"Cyrillic letter in a Latin name", person("    name: Zhanbolat M\u0430mai\n"), "14:11", "mixes Latin and Cyrillic letters"},
		{"name too long", person("    name: " + strings.Repeat("A", 201) + "\n"), "14:11", "name is 201 characters long: at most 200 are allowed"},
		{"description too long", person("    name: B\n    description: " + strings.Repeat("a", 2001) + "\n"), "15:18", "description is 2001 characters long: at most 2000"},
		{"note too long", person("    name: B\n    note: " + strings.Repeat("a", 10001) + "\n"), "15:11", "note is 10001 characters long: at most 10000"},
		{"too many aliases", person("    name: B\n    aliases: [" + strings.Repeat("A, ", 100) + "A]\n"), "15:14", "aliases has 101 items: at most 100"},
		{"id too long", malformedPerson + "  - id: person/" + strings.Repeat("b", 200) + "\n    type: Person\n    name: B\n    cite: [source/report#p1]\n", "12:9", "id is 207 characters long: at most 200"},
		{"javascript: url", source("    url: javascript:alert(document.cookie)\n"), "10:10", `url "javascript:alert(document.cookie)" is not a web address: want http:// or https://`},
		{"data: url", source("    url: \"data:text/html,<script>alert(1)</script>\"\n"), "10:10", "is not a web address"},
		{"url without a host", source("    url: https:///report\n"), "10:10", "is not a web address"},
		{"url with a user before the host", source("    url: https://iphr.org@evil.example/report\n"), "10:10", "is not a web address"},
		{"long unknown value is cut short", person("    name: B\n    occupations: [" + strings.Repeat("x", 1000) + "]\n"), "15:19", `occupations "` + strings.Repeat("x", 64) + `"… is not allowed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantOneProblem(t, tt.file, tt.at, tt.want) })
	}
}

// wantOneProblem checks that a.yaml of content src has one problem, at
// line:column at, saying want.
func wantOneProblem(tb testing.TB, src, at, want string) {
	tb.Helper()
	_, err := Parse("a.yaml", []byte(src))
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 {
		tb.Fatalf("want one problem at %s, got %v", at, err)
	}
	if got := ps[0].String(); !strings.HasPrefix(got, "a.yaml:"+at+": ") || !strings.Contains(got, want) {
		tb.Errorf("got\n%s\nwant a problem at %s saying %q", got, at, want)
	}
}

// Notes and descriptions keep their line breaks and tabs; other text and
// web addresses in every form a source gives them are accepted.
func TestTextFieldsAccept(t *testing.T) {
	file := strings.Replace(malformedPerson, "    name: A\n", "    name: Жанболат Мамай\n    aliases: [Zhanbolat Mamai, Jañbolat Mamai, \"Мамай (Mamai)\"]\n"+
		"    description: |\n      One line.\n      \tAnother, indented by a tab.\n    note: \"Tab\\tand\\nline break; 10\\u00a0000 tenge.\"\n", 1)
	file = strings.Replace(file, "    file: report.txt\n", "    file: report.txt\n    url: HTTPS://example.org/%D0%BE%D1%82%D1%87%D0%B5%D1%82?id=1#p2\n", 1)
	f, err := Parse("a.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Batch.Entities[1].Props["description"]; got != "One line.\n\tAnother, indented by a tab.\n" {
		t.Errorf("description %q lost its line breaks or tab", got)
	}
}
