package neo4jstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// A real answer read by a column the statement does not return, or by a
// null one where a value is needed, is an INTERNAL error naming the
// column, not an empty string.
func TestMisspeltColumnIsAnError(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := context.Background()
	res, err := s.ReadQuery(ctx, "RETURN $name AS name, null AS note", map[string]any{"name": "Zhanbolat Mamai"})
	if err != nil || len(res.Records) != 1 {
		t.Fatalf("%v, %d rows", err, len(res.Records))
	}
	rec := res.Records[0]
	if name, err := neo4jstore.Col[string](rec, "reading a name", "name"); err != nil || name != "Zhanbolat Mamai" {
		t.Fatalf("name: %q, %v", name, err)
	}
	for column, problem := range map[string]string{
		"nmae": "missing: the statement returns name, note",
		"note": "null, want a value",
	} {
		name, err := neo4jstore.Col[string](rec, "reading a name", column)
		var ce *neo4jstore.ColumnError
		if !errors.As(err, &ce) || kg.ErrorCode(err) != kg.Internal || ce.Column != column || ce.Problem != problem {
			t.Errorf("%s: %q, %v; want an INTERNAL error: column %s: %s", column, name, err, column, problem)
		}
	}
}
