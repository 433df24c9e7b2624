package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/casegraph/casegraph/internal/kg"
)

// ErrorPresenter shows domain errors with their message and their code in
// extensions.code. Anything else is logged and shown as INTERNAL, so no
// Cypher, driver message or stack trace reaches a client.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// Parse, validation and argument errors from gqlgen itself.
			return graphql.DefaultErrorPresenter(ctx, err)
		}
		e := graphql.DefaultErrorPresenter(ctx, err)
		code := kg.ErrorCode(err)
		e.Message = kg.ErrorMessage(err)
		e.Extensions = map[string]any{"code": string(code)}
		switch code {
		case kg.Internal:
			log.ErrorContext(ctx, "internal error", "path", e.Path.String(), "error", err.Error())
		case kg.Unavailable:
			log.WarnContext(ctx, "database unavailable", "path", e.Path.String(), "error", err.Error())
		case kg.Overloaded:
			log.WarnContext(ctx, "overloaded: every connection the API may use is busy", "path", e.Path.String())
		}
		return e
	}
}

// Recover turns a panic in a resolver into an INTERNAL error and logs the
// stack; the client sees neither.
func Recover(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		return kg.Errorf(kg.Internal, "internal error")
	}
}
