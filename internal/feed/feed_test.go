package feed_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/feed"
	"github.com/casegraph/casegraph/internal/kg"
)

// source is a change feed in memory. commit records changes as a write of
// this process does; record as another process's write does, which wakes
// nobody.
type source struct {
	mu      sync.Mutex
	changes []kg.Change
	reads   int
	wake    chan struct{}
}

func newSource() *source { return &source{wake: make(chan struct{})} }

func (s *source) LatestChange(context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int64(len(s.changes)), nil
}

// ChangesAfter answers as the store does, with the changes its reader
// may see: a change whose After holds groups is restricted to them.
func (s *source) ChangesAfter(ctx context.Context, after int64, limit int) ([]kg.Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	sight := kg.SightOf(ctx)
	var out []kg.Change
	for _, c := range s.changes[min(int(after), len(s.changes)):] {
		groups, _ := c.After["groups"].([]string)
		if sight.Sees(groups) && len(out) < limit {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *source) Committed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wake
}

func (s *source) record(cs ...kg.Change) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cs {
		c.Feed = int64(len(s.changes) + 1)
		s.changes = append(s.changes, c)
	}
}

func (s *source) commit(cs ...kg.Change) {
	s.record(cs...)
	s.mu.Lock()
	close(s.wake)
	s.wake = make(chan struct{})
	s.mu.Unlock()
}

func (s *source) readCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

func next(t *testing.T, sub *feed.Subscription) kg.Change {
	t.Helper()
	select {
	case c, ok := <-sub.C:
		if !ok {
			t.Fatal("the subscription ended")
		}
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no change arrived")
	}
	return kg.Change{}
}

func ended(t *testing.T, sub *feed.Subscription) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-sub.C:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("the subscription did not end")
		}
	}
}

