// Package config reads casegraph's settings from environment variables and
// command-line flags (a flag wins over its variable). It knows nothing about
// the packages that use the settings.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting of the casegraph binary.
type Config struct {
	Neo4jURI        string
	Neo4jUser       string
	Neo4jPassword   string
	Neo4jDatabase   string
	Addr            string
	CORSOrigins     []string
	CORSHeaders     []string // request headers browsers may send besides those the server always allows
	LogLevel        slog.Level
	Neo4jWait       time.Duration
	RequestTimeout  time.Duration
	ShutdownTimeout time.Duration
	Playground      bool
	Introspection   bool
	RateLimit       float64 // cost units per second per client; 0 is no limit
	RateBurst       int     // cost units a client may spend at once
	Data            []string
	SourcesDir      string
	ReadAccess      string // ReadOpen or ReadToken
	PprofAddr       string // where to serve net/http/pprof; "" is off
	MetricsAddr     string // where to serve Prometheus metrics; "" is off
	AnswerCache     int    // bytes of cross-case answers kept per graph version; 0 is off

	// TracesEndpoint is the URL spans are posted to over OTLP/HTTP; "" is
	// no tracing. ServiceName names the service in them, and
	// TraceSampleRatio is the share of requests traced, from 0 to 1.
	TracesEndpoint   string
	ServiceName      string
	TraceSampleRatio float64

	MaxCost        int // cost units one request may take
	MaxAnswerBytes int // the largest answer sent
	// MaxSubscriptions bounds the subscriptions open at once, and
	// ClientSubscriptions those of one token or address.
	MaxSubscriptions    int
	ClientSubscriptions int
	// Neo4jConnections is the driver's pool; RequestConnections how many
	// of them one request may use at once.
	Neo4jConnections   int
	RequestConnections int
}

// What reading the graph needs; writing always needs a token.
const (
	ReadOpen  = "open"  // anyone may read
	ReadToken = "token" // reading needs a token of any role
)

// Setting describes one setting for flags and documentation.
type Setting struct {
	Env, Flag, Default, Usage string
	Secret                    bool
}

