package kg

import (
	"context"
	"sync/atomic"
)

type roundTripKey struct{}

// WithRoundTrips returns a context under which storage counts the
// statements it sends to the database, and the counter. The API logs it per
// request; tests use it to prove that no request grows with its results.
func WithRoundTrips(ctx context.Context) (context.Context, *atomic.Int64) {
	c := new(atomic.Int64)
	return context.WithValue(ctx, roundTripKey{}, c), c
}

// CountRoundTrip adds one to ctx's counter, if it has one.
func CountRoundTrip(ctx context.Context) {
	if c, ok := ctx.Value(roundTripKey{}).(*atomic.Int64); ok {
		c.Add(1)
	}
}
