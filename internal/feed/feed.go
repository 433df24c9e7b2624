// Package feed hands the graph's changes to subscribers as they commit. One
// reader per service follows the change feed the store keeps (every write,
// by this process or another, records its changes there, numbered in
// commit order), woken at once by this process's commits and otherwise
// polling, and fans each change out to the subscribers whose filter it
// passes. The store answers each read with the changes its reader may
// see, so the reader reads once for each sight among the subscribers
// (docs/access.md), as one of them. It imports only the domain.
package feed

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
)

// Source is the change feed as the hub reads it.
type Source interface {
	// LatestChange is the feed number of the last change recorded.
	LatestChange(ctx context.Context) (int64, error)
	// ChangesAfter returns up to limit changes numbered after after, in
	// order.
	ChangesAfter(ctx context.Context, after int64, limit int) ([]kg.Change, error)
	// Committed is closed when a write of this process next commits.
	Committed() <-chan struct{}
}

// Defaults of Options.
const (
	DefaultPoll             = 250 * time.Millisecond
	DefaultMaxSubscriptions = 1000
	DefaultClientMax        = 20
	DefaultBuffer           = 1024
)

// batch is how many changes one read of the feed takes; an import that
// records more is read in several.
const batch = 500

// Options configures a Hub; zero values take the defaults.
type Options struct {
	// Poll is how often the feed is read while anyone subscribes, for
	// changes other processes make; this process's own are read at once.
	Poll time.Duration
	// MaxSubscriptions bounds the subscriptions open at once, ClientMax
	// those of one client.
	MaxSubscriptions int
	ClientMax        int
	// Buffer is how many changes a subscriber may fall behind before it is
	// dropped: a client that does not read must not hold memory.
	Buffer int
	Log    *slog.Logger
}

// Filter chooses the changes a subscriber gets; an empty list allows all.
type Filter struct {
	// IDs are entities and relationships: a change to one of them passes,
	// and so does a change to a relationship with one of them at an end,
	// to what a case file adds to one of them (an Addition), or to a
	// judgement of whether one of them is a duplicate (a Judgement).
	IDs []string
	// Kinds are entity or relationship types, as kg.Change.Kind names them.
	Kinds []string
}

// ends are the entries of a change's snapshots that name the entities it
// concerns besides its target, by the change's kind.
var ends = map[string][]string{
	"Addition":  {"target"},
	"Judgement": {"a", "b"},
}

// relationshipEnds are those entries for every other kind: a
// relationship's snapshot names its ends, an entity's has neither.
var relationshipEnds = []string{"from", "to"}

// filter is a Filter as sets, built once per subscription: the reader
// tests every change against every subscriber's filter, under the hub's
// lock.
type filter struct {
	ids, kinds map[string]bool
}

func newFilter(f Filter) filter {
	set := func(list []string) map[string]bool {
		if len(list) == 0 {
			return nil
		}
		m := make(map[string]bool, len(list))
		for _, s := range list {
			m[s] = true
		}
		return m
	}
	return filter{ids: set(f.IDs), kinds: set(f.Kinds)}
}

func (f filter) passes(c kg.Change) bool {
	if f.kinds != nil && !f.kinds[c.Kind] {
		return false
	}
	if f.ids == nil || f.ids[c.Target] {
		return true
	}
	keys, ok := ends[c.Kind]
	if !ok {
		keys = relationshipEnds
	}
	for _, snap := range []map[string]any{c.Before, c.After} {
		for _, key := range keys {
			if id, ok := snap[key].(string); ok && f.ids[id] {
				return true
			}
		}
	}
	return false
}

// Hub is the one reader of the feed and its subscribers. The reader runs
// only while someone subscribes.
type Hub struct {
	src Source
	o   Options

	mu       sync.Mutex
	subs     map[*subscriber]struct{}
	clients  map[string]int
	running  bool
	cursors  map[string]int64 // the last change handed out, per sight
	closed   bool
	shutdown chan struct{}
}

