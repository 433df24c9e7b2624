package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
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
		if isMutation(ctx) {
			saved, retry := writeOutcome(code, kg.SavedOf(err))
			e.Extensions["saved"], e.Extensions["retry"] = saved, retry
		}
		switch code {
		case kg.Internal:
			log.ErrorContext(ctx, "internal error", "path", e.Path.String(), "error", err.Error())
		case kg.Unavailable:
			log.WarnContext(ctx, "database unavailable", "path", e.Path.String(), "error", err.Error())
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

func isMutation(ctx context.Context) bool {
	if !graphql.HasOperationContext(ctx) {
		return false
	}
	op := graphql.GetOperationContext(ctx).Operation
	return op != nil && op.Operation == ast.Mutation
}

// writeOutcome says, for an error of a mutation, whether its change was
// saved (NO, UNKNOWN or YES) and whether sending it again can help: SAFE
// when nothing was saved and the cause may pass (the database away or
// busy), SAME_KEY_ONLY when the change may have been saved (only a retry
// under the same idempotencyKey cannot make it twice), NO when the same
// request would fail again or the change was made.
func writeOutcome(code kg.Code, saved kg.Saved) (string, string) {
	switch saved {
	case kg.MaybeSaved:
		return "UNKNOWN", "SAME_KEY_ONLY"
	case kg.SavedAnyway:
		return "YES", "NO"
	}
	if transient[code] {
		return "NO", "SAFE"
	}
	return "NO", "NO"
}

// transient are the codes of failures that may pass by themselves.
var transient = map[kg.Code]bool{kg.Unavailable: true}