// Settings lists every setting; the README's configuration table mirrors it.
var Settings = []Setting{
	{Env: "NEO4J_URI", Flag: "neo4j-uri", Default: "bolt://127.0.0.1:7687", Usage: "Neo4j address; neo4j:// for routing to a cluster"},
	{Env: "NEO4J_USER", Flag: "neo4j-user", Default: "neo4j", Usage: "Neo4j user"},
	{Env: "NEO4J_PASSWORD", Flag: "neo4j-password", Default: "", Usage: "Neo4j password", Secret: true},
	{Env: "NEO4J_DATABASE", Flag: "neo4j-database", Default: "neo4j", Usage: "Neo4j database every statement runs against"},
	{Env: "CASEGRAPH_ADDR", Flag: "addr", Default: "127.0.0.1:8080", Usage: "HTTP listen address"},
	{Env: "CASEGRAPH_CORS_ORIGINS", Flag: "cors-origins", Default: "", Usage: "comma-separated origins allowed to call the API from a browser"},
	{Env: "CASEGRAPH_CORS_HEADERS", Flag: "cors-headers", Default: "", Usage: "comma-separated request headers a browser may send besides Content-Type, Authorization, Accept and Apollo Client's apollographql-client-name and apollographql-client-version"},
	{Env: "CASEGRAPH_LOG_LEVEL", Flag: "log-level", Default: "info", Usage: "debug, info, warn or error"},
	{Env: "CASEGRAPH_NEO4J_WAIT", Flag: "neo4j-wait", Default: "60s", Usage: "how long serve waits for Neo4j at start"},
	{Env: "CASEGRAPH_REQUEST_TIMEOUT", Flag: "request-timeout", Default: "30s", Usage: "longest time one request may take"},
	{Env: "CASEGRAPH_SHUTDOWN_TIMEOUT", Flag: "shutdown-timeout", Default: "15s", Usage: "how long requests in flight may finish on shutdown"},
	{Env: "CASEGRAPH_PLAYGROUND", Flag: "playground", Default: "true", Usage: "serve GraphiQL at /"},
	{Env: "CASEGRAPH_INTROSPECTION", Flag: "introspection", Default: "true", Usage: "answer introspection queries (__schema, __type)"},
	{Env: "CASEGRAPH_RATE_LIMIT", Flag: "rate-limit", Default: "50", Usage: "cost units per second per token or client address (a lookup by ID costs 1); 0 turns the limit off"},
	{Env: "CASEGRAPH_RATE_BURST", Flag: "rate-burst", Default: "100", Usage: "cost units a client may spend at once before the rate limit applies"},
	{Env: "CASEGRAPH_MAX_COST", Flag: "max-cost", Default: "200", Usage: "cost units one GraphQL request may take"},
	{Env: "CASEGRAPH_MAX_ANSWER_BYTES", Flag: "max-answer-bytes", Default: "4194304", Usage: "largest answer sent, in bytes; a larger one is replaced by an error"},
	{Env: "CASEGRAPH_MAX_SUBSCRIPTIONS", Flag: "max-subscriptions", Default: "1000", Usage: "subscriptions open at once, in all"},
	{Env: "CASEGRAPH_CLIENT_SUBSCRIPTIONS", Flag: "client-subscriptions", Default: "20", Usage: "subscriptions one token or client address may hold open"},
	{Env: "CASEGRAPH_NEO4J_CONNECTIONS", Flag: "neo4j-connections", Default: "64", Usage: "Neo4j connections the service keeps; all but 4 serve API requests"},
	{Env: "CASEGRAPH_REQUEST_CONNECTIONS", Flag: "request-connections", Default: "8", Usage: "Neo4j connections one request may use at once"},
	{Env: "CASEGRAPH_DATA", Flag: "data", Default: "", Usage: "comma-separated case files or directories that serve imports at start"},
	{Env: "CASEGRAPH_SOURCES_DIR", Flag: "sources", Default: "", Usage: "directory of the source documents that case files name: imports (and serve with CASEGRAPH_DATA) load their texts and check cited paragraphs"},
	{Env: "CASEGRAPH_READ_ACCESS", Flag: "read-access", Default: ReadOpen, Usage: "open: anyone may read; token: reading needs a bearer token too"},
	{Env: "CASEGRAPH_ANSWER_CACHE", Flag: "answer-cache", Default: "64", Usage: "megabytes of answers to cross-case questions kept until the graph changes; 0 keeps none"},
	{Env: "CASEGRAPH_METRICS_ADDR", Flag: "metrics-addr", Default: "", Usage: "serve Prometheus metrics (/metrics) on this address, apart from the API; empty serves none"},
	{Env: "OTEL_EXPORTER_OTLP_ENDPOINT", Flag: "otlp-endpoint", Default: "", Usage: "base URL of an OTLP/HTTP receiver (an OpenTelemetry Collector, Jaeger) that traces are sent to, at its /v1/traces; empty sends none"},
	{Env: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", Flag: "otlp-traces-endpoint", Default: "", Usage: "full URL traces are sent to over OTLP/HTTP; wins over OTEL_EXPORTER_OTLP_ENDPOINT"},
	{Env: "OTEL_SERVICE_NAME", Flag: "service-name", Default: "casegraph", Usage: "the service's name in its traces"},
	{Env: "OTEL_TRACES_SAMPLER", Flag: "traces-sampler", Default: "parentbased_always_on", Usage: "which requests are traced: always_on, always_off, traceidratio, or those with parentbased_ before them"},
	{Env: "OTEL_TRACES_SAMPLER_ARG", Flag: "traces-sampler-arg", Default: "", Usage: "the share of requests traced by the traceidratio samplers, from 0 to 1; 1 when empty"},
	{Env: "CASEGRAPH_PPROF_ADDR", Flag: "pprof-addr", Default: "", Usage: "serve Go profiles (/debug/pprof/) on this address, apart from the API; keep it on loopback"},
}

// Bind registers every setting on fs with its environment value (or default)
// as the flag's default, and returns a function that parses the collected
// values into a Config once fs has been parsed.
func Bind(fs *flag.FlagSet, getenv func(string) string) func() (Config, error) {
	values := make(map[string]*string, len(Settings))
	for _, s := range Settings {
		def := s.Default
		if v := getenv(s.Env); v != "" {
			def = v
		}
		shown := fmt.Sprintf("%q", def)
		if s.Secret {
			shown = "unset"
		}
		v := new(string)
		*v = def
		fs.Func(s.Flag, fmt.Sprintf("%s (env %s, default %s)", s.Usage, s.Env, shown), func(x string) error {
			*v = x
			return nil
		})
		values[s.Env] = v
	}
	return func() (Config, error) { return parse(values) }
}

func parse(v map[string]*string) (Config, error) {
	c := Config{
		Neo4jURI:      *v["NEO4J_URI"],
		Neo4jUser:     *v["NEO4J_USER"],
		Neo4jPassword: *v["NEO4J_PASSWORD"],
		Neo4jDatabase: *v["NEO4J_DATABASE"],
		Addr:          *v["CASEGRAPH_ADDR"],
		ReadAccess:    *v["CASEGRAPH_READ_ACCESS"],
		PprofAddr:     *v["CASEGRAPH_PPROF_ADDR"],
		MetricsAddr:   *v["CASEGRAPH_METRICS_ADDR"],
	}
	var errs []error
	origins, err := corsOrigins(list(*v["CASEGRAPH_CORS_ORIGINS"]))
	if err != nil {
		errs = append(errs, fmt.Errorf("CASEGRAPH_CORS_ORIGINS: %w", err))
	}
	c.CORSOrigins = origins
	headers, err := corsHeaders(list(*v["CASEGRAPH_CORS_HEADERS"]))
	if err != nil {
		errs = append(errs, fmt.Errorf("CASEGRAPH_CORS_HEADERS: %w", err))
	}
	c.CORSHeaders = headers
	c.Data = list(*v["CASEGRAPH_DATA"])
	c.SourcesDir = *v["CASEGRAPH_SOURCES_DIR"]
	if err := c.LogLevel.UnmarshalText([]byte(*v["CASEGRAPH_LOG_LEVEL"])); err != nil {
		errs = append(errs, fmt.Errorf("CASEGRAPH_LOG_LEVEL: %q is not one of debug, info, warn, error", *v["CASEGRAPH_LOG_LEVEL"]))
	}
	for _, d := range []struct {
		env string
		dst *time.Duration
	}{
		{"CASEGRAPH_NEO4J_WAIT", &c.Neo4jWait},
		{"CASEGRAPH_REQUEST_TIMEOUT", &c.RequestTimeout},
		{"CASEGRAPH_SHUTDOWN_TIMEOUT", &c.ShutdownTimeout},
	} {
		x, err := time.ParseDuration(*v[d.env])
		if err != nil || x < 0 {
			errs = append(errs, fmt.Errorf("%s: %q is not a duration such as 30s or 2m", d.env, *v[d.env]))
		}
		*d.dst = x
	}
	for _, b := range []struct {
		env string
		dst *bool
	}{
		{"CASEGRAPH_PLAYGROUND", &c.Playground},
		{"CASEGRAPH_INTROSPECTION", &c.Introspection},
	} {
		switch strings.ToLower(*v[b.env]) {
		case "true", "1", "yes", "on":
			*b.dst = true
		case "false", "0", "no", "off":
		default:
			errs = append(errs, fmt.Errorf("%s: %q is not true or false", b.env, *v[b.env]))
		}
	}
	rate, err := strconv.ParseFloat(*v["CASEGRAPH_RATE_LIMIT"], 64)
	if err != nil || rate < 0 || math.IsInf(rate, 0) || math.IsNaN(rate) {
		errs = append(errs, fmt.Errorf("CASEGRAPH_RATE_LIMIT: %q is not a number of requests per second such as 50, or 0 for no limit", *v["CASEGRAPH_RATE_LIMIT"]))
	}
	c.RateLimit = rate
	burst, err := strconv.Atoi(*v["CASEGRAPH_RATE_BURST"])
	if err != nil || burst < 1 {
		errs = append(errs, fmt.Errorf("CASEGRAPH_RATE_BURST: %q is not a whole number of requests of at least 1", *v["CASEGRAPH_RATE_BURST"]))
	}
	c.RateBurst = burst
	for _, n := range []struct {
		env, what string
		dst       *int
	}{
		{"CASEGRAPH_MAX_COST", "cost units", &c.MaxCost},
		{"CASEGRAPH_MAX_ANSWER_BYTES", "bytes", &c.MaxAnswerBytes},
		{"CASEGRAPH_MAX_SUBSCRIPTIONS", "subscriptions", &c.MaxSubscriptions},
		{"CASEGRAPH_CLIENT_SUBSCRIPTIONS", "subscriptions", &c.ClientSubscriptions},
		{"CASEGRAPH_NEO4J_CONNECTIONS", "connections", &c.Neo4jConnections},
		{"CASEGRAPH_REQUEST_CONNECTIONS", "connections", &c.RequestConnections},
	} {
		x, err := strconv.Atoi(*v[n.env])
		if err != nil || x < 1 {
			errs = append(errs, fmt.Errorf("%s: %q is not a whole number of %s of at least 1", n.env, *v[n.env], n.what))
		}
		*n.dst = x
	}
	// The store keeps readinessConnections of the pool for health checks.
	const readinessConnections = 4
	switch {
	case c.Neo4jConnections >= 1 && c.Neo4jConnections <= readinessConnections:
		errs = append(errs, fmt.Errorf("CASEGRAPH_NEO4J_CONNECTIONS: %d leaves the API none once %d are kept for readiness checks; use more than %d", c.Neo4jConnections, readinessConnections, readinessConnections))
	case c.Neo4jConnections >= 1 && c.RequestConnections > c.Neo4jConnections-readinessConnections:
		errs = append(errs, fmt.Errorf("CASEGRAPH_REQUEST_CONNECTIONS: %d is more than the %d of CASEGRAPH_NEO4J_CONNECTIONS that the API may use (%d are kept for readiness checks)", c.RequestConnections, c.Neo4jConnections-readinessConnections, readinessConnections))
	}
	answers, err := strconv.Atoi(*v["CASEGRAPH_ANSWER_CACHE"])
	if err != nil || answers < 0 || answers > maxAnswerCacheMB {
		errs = append(errs, fmt.Errorf("CASEGRAPH_ANSWER_CACHE: %q is not a whole number of megabytes up to %d, or 0 to keep none", *v["CASEGRAPH_ANSWER_CACHE"], maxAnswerCacheMB))
	}
	c.AnswerCache = answers << 20
	c.TracesEndpoint, err = tracesEndpoint(*v["OTEL_EXPORTER_OTLP_ENDPOINT"], *v["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"])
	if err != nil {
		errs = append(errs, err)
	}
	c.ServiceName = strings.TrimSpace(*v["OTEL_SERVICE_NAME"])
	if c.ServiceName == "" {
		errs = append(errs, errors.New("OTEL_SERVICE_NAME: must name the service, such as casegraph"))
	}
	c.TraceSampleRatio, err = sampleRatio(*v["OTEL_TRACES_SAMPLER"], *v["OTEL_TRACES_SAMPLER_ARG"])
	if err != nil {
		errs = append(errs, err)
	}
	if c.ReadAccess != ReadOpen && c.ReadAccess != ReadToken {
		errs = append(errs, fmt.Errorf("CASEGRAPH_READ_ACCESS: %q is not open or token", c.ReadAccess))
	}
	u, err := url.Parse(c.Neo4jURI)
	switch {
	case err != nil || u.Host == "":
		errs = append(errs, fmt.Errorf("NEO4J_URI: %q is not an address such as bolt://127.0.0.1:7687", c.Neo4jURI))
	case !validScheme(u.Scheme):
		errs = append(errs, fmt.Errorf("NEO4J_URI: scheme %q is not one of bolt, bolt+s, bolt+ssc, neo4j, neo4j+s, neo4j+ssc", u.Scheme))
	}
	if c.Neo4jDatabase == "" {
		errs = append(errs, errors.New("NEO4J_DATABASE: must name a database"))
	}
	return c, errors.Join(errs...)
}

// tracesEndpoint is where traces go over OTLP/HTTP, as OpenTelemetry's
// exporters read their variables: the traces' own URL as it is, or the
// base URL with v1/traces added to its path. "" is no tracing.
func tracesEndpoint(base, traces string) (string, error) {
	env, raw := "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traces
	if raw == "" {
		env, raw = "OTEL_EXPORTER_OTLP_ENDPOINT", base
	}
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%s: %q is not an http:// or https:// URL such as http://127.0.0.1:4318 (an OTLP/HTTP receiver; gRPC's port 4317 is not one)", env, raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("%s: %q has credentials in it, which would be logged; send them in OTEL_EXPORTER_OTLP_HEADERS", env, u.Redacted())
	}
	if traces == "" {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/traces"
	}
	return u.String(), nil
}

