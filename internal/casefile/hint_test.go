package casefile

import (
	"strings"
	"testing"
)

// A value without quotes that holds a character YAML gives a meaning to is
// reported where the character stands (or the value starts), in words
// about what YAML made of it, with the line fixed by quotes.
func TestUnquotedValues(t *testing.T) {
	named := func(fields string) string { return personB("    name: B\n" + fields) } // from line 15
	tests := []struct {
		name, file string
		at         string // line:column of the one problem
		want       string
	}{
		// YAML cannot read these.
		{"a second colon", personB("    name: Mamai: leader\n"), "14:16",
			`not valid YAML: the value of name holds ": ", which YAML reads as the start of a field; put the value in quotes: name: "Mamai: leader"`},
		{"a colon at the end", personB("    name: Mamai:\n"), "14:16",
			`put the value in quotes: name: "Mamai:"`},
		{"a list and more", named("    description: [draft] report\n"), "15:18",
			`not valid YAML: the value of description starts with [, which YAML reads as the start of a list; put the value in quotes: description: "[draft] report"`},
		{"a group and more", personB("    name: {draft} Mamai\n"), "14:11",
			`the value of name starts with {, which YAML reads as the start of a group of fields; put the value in quotes: name: "{draft} Mamai"`},
		{"an at sign", personB("    name: @mamai\n"), "14:11",
			`not valid YAML: the value of name starts with @, which YAML reserves; put the value in quotes: name: "@mamai"`},
		{"a backquote", personB("    name: `Mamai`\n"), "14:11",
			"the value of name starts with `, which YAML reserves; put the value in quotes: name: \"`Mamai`\""},
		{"a percent sign", named("    note: %20 of the vote\n"), "15:11",
			`the value of note starts with %, which YAML reserves for directives; put the value in quotes: note: "%20 of the vote"`},
		{"an ampersand alone", personB("    name: & Co\n"), "14:11",
			`the value of name starts with &, which YAML reads as an anchor, a name for the value, and leaves out of it; put the value in quotes: name: "& Co"`},
		{"an asterisk", named("    note: *unconfirmed\n"), "15:11",
			`the value of note starts with *, which YAML reads as a reference to an anchor; put the value in quotes: note: "*unconfirmed"`},
		{"a bar with text after it", named("    note: | see below\n"), "15:11",
			`the value of note starts with |, which YAML reads as the start of text on the lines below; put the value in quotes: note: "| see below"`},
		{"a greater-than sign with text after it", named("    note: > 5 years\n"), "15:11",
			`the value of note starts with >, which YAML reads as the start of text on the lines below; put the value in quotes: note: "> 5 years"`},
		{"a dash and a space", personB("    name: - Mamai\n"), "14:11",
			`the value of name starts with -, which YAML reads as the start of a list item; put the value in quotes: name: "- Mamai"`},
		{"text after a closing quote", personB("    name: \"Mamai\" leader\n"), "14:11",
			`not valid YAML: the value of name goes on after its closing quote; put the value in quotes: name: '"Mamai" leader'`},
		{"a single quote not closed", personB("    name: 'Mamai\n"), "14:11",
			`not valid YAML: the value of name opens a quote (') that its line does not close; close it: name: 'Mamai'`},
		{"a tab in the indentation", named("\tnote: x\n"), "15:1",
			"not valid YAML: a tab in the indentation: YAML indents with spaces only"},
		{"an item with an at sign", named("    aliases: [Mamay, @mamai]\n"), "15:22",
			`not valid YAML: an item of aliases starts with @, which YAML reserves; put the item in quotes: aliases: [Mamay, "@mamai"]`},
		{"an item with a comment", named("    aliases: [Mamay, Mamai #1]\n"), "15:28",
			`not valid YAML: an item of aliases holds a # after a space, which YAML reads as the start of a comment; put the item in quotes: aliases: [Mamay, "Mamai #1"]`},
		{"an item with a quote not closed", named("    aliases: [Mamay, \"Mamai]\n"), "15:22",
			`an item of aliases opens a quote (") that its line does not close; close it: aliases: [Mamay, "Mamai"]`},
		{"an item with text after its quote", named("    aliases: [\"Mamay\" Zh., Mamai]\n"), "15:15",
			`an item of aliases goes on after its closing quote; put the item in quotes: aliases: ['"Mamay" Zh.', Mamai]`},
		{"in a list item", named("    aliases:\n      - Mamay\n      - @mamai\n"), "17:9",
			`the list item starts with @, which YAML reserves; put the item in quotes: - "@mamai"`},

		// YAML reads these, but not as the writer meant.
		{"a comment for a value", named("    note: #1 priority\n"), "15:11",
			`note has no value: a # after a space starts a comment, so YAML reads none; put the value in quotes: note: "#1 priority"`},
		{"a comment for a name", personB("    name: #1\n"), "14:11",
			`name has no value: a # after a space starts a comment, so YAML reads none; put the value in quotes: name: "#1"`},
		{"a list for a value", named("    description: [draft]\n"), "15:18",
			`description starts with [, which YAML reads as the start of a list; put the value in quotes: description: "[draft]"`},
		{"a group for a value", personB("    name: {Mamai}\n"), "14:11",
			`name starts with {, which YAML reads as the start of a group of fields; put the value in quotes: name: "{Mamai}"`},
		{"a field in a list in brackets", named("    aliases: [Mamay, Zh. Mamai: x]\n"), "15:31",
			`an item of aliases holds ": ", which YAML reads as the start of a field; put the item in quotes: aliases: [Mamay, "Zh. Mamai: x"]`},
		{"a field in a list", named("    aliases:\n      - Mamay\n      - Mamai: leader\n"), "17:14",
			`an item of aliases holds ": ", which YAML reads as the start of a field; put the item in quotes: - "Mamai: leader"`},
		{"an anchor", personB("    name: &Mamai leader\n"), "14:11",
			`name starts with &, which YAML reads as an anchor, a name for the value, and leaves out of it; put the value in quotes: name: "&Mamai leader"`},
		{"a tag", personB("    name: !important Mamai\n"), "14:11",
			`name starts with !, which YAML reads as a tag, a type for the value, and leaves out of it; put the value in quotes: name: "!important Mamai"`},
		{"an anchor in a list", named("    aliases: [Mamay, &x Mamai]\n"), "15:22",
			`an item of aliases starts with &, which YAML reads as an anchor, a name for the value, and leaves out of it; put the item in quotes: aliases: [Mamay, "&x Mamai"]`},
		{"a long value is cut short in the fix", named("    note: [" + strings.Repeat("a", 70) + "] b\n"), "15:11",
			`put the value in quotes: note: "[` + strings.Repeat("a", 59) + `…"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantOneProblem(t, tt.file, tt.at, tt.want) })
	}
}

// Values in quotes, and characters that YAML gives a meaning to only at
// the start of a value or before a space, draw no hint.
func TestQuotedValuesDrawNoHint(t *testing.T) {
	file := strings.Replace(malformedPerson, "    name: A\n", "    name: \"Mamai: leader\"\n"+
		"    aliases: ['[draft] report', \"@mamai\", \"Zh. Mamai: x\", a-b, Mamai#1, 'it''s', \"say \\\"hi\\\"\", x:y]\n"+
		"    description: |\n      Text: with a colon.\n    note: \"#1 priority\" # a comment\n", 1)
	if _, err := Parse("a.yaml", []byte(file)); err != nil {
		t.Fatal(err)
	}
}
