package server

import (
	"fmt"
	"testing"
	"time"
)

// clock is a time the test moves by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestRateLimiterRefills(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	l := newRateLimiter(2, 3) // 2 per second, bursts of 3
	l.now = c.now
	steps := []struct {
		advance time.Duration
		want    bool
	}{
		{0, true}, {0, true}, {0, true}, // the burst
		{0, false},
		{500 * time.Millisecond, true}, // one token back
		{0, false},
		{10 * time.Second, true}, // full again, but no more than the burst
		{0, true}, {0, true}, {0, false},
	}
	for i, s := range steps {
		c.advance(s.advance)
		ok, wait := l.allow("k")
		if ok != s.want {
			t.Fatalf("step %d: allowed %v, want %v", i, ok, s.want)
		}
		if !ok && (wait <= 0 || wait > 500*time.Millisecond) {
			t.Errorf("step %d: wait %v, want up to one token's time", i, wait)
		}
	}
}

func TestRateLimiterBoundsItsMemory(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	l := newRateLimiter(1, 2)
	l.now = c.now
	l.maxKeys = 100
	for i := range 50 {
		l.allow(fmt.Sprint("idle-", i))
	}
	c.advance(2 * time.Second) // the idle clients' buckets are full again
	// A busy client drains its bucket.
	l.allow("busy")
	l.allow("busy")
	for i := range 1000 {
		l.allow(fmt.Sprint("new-", i))
		if n := len(l.buckets); n > l.maxKeys {
			t.Fatalf("after %d new clients the limiter holds %d, over its bound of %d", i+1, n, l.maxKeys)
		}
	}
	for i := range 50 {
		if _, ok := l.buckets[fmt.Sprint("idle-", i)]; ok {
			t.Fatalf("idle-%d survived, though forgetting it loses nothing", i)
		}
	}
}

func TestRateLimiterKeepsABusyClientThroughASweep(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	l := newRateLimiter(1, 2)
	l.now = c.now
	l.maxKeys = 3
	l.allow("a")
	l.allow("b")
	c.advance(2 * time.Second)
	l.allow("busy")
	l.allow("busy")
	l.allow("c") // the table is full: a and b are idle and go
	if ok, _ := l.allow("busy"); ok {
		t.Error("the sweep gave a drained client a fresh bucket")
	}
	if _, ok := l.buckets["a"]; ok {
		t.Error("idle client a was kept")
	}
}

// A client in debt (a request that cost more than a full bucket) is not
// forgotten as idle until its debt is repaid: forgetting it would give it
// a full bucket at once.
func TestRateLimiterRemembersADebt(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	l := newRateLimiter(1, 2)
	l.now = c.now
	l.maxKeys = 4
	if ok, _ := l.take("debtor", 2, 10); !ok {
		t.Fatal("a full bucket refused a request costing more than the burst")
	}
	c.advance(3 * time.Second) // longer than a bucket takes to fill from empty
	l.allow("a")
	l.allow("b")
	l.allow("c")
	c.advance(time.Second) // a, b and c are full again, the debtor 4 short of 0
	l.allow("d")           // the table is full: a, b and c go, the debtor stays
	if _, kept := l.buckets["debtor"]; !kept {
		t.Fatal("the debtor was forgotten")
	}
	if ok, wait := l.allow("debtor"); ok || wait < 4*time.Second {
		t.Errorf("allowed %v, wait %v: the debtor's debt was forgotten", ok, wait)
	}
}

// BenchmarkRateLimiter is what every request pays the limiter, spread over
// a thousand clients.
func BenchmarkRateLimiter(b *testing.B) {
	l := newRateLimiter(1e9, 100)
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprint("addr:10.0.", i/256, ".", i%256)
	}
	i := 0
	for b.Loop() {
		l.allow(keys[i%len(keys)])
		i++
	}
}
