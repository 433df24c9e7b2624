package neo4jstore

import (
	"errors"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

func testRecord(kv ...any) *neo4j.Record {
	r := &neo4j.Record{}
	for i := 0; i < len(kv); i += 2 {
		r.Keys = append(r.Keys, kv[i].(string))
		r.Values = append(r.Values, kv[i+1])
	}
	return r
}

// wantColumnError fails unless err is an INTERNAL error whose cause names
// the column, the statement's purpose and the problem.
func wantColumnError(t *testing.T, err error, column, problem string) {
	t.Helper()
	var ce *ColumnError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v, want a ColumnError", err)
	}
	if kg.ErrorCode(err) != kg.Internal {
		t.Errorf("code %s, want INTERNAL", kg.ErrorCode(err))
	}
	if ce.Column != column || ce.What != "reading a test" || !strings.Contains(ce.Problem, problem) {
		t.Errorf("error %q, want column %s of reading a test: %s", err, column, problem)
	}
	// The column and the problem are for the log, not the client.
	if msg := kg.ErrorMessage(err); msg != "reading a test failed" {
		t.Errorf("client message %q, want reading a test failed", msg)
	}
}

func TestCol(t *testing.T) {
	rec := testRecord("name", "Mamai", "n", int64(3), "none", nil, "list", []any{"a", int64(1)})
	const what = "reading a test"

	if v, err := col[string](rec, what, "name"); err != nil || v != "Mamai" {
		t.Errorf("name: %q, %v", v, err)
	}
	if v, err := col[int64](rec, what, "n"); err != nil || v != 3 {
		t.Errorf("n: %d, %v", v, err)
	}

	t.Run("missing column", func(t *testing.T) {
		_, err := col[string](rec, what, "nmae")
		wantColumnError(t, err, "nmae", "missing: the statement returns list, n, name, none")
		_, _, err = optCol[string](rec, what, "nmae")
		wantColumnError(t, err, "nmae", "missing")
	})
	t.Run("wrong type", func(t *testing.T) {
		_, err := col[string](rec, what, "n")
		wantColumnError(t, err, "n", "a int64, want a string")
		_, _, err = optCol[int64](rec, what, "name")
		wantColumnError(t, err, "name", "a string, want a int64")
	})
	t.Run("null where not allowed", func(t *testing.T) {
		_, err := col[string](rec, what, "none")
		wantColumnError(t, err, "none", "null")
	})
	t.Run("null where allowed", func(t *testing.T) {
		v, ok, err := optCol[string](rec, what, "none")
		if err != nil || ok || v != "" {
			t.Errorf("optCol of null: %q, %v, %v; want \"\", false, nil", v, ok, err)
		}
		v, ok, err = optCol[string](rec, what, "name")
		if err != nil || !ok || v != "Mamai" {
			t.Errorf("optCol of a value: %q, %v, %v", v, ok, err)
		}
	})
	t.Run("list element of another type", func(t *testing.T) {
		_, err := listOf[string](rec, what, "list")
		wantColumnError(t, err, "list", "element 1 is a int64")
	})
}

func TestRowKeepsTheFirstFault(t *testing.T) {
	rec := testRecord("id", "person/a", "page", []any{
		map[string]any{"name": "A", "date": nil, "count": float64(2)},
		map[string]any{"nmae": "B", "date": "2022-03", "count": int64(1)},
	}, "note", nil)
	r := rowOf(rec, "reading a test")
	if r.str("id") != "person/a" || r.optStr("note") != "" || r.err() != nil {
		t.Fatalf("good columns: %v", r.err())
	}
	rows := r.rows("page")
	if rows[0].str("name") != "A" || rows[0].date("date") != nil || rows[0].num("count") != 2 || r.err() != nil {
		t.Fatalf("first map: %v", r.err())
	}
	if d := rows[1].date("date"); d == nil || d.Text != "2022-03" {
		t.Errorf("date: %v", d)
	}
	if rows[1].str("name") != "" {
		t.Error("a missing key read as a value")
	}
	rows[1].num("missing")
	wantColumnError(t, r.err(), "name", "missing: the statement returns count, date, nmae")

	t.Run("null where not allowed", func(t *testing.T) {
		r := rowOf(rec, "reading a test")
		r.str("note")
		wantColumnError(t, r.err(), "note", "null")
		r = rowOf(testRecord("n", nil), "reading a test")
		if _, ok := r.optNum("n"); ok || r.err() != nil {
			t.Errorf("optNum of null: %v, %v", ok, r.err())
		}
		r.num("n")
		wantColumnError(t, r.err(), "n", "null")
	})
	t.Run("null where allowed", func(t *testing.T) {
		r := rowOf(testRecord("l", nil, "s", nil), "reading a test")
		if l := r.optStrs("l"); l == nil || len(l) != 0 || r.optStr("s") != "" || r.err() != nil {
			t.Errorf("optStrs %v, err %v", l, r.err())
		}
	})
	t.Run("wrong type", func(t *testing.T) {
		r := rowOf(testRecord("flag", "yes"), "reading a test")
		r.flag("flag")
		wantColumnError(t, r.err(), "flag", "a string, want a bool")
	})
}

// Col exposes col to the external tests, which read real answers with it.
func Col[T any](rec *neo4j.Record, what, name string) (T, error) { return col[T](rec, what, name) }

// An entity's map must hold every field its selection asked of its type.
func TestProjectedNamesAMissingField(t *testing.T) {
	sel := &kg.Selection{ByType: map[kg.EntityType][]kg.SelectedField{
		kg.Person: {{Name: "__typename"}, {Name: "name"}, {Name: "occupations"}},
	}}
	good := map[string]any{"__typename": "Person", "id": "person/a", "name": "A", "occupations": []any{}}
	if err := projected(good, sel, "s0"); err != nil {
		t.Errorf("a whole entity: %v", err)
	}
	if err := projected(nil, sel, "s0"); err != nil {
		t.Errorf("no entity: %v", err)
	}
	// A court has no fields selected: its map holds only what every
	// entity's does.
	if err := projected(map[string]any{"__typename": "Court", "id": "court/a"}, sel, "s0"); err != nil {
		t.Errorf("a type the selection asks nothing of: %v", err)
	}
	delete(good, "occupations")
	var ce *ColumnError
	if err := projected(good, sel, "s0"); !errors.As(err, &ce) || !strings.Contains(ce.Problem, "the Person has no occupations") {
		t.Errorf("a missing field: %v", err)
	}
	if err := projected(map[string]any{"id": "person/a"}, sel, "s0"); !errors.As(err, &ce) || ce.Column != "__typename" {
		t.Errorf("no __typename: %v", err)
	}
}
