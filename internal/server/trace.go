package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracerName names the handler's spans' instrumentation.
const tracerName = "github.com/casegraph/casegraph/internal/server"

// The handler makes two kinds of span when Options.Tracing is set: one
// per HTTP request (logRequests), and one per root field of a GraphQL
// operation (rootFieldSpans), under which the store's statement spans go.
// Without it, none of this runs.
//
// A request always starts a trace of its own: a traceparent header from
// the client is not followed, as its X-Request-ID is not, so that clients
// can neither choose trace IDs nor make the service keep traces it would
// have sampled out.

// tracer is the handler's tracer, nil when traces are off.
func (o Options) tracer() trace.Tracer {
	if o.Tracing == nil {
		return nil
	}
	return o.Tracing.Tracer(tracerName)
}

// startRequest starts the span of a request, or returns nil when tracer
// is nil or the request is a health check: probes come every few seconds
// and would bury the traces worth reading. Its name and most attributes
// wait until the request has been routed (withRoute) and answered
// (endRequest).
func startRequest(ctx context.Context, tracer trace.Tracer, r *http.Request) (context.Context, trace.Span) {
	if tracer == nil || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
		return ctx, nil
	}
	return tracer.Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(
			attribute.String("http.request.method", r.Method),
			attribute.String("url.path", r.URL.Path),
		))
}

// endRequest ends the span of a request that was answered with status.
func endRequest(span trace.Span, status int, id string, info *requestInfo) {
	if span == nil {
		return
	}
	attrs := []attribute.KeyValue{
		attribute.Int("http.response.status_code", status),
		attribute.String("casegraph.request_id", id),
	}
	if info.operation != "" {
		attrs = append(attrs, attribute.String("graphql.operation.name", info.operation))
	}
	if len(info.errorCodes) > 0 {
		attrs = append(attrs, attribute.StringSlice("casegraph.error_codes", info.errorCodes))
	}
	span.SetAttributes(attrs...)
	if status >= 500 {
		span.SetStatus(codes.Error, http.StatusText(status))
	}
	span.End()
}

// withRoute names the span of a request for the pattern that routes it,
// without the pattern's method.
func withRoute(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if span := trace.SpanFromContext(r.Context()); span.IsRecording() {
			if _, pattern := mux.Handler(r); pattern != "" {
				_, route, found := strings.Cut(pattern, " ")
				if !found {
					route = pattern
				}
				span.SetName(r.Method + " " + route)
				span.SetAttributes(attribute.String("http.route", route))
			}
		}
		mux.ServeHTTP(w, r)
	})
}

// noteOperationType puts the type of the operation answered on the
// request's span, when it has one that is recorded.
func noteOperationType(ctx context.Context, oc *graphql.OperationContext) {
	if oc.Operation == nil {
		return
	}
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.SetAttributes(attribute.String("graphql.operation.type", string(oc.Operation.Operation)))
	}
}

// rootFieldSpans gives each root field of an operation a span: the work of
// resolving it, nested fields and their statements included. Queries' and
// mutations' root fields come through InterceptRootField; a subscription's
// one field does not, and gets its span, around subscribing, through
// InterceptField.
type rootFieldSpans struct{ tracer trace.Tracer }

var _ interface {
	graphql.HandlerExtension
	graphql.RootFieldInterceptor
	graphql.FieldInterceptor
} = rootFieldSpans{}

func (rootFieldSpans) ExtensionName() string                   { return "RootFieldSpans" }
func (rootFieldSpans) Validate(graphql.ExecutableSchema) error { return nil }

func (e rootFieldSpans) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	rf := graphql.GetRootFieldContext(ctx)
	if rf == nil {
		return next(ctx)
	}
	ctx, span := e.start(ctx, rf.Field)
	defer span.End()
	out := next(ctx)
	e.failed(ctx, span, rf.Field.Alias)
	return out
}

func (e rootFieldSpans) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Object != "Subscription" {
		return next(ctx)
	}
	ctx, span := e.start(ctx, fc.Field)
	defer span.End()
	out, err := next(ctx)
	e.failed(ctx, span, fc.Field.Alias)
	return out, err
}

// start starts the span of a root field: named for the operation's type
// and the field, as in "query node".
func (e rootFieldSpans) start(ctx context.Context, field graphql.CollectedField) (context.Context, trace.Span) {
	kind := ""
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil {
		kind = string(oc.Operation.Operation)
	}
	return e.tracer.Start(ctx, strings.TrimSpace(kind+" "+field.Name), trace.WithAttributes(
		attribute.String("graphql.operation.type", kind),
		attribute.String("graphql.field.name", field.Name),
		attribute.String("graphql.field.alias", field.Alias),
	))
}

// failed marks the span of the root field answered under alias as failed
// when an error was reported at or under it, with the errors' codes.
func (rootFieldSpans) failed(ctx context.Context, span trace.Span, alias string) {
	var errorCodes []string
	for _, err := range graphql.GetErrors(ctx) {
		if len(err.Path) == 0 || err.Path[0] != ast.PathName(alias) {
			continue
		}
		code, _ := err.Extensions["code"].(string)
		if code == "" {
			code = "GRAPHQL_ERROR"
		}
		errorCodes = append(errorCodes, code)
	}
	if len(errorCodes) > 0 {
		span.SetAttributes(attribute.StringSlice("casegraph.error_codes", errorCodes))
		span.SetStatus(codes.Error, errorCodes[0])
	}
}
