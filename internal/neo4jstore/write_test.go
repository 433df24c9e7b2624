package neo4jstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// Writes while Neo4j stalls (SIGSTOP, as a stalled machine or a long pause
// of its JVM would). Whatever a write's error says of its change must be
// true once Neo4j goes on.
func TestWritesDuringAStallSayWhatHappened(t *testing.T) {
	srv := neo4jtest.Launch(t)
	person := func(id string) kg.Entity {
		return kg.Entity{ID: id, Type: kg.Person, Props: map[string]any{"name": "Stalled"},
			Citations: []kg.Citation{{Source: "source/x", Paragraph: 1}}}
	}
	saved := func(t *testing.T, id string) bool {
		recs := neo4jtest.Exec(t, srv.URI, "OPTIONAL MATCH (n:Entity {id: $id}) RETURN n IS NOT NULL AS saved", map[string]any{"id": id})
		s, _ := recs[0].Get("saved")
		return s == true
	}
	// open returns a store that already holds a connection, which the
	// stall leaves open and silent.
	open := func(t *testing.T) *neo4jstore.Store {
		s := neo4jtest.StoreAt(t, srv.URI)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		source := kg.Entity{ID: "source/x", Type: kg.Source, Props: map[string]any{"title": "X", "publisher": "Someone"}}
		if _, err := s.SaveEntity(ctx, source, nil, 0, kg.Edit{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
		// Under a key, so the statements of keyed writes are planned too.
		warm := fmt.Sprintf("person/warm-%d", time.Now().UnixNano())
		if _, err := s.SaveEntity(ctx, person(warm), nil, 0, kg.Edit{Actor: "test", Key: warm, Fingerprint: warm}); err != nil {
			t.Fatal(err)
		}
		return s
	}

	t.Run("before the commit: not saved, and never saved later", func(t *testing.T) {
		s := open(t)
		srv.Pause(t)
		id := fmt.Sprintf("person/stalled-%d", time.Now().UnixNano())
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := s.SaveEntity(ctx, person(id), nil, 0, kg.Edit{Actor: "test"})
		cancel()
		var e *kg.Error
		if !errors.As(err, &e) || e.Code != kg.Unavailable || e.Saved != kg.NotSaved {
			t.Fatalf("a write during the stall: %v (saved %q), want UNAVAILABLE and not saved", err, kg.SavedOf(err))
		}
		srv.Resume(t)
		if err := s.Close(context.Background()); err != nil { // lets the abandoned write end
			t.Fatal(err)
		}
		for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
			if saved(t, id) {
				t.Fatalf("the write answered as not saved was saved after the stall")
			}
		}
	})

	t.Run("during the commit: maybe saved, and a retry under its key makes it once", func(t *testing.T) {
		s := open(t)
		var once sync.Once
		paused := make(chan error, 1)
		t.Cleanup(func() { _, _ = srv.Signal(syscall.SIGCONT) })
		undo := neo4jstore.BeforeCommit(func() {
			once.Do(func() {
				_, err := srv.Signal(syscall.SIGSTOP)
				paused <- err
			})
		})
		defer undo()
		id := fmt.Sprintf("person/committing-%d", time.Now().UnixNano())
		edit := kg.Edit{Actor: "test", Key: "commit-stall-key", Fingerprint: "one request"}
		// Time enough to reach the commit on a busy machine; the stall
		// then outlasts it.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := s.SaveEntity(ctx, person(id), nil, 0, edit)
		cancel()
		select {
		case err := <-paused:
			if err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatal("the write never reached its commit")
		}
		var e *kg.Error
		if !errors.As(err, &e) || e.Code != kg.Unavailable || e.Saved != kg.MaybeSaved {
			t.Fatalf("a write whose commit stalled: %v (saved %q), want UNAVAILABLE and maybe saved", err, kg.SavedOf(err))
		}
		undo()
		srv.Resume(t)
		ctx, cancel = context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := s.SaveEntity(ctx, person(id), nil, 0, edit); err != nil {
			t.Fatalf("the retry under the same key: %v", err)
		}
		h, err := s.History(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 1 || !saved(t, id) {
			t.Errorf("after the retry the entity is saved %v with %d history records, want once", saved(t, id), len(h))
		}
	})
}
