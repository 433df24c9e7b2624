package neo4jstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// A write whose database stalls past the caller's deadline is answered as
// not saved, and then must never be saved: the client that was told so
// sends it again.
func TestWriteDuringAStallIsNotSavedLater(t *testing.T) {
	srv := neo4jtest.Launch(t)
	s := neo4jtest.StoreAt(t, srv.URI)
	person := func(id string) kg.Entity {
		return kg.Entity{ID: id, Type: kg.Person, Props: map[string]any{"name": "Stalled"},
			Citations: []kg.Citation{{Source: "source/x", Paragraph: 1}}}
	}
	// One write first, so the driver holds a connection that the stall
	// leaves open and silent.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.SaveEntity(ctx, person("person/before-the-stall"), nil, 0, kg.Edit{Actor: "test"}); err != nil {
		t.Fatal(err)
	}

	srv.Pause(t)
	stalled := fmt.Sprintf("person/stalled-%d", time.Now().UnixNano())
	wctx, wcancel := context.WithTimeout(context.Background(), 2*time.Second)
	_, err := s.SaveEntity(wctx, person(stalled), nil, 0, kg.Edit{Actor: "test"})
	wcancel()
	var e *kg.Error
	if !errors.As(err, &e) || e.Code != kg.Unavailable || e.Saved != kg.NotSaved {
		t.Fatalf("a write during the stall: %v (saved %q), want UNAVAILABLE and not saved", err, kg.SavedOf(err))
	}

	// Neo4j goes on: the transaction it held must end without a commit.
	srv.Resume(t)
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		recs := neo4jtest.Exec(t, srv.URI, "OPTIONAL MATCH (n:Entity {id: $id}) RETURN n IS NOT NULL AS saved", map[string]any{"id": stalled})
		if saved, _ := recs[0].Get("saved"); saved == true {
			t.Fatalf("the write answered as not saved was saved after the stall")
		}
		time.Sleep(500 * time.Millisecond)
	}
}
