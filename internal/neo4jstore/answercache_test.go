package neo4jstore

import (
	"errors"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func result(records int) *neo4j.EagerResult {
	return &neo4j.EagerResult{Records: make([]*neo4j.Record, records)}
}

func TestAnswerCacheKeepsPerVersion(t *testing.T) {
	c := newAnswerCache(2)
	a, leader := c.claim("q", 1)
	if !leader {
		t.Fatal("first claim must compute")
	}
	waiter, leader := c.claim("q", 1)
	if leader || waiter != a {
		t.Fatal("a second claim at the same version must wait for the first")
	}
	c.settle(a, result(1), nil)
	<-waiter.done
	if got, leader := c.claim("q", 1); leader || got.res == nil {
		t.Error("a settled answer must be given again at its version")
	}
	if _, leader := c.claim("q", 2); !leader {
		t.Error("a newer version must compute again")
	}
	// An asker that read an older version than the one kept computes for
	// itself and leaves the newer answer in place.
	old, leader := c.claim("q", 1)
	if !leader {
		t.Fatal("an older version must compute")
	}
	c.settle(old, result(1), nil)
	if got := c.byKey["q"]; got.version != 2 {
		t.Errorf("kept version %d, want 2", got.version)
	}
}

func TestAnswerCacheForgets(t *testing.T) {
	c := newAnswerCache(2)
	for _, k := range []string{"a", "b"} {
		a, _ := c.claim(k, 1)
		c.settle(a, result(1), nil)
	}
	c.claim("a", 1) // a is now the most recent
	x, _ := c.claim("c", 1)
	c.settle(x, result(1), nil)
	if _, ok := c.byKey["b"]; ok {
		t.Error("the least recently used answer was not dropped")
	}
	if _, ok := c.byKey["a"]; !ok {
		t.Error("a recently used answer was dropped")
	}

	failed, _ := c.claim("f", 1)
	c.settle(failed, nil, errors.New("boom"))
	if _, ok := c.byKey["f"]; ok {
		t.Error("a failed answer was kept")
	}
	big, _ := c.claim("big", 1)
	c.settle(big, result(maxKeptRecords+1), nil)
	if _, ok := c.byKey["big"]; ok {
		t.Error("an oversized answer was kept")
	}
	if newAnswerCache(0) != nil {
		t.Error("a cache of size 0 must keep nothing")
	}
}
