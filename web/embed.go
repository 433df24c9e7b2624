// Package web holds the explorer, the graph view analysts open at /explore.
// Its sources are in src/ and are built with Vite (make ui) into dist/,
// which is committed and embedded here so that go build needs no Node.
// It imports only the standard library.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed dist
var dist embed.FS

// Prefix is where the explorer is mounted; the bundle's asset URLs assume it
// (base in vite.config.js).
const Prefix = "/explore"

// contentSecurityPolicy lets the page run its bundle, call /graphql and
// nothing else. Styles need 'unsafe-inline' because cytoscape adds a <style>
// element for its container; exports are data: and blob: URLs.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the explorer under Prefix: the page at /explore and
// /explore/ (with any query string, which holds the view's state), and its
// assets under /explore/assets/.
func Handler() http.Handler {
	files, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		panic(err) // make ui writes it; a build without it is broken
	}
	assets := http.FileServer(http.FS(files))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, Prefix)
		switch {
		case rest == "" || rest == "/" || rest == "/index.html":
			// The page names its assets by content hash, so it must be
			// revalidated while the assets can be kept for good.
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
			_, _ = w.Write(index)
		case strings.HasPrefix(rest, "/assets/"):
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			r2 := r.Clone(r.Context())
			r2.URL.Path = rest
			assets.ServeHTTP(w, r2)
		default:
			http.NotFound(w, r)
		}
	})
}
