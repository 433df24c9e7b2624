package server

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/99designs/gqlgen/graphql/playground"
)

// GraphiQL and React are embedded so the playground works without internet
// access: gqlgen's default page loads them from public CDNs.
//
//go:embed assets
var assets embed.FS

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

func playgroundHandler() http.Handler {
	return playground.Handler("casegraph", "/graphql",
		playground.WithGraphiqlVersion("/assets/graphiql.min.js", "/assets/graphiql.min.css", "", ""),
		playground.WithGraphiqlReactVersion("/assets/react.production.min.js", "/assets/react-dom.production.min.js", "", ""),
		playground.WithGraphiqlPersistStateInURL(true),
		playground.WithStoragePrefix("casegraph:"),
	)
}
