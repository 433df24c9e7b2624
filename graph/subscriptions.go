package graph

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/feed"
	"github.com/casegraph/casegraph/internal/kg"
)

// MaxWatchedIDs bounds the IDs one changes subscription names.
const MaxWatchedIDs = 100

type subscriberKey struct{}

// WithSubscriber names the client of ctx's subscriptions, so that the
// feed can bound how many each client holds open: the server names a
// token's holder by the token, anyone else by address.
func WithSubscriber(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, subscriberKey{}, client)
}

func (r *Resolver) changes(ctx context.Context, ids []string, types []model.EntityType, relTypes []model.RelationType) (<-chan *model.Change, error) {
	if r.Changes == nil {
		return nil, kg.Errorf(kg.Unavailable, "this server offers no subscriptions")
	}
	if len(ids) > MaxWatchedIDs {
		return nil, limitError("ids", len(ids), MaxWatchedIDs,
			fmt.Sprintf("changes names %d IDs, more than the %d one subscription may: subscribe by types, or open more subscriptions", len(ids), MaxWatchedIDs))
	}
	f := feed.Filter{IDs: ids}
	for _, t := range entityTypes(types) {
		f.Kinds = append(f.Kinds, string(t))
	}
	for _, t := range relTypes {
		f.Kinds = append(f.Kinds, string(t))
	}
	client, _ := ctx.Value(subscriberKey{}).(string)
	sub, err := r.Changes.Subscribe(ctx, client, f)
	if err != nil {
		return nil, err
	}
	end, _ := ctx.Value(endKey{}).(*subscriptionEnd)
	out := make(chan *model.Change)
	go func() {
		defer close(out)
		for c := range sub.C {
			select {
			case out <- changeModel(c):
			case <-ctx.Done():
				return
			}
		}
		if err := sub.Err(); err != nil && end != nil {
			end.set(endError(err))
		}
	}()
	return out, nil
}

// endError is what a client is told of why the feed ended its
// subscription.
func endError(err error) *gqlerror.Error {
	var behind feed.Behind
	if errors.As(err, &behind) {
		return &gqlerror.Error{Message: behind.Error(),
			Extensions: map[string]any{"code": string(kg.RateLimited), "limit": "behind", "max": behind.Max}}
	}
	return &gqlerror.Error{Message: kg.ErrorMessage(err), Extensions: map[string]any{"code": string(kg.ErrorCode(err))}}
}

type endKey struct{}

// subscriptionEnd is why a subscription's stream ended, when it was not
// the client's doing.
type subscriptionEnd struct {
	mu   sync.Mutex
	err  *gqlerror.Error
	sent bool
}

func (e *subscriptionEnd) set(err *gqlerror.Error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.err = err
}

// take returns the error once.
func (e *subscriptionEnd) take() *gqlerror.Error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sent {
		return nil
	}
	e.sent = true
	return e.err
}

// SubscriptionEnds tells a subscriber why the server ended its
// subscription, in a last answer with the error before the stream
// completes. gqlgen ends a subscription when its channel closes, with no
// way for the resolver to give a reason on every transport (its
// AddSubscriptionError is the WebSocket's only), so the reason is put
// where this extension, around the answers, finds it.
type SubscriptionEnds struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = SubscriptionEnds{}

func (SubscriptionEnds) ExtensionName() string                   { return "SubscriptionEnds" }
func (SubscriptionEnds) Validate(graphql.ExecutableSchema) error { return nil }

func (SubscriptionEnds) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, endKey{}, &subscriptionEnd{}))
}

func (SubscriptionEnds) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp != nil {
		return resp
	}
	if end, ok := ctx.Value(endKey{}).(*subscriptionEnd); ok {
		if err := end.take(); err != nil {
			return &graphql.Response{Errors: gqlerror.List{err}}
		}
	}
	return nil
}
