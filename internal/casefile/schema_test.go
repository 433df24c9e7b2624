package casefile

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite docs/casefile.schema.json from JSONSchema()")

const schemaPath = "../../docs/casefile.schema.json"

func TestSchemaFileIsCurrent(t *testing.T) {
	want, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(schemaPath, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatalf("%v; run go test ./internal/casefile -update", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/casefile.schema.json differs from JSONSchema(); run go test ./internal/casefile -update")
	}
}

func TestSchemaAcceptsBundledCaseFiles(t *testing.T) {
	sch := compileSchema(t)
	paths, err := Expand([]string{"../../data/cases"})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no bundled case files")
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(yamlValue(t, src)); err != nil {
				t.Errorf("the schema rejects a file the importer accepts:\n%v", err)
			}
		})
	}
}

// schemaBase is a valid case file; the cases below each break one thing.
const schemaBase = `version: 1
sources:
  - id: source/report
    title: A report
    publisher: Someone
entities:
  - id: person/a
    type: Person
    name: A
    occupations: [journalist]
    cite: [source/report#p1]
  - id: case/a
    type: Case
    name: Case against A
    cite: [source/report#p1]
  - id: charge/a
    type: Charge
    name: Charge against A
    case: case/a
    defendant: person/a
    status: brought
    date: 2022-03
    cite: [source/report#p2]
relations:
  - type: DEFENDANT_IN
    from: person/a
    to: case/a
    start: 2022
    cite: [source/report#p2]
`

func TestSchemaAndLoadAgree(t *testing.T) {
	sch := compileSchema(t)
	tests := []struct {
		name     string
		old, new string // a replacement in schemaBase
		want     string // in the schema's verdict; "" for a valid file
	}{
		{name: "valid"},
		{name: "unknown top-level field", old: "version: 1\n", new: "version: 1\nauthor: me\n", want: `additional properties 'author' not allowed`},
		{name: "wrong version", old: "version: 1", new: "version: 3", want: `value must be one of`},
		{name: "unknown entity field", old: "    name: A\n", new: "    name: A\n    age: 40\n", want: `additional properties 'age' not allowed`},
		{name: "field of another type", old: "    name: A\n", new: "    name: A\n    status: brought\n", want: `additional properties 'status' not allowed`},
		{name: "unknown entity type", old: "type: Case", new: "type: Trial", want: `at '/entities/1/type': value must be one of`},
		{name: "wrong enum value", old: "status: brought", new: "status: sentenced", want: `at '/entities/2/status': value must be one of`},
		{name: "wrong occupation", old: "[journalist]", new: "[astronaut]", want: `at '/entities/0/occupations/0': value must be one of`},
		{name: "id prefix of another type", old: "id: person/a", new: "id: party/a", want: `'party/a' does not match pattern '^person/`},
		{name: "malformed date", old: "date: 2022-03", new: "date: March 2022", want: `'March 2022' does not match pattern`},
		{name: "missing cite", old: "    status: brought\n    date: 2022-03\n    cite: [source/report#p2]\n", new: "    status: brought\n    date: 2022-03\n", want: `missing property 'cite'`},
		{name: "empty cite", old: "cite: [source/report#p2]\nrelations", new: "cite: []\nrelations", want: `at '/entities/2/cite': minItems`},
		{name: "malformed citation", old: "[source/report#p1]\n  - id: case/a", new: "[source/report-p1]\n  - id: case/a", want: `'source/report-p1' does not match pattern`},
		{name: "cite on a source", old: "publisher: Someone\n", new: "publisher: Someone\n    cite: [source/report#p1]\n", want: `at '/sources/0': additional properties 'cite' not allowed`},
		{name: "missing required field", old: "    status: brought\n", new: "", want: `missing property 'status'`},
		{name: "unknown relation type", old: "type: DEFENDANT_IN", new: "type: ACCUSED_IN", want: `at '/relations/0/type': value must be one of`},
		{name: "relation end of a wrong type", old: "from: person/a", new: "from: case/a", want: `'case/a' does not match pattern '^(person|group)/`},
		{name: "boolean given a string", old: "    name: A\n", new: "    name: A\n    contested: yes\n", want: `at '/entities/0/contested': got string, want boolean`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := schemaBase
			if tt.old != "" {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("the base document has no %q", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
			}
			schemaErr := sch.Validate(yamlValue(t, []byte(src)))
			path := filepath.Join(t.TempDir(), "case.yaml")
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, loadErr := Load([]string{path}, Options{})
			valid := tt.want == ""
			switch {
			case valid && schemaErr != nil:
				t.Errorf("the schema rejects a valid file: %v", schemaErr)
			case !valid && schemaErr == nil:
				t.Errorf("the schema accepts the file, want %q", tt.want)
			case !valid && !strings.Contains(schemaErr.Error(), tt.want):
				t.Errorf("the schema says\n%v\nwant %q", schemaErr, tt.want)
			}
			if got := loadErr == nil; got != valid {
				t.Errorf("Load says valid=%v, the schema valid=%v: %v", got, valid, loadErr)
			}
		})
	}
}

func compileSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	raw, err := JSONSchema()
	if err != nil {
		tb.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		tb.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("casefile.schema.json", doc); err != nil {
		tb.Fatal(err)
	}
	sch, err := c.Compile("casefile.schema.json")
	if err != nil {
		tb.Fatal(err)
	}
	return sch
}

// yamlValue decodes YAML into the values a JSON decoder would give, as an
// editor's YAML support does before it applies a JSON Schema.
func yamlValue(tb testing.TB, src []byte) any {
	tb.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		tb.Fatal(err)
	}
	b, err := json.Marshal(jsonCompatible(v))
	if err != nil {
		tb.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// jsonCompatible replaces the mappings with non-string keys that YAML
// allows by mappings JSON can hold.
func jsonCompatible(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = jsonCompatible(x)
		}
		return v
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[fmt.Sprint(k)] = jsonCompatible(x)
		}
		return m
	case []any:
		for i, x := range v {
			v[i] = jsonCompatible(x)
		}
		return v
	}
	return v
}
