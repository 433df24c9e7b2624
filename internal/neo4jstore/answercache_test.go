package neo4jstore

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
)

func TestAnswerCacheKeepsPerVersion(t *testing.T) {
	c := newAnswerCache(1000)
	a, leader := c.claim("q", 1, false)
	if !leader {
		t.Fatal("first claim must compute")
	}
	waiter, leader := c.claim("q", 1, false)
	if leader || waiter != a {
		t.Fatal("a second claim at the same version must wait for the first")
	}
	c.settle(a, "answer", 10, nil)
	<-waiter.done
	if got, leader := c.claim("q", 1, false); leader || got.value != "answer" {
		t.Error("a settled answer must be given again at its version")
	}
	if _, leader := c.claim("q", 2, false); !leader {
		t.Error("a newer version must compute again")
	}
	// An asker that read an older version than the one kept computes for
	// itself and leaves the newer answer in place.
	old, leader := c.claim("q", 1, false)
	if !leader {
		t.Fatal("an older version must compute")
	}
	c.settle(old, "older", 10, nil)
	if got := c.byKey["q"]; got.version != 2 {
		t.Errorf("kept version %d, want 2", got.version)
	}
}

func TestAnswerCacheIsBoundedByBytes(t *testing.T) {
	c := newAnswerCache(100)
	for _, k := range []string{"a", "b", "c"} {
		a, _ := c.claim(k, 1, false)
		c.settle(a, k, 25, nil)
	}
	c.claim("a", 1, false) // a is now the most recent
	x, _ := c.claim("d", 1, false)
	c.settle(x, "d", 25, nil)
	if got := c.size(); got != 100 {
		t.Errorf("holds %d bytes, want 100", got)
	}
	y, _ := c.claim("e", 1, false)
	c.settle(y, "e", 20, nil)
	if _, ok := c.byKey["b"]; ok {
		t.Error("the least recently used answer was not dropped")
	}
	if _, ok := c.byKey["a"]; !ok {
		t.Error("a recently used answer was dropped")
	}
	if got := c.size(); got > 100 {
		t.Errorf("holds %d bytes, more than its 100", got)
	}

	failed, _ := c.claim("f", 1, false)
	c.settle(failed, nil, 0, errors.New("boom"))
	if _, ok := c.byKey["f"]; ok {
		t.Error("a failed answer was kept")
	}
	big, _ := c.claim("big", 1, false)
	c.settle(big, "big", 26, nil)
	if _, ok := c.byKey["big"]; ok {
		t.Error("an answer of more than a quarter of the cache was kept")
	}
	if newAnswerCache(0) != nil {
		t.Error("a cache of size 0 must keep nothing")
	}
}

// A kept answer is a copy, and each answer given is another: changing one
// changes neither the kept one nor the next given.
func TestKeptValuesAreCopies(t *testing.T) {
	d := kg.Date{Text: "2022-03", Start: time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC)}
	orig := page[kg.Conviction]{Items: []kg.Conviction{{Person: "person/a", Date: &d, Restrictions: []string{"restriction/x"},
		Changes: []kg.SentenceChange{{Sentence: "sentence/s"}}}}, Total: 1}
	c := deepCopy(orig)
	if !reflect.DeepEqual(c, orig) {
		t.Fatalf("copy %+v differs from %+v", c, orig)
	}
	c.Items[0].Restrictions[0] = "changed"
	c.Items[0].Date.Text = "changed"
	c.Items[0].Changes[0].Sentence = "changed"
	if orig.Items[0].Restrictions[0] != "restriction/x" || orig.Items[0].Date.Text != "2022-03" || orig.Items[0].Changes[0].Sentence != "sentence/s" {
		t.Errorf("changing the copy changed the original: %+v", orig.Items[0])
	}
	var none []kg.GroupCount
	if deepCopy(none) != nil || deepCopy([]kg.GroupCount{}) == nil {
		t.Error("a copy must keep nil and empty apart")
	}
	m := map[[2]string]kg.Judgement{{"a", "b"}: {Verdict: "same"}}
	if got := deepCopy(m); !reflect.DeepEqual(got, m) {
		t.Errorf("map copy %+v, want %+v", got, m)
	}
	if n := sizeOf(orig); n < len("person/a")+len("restriction/x")+len("sentence/s") {
		t.Errorf("sizeOf %d is less than the strings it holds", n)
	}
}

// A list kept at a newer version than the asker read will do for it when
// it says so, and settled gives only answers computed without error.
func TestAnswerCacheOrNewerAndSettled(t *testing.T) {
	c := newAnswerCache(1 << 20)
	ctx := context.Background()
	if _, _, ok := c.settled(ctx, "q"); ok {
		t.Error("nothing kept yet")
	}
	a, _ := c.claim("q", 5, true)
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, ok := c.settled(gone, "q"); ok {
		t.Error("an answer being computed is not settled")
	}
	// One being computed is waited for.
	go func() {
		time.Sleep(10 * time.Millisecond)
		c.settle(a, "five", 10, nil)
	}()
	if v, version, ok := c.settled(ctx, "q"); !ok || v != "five" || version != 5 {
		t.Errorf("settled = %v, %d, %v", v, version, ok)
	}
	if got, leader := c.claim("q", 4, true); leader || got.value != "five" {
		t.Error("with orNewer, the answer at version 5 must do for version 4")
	}
	if _, leader := c.claim("q", 4, false); !leader {
		t.Error("without orNewer, version 4 must compute")
	}
	failed, _ := c.claim("f", 1, false)
	c.settle(failed, nil, 0, errors.New("no"))
	if _, _, ok := c.settled(ctx, "f"); ok {
		t.Error("a failed answer is not settled")
	}
}
