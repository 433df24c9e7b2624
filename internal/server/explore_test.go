package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/server"
)

// The explorer is mounted beside the API and GraphiQL, and needs no database
// to be served.
func TestExplorerIsMounted(t *testing.T) {
	h := server.New(server.Options{
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		Ready:      func(context.Context) error { return nil },
		Playground: true,
	})
	for path, want := range map[string]string{
		"/explore":                           `<div id="graph"`,
		"/explore/?s=person/zhanbolat-mamai": `<div id="graph"`,
		"/":                                  "graphiql",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET %s = %d, want 200 with %q", path, rec.Code, want)
		}
	}
}
