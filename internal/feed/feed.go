// Package feed hands the graph's changes to subscribers as they commit. One
// reader per service follows the change feed the store keeps (every write,
// by this process or another, records its changes there, numbered in
// commit order), woken at once by this process's commits and otherwise
// polling, and fans each change out to the subscribers whose filter it
// passes. It imports only the domain.
package feed

import (
	"context"
	"log/slog"
	"slices"
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
	// IDs are entities and relationships: a change to one of them, or to
	// a relationship with one of them at an end, passes.
	IDs []string
	// Kinds are entity or relationship types, as kg.Change.Kind names them.
	Kinds []string
}

func (f Filter) passes(c kg.Change) bool {
	if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, c.Kind) {
		return false
	}
	if len(f.IDs) == 0 || slices.Contains(f.IDs, c.Target) {
		return true
	}
	for _, snap := range []map[string]any{c.Before, c.After} {
		for _, end := range []string{"from", "to"} {
			if id, ok := snap[end].(string); ok && slices.Contains(f.IDs, id) {
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
	cursor   int64 // the last change handed out
	closed   bool
	shutdown chan struct{}
}

type subscriber struct {
	client string
	filter Filter
	ch     chan kg.Change
}

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
	return &Hub{src: src, o: o, subs: map[*subscriber]struct{}{}, clients: map[string]int{}, shutdown: make(chan struct{})}
}

// Subscribe returns the changes that pass f, from those committed after
// it is called (or up to one poll before) until ctx ends. The channel is
// closed then, when the subscriber falls Buffer changes behind, or when
// the hub closes. client names who subscribes, for ClientMax.
func (h *Hub) Subscribe(ctx context.Context, client string, f Filter) (<-chan kg.Change, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.closed:
		return nil, kg.Errorf(kg.Unavailable, "the service is shutting down; subscribe again in a moment")
	case len(h.subs) >= h.o.MaxSubscriptions:
		return nil, kg.Errorf(kg.Overloaded, "the service has %d subscriptions open, the most it takes; retry later", len(h.subs))
	case h.clients[client] >= h.o.ClientMax:
		return nil, kg.Errorf(kg.RateLimited, "you have %d subscriptions open, the most one client may; end one before starting another", h.clients[client])
	}
	if !h.running {
		// The first subscriber starts the reader from the feed's end. It
		// waits for that read, under the lock, so no change committed
		// after Subscribe returns can be missed.
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		head, err := h.src.LatestChange(ctx)
		cancel()
		if err != nil {
			return nil, err
		}
		h.cursor, h.running = head, true
		go h.run()
	}
	s := &subscriber{client: client, filter: f, ch: make(chan kg.Change, h.o.Buffer)}
	h.subs[s] = struct{}{}
	h.clients[client]++
	go func() {
		select {
		case <-ctx.Done():
		case <-h.shutdown:
		}
		h.mu.Lock()
		h.drop(s)
		h.mu.Unlock()
	}()
	return s.ch, nil
}

// drop ends a subscriber; h.mu is held.
func (h *Hub) drop(s *subscriber) {
	if _, ok := h.subs[s]; !ok {
		return
	}
	delete(h.subs, s)
	if h.clients[s.client]--; h.clients[s.client] <= 0 {
		delete(h.clients, s.client)
	}
	close(s.ch)
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
			h.drop(s)
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
		after := h.cursor
		h.mu.Unlock()

		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		changes, err := h.src.ChangesAfter(ctx, after, batch)
		cancel()
		switch {
		case err != nil && !failing:
			h.o.Log.Warn("cannot read the change feed; subscribers wait until it can be read", "error", err.Error())
			failing = true
		case err == nil && failing:
			h.o.Log.Info("the change feed can be read again")
			failing = false
		}
		h.deliver(changes)
		if len(changes) == batch {
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

// deliver hands changes to the subscribers they pass. Only run calls it,
// and only one run is running: the cursor is its own.
func (h *Hub) deliver(changes []kg.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range changes {
		for s := range h.subs {
			if !s.filter.passes(c) {
				continue
			}
			select {
			case s.ch <- c:
			default:
				h.o.Log.Warn("a subscriber fell behind the change feed and was dropped", "client", s.client, "behind", h.o.Buffer)
				h.drop(s)
			}
		}
		h.cursor = c.Feed
	}
}