type subscriber struct {
	client string
	filter filter
	ch     chan kg.Change
	sub    *Subscription
	// as reads the feed for the subscriber: its principal, whose sight
	// sight names.
	as    func(context.Context) context.Context
	sight string
}

// sightOf names the sight of ctx's principal, and gives a context that
// reads as it does.
func sightOf(ctx context.Context) (string, func(context.Context) context.Context) {
	p, ok := kg.PrincipalFrom(ctx)
	return kg.SightOf(ctx).Key(), func(c context.Context) context.Context {
		if ok {
			return kg.WithPrincipal(c, p)
		}
		return c
	}
}

// A Subscription is the changes that pass a subscriber's filter, in C,
// until C closes; Err then says why.
type Subscription struct {
	C   <-chan kg.Change
	err error // set before C closes
}

// Ended is a subscription that has ended for why, as a fake of a Hub
// returns it.
func Ended(why error) *Subscription {
	ch := make(chan kg.Change)
	close(ch)
	return &Subscription{C: ch, err: why}
}

// Err is nil when C closed because the subscriber's context ended, and
// otherwise what ended the subscription: the subscriber fell Buffer
// changes behind (RATE_LIMITED), or the hub closed (UNAVAILABLE). Call it
// only once C is closed.
func (s *Subscription) Err() error { return s.err }

// New returns a hub that reads src.
func New(src Source, o Options) *Hub {
	if o.Poll <= 0 {
		o.Poll = DefaultPoll
	}
	if o.MaxSubscriptions <= 0 {
		o.MaxSubscriptions = DefaultMaxSubscriptions
	}
	if o.ClientMax <= 0 {
		o.ClientMax = DefaultClientMax
	}
	if o.Buffer <= 0 {
		o.Buffer = DefaultBuffer
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Hub{src: src, o: o, subs: map[*subscriber]struct{}{}, clients: map[string]int{}, cursors: map[string]int64{}, shutdown: make(chan struct{})}
}

// Subscribe returns the changes that pass f, from those committed after
// it is called (or up to one poll before) until ctx ends, or until the
// subscriber falls Buffer changes behind or the hub closes. client names
// who subscribes, for ClientMax.
func (h *Hub) Subscribe(ctx context.Context, client string, f Filter) (*Subscription, error) {
	// The first subscriber of a sight starts its reads from the feed's
	// end, read before it returns so no change committed after Subscribe
	// returns is missed; the read may take seconds when Neo4j is slow, so
	// the lock is not held meanwhile.
	sight, as := sightOf(ctx)
	var head int64
	for read := false; ; read = true {
		h.mu.Lock()
		if err := h.admit(client); err != nil {
			h.mu.Unlock()
			return nil, err
		}
		if _, known := h.cursors[sight]; known || read {
			break
		}
		h.mu.Unlock()
		var err error
		if head, err = h.latest(ctx); err != nil {
			return nil, err
		}
	}
	defer h.mu.Unlock()
	if _, known := h.cursors[sight]; !known {
		h.cursors[sight] = head
	}
	if !h.running {
		h.running = true
		go h.run()
	}
	ch := make(chan kg.Change, h.o.Buffer)
	s := &subscriber{client: client, filter: newFilter(f), ch: ch, sub: &Subscription{C: ch}, sight: sight, as: as}
	h.subs[s] = struct{}{}
	h.clients[client]++
	go func() {
		select {
		case <-ctx.Done():
		case <-h.shutdown:
		}
		h.mu.Lock()
		h.drop(s, nil)
		h.mu.Unlock()
	}()
	return s.sub, nil
}

// admit refuses a subscription the hub's state or bounds do not allow;
// h.mu is held.
func (h *Hub) admit(client string) error {
	switch {
	case h.closed:
		return errClosed
	case len(h.subs) >= h.o.MaxSubscriptions:
		return kg.Errorf(kg.Overloaded, "the service has %d subscriptions open, the most it takes; retry later", len(h.subs))
	case h.clients[client] >= h.o.ClientMax:
		return kg.Errorf(kg.RateLimited, "you have %d subscriptions open, the most one client may; end one before starting another", h.clients[client])
	}
	return nil
}

func (h *Hub) latest(ctx context.Context) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return h.src.LatestChange(ctx)
}

