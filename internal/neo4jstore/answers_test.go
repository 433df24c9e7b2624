package neo4jstore_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// keepingStore opens a store on the test Neo4j that keeps answers,
// with the bundled files imported.
func keepingStore(t *testing.T) *neo4jstore.Kept {
	t.Helper()
	s := neo4jtest.Store(t)
	neo4jtest.ImportBundled(t, s)
	return neo4jstore.Keep(s, 1<<20)
}

// graphVersion reads the graph version behind the store's back.
func graphVersion(t *testing.T) int64 {
	t.Helper()
	recs := neo4jtest.Exec(t, neo4jtest.URI(t), "OPTIONAL MATCH (g:GraphState {id: 'graph'}) RETURN coalesce(g.version, 0) AS v", nil)
	v, _ := recs[0].Get("v")
	return v.(int64)
}

func associatesOf(t *testing.T, s *neo4jstore.Kept, tag string) []kg.Associate {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := s.LaterChargedAssociates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mine []kg.Associate
	for _, a := range got {
		if strings.Contains(a.Associate, tag) {
			mine = append(mine, a)
		}
	}
	return mine
}

func TestKeptAnswerCostsOneReadOfTheVersion(t *testing.T) {
	s := keepingStore(t)
	f := kg.ConvictionFilter{Articles: []string{patArticle274}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	first, total, err := s.Convictions(ctx, f, 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, n := neo4jstore.WithStatementCounter(ctx)
	again, againTotal, err := s.Convictions(ctx, f, 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, first) || againTotal != total {
		t.Errorf("kept answer %d %+v differs from %d %+v", againTotal, again, total, first)
	}
	if got := n.Load(); got != 1 {
		t.Errorf("a kept answer sent %d statements, want 1 (the version)", got)
	}
}

func TestKeptAnswersFollowWrites(t *testing.T) {
	s := keepingStore(t)
	tag := "assoc-none"
	if got := associatesOf(t, s, tag); len(got) != 0 {
		t.Fatalf("before the import: %+v", got)
	}

	// An import raises the version: the kept answer is not given again.
	tag = importAssociates(t, s.Store)
	got := associatesOf(t, s, tag)
	if len(got) != 1 || got[0].Associate != "person/"+tag+"-b" {
		t.Fatalf("after the import: got %+v, want the associate the file states", got)
	}

	// So does an edit through the API.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.RetractEntity(ctx, "charge/"+tag+"-b", 0, kg.Edit{Actor: "test", Reason: "cache"}); err != nil {
		t.Fatal(err)
	}
	if got := associatesOf(t, s, tag); len(got) != 0 {
		t.Errorf("after retracting the charge: got %+v, want none", got)
	}
}

func TestConcurrentAskersShareOneStatement(t *testing.T) {
	s := keepingStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ctx, n := neo4jstore.WithStatementCounter(ctx)
	const askers = 8
	var wg sync.WaitGroup
	answers := make([][]kg.ArticlePair, askers)
	for i := range askers {
		wg.Go(func() {
			var err error
			if answers[i], err = s.ArticlePairs(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := 1; i < askers; i++ {
		if !reflect.DeepEqual(answers[i], answers[0]) {
			t.Errorf("asker %d got %+v, asker 0 %+v", i, answers[i], answers[0])
		}
	}
	if got := n.Load(); got != askers+1 {
		t.Errorf("%d askers sent %d statements, want one version read each and one question", askers, got)
	}
}
