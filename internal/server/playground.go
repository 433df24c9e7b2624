package server

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strings"
)

// GraphiQL and React are embedded so the playground works without internet
// access: gqlgen's default page loads them from public CDNs.
//
//go:embed assets
var assets embed.FS

// The example queries open as GraphiQL's tabs, one per analyst question.
//
//go:embed examples/*.graphql
var examples embed.FS

// Example is one ready query.
type Example struct {
	Name  string // the file name without its extension
	Query string
}

// Examples returns the example queries in file order.
func Examples() []Example {
	names, _ := fs.Glob(examples, "examples/*.graphql")
	sort.Strings(names)
	out := make([]Example, 0, len(names))
	for _, n := range names {
		b, _ := examples.ReadFile(n)
		out = append(out, Example{Name: strings.TrimSuffix(path.Base(n), ".graphql"), Query: string(b)})
	}
	return out
}

func assetHandler() http.Handler {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	fileServer := http.FileServer(http.FS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The files carry their versions in the build; a day of caching is safe.
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fileServer.ServeHTTP(w, r)
	})
}

// page is GraphiQL 4 as gqlgen's playground package renders it, with the
// assets served by this binary and the examples as the default tabs.
var page = template.Must(template.New("graphiql").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>casegraph</title>
  <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
  <script src="/assets/react.production.min.js"></script>
  <script src="/assets/react-dom.production.min.js"></script>
  <link rel="stylesheet" href="/assets/graphiql.min.css">
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="/assets/graphiql.min.js"></script>
  <script>
    const examples = {{.Examples}};
    const params = new URLSearchParams(window.location.search);
    const tabs = examples.map(e => ({ query: e.Query }));
    if (params.get('query')) tabs.unshift({ query: params.get('query'), variables: params.get('variables') || undefined });
    // Subscriptions go over a WebSocket (graphql-transport-ws); the
    // headers editor's Authorization goes in its connection_init.
    const fetcher = GraphiQL.createFetcher({
      url: location.protocol + '//' + location.host + '/graphql',
      subscriptionUrl: (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + '/graphql',
    });
    ReactDOM.render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultTabs: tabs,
        defaultQuery: tabs[0] && tabs[0].query,
        isHeadersEditorEnabled: true,
        onEditQuery: q => { params.set('query', q); history.replaceState(null, '', '?' + params.toString()); },
      }),
      document.getElementById('graphiql'),
    );
  </script>
</body>
</html>
`))

// pageHTML is the rendered page, and pageScriptHashes the CSP hashes of
// its inline scripts, which the Content-Security-Policy allows by hash
// rather than allowing every inline script.
var pageHTML, pageScriptHashes = renderPage()

var inlineScriptRE = regexp.MustCompile(`(?s)<script>(.*?)</script>`)

func renderPage() (string, []string) {
	var buf strings.Builder
	if err := page.Execute(&buf, struct{ Examples []Example }{Examples()}); err != nil {
		panic(err) // the template and its data are fixed at build time
	}
	html := buf.String()
	var hashes []string
	for _, m := range inlineScriptRE.FindAllStringSubmatch(html, -1) {
		sum := sha256.Sum256([]byte(m[1]))
		hashes = append(hashes, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	return html, hashes
}

func playgroundHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(pageHTML))
	})
}
