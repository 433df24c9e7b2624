package server

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
)

// maxRateKeys bounds how many clients the rate limiter remembers at once,
// so a flood of distinct addresses cannot grow its memory without end.
const maxRateKeys = 10000

// rateLimiter is a token bucket per client: each holds up to burst
// requests and refills at rate per second.
type rateLimiter struct {
	rate    float64
	burst   float64
	maxKeys int
	now     func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(rate float64, burst int) *rateLimiter {
	return &rateLimiter{
		rate: rate, burst: float64(max(burst, 1)), maxKeys: maxRateKeys, now: time.Now,
		buckets: map[string]*bucket{},
	}
}

// allow takes one request from key's bucket, or says how long until the
// bucket holds one again.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		l.makeRoom(now)
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// makeRoom keeps the table under maxKeys. It first forgets clients idle
// long enough for their buckets to be full again, which loses nothing. If
// that is not enough it drops arbitrary clients down to three quarters of
// the bound, so the sweep is rare; a dropped client merely starts again
// with a full bucket.
func (l *rateLimiter) makeRoom(now time.Time) {
	if len(l.buckets) < l.maxKeys {
		return
	}
	refill := time.Duration(l.burst / l.rate * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.last) >= refill {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < l.maxKeys*3/4 {
			break
		}
		delete(l.buckets, k)
	}
}

// rateLimit answers 429 to a client over its rate. A client is the name
// of its bearer token when it sent a valid one, so one token is one budget
// wherever it is used from, and otherwise its address. X-Forwarded-For is
// not trusted: anyone can write it.
func rateLimit(l *rateLimiter, next http.Handler) http.Handler {
	if l == nil {
		return next
	}
	limit := strconv.FormatFloat(l.rate, 'f', -1, 64)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := "addr:" + clientAddr(r)
		if p, ok := kg.PrincipalFrom(r.Context()); ok {
			key = "token:" + p.Name
		}
		ok, wait := l.allow(key)
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		secs := max(1, int(math.Ceil(wait.Seconds())))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		answerError(w, r, http.StatusTooManyRequests,
			"rate limit of "+limit+" requests per second exceeded: retry after "+strconv.Itoa(secs)+"s",
			map[string]any{"code": "RATE_LIMITED", "limit": "rate", "max": l.rate})
	})
}

// clientAddr is the host of the connection's remote address.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
