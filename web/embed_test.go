package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/web"
)

func get(t *testing.T, h http.Handler, path string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Result()
}

func TestHandlerServesThePageAndItsAssets(t *testing.T) {
	h := web.Handler()
	var page string
	for _, path := range []string{"/explore", "/explore/", "/explore?e=person/zhanbolat-mamai&s=person/zhanbolat-mamai"} {
		resp := get(t, h, path)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s = %d %s, want the page", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache (the page names hashed assets)", path, got)
		}
		page = string(body)
	}

	refs := regexp.MustCompile(`(?:src|href)="(/explore/assets/[^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 2 {
		t.Fatalf("the page names %d assets, want a script and a stylesheet:\n%s", len(refs), page)
	}
	for _, m := range refs {
		resp := get(t, h, m[1])
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", m[1], resp.StatusCode)
			continue
		}
		if got := resp.Header.Get("Cache-Control"); !strings.Contains(got, "immutable") {
			t.Errorf("GET %s: Cache-Control %q, want immutable", m[1], got)
		}
		ct := resp.Header.Get("Content-Type")
		if !strings.Contains(ct, "javascript") && !strings.Contains(ct, "css") {
			t.Errorf("GET %s: Content-Type %q", m[1], ct)
		}
	}

	for _, path := range []string{"/explore/nothing-here", "/explore/assets/nothing.js"} {
		if resp := get(t, h, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, resp.StatusCode)
		}
	}
}
