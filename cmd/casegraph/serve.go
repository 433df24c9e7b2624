package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime/debug"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/config"
	"github.com/casegraph/casegraph/internal/feed"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/metrics"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/server"
	"github.com/casegraph/casegraph/internal/tracing"
)

// setup parses the command's flags and returns its configuration and logger.
// extra registers the command's own flags; commands without it take no
// arguments.
func setup(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (config.Config, *slog.Logger, []string, error) {
	fs := flag.NewFlagSet("casegraph "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	finish := config.Bind(fs, getenv)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return config.Config{}, nil, nil, err
	}
	if extra == nil && fs.NArg() > 0 {
		return config.Config{}, nil, nil, fmt.Errorf("%s takes no arguments, got %q", name, fs.Args())
	}
	cfg, err := finish()
	if err != nil {
		return config.Config{}, nil, nil, fmt.Errorf("configuration: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	return cfg, log, fs.Args(), nil
}

// openStore opens the store and waits until Neo4j answers.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*neo4jstore.Store, error) {
	return openStoreWith(ctx, cfg, log, nil, nil)
}

// openStoreWith is openStore with the metrics the store reports to and
// the tracer provider its statements' spans go to.
func openStoreWith(ctx context.Context, cfg config.Config, log *slog.Logger, m neo4jstore.Metrics, t trace.TracerProvider) (*neo4jstore.Store, error) {
	store, err := neo4jstore.Open(neo4jstore.Options{
		URI: cfg.Neo4jURI, User: cfg.Neo4jUser, Password: cfg.Neo4jPassword, Database: cfg.Neo4jDatabase,
		Connections: cfg.Neo4jConnections, Metrics: m, Tracing: t,
	})
	if err != nil {
		return nil, err
	}
	if err := store.WaitReady(ctx, cfg.Neo4jWait, log); err != nil {
		_ = store.Close(context.Background())
		if refused, ok := errors.AsType[*neo4jstore.LoginError](err); ok {
			return nil, fmt.Errorf("%w\n%s", err, loginHint(refused.Failure, cfg))
		}
		return nil, fmt.Errorf("%w (is Neo4j running at %s? `make neo4j-start` starts a local one)", err, cfg.Neo4jURI)
	}
	return store, nil
}

// loginHint says which settings to fix when Neo4j refuses the login.
func loginHint(f neo4jstore.LoginFailure, cfg config.Config) string {
	switch {
	case f == neo4jstore.TooManyFailures:
		return fmt.Sprintf("Neo4j at %s refuses user %q for a while after failed logins in a row: check NEO4J_USER and NEO4J_PASSWORD, then try again in a few seconds", cfg.Neo4jURI, cfg.Neo4jUser)
	case f == neo4jstore.PasswordExpired:
		return fmt.Sprintf("the password of Neo4j user %q has expired: change it in Neo4j (ALTER CURRENT USER SET PASSWORD FROM ... TO ...), then set NEO4J_PASSWORD to the new one", cfg.Neo4jUser)
	case cfg.Neo4jPassword == "":
		return fmt.Sprintf("NEO4J_PASSWORD is not set, so casegraph logged in without authentication, which the Neo4j at %s does not allow: set NEO4J_PASSWORD (and NEO4J_USER, now %q) to the credentials of a Neo4j user", cfg.Neo4jURI, cfg.Neo4jUser)
	}
	return fmt.Sprintf("the Neo4j at %s refused user %q with the password in NEO4J_PASSWORD: check NEO4J_USER and NEO4J_PASSWORD (casegraph tries once, so Neo4j's limit on failed logins is not reached)", cfg.Neo4jURI, cfg.Neo4jUser)
}

// openMigrated opens the store, waits for Neo4j and applies the schema:
// the start of every command that writes.
func openMigrated(ctx context.Context, cfg config.Config, log *slog.Logger) (*neo4jstore.Store, error) {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if _, err := store.Migrate(ctx); err != nil {
		_ = store.Close(context.Background())
		return nil, err
	}
	return store, nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, log, _, err := setup("serve", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	log.Info("starting casegraph", "version", version, "config", cfg)
	tuneGC(getenv)

	// Claim the address first: a busy port should fail at once, not after
	// waiting for Neo4j.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s (CASEGRAPH_ADDR): %w; stop what uses it or choose another address", cfg.Addr, err)
	}
	defer ln.Close()
	if cfg.PprofAddr != "" {
		stop, err := serveApart(cfg.PprofAddr, "CASEGRAPH_PPROF_ADDR", pprofHandler(), "/debug/pprof/", "serving profiles", log)
		if err != nil {
			return err
		}
		defer stop()
	}
	// Metrics are measured only when they are served: a nil recorder
	// costs the store and the handler nothing.
	var (
		storeMetrics  neo4jstore.Metrics
		serverMetrics server.Metrics
	)
	if cfg.MetricsAddr != "" {
		m := metrics.New()
		storeMetrics, serverMetrics = m, m
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", m.Handler())
		stop, err := serveApart(cfg.MetricsAddr, "CASEGRAPH_METRICS_ADDR", mux, "/metrics", "serving metrics", log)
		if err != nil {
			return err
		}
		defer stop()
	}

	tracer, flush, err := startTracing(cfg, log)
	if err != nil {
		return err
	}
	defer flush()

	store, err := openStoreWith(ctx, cfg, log, storeMetrics, tracer)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	applied, err := store.Migrate(ctx)
	if err != nil {
		return err
	}
	log.Info("schema migrated", "applied", len(applied))
	if len(cfg.Data) > 0 {
		var report strings.Builder
		// The operator who starts the service chose these files: they act
		// as an admin would, and a conflict with edits made through the
		// API stops the start rather than losing either side.
		o := kg.ImportOptions{Edit: kg.Edit{Actor: "serve:CASEGRAPH_DATA"}, MayRemove: true}
		if err := importFiles(asOperator(ctx, o.Edit.Actor), store, cfg.Data, cfg.SourcesDir, o, &report); err != nil {
			data := strings.Join(cfg.Data, " ")
			var refused *refusal
			if errors.As(err, &refused) {
				err = fmt.Errorf("%w; settle it with casegraph import [-on-conflict keep-graph|take-file] %s, then start again", err, data)
			}
			return fmt.Errorf("loading %s: %w\n%s", data, err, strings.TrimSpace(report.String()))
		}
		log.Info("case files loaded", "from", cfg.Data, "report", strings.TrimSpace(report.String()))
	}

	// One reader of the change feed serves every subscription.
	changes := feed.New(store, feed.Options{MaxSubscriptions: cfg.MaxSubscriptions, ClientMax: cfg.ClientSubscriptions, Log: log})
	defer changes.Close()
	resolver := graph.NewResolver(neo4jstore.Keep(store, cfg.AnswerCache))
	resolver.Changes, resolver.Investigations = changes, store
	srv := server.NewHTTPServer(server.New(server.Options{
		Resolver:             resolver,
		Ready:                store.Ping,
		Log:                  log,
		CORSOrigins:          cfg.CORSOrigins,
		CORSHeaders:          cfg.CORSHeaders,
		Playground:           cfg.Playground,
		RequestTimeout:       cfg.RequestTimeout,
		Authenticate:         store.Authenticate,
		ReadAccess:           cfg.ReadAccess,
		DisableIntrospection: !cfg.Introspection,
		RateLimit:            cfg.RateLimit,
		RateBurst:            cfg.RateBurst,
		MaxCost:              cfg.MaxCost,
		MaxAnswerBytes:       cfg.MaxAnswerBytes,
		RequestStatements:    cfg.RequestConnections,
		Metrics:              serverMetrics,
		Tracing:              tracer,
	}), server.TimeoutsFor(cfg.RequestTimeout))
	srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", "url", "http://"+ln.Addr().String()+"/", "graphql", "http://"+ln.Addr().String()+"/graphql")

	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	// Shutdown waits for requests, not for streams: end them first.
	changes.Close()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// startTracing makes the tracer provider that sends spans to the
// configured OTLP endpoint, or returns a nil one, which makes no spans,
// when none is configured. flush sends the spans still buffered and stops
// the exporter: serve calls it once the server and the store have stopped.
func startTracing(cfg config.Config, log *slog.Logger) (_ trace.TracerProvider, flush func(), _ error) {
	tp, err := tracing.New(tracing.Config{Endpoint: cfg.TracesEndpoint, ServiceName: cfg.ServiceName,
		ServiceVersion: version, SampleRatio: cfg.TraceSampleRatio,
		OnError: func(err error) {
			log.Warn("sending traces failed", "endpoint", cfg.TracesEndpoint, "error", err.Error())
		}})
	if err != nil || tp == nil {
		return nil, func() {}, err
	}
	log.Info("sending traces", "endpoint", cfg.TracesEndpoint, "sample_ratio", cfg.TraceSampleRatio)
	return tp, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tp.Shutdown(ctx); err != nil {
			log.Warn("sending the last traces failed", "endpoint", cfg.TracesEndpoint, "error", err)
		}
	}, nil
}

// serveApart serves h on a listener of its own, so what it serves (Go's
// profiles, the metrics) is never reachable through the API's address, its
// CORS or its rate limit. setting names the address's variable in errors.
func serveApart(addr, setting string, h http.Handler, path, msg string, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s (%s): %w", addr, setting, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Info(msg, "url", "http://"+ln.Addr().String()+path)
	return func() { _ = srv.Close() }, nil
}

func pprofHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// tuneGC makes the collector run less often than Go's default. The
// service's live heap is a few megabytes, so at GOGC=100 it collects after
// every handful of requests, on cores it shares with Neo4j. At 1000 the
// benchmark mix took 12% less CPU per request than at 400, for about 30 MB
// more memory (docs/benchmarks.md). The soft limit keeps a burst of large
// answers from growing the heap unchecked. GOGC and GOMEMLIMIT, when set,
// win.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(1000)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(128 << 20)
	}
}