// sampleRatio is the share of requests that OTEL_TRACES_SAMPLER and its
// argument trace. A request's trace never has a parent from outside (the
// server starts each one), so the parentbased_ samplers are their roots.
func sampleRatio(sampler, arg string) (float64, error) {
	switch strings.TrimPrefix(sampler, "parentbased_") {
	case "always_on":
		return 1, nil
	case "always_off":
		return 0, nil
	case "traceidratio":
		if arg == "" {
			return 1, nil
		}
		r, err := strconv.ParseFloat(arg, 64)
		if err != nil || !(r >= 0 && r <= 1) {
			return 0, fmt.Errorf("OTEL_TRACES_SAMPLER_ARG: %q is not a share of requests from 0 to 1, such as 0.1", arg)
		}
		return r, nil
	}
	return 0, fmt.Errorf("OTEL_TRACES_SAMPLER: %q is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio", sampler)
}

func list(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// corsOrigins checks and normalises the origins browsers may call the API
// from. Each must be an origin as a browser writes it in its Origin header
// (scheme, host and a port other than the default), since it is compared
// exactly. "*", wildcards and "null" are refused: they would let any web
// site, or any sandboxed page, read the API through its visitors'
// browsers, including a service reachable only from their network.
func corsOrigins(raw []string) ([]string, error) {
	out := make([]string, 0, len(raw))
	for _, o := range raw {
		switch {
		case o == "*":
			return nil, errors.New(`"*" would let every web site read the API through its visitors' browsers; list the origins of the front ends that call it, such as https://desk.example.org`)
		case strings.Contains(o, "*"):
			return nil, fmt.Errorf("%q: wildcards are not supported; list each origin, such as https://desk.example.org", o)
		case strings.EqualFold(o, "null"):
			return nil, errors.New(`"null" is the origin of sandboxed pages and local files, which any site can create; list real origins, such as https://desk.example.org`)
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
			return nil, fmt.Errorf("%q is not an origin: want scheme://host[:port] as a browser sends it, such as https://desk.example.org", o)
		}
		host := strings.ToLower(u.Host)
		// Browsers leave the default port out of Origin.
		if port := u.Port(); port == map[string]string{"http": "80", "https": "443"}[u.Scheme] {
			host = strings.TrimSuffix(host, ":"+port)
		}
		out = append(out, u.Scheme+"://"+host)
	}
	return out, nil
}

// corsHeaders checks the names of the request headers browsers may send.
// "*" is refused: the CORS library reads it as every header, and a list
// says what the front ends send.
func corsHeaders(raw []string) ([]string, error) {
	for _, h := range raw {
		if h == "*" {
			return nil, errors.New(`"*" is not supported: list each header a front end sends, such as X-Client-Version`)
		}
		if strings.IndexFunc(h, func(c rune) bool { return !headerNameChar(c) }) >= 0 {
			return nil, fmt.Errorf("%q is not a header name: letters, digits and !#$%%&'*+-.^_`|~ only", h)
		}
	}
	return raw, nil
}

// headerNameChar reports whether c may be in a header's name (RFC 9110's tchar).
func headerNameChar(c rune) bool {
	return c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", c))
}

func validScheme(s string) bool {
	switch s {
	case "bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc":
		return true
	}
	return false
}

// LogValue masks secrets, including a password written into the URI, so the
// configuration can be logged at start.
func (c Config) LogValue() slog.Value {
	uri := c.Neo4jURI
	if u, err := url.Parse(uri); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			uri = u.String()
		}
	}
	password := ""
	if c.Neo4jPassword != "" {
		password = "*****"
	}
	return slog.GroupValue(
		slog.String("neo4j_uri", uri),
		slog.String("neo4j_user", c.Neo4jUser),
		slog.String("neo4j_password", password),
		slog.String("neo4j_database", c.Neo4jDatabase),
		slog.String("addr", c.Addr),
		slog.Any("cors_origins", c.CORSOrigins),
		slog.Any("cors_headers", c.CORSHeaders),
		slog.String("log_level", c.LogLevel.String()),
		slog.Duration("neo4j_wait", c.Neo4jWait),
		slog.Duration("request_timeout", c.RequestTimeout),
		slog.Duration("shutdown_timeout", c.ShutdownTimeout),
		slog.Bool("playground", c.Playground),
		slog.Bool("introspection", c.Introspection),
		slog.Float64("rate_limit", c.RateLimit),
		slog.Int("rate_burst", c.RateBurst),
		slog.Int("max_cost", c.MaxCost),
		slog.Int("max_answer_bytes", c.MaxAnswerBytes),
		slog.Int("max_subscriptions", c.MaxSubscriptions),
		slog.Int("client_subscriptions", c.ClientSubscriptions),
		slog.Int("neo4j_connections", c.Neo4jConnections),
		slog.Int("request_connections", c.RequestConnections),
		slog.Any("data", c.Data),
		slog.String("read_access", c.ReadAccess),
		slog.String("pprof_addr", c.PprofAddr),
		slog.String("metrics_addr", c.MetricsAddr),
		slog.Int("answer_cache", c.AnswerCache),
		slog.String("traces_endpoint", c.TracesEndpoint),
		slog.String("service_name", c.ServiceName),
		slog.Float64("trace_sample_ratio", c.TraceSampleRatio),
	)
}

// maxAnswerCacheMB bounds CASEGRAPH_ANSWER_CACHE well below where its
// bytes would overflow: 64 GiB of kept answers.
const maxAnswerCacheMB = 1 << 16
