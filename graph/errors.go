package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"unicode"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/casegraph/casegraph/internal/kg"
)

// ErrorPresenter shows domain errors with their message and their code in
// extensions.code. Anything else is logged and shown as INTERNAL, so no
// Cypher, driver message or stack trace reaches a client. INTERNAL and
// UNAVAILABLE errors are logged with their cause and the request's ID,
// which the client gets in extensions.requestId to name the log line.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// Parse, validation and argument errors from gqlgen itself.
			// Those without a code (a persisted query's hash that does
			// not match, its extension malformed) refuse the request as
			// sent.
			e := withEnumValues(shorten(graphql.DefaultErrorPresenter(ctx, err)))
			if _, ok := e.Extensions["code"]; !ok {
				if e.Extensions == nil {
					e.Extensions = map[string]any{}
				}
				e.Extensions["code"] = string(kg.Invalid)
			}
			return e
		}
		// gqlgen's error and err may be one value, whose message is
		// replaced below: the cause is read first, from what it wraps.
		cause := err.Error()
		if gqlErr != nil {
			cause = gqlErr.Err.Error()
		}
		e := graphql.DefaultErrorPresenter(ctx, err)
		code := kg.ErrorCode(err)
		e.Message = kg.ErrorMessage(err)
		e.Extensions = map[string]any{"code": string(code)}
		if isMutation(ctx) {
			saved, retry := writeOutcome(code, kg.SavedOf(err))
			e.Extensions["saved"], e.Extensions["retry"] = saved, retry
		}
		if id := kg.RequestID(ctx); id != "" && LoggedCause(code) {
			e.Extensions["requestId"] = id
		}
		switch code {
		case kg.Internal:
			log.ErrorContext(ctx, "internal error", "path", e.Path.String(), "error", cause)
		case kg.Unavailable:
			log.WarnContext(ctx, "database unavailable", "path", e.Path.String(), "error", cause)
		case kg.Overloaded:
			log.WarnContext(ctx, "overloaded: every connection the API may use is busy", "path", e.Path.String())
		}
		return e
	}
}

// LoggedCause reports whether errors of a code are logged with a cause the
// client does not see, so the client is given the request's ID to name it.
func LoggedCause(code kg.Code) bool { return code == kg.Internal || code == kg.Unavailable }

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
var transient = map[kg.Code]bool{kg.Unavailable: true, kg.Overloaded: true, kg.RateLimited: true}

// shownOfRequest is the most characters of a message, or of one step of
// its path, that an error from the GraphQL parser or validator shows.
const shownOfRequest = 200

// shorten bounds what gqlgen's own errors repeat of the request. They name
// the field, argument or variable at fault, which a client needs, but may
// quote a whole token, a variable's value or an object's keys: those are
// cut short, and characters that do not print (controls, bidirectional
// and invisible formatting) are shown escaped, never as themselves.
func shorten(e *gqlerror.Error) *gqlerror.Error {
	e.Message = printable(e.Message)
	for i, step := range e.Path {
		if name, ok := step.(ast.PathName); ok {
			e.Path[i] = ast.PathName(printable(string(name)))
		}
	}
	return e
}

func printable(s string) string {
	var b strings.Builder
	n := 0
	for _, c := range s {
		if n++; n > shownOfRequest {
			b.WriteString("…")
			break
		}
		if unicode.IsPrint(c) {
			b.WriteRune(c)
		} else {
			q := strconv.QuoteRune(c)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}

// enumInMessage finds the enum a validation error is about, in each of the
// ways gqlparser names it: `Value "X" does not exist in "Kind" enum.`,
// `Enum "Kind" cannot represent non-enum value: "x".` and, for variables,
// `x is not a valid Kind`.
// The type may be written as in the schema, such as RestrictionKind!.
var enumInMessage = regexp.MustCompile(`"([\w!\[\]]+)" enum\.|^Enum "([\w!\[\]]+)" cannot|is not a valid (\w+)$`)

// withEnumValues adds to an error about a value that is not one of an
// enum's the values the enum has, so a misspelt restriction kind is
// answered with the right spelling rather than with a bare refusal.
func withEnumValues(e *gqlerror.Error) *gqlerror.Error {
	m := enumInMessage.FindStringSubmatch(e.Message)
	if m == nil {
		return e
	}
	def := parsedSchema.Types[strings.Trim(m[1]+m[2]+m[3], "[]!")]
	if def == nil || def.Kind != ast.Enum {
		return e
	}
	values := make([]string, len(def.EnumValues))
	for i, v := range def.EnumValues {
		values[i] = v.Name
	}
	e.Message = fmt.Sprintf("%s %s is one of %s.", strings.TrimSuffix(e.Message, "."), def.Name, strings.Join(values, ", "))
	return e
}
