// Package server is casegraph's HTTP side: the GraphQL endpoint, GraphiQL
// with its assets embedded, CORS, security headers, rate limits, health
// checks and request logging. It imports the GraphQL layer (graph) and the
// domain (kg), never the store.
package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/trace"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/web"
)

// The limits every request must keep; docs/api.md explains them.
const (
	MaxBodyBytes = 1 << 20 // a request body
	MaxTokens    = 15000   // lexical tokens in a query
)

// Defaults of the limits Options may set.
const (
	DefaultMaxAnswerBytes    = 4 << 20 // an answer's JSON
	DefaultRequestStatements = 8       // one request's statements in flight
)

// Options configures the HTTP handler.
type Options struct {
	Resolver       *graph.Resolver
	Ready          func(ctx context.Context) error // answers whether the database answers
	Log            *slog.Logger
	CORSOrigins    []string // origins browsers may call the API from, compared exactly; none means none
	CORSHeaders    []string // request headers browsers may send besides corsHeaders
	Playground     bool
	RequestTimeout time.Duration

	// Authenticate returns the principal of a bearer token; nil means no
	// token is valid. ReadAccess is ReadOpen (or empty) when queries need
	// no token, ReadToken when they do.
	Authenticate func(ctx context.Context, token string) (kg.Principal, error)
	ReadAccess   string
	// TokenRecheck is how often the token of an open subscription stream
	// is checked again; 0 means DefaultTokenRecheck.
	TokenRecheck time.Duration

	// DisableIntrospection refuses __schema and __type queries.
	DisableIntrospection bool
	// RateLimit is the cost units per second each client may spend on
	// /graphql (a lookup by ID costs one; see graph.Limits), with bursts of
	// up to RateBurst; 0 turns the limit off.
	RateLimit float64
	RateBurst int

	// MaxCost is the most one operation may cost; 0 means
	// graph.DefaultLimits.MaxCost.
	MaxCost int
	// MaxAnswerBytes is the largest answer sent; a larger one is replaced
	// by an error. 0 means DefaultMaxAnswerBytes.
	MaxAnswerBytes int
	// RequestStatements is how many statements one request may have in
	// flight at once, its share of the Neo4j connections; 0 means
	// DefaultRequestStatements.
	RequestStatements int

	// Metrics receives what the handler measures; nil measures nothing.
	Metrics Metrics
	// Tracing, when set, gets a span for every request and for every root
	// field of its operation (trace.go); nil makes none.
	Tracing trace.TracerProvider
}

// The values of Options.ReadAccess, as config spells them.
const (
	ReadOpen  = "open"
	ReadToken = "token"
)

// New returns casegraph's HTTP handler.
func New(o Options) http.Handler {
	o.Log = slog.New(requestIDs{o.Log.Handler()})
	if o.Metrics == nil {
		o.Metrics = noMetrics{}
	}
	var limiter *rateLimiter
	if o.RateLimit > 0 {
		limiter = newRateLimiter(o.RateLimit, o.RateBurst)
		limiter.refused = o.Metrics.RateLimited
	}
	tracer := o.tracer()
	mux := http.NewServeMux()
	// Inside the timeout, so a slow token lookup cannot hold a request;
	// the rate limit after authentication, so it can count per token, and
	// before the body is read and the request's share of connections made,
	// so a client over its rate costs little.
	gql := graphQL(o, limiter)
	// Methods and media types no transport takes are refused first: they
	// cost nothing to tell apart.
	requests := acceptTransports(withTimeout(o.RequestTimeout, bearerAuth(o, limiter, rateLimit(limiter,
		withStatementShare(orDefault(o.RequestStatements, DefaultRequestStatements),
			limitBody(MaxBodyBytes, readBody(graphQLStatus(orDefault(o.MaxAnswerBytes, DefaultMaxAnswerBytes), gql))))))))
	subscriptions := streams(o, limiter, gql)
	mux.Handle("/graphql", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// An answer depends on the token's groups (docs/access.md): no
		// cache between here and the client may give it to another.
		w.Header().Add("Vary", "Authorization")
		if r.Header.Get("Authorization") != "" {
			w.Header().Set("Cache-Control", "private, no-store")
		}
		if isStream(r) {
			subscriptions.ServeHTTP(w, r)
			return
		}
		requests.ServeHTTP(w, r)
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", readyz(o.Ready))
	// The explorer is static and calls /graphql like any client, so it needs
	// no switch of its own: reads are guarded there.
	explorer := web.Handler()
	mux.Handle("GET "+web.Prefix, explorer)
	mux.Handle("GET "+web.Prefix+"/", explorer)
	if o.Playground {
		mux.Handle("GET /{$}", playgroundHandler())
		mux.Handle("GET /assets/", http.StripPrefix("/assets/", assetHandler()))
	}
	c := cors.New(cors.Options{
		AllowOriginFunc: exactOrigins(o.CORSOrigins),
		AllowedMethods:  []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:  append(slices.Clip(corsHeaders), o.CORSHeaders...),
		// rs/cors adds these to every answer to an allowed origin before
		// the mux runs, so the 429s and 503s of the limits inside it carry
		// them too.
		ExposedHeaders: []string{requestIDHeader, "Retry-After"},
		MaxAge:         600,
	})
	var routed http.Handler = mux
	if tracer != nil {
		routed = withRoute(mux)
	}
	return logRequests(o.Log, o.Metrics, tracer, securityHeaders(c.Handler(routed)))
}

// corsHeaders are the request headers browsers may always send: those
// the API reads, and the client-awareness headers Apollo Client sends
// when given a name and version, which would otherwise fail its preflight.
var corsHeaders = []string{"Content-Type", "Authorization", "Accept", "apollographql-client-name", "apollographql-client-version"}

// exactOrigins allows the listed origins and nothing else. rs/cors reads
// an empty AllowedOrigins as every origin and "*" or "https://*.x" in it as
// patterns; a function of our own keeps "none configured" meaning none.
func exactOrigins(origins []string) func(string) bool {
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		allowed[strings.ToLower(o)] = true
	}
	return func(origin string) bool { return allowed[strings.ToLower(origin)] }
}

