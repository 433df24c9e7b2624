package kg

import "context"

type requestIDKey struct{}

// WithRequestID returns a context that carries the ID the service gave a
// request. The ID is in the request's log lines and in the answer, so a
// client reporting an error can name the lines that explain it.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the ID of ctx's request, or "" outside one.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
