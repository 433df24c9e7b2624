package kg

import "context"

// GraphQL resolves the root fields of a request at the same time, so one
// request of many aliases would otherwise send as many statements at once
// and take every database connection the service has. A share caps how
// many of one request's statements run at a time: the rest wait for them,
// and other requests keep their connections.

type shareKey struct{}

// WithStatementShare returns a context under which storage runs at most n
// of the request's statements at a time; n < 1 sets no cap.
func WithStatementShare(ctx context.Context, n int) context.Context {
	if n < 1 {
		return ctx
	}
	return context.WithValue(ctx, shareKey{}, make(chan struct{}, n))
}

// AcquireStatement waits until the request of ctx may run one more
// statement, and returns the function that gives the place back once the
// statement has ended. Without a share in ctx it returns at once. It fails
// only when ctx ends first.
func AcquireStatement(ctx context.Context) (release func(), err error) {
	share, ok := ctx.Value(shareKey{}).(chan struct{})
	if !ok {
		return func() {}, nil
	}
	select {
	case share <- struct{}{}:
		return func() { <-share }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