// drop ends a subscriber for why (nil when its context ended); h.mu is
// held.
func (h *Hub) drop(s *subscriber, why error) {
	if _, ok := h.subs[s]; !ok {
		return
	}
	delete(h.subs, s)
	if h.clients[s.client]--; h.clients[s.client] <= 0 {
		delete(h.clients, s.client)
	}
	if !h.reading(s.sight) {
		delete(h.cursors, s.sight)
	}
	s.sub.err = why
	close(s.ch)
}

var errClosed = kg.Errorf(kg.Unavailable, "the service is shutting down; subscribe again in a moment")

// Behind is why a subscriber was dropped that fell Max changes behind the
// feed: it did not read them as fast as they came.
type Behind struct{ Max int }

func (b Behind) Error() string {
	return fmt.Sprintf("this subscription fell %d changes behind the feed and was ended: read faster, or subscribe to fewer changes, then subscribe again", b.Max)
}

// Reading says whether the reader runs: it stops once nobody subscribes.
func (h *Hub) Reading() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.running
}

// Subscribers is how many subscriptions are open.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Close ends every subscription and the reader.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.shutdown)
		for s := range h.subs {
			h.drop(s, errClosed)
		}
	}
}

// run reads the feed while anyone subscribes.
func (h *Hub) run() {
	failing := false
	for {
		// Taken before the read, so a commit during it wakes the next wait.
		wake := h.src.Committed()
		h.mu.Lock()
		if len(h.subs) == 0 || h.closed {
			h.running = false
			h.mu.Unlock()
			return
		}
		// One read for each sight, as one of its subscribers.
		reads := map[string]func(context.Context) context.Context{}
		for s := range h.subs {
			reads[s.sight] = s.as
		}
		cursors := make(map[string]int64, len(reads))
		for sight := range reads {
			cursors[sight] = h.cursors[sight]
		}
		h.mu.Unlock()

		full, failed := false, error(nil)
		for sight, as := range reads {
			ctx, cancel := context.WithTimeout(as(context.Background()), 5*time.Second)
			changes, err := h.src.ChangesAfter(ctx, cursors[sight], batch)
			cancel()
			if err != nil {
				failed = err
				continue
			}
			h.deliver(sight, changes)
			full = full || len(changes) == batch
		}
		switch {
		case failed != nil && !failing:
			h.o.Log.Warn("cannot read the change feed; subscribers wait until it can be read", "error", failed.Error())
			failing = true
		case failed == nil && failing:
			h.o.Log.Info("the change feed can be read again")
			failing = false
		}
		if full {
			continue
		}
		timer := time.NewTimer(h.o.Poll)
		select {
		case <-wake:
		case <-timer.C:
		case <-h.shutdown:
		}
		timer.Stop()
	}
}

// reading reports whether a subscriber reads with sight; h.mu is held.
func (h *Hub) reading(sight string) bool {
	for s := range h.subs {
		if s.sight == sight {
			return true
		}
	}
	return false
}

// deliver hands changes read for a sight to its subscribers they pass.
// Only run calls it, and only one run is running: the cursors are its own.
func (h *Hub) deliver(sight string, changes []kg.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range changes {
		for s := range h.subs {
			if s.sight != sight || !s.filter.passes(c) {
				continue
			}
			select {
			case s.ch <- c:
			default:
				h.o.Log.Warn("a subscriber fell behind the change feed and was dropped", "client", s.client, "behind", h.o.Buffer)
				h.drop(s, Behind{Max: h.o.Buffer})
			}
		}
		if _, ok := h.cursors[sight]; ok {
			h.cursors[sight] = c.Feed
		}
	}
}