func graphQL(o Options, limiter *rateLimiter) http.Handler {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: o.Resolver}))
	// The streams first: gqlgen answers with the first transport that
	// takes a request, and these take only what streams routes to them.
	srv.AddTransport(streamOnly{transport.Websocket{
		InitFunc:              webSocketInit(o, limiter),
		InitTimeout:           initTimeout,
		KeepAlivePingInterval: keepAlive, // graphql-ws
		PingPongInterval:      keepAlive, // graphql-transport-ws
		// A graphql-transport-ws client that answers no ping within two
		// intervals is gone: its socket is closed.
		MissingPongOk:    false,
		PayloadReadLimit: ptr(int64(MaxBodyBytes)),
		// streams checks the origin, against the CORS origins.
		Implementation: meteredSockets{transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{InsecureSkipVerify: true}}},
	}})
	srv.AddTransport(streamOnly{transport.SSE{KeepAlivePingInterval: keepAlive}})
	srv.AddTransport(transport.Options{AllowedMethods: strings.Split(allowedMethods, ", ")})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(postJSON{})
	srv.SetQueryCache(newMeteredCache[*ast.QueryDocument](cacheQueries, 1000, o.Metrics, nil))
	srv.SetParserTokenLimit(MaxTokens)
	srv.Use(getQueriesOnly{}) // before the limits, which spend the client's budget
	limits := graph.DefaultLimits
	limits.MaxCost = orDefault(o.MaxCost, limits.MaxCost)
	srv.Use(limits)
	srv.Use(streamsCarrySubscriptions{})
	if o.DisableIntrospection {
		srv.Use(noIntrospection{})
	} else {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: newMeteredCache(cachePersisted, 1000, o.Metrics, func(q string) int { return len(q) })})
	srv.SetErrorPresenter(graph.ErrorPresenter(o.Log))
	srv.SetRecoverFunc(graph.Recover(o.Log))
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp == nil {
			return nil // a subscription's end
		}
		noteAnswer(ctx, resp)
		if info := infoFrom(ctx); info != nil && graphql.HasOperationContext(ctx) {
			oc := graphql.GetOperationContext(ctx)
			info.operation = oc.OperationName
			if info.operation == "" && oc.Operation != nil {
				info.operation = oc.Operation.Name
			}
			noteOperationType(ctx, oc)
			info.cost, _ = graph.CostOf(oc)
			for _, e := range resp.Errors {
				code, _ := e.Extensions["code"].(string)
				if code == "" {
					code = "GRAPHQL_ERROR"
				}
				info.errorCodes = append(info.errorCodes, code)
			}
		}
		return resp
	})
	if tracer := o.tracer(); tracer != nil {
		srv.Use(rootFieldSpans{tracer})
	}
	// Inside the logging above, so the error it adds is counted.
	srv.Use(graph.SubscriptionEnds{})
	return srv
}

// readyz answers 200 when Neo4j answers within one second, 503 otherwise;
// the answer may be up to a second old.
func readyz(ready func(context.Context) error) http.HandlerFunc {
	var (
		mu   sync.Mutex
		at   time.Time
		last error
	)
	// One check a second answers every caller in between: readiness
	// probes, however many, cost Neo4j one query a second at most.
	check := func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(at) < time.Second {
			return last
		}
		last, at = ready(ctx), time.Now()
		return last
	}
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		if err := check(ctx); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": kg.ErrorMessage(err)})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	}
}

// limitBody refuses bodies over n bytes: at once when the length is
// declared, and by cutting the read short when it is not.
func limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			answerError(w, r, http.StatusRequestEntityTooLarge,
				fmt.Sprintf("the request body of %d bytes exceeds the limit of %d bytes", r.ContentLength, n),
				map[string]any{"code": string(kg.Invalid), "limit": "body", "max": n})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

// withStatementShare gives each request its share of the Neo4j
// connections: at most n of its statements run at once (kg.WithStatementShare).
func withStatementShare(n int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(kg.WithStatementShare(r.Context(), n)))
	})
}

// orDefault is n, or def when n is not set.
func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

func withTimeout(d time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", mediaJSON)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
