package graph

import (
	"context"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/feed"
	"github.com/casegraph/casegraph/internal/kg"
)

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
	f := feed.Filter{IDs: ids}
	for _, t := range entityTypes(types) {
		f.Kinds = append(f.Kinds, string(t))
	}
	for _, t := range relTypes {
		f.Kinds = append(f.Kinds, string(t))
	}
	client, _ := ctx.Value(subscriberKey{}).(string)
	in, err := r.Changes.Subscribe(ctx, client, f)
	if err != nil {
		return nil, err
	}
	out := make(chan *model.Change)
	go func() {
		defer close(out)
		for c := range in {
			select {
			case out <- changeModel(c):
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
