package server

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/time/rate"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/kg"
)

// maxRateKeys bounds how many clients the rate limiter remembers at once,
// so a flood of distinct addresses cannot grow its memory without end.
const maxRateKeys = 10000

// rateLimiter is a token bucket per client, counted in cost units (a
// lookup by ID costs one; graph.Limits measures the rest): each bucket
// holds up to burst units and refills at rate units per second. The
// buckets are x/time/rate's; the limiter keeps one per client, and bounds
// how many it remembers.
type rateLimiter struct {
	rate    float64
	burst   int
	maxKeys int
	now     func() time.Time
	// refused, when set, hears of each refusal and its stage.
	refused func(stage string)

	// mu makes looking at a bucket and spending from it one step.
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newRateLimiter(r float64, burst int) *rateLimiter {
	return &rateLimiter{
		rate: r, burst: max(burst, 1), maxKeys: maxRateKeys, now: time.Now,
		buckets: map[string]*rate.Limiter{},
	}
}

// allow takes one unit from key's bucket, what every request costs however
// early it is refused, or says how long until the bucket holds one again.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	return l.take(key, 1, 1)
}

// take spends amount from key's bucket if it holds at least need, or says
// how long until it does; need must not exceed the burst. The amount may
// exceed what the bucket holds, even the burst: the bucket then falls into
// debt, and the client waits until the debt is repaid.
func (l *rateLimiter) take(key string, need, amount int) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		l.makeRoom(now)
		b = rate.NewLimiter(rate.Limit(l.rate), l.burst)
		l.buckets[key] = b
	}
	if has := b.TokensAt(now); has < float64(need) {
		return false, time.Duration((float64(need) - has) / l.rate * float64(time.Second))
	}
	// A reservation takes at most a burst, however far into debt it leaves
	// the bucket; a larger amount is taken a burst at a time.
	for left := amount; left > 0; left -= l.burst {
		b.ReserveN(now, min(left, l.burst))
	}
	return true, 0
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
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.burst) {
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
//
// Every request costs one unit here, before its body is read, so even
// requests refused later are paid for; graph.Limits spends the rest of
// its cost, once it is measured, through the budget put in its context.
func rateLimit(l *rateLimiter, next http.Handler) http.Handler {
	if l == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := "addr:" + clientAddr(r)
		if p, ok := kg.PrincipalFrom(r.Context()); ok {
			key = "token:" + p.Name
		}
		ok, wait := l.allow(key)
		if ok {
			next.ServeHTTP(w, r.WithContext(graph.WithBudget(r.Context(), clientBudget{l, key})))
			return
		}
		refuseRate(w, r, l, wait)
	})
}

// refuseRate answers 429 to a client whose budget holds too little, saying
// when it will hold enough.
func refuseRate(w http.ResponseWriter, r *http.Request, l *rateLimiter, wait time.Duration) {
	l.refusal("request")
	secs := retrySeconds(wait)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	if r.ContentLength != 0 {
		// Keeping the connection would mean reading the body first, up to
		// 256 KB, for a request already refused; a client that floods pays
		// for a new connection instead.
		w.Header().Set("Connection", "close")
	}
	answerError(w, r, http.StatusTooManyRequests,
		fmt.Sprintf("rate limit of %s cost units per second exceeded: retry after %ds", l.rateText(), secs),
		map[string]any{"code": string(kg.RateLimited), "limit": "rate", "max": l.rate, "retryAfter": secs})
}

// clientBudget is one client's bucket, for graph.Limits to spend from.
type clientBudget struct {
	l   *rateLimiter
	key string
}

// Spend takes the rest of a request's cost, beyond the unit rateLimit
// took. The request may run when the bucket held its cost before that
// unit, or was full; otherwise it is refused, and the unit stays spent.
func (b clientBudget) Spend(cost int) *gqlerror.Error {
	if cost <= 1 {
		return nil
	}
	// A request that costs more than the burst needs a full bucket, and
	// leaves it in debt.
	rest := cost - 1
	ok, wait := b.l.take(b.key, min(rest, b.l.burst-1), rest)
	if ok {
		return nil
	}
	b.l.refusal("cost")
	// A retry pays rateLimit's unit again before this.
	secs := retrySeconds(wait + time.Duration(float64(time.Second)/b.l.rate))
	return &gqlerror.Error{
		Message: fmt.Sprintf("rate limit of %s cost units per second exceeded: this request costs %d (docs/api.md); retry after %ds",
			b.l.rateText(), cost, secs),
		Extensions: map[string]any{"code": string(kg.RateLimited), "limit": "rate", "max": b.l.rate, "cost": cost, "retryAfter": secs},
	}
}

func (l *rateLimiter) refusal(stage string) {
	if l.refused != nil {
		l.refused(stage)
	}
}

func (l *rateLimiter) rateText() string { return strconv.FormatFloat(l.rate, 'f', -1, 64) }

// retrySeconds is a wait as Retry-After gives it: whole seconds, at least one.
func retrySeconds(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}

// clientAddr is the host of the connection's remote address.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
