package server_test

import (
	"encoding/json"
	"sync"
	"testing"
)

// The server keeps what it builds for a document it has seen. A document
// sent again with other variables must still be answered for them, where
// they size a nested list or include a nested field.
func TestRepeatedDocumentFollowsItsVariables(t *testing.T) {
	a := newAPI(t)
	const query = `query($n: Int, $full: Boolean!) {
		node(id: "person/zhanbolat-mamai") {
			... on Person {
				id
				name @include(if: $full)
				charges(first: $n) { id article @include(if: $full) { name } }
			}
		}
	}`
	type answer struct {
		Node struct {
			Name    *string
			Charges []struct {
				Article *struct{ Name string }
			}
		}
	}
	ask := func(n int, full bool) answer {
		t.Helper()
		r, _ := a.post(t, query, map[string]any{"n": n, "full": full})
		noErrors(t, r)
		var out answer
		if err := json.Unmarshal(r.Data, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	short := ask(1, false)
	if len(short.Node.Charges) != 1 || short.Node.Name != nil || short.Node.Charges[0].Article != nil {
		t.Fatalf("first: 1 without names: got %+v", short)
	}
	long := ask(10, true)
	if len(long.Node.Charges) < 2 {
		t.Fatalf("first: 10 after first: 1 answered %d charges", len(long.Node.Charges))
	}
	if long.Node.Name == nil || *long.Node.Name == "" {
		t.Errorf("@include(if: true) after false: name %v", long.Node.Name)
	}
	for i, c := range long.Node.Charges {
		if c.Article == nil || c.Article.Name == "" {
			t.Errorf("charge %d: article %+v, want its name", i, c.Article)
		}
	}
}

// A document without variables below its root field is answered the same
// way each time it is sent, whoever built what is kept for it.
func TestRepeatedDocumentAnswersAlike(t *testing.T) {
	a := newAPI(t)
	const query = `query($id: ID!) { node(id: $id) { ... on Person { name charges { id article { name } } } } }`
	first, _ := a.post(t, query, map[string]any{"id": "person/zhanbolat-mamai"})
	noErrors(t, first)
	other, _ := a.post(t, query, map[string]any{"id": "person/alnur-ilyashev"})
	noErrors(t, other)
	again, _ := a.post(t, query, map[string]any{"id": "person/zhanbolat-mamai"})
	noErrors(t, again)
	if string(first.Data) != string(again.Data) {
		t.Errorf("the same request answered\n%s\nthen\n%s", first.Data, again.Data)
	}
	if string(first.Data) == string(other.Data) {
		t.Errorf("two people answered alike: %s", first.Data)
	}
}

// Requests sharing what is kept for one document, at once, each get their
// own answer.
func TestKeptSelectionsUnderConcurrentRequests(t *testing.T) {
	a := newAPI(t)
	const query = `query($id: ID!) { node(id: $id) { ... on Person { id charges { id article { id } } } } }`
	ids := []string{"person/zhanbolat-mamai", "person/alnur-ilyashev"}
	want := map[string]string{}
	for _, id := range ids {
		r, _ := a.post(t, query, map[string]any{"id": id})
		noErrors(t, r)
		want[id] = string(r.Data)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 40)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 5 {
				id := ids[(i+j)%len(ids)]
				r, _ := a.post(t, query, map[string]any{"id": id})
				if len(r.Errors) > 0 || string(r.Data) != want[id] {
					errs <- id + ": " + string(r.Data)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
