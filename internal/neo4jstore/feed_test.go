package neo4jstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// The feed numbers changes in commit order, so reading after a number
// gives every change committed since, each once, whatever wrote it; and a
// commit of the store closes the channel Committed gave before it.
func TestChangeFeedFollowsCommits(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	ctx := context.Background()
	id := fmt.Sprintf("person/feed-%d", time.Now().UnixNano())
	t.Cleanup(func() {
		neo4jtest.Exec(t, uri, "MATCH (n:Entity {id: $id}) DETACH DELETE n", map[string]any{"id": id})
	})
	start, err := s.LatestChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	woken := s.Committed()
	e := kg.Entity{ID: id, Type: kg.Person, Props: map[string]any{"name": "Fed"}}
	if _, err := s.SaveEntity(ctx, e, nil, 0, kg.Edit{Actor: "feed-test"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-woken:
	default:
		t.Fatal("the commit did not close the channel Committed gave before it")
	}
	e.Props["description"] = "changed"
	if _, err := s.SaveEntity(ctx, e, nil, 1, kg.Edit{Actor: "feed-test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RetractEntity(ctx, id, 2, kg.Edit{Actor: "feed-test", Reason: "done"}); err != nil {
		t.Fatal(err)
	}

	// Other tests may write meanwhile: keep this entity's changes, which
	// must come in order, with rising numbers, each once.
	var ops []string
	last := start
	for after := start; ; {
		cs, err := s.ChangesAfter(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			break
		}
		for _, c := range cs {
			if c.Feed <= last {
				t.Fatalf("change %s numbered %d after %d", c.ID, c.Feed, last)
			}
			last = c.Feed
			if c.Target == id {
				ops = append(ops, fmt.Sprintf("%s v%d by %s", c.Op, c.Version, c.Actor))
			}
		}
		after = cs[len(cs)-1].Feed
	}
	want := "[create v1 by feed-test update v2 by feed-test retract v3 by feed-test]"
	if got := fmt.Sprint(ops); got != want {
		t.Fatalf("the feed holds %s of %s, want %s", got, id, want)
	}
	if end, err := s.LatestChange(ctx); err != nil || end < last {
		t.Fatalf("LatestChange %d (%v), want at least %d", end, err, last)
	}
}
