package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

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

// logRequests writes one structured line per request with its duration and
// outcome.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx, trips := kg.WithRoundTrips(r.Context())
		info := &requestInfo{}
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
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Int("bytes", sw.bytes),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
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
		log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}
