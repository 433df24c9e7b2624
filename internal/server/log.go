package server

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/casegraph/casegraph/internal/kg"
)

type infoKey struct{}

// requestInfo collects what the GraphQL layer learns about a request so the
// request's single log line can say it.
type requestInfo struct {
	operation  string
	errorCodes []string
	actor      string // the bearer token's name, never its text
	cost       int    // what graph.Limits measured, in cost units
}

func infoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(infoKey{}).(*requestInfo)
	return info
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush sends what was written: an event stream's events go out as they
// come (gqlgen's SSE transport asks for an http.Flusher, not a controller).
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// requestIDHeader carries a request's ID in its answer.
const requestIDHeader = "X-Request-ID"

// logRequests gives every request an ID, answered in X-Request-ID, and
// writes one structured line per request with its ID, duration and
// outcome, and counts the GraphQL requests in m.
//
// The ID is always made here, never taken from the client's own
// X-Request-ID: an ID a client chooses could repeat another request's and
// so tie its log lines to errors it did not cause, and would carry the
// client's text into the logs.
func logRequests(log *slog.Logger, m Metrics, tracer trace.Tracer, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := rand.Text()
		w.Header().Set(requestIDHeader, id)
		ctx, trips := kg.WithRoundTrips(kg.WithRequestID(r.Context(), id))
		info := &requestInfo{}
		ctx, span := startRequest(ctx, tracer, r)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(ctx, infoKey{}, info)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		outcome := "ok"
		switch {
		case sw.status >= 500:
			outcome = "server_error"
		case sw.status >= 400:
			outcome = "client_error"
		case len(info.errorCodes) > 0:
			outcome = "graphql_error"
		}
		took := time.Since(start)
		endRequest(span, sw.status, id, info)
		if r.URL.Path == "/graphql" {
			code := ""
			if len(info.errorCodes) > 0 {
				code = info.errorCodes[0]
			}
			m.Request(info.operation, outcome, code, sw.status, took)
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Int("bytes", sw.bytes),
			slog.Float64("duration_ms", float64(took.Microseconds())/1000),
			slog.String("outcome", outcome),
		}
		if info.operation != "" {
			attrs = append(attrs, slog.String("operation", info.operation))
		}
		if info.actor != "" {
			attrs = append(attrs, slog.String("actor", info.actor))
		}
		if len(info.errorCodes) > 0 {
			attrs = append(attrs, slog.Any("error_codes", info.errorCodes))
		}
		if info.cost > 0 {
			attrs = append(attrs, slog.Int("cost", info.cost))
		}
		if n := trips.Load(); n > 0 {
			attrs = append(attrs, slog.Int64("db_statements", n))
		}
		log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
	})
}

// requestIDs adds the ID of the request to every record logged under its
// context: the request's line, and the errors and warnings logged while
// answering it. When the request is traced, they name its trace too.
type requestIDs struct{ slog.Handler }

func (h requestIDs) Handle(ctx context.Context, r slog.Record) error {
	if id := kg.RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDs) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDs{h.Handler.WithAttrs(attrs)}
}

func (h requestIDs) WithGroup(name string) slog.Handler { return requestIDs{h.Handler.WithGroup(name)} }
