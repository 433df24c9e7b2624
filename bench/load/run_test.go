package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHTTPTargetGetsTheURL(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.Path)
		if r.URL.Path != "/healthz" {
			http.Error(w, "no", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()

	do, done, err := sender("http", srv.URL+"/healthz", "")
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	if err := do(context.Background(), Request{Name: "node"}); err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || paths[0] != "GET /healthz" {
		t.Errorf("sent %v, want one GET /healthz", paths)
	}

	do, _, _ = sender("http", srv.URL+"/other", "")
	if err := do(context.Background(), Request{Name: "node"}); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("a 503 answered %v, want an error naming it", err)
	}
}