// A commit of this process wakes the reader at once: with a poll of an
// hour, the change still arrives.
func TestCommitWakesTheReader(t *testing.T) {
	src := newSource()
	src.record(kg.Change{Target: "person/before"})
	h := feed.New(src, feed.Options{Poll: time.Hour})
	defer h.Close()
	ch, err := h.Subscribe(t.Context(), "a", feed.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	src.commit(kg.Change{Target: "person/x", Op: "create", Actor: "ed"})
	if c := next(t, ch); c.Target != "person/x" || c.Actor != "ed" {
		t.Fatalf("got %+v, want the change committed after subscribing, not the one before", c)
	}
}

// Another process's change arrives by polling.
func TestPollingFindsOtherWrites(t *testing.T) {
	src := newSource()
	h := feed.New(src, feed.Options{Poll: 10 * time.Millisecond})
	defer h.Close()
	ch, err := h.Subscribe(t.Context(), "a", feed.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	src.record(kg.Change{Target: "person/y"})
	if c := next(t, ch); c.Target != "person/y" {
		t.Fatalf("got %+v", c)
	}
}

func TestFilter(t *testing.T) {
	src := newSource()
	h := feed.New(src, feed.Options{Poll: time.Hour})
	defer h.Close()
	byID, _ := h.Subscribe(t.Context(), "a", feed.Filter{IDs: []string{"person/a"}})
	byKind, _ := h.Subscribe(t.Context(), "a", feed.Filter{Kinds: []string{"Court"}})
	src.commit(
		kg.Change{Target: "person/b", Kind: "Person"},
		kg.Change{Target: "court/c", Kind: "Court"},
		kg.Change{Target: "rel/1", Kind: "MEMBER_OF", After: map[string]any{"from": "person/a", "to": "party/p"}},
		kg.Change{Target: "person/a", Kind: "Person"},
	)
	if c := next(t, byID); c.Target != "rel/1" {
		t.Fatalf("by ID: got %s first, want the relationship with person/a at an end", c.Target)
	}
	if c := next(t, byID); c.Target != "person/a" {
		t.Fatalf("by ID: got %s", c.Target)
	}
	if c := next(t, byKind); c.Target != "court/c" {
		t.Fatalf("by kind: got %s", c.Target)
	}
}

// Watching an entity by ID also gets what a case file adds to it (its
// aliases, their citations) and the judgements of whether it duplicates
// another, whose targets are IDs of their own.
func TestFilterByIDGetsAdditionsAndJudgements(t *testing.T) {
	src := newSource()
	h := feed.New(src, feed.Options{Poll: time.Hour})
	defer h.Close()
	watched, err := h.Subscribe(t.Context(), "a", feed.Filter{IDs: []string{"person/a"}})
	if err != nil {
		t.Fatal(err)
	}
	src.commit(
		kg.Change{Target: kg.AdditionID("cases/other.yaml", "person/b"), Kind: "Addition", After: map[string]any{"target": "person/b"}},
		kg.Change{Target: kg.AdditionID("cases/other.yaml", "person/a"), Kind: "Addition", After: map[string]any{"target": "person/a", "aliases": []any{"A."}}},
		kg.Change{Target: kg.AdditionID("cases/gone.yaml", "person/a"), Kind: "Addition", Op: "retract", Before: map[string]any{"target": "person/a"}},
		kg.Change{Target: "judgement/person/b person/c", Kind: "Judgement", After: map[string]any{"a": "person/b", "b": "person/c"}},
		kg.Change{Target: "judgement/person/c person/a", Kind: "Judgement", After: map[string]any{"a": "person/c", "b": "person/a"}},
		// An entity whose fields happen to be named as another kind's
		// entries is no addition.
		kg.Change{Target: "person/d", Kind: "Person", After: map[string]any{"target": "person/a"}},
		kg.Change{Target: "person/a", Kind: "Person"},
	)
	for _, want := range []string{kg.AdditionID("cases/other.yaml", "person/a"), kg.AdditionID("cases/gone.yaml", "person/a"), "judgement/person/c person/a", "person/a"} {
		if c := next(t, watched); c.Target != want {
			t.Fatalf("got %s, want %s", c.Target, want)
		}
	}
}

func TestLimits(t *testing.T) {
	src := newSource()
	h := feed.New(src, feed.Options{Poll: time.Hour, MaxSubscriptions: 3, ClientMax: 2})
	defer h.Close()
	ctx, cancel := context.WithCancel(t.Context())
	for range 2 {
		if _, err := h.Subscribe(ctx, "a", feed.Filter{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.Subscribe(t.Context(), "a", feed.Filter{}); kg.ErrorCode(err) != kg.RateLimited {
		t.Fatalf("a client's third subscription: %v, want RATE_LIMITED", err)
	}
	if _, err := h.Subscribe(t.Context(), "b", feed.Filter{}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Subscribe(t.Context(), "c", feed.Filter{}); kg.ErrorCode(err) != kg.Overloaded {
		t.Fatalf("the fourth subscription: %v, want OVERLOADED", err)
	}
	// Ending subscriptions frees their places.
	cancel()
	for h.Subscribers() > 1 {
		time.Sleep(time.Millisecond)
	}
	if _, err := h.Subscribe(t.Context(), "a", feed.Filter{}); err != nil {
		t.Fatal(err)
	}
}

// A subscriber that does not read is dropped when it falls Buffer changes
// behind; the others go on.
func TestSlowSubscriberIsDropped(t *testing.T) {
	src := newSource()
	h := feed.New(src, feed.Options{Poll: time.Hour, Buffer: 2})
	defer h.Close()
	slow, _ := h.Subscribe(t.Context(), "slow", feed.Filter{})
	fast, _ := h.Subscribe(t.Context(), "fast", feed.Filter{})
	for i := range 3 {
		src.commit(kg.Change{Target: "person/" + string(rune('a'+i))})
		next(t, fast)
	}
	// The fast one may have its third change before the hub comes to the
	// slow one: reading the slow one now would make room and keep it.
	for deadline := time.Now().Add(10 * time.Second); h.Subscribers() != 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the slow subscriber was not dropped")
		}
	}
	ended(t, slow)
	var behind feed.Behind
	if !errors.As(slow.Err(), &behind) || behind.Max != 2 {
		t.Fatalf("the slow subscription ended for %v, want falling 2 behind", slow.Err())
	}
	if n := h.Subscribers(); n != 1 {
		t.Fatalf("%d subscribers, want the one that reads", n)
	}
}

// The reader stops when the last subscriber leaves, and Close ends every
// subscription.
func TestReaderRunsOnlyWhileSubscribed(t *testing.T) {
	src := newSource()
	h := feed.New(src, feed.Options{Poll: time.Millisecond})
	ctx, cancel := context.WithCancel(t.Context())
	sub, _ := h.Subscribe(ctx, "a", feed.Filter{})
	if !h.Reading() {
		t.Fatal("a subscription is open and the reader does not run")
	}
	cancel()
	ended(t, sub)
	if sub.Err() != nil {
		t.Fatalf("a subscription its client ended reports %v", sub.Err())
	}
	// The reader, having seen nobody is left, stops: it reads no more,
	// and a commit does not start it again.
	for deadline := time.Now().Add(10 * time.Second); h.Reading(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the reader goes on with no subscriber")
		}
	}
	before := src.readCount()
	src.commit(kg.Change{Target: "person/z"})
	if h.Reading() || src.readCount() != before {
		t.Fatal("a commit with no subscriber started the reader")
	}
	other, _ := h.Subscribe(t.Context(), "a", feed.Filter{})
	h.Close()
	ended(t, other)
	if kg.ErrorCode(other.Err()) != kg.Unavailable {
		t.Fatalf("a subscription Close ended reports %v, want UNAVAILABLE", other.Err())
	}
	if _, err := h.Subscribe(t.Context(), "a", feed.Filter{}); kg.ErrorCode(err) != kg.Unavailable {
		t.Fatalf("subscribing after Close: %v, want UNAVAILABLE", err)
	}
}

// The reader reads once for each sight among the subscribers, as one of
// them: each gets the changes it may see, and no other.
func TestEachSightReadsItsOwn(t *testing.T) {
	src := newSource()
	h := feed.New(src, feed.Options{Poll: time.Hour})
	defer h.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	member := kg.WithPrincipal(ctx, kg.Principal{Name: "m", Role: kg.Reader, Groups: []string{"monitors"}})
	outsider, err := h.Subscribe(ctx, "a", feed.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	inside, err := h.Subscribe(member, "b", feed.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	src.commit(
		kg.Change{Target: "person/hidden", Kind: "Person", After: map[string]any{"groups": []string{"monitors"}}},
		kg.Change{Target: "person/open", Kind: "Person"},
	)
	if c := next(t, outsider); c.Target != "person/open" {
		t.Errorf("an outsider got %s", c.Target)
	}
	if c := next(t, inside); c.Target != "person/hidden" {
		t.Errorf("a member's first change is %s, want person/hidden", c.Target)
	}
	if c := next(t, inside); c.Target != "person/open" {
		t.Errorf("a member's second change is %s, want person/open", c.Target)
	}
	src.commit(kg.Change{Target: "person/open-2", Kind: "Person"})
	if c := next(t, outsider); c.Target != "person/open-2" {
		t.Errorf("an outsider got %s after the hidden change", c.Target)
	}
}
