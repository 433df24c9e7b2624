// Package neo4jstore implements casegraph's storage on Neo4j: the driver,
// migrations, and every Cypher statement the program runs. It imports the
// domain package kg, the Neo4j driver and the OpenTelemetry trace API,
// nothing of the HTTP or GraphQL side.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	driverconfig "github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"go.opentelemetry.io/otel/trace"

	"github.com/casegraph/casegraph/internal/kg"
)

// Options says how to reach Neo4j.
type Options struct {
	URI      string
	User     string
	Password string
	Database string
	// Connections is the size of the driver's connection pool; 0 means
	// DefaultConnections. The API's statements may use all but
	// ReservedConnections of them (see enter).
	Connections int
	// Metrics receives what the store measures; nil measures nothing.
	Metrics Metrics
	// Tracing, when set, gets a span for every statement, a child of the
	// span in the statement's context; nil makes none.
	Tracing trace.TracerProvider
	// Migrations holds the migration files (NNN_name.cypher at its root)
	// that Migrate applies; nil means the ones built into casegraph. Tests
	// give sets of their own.
	Migrations fs.FS
}

// DefaultConnections is the driver's pool size unless Options say otherwise.
const DefaultConnections = 64

// ReservedConnections are kept out of the API's reach, so that readiness
// checks (Ping) and the command line find a connection however busy the
// API is: a busy service is not a service whose database is away.
const ReservedConnections = 4

// maxQueueWait is how long a statement waits for one of the API's
// connections before its request is answered OVERLOADED: long enough to
// ride out a burst, short enough that a client hears of an overload in
// about a second and can retry, rather than waiting out the driver's
// acquisition timeout and hearing that Neo4j is away.
const maxQueueWait = time.Second

// Store is casegraph's view of one Neo4j database. It holds the process's
// only driver; it is safe for concurrent use.
type Store struct {
	driver neo4j.DriverWithContext
	db     string
	tokens *expirable.LRU[string, kg.Principal]
	// projections keeps the Cypher of Shared selections; see project.
	projections *lru.Cache[projectionKey, projection]
	// inFlight counts the statements of readQuery and write that may
	// outlive the call that gave up waiting for them; see Close.
	inFlight sync.WaitGroup
	// gate holds a token for every statement the API has in flight; its
	// capacity is the pool less ReservedConnections.
	gate chan struct{}
	// pings holds a token for every Ping in flight: they have the
	// ReservedConnections to themselves.
	pings chan struct{}
	// writing holds the one write that may run at a time (see write).
	writing chan struct{}
	// commits fires when a write that changed the graph commits.
	commits signal
	// migrations is where Migrate reads its files (Options.Migrations).
	migrations fs.FS
	metrics    Metrics
	// tracer is nil when statements get no spans.
	tracer trace.Tracer
	// spread is edgeSpread but in tests, which make hubs of a few edges.
	spread int
}

// maxRetryTime bounds the retries of a unit of work, the driver's and
// autoCommit's: short, so that requests get UNAVAILABLE in seconds while
// Neo4j is away.
const maxRetryTime = 2 * time.Second

// Open creates the driver. It does not connect: see WaitReady and Ping.
func Open(o Options) (*Store, error) {
	pool := o.Connections
	if pool == 0 {
		pool = DefaultConnections
	}
	if pool <= ReservedConnections {
		return nil, kg.Errorf(kg.Invalid, "Neo4j connections: %d leaves none for the API once %d are reserved for health checks; use more than %d", pool, ReservedConnections, ReservedConnections)
	}
	auth := neo4j.NoAuth()
	if o.Password != "" {
		auth = neo4j.BasicAuth(o.User, o.Password, "")
	}
	d, err := neo4j.NewDriverWithContext(o.URI, auth, func(c *driverconfig.Config) {
		// Fail fast while Neo4j is away so requests get UNAVAILABLE in
		// seconds; the pool reconnects by itself once Neo4j is back.
		c.MaxTransactionRetryTime = maxRetryTime
		c.SocketConnectTimeout = 2 * time.Second
		c.ConnectionAcquisitionTimeout = 5 * time.Second
		c.MaxConnectionPoolSize = pool
	})
	if err != nil {
		return nil, kg.Wrap(kg.Invalid, err, fmt.Sprintf("cannot use Neo4j address %q", o.URI))
	}
	projections, _ := lru.New[projectionKey, projection](1000)
	migrations := o.Migrations
	if migrations == nil {
		migrations = migrationFiles
	}
	metrics := o.Metrics
	if metrics == nil {
		metrics = noMetrics{}
	}
	s := &Store{
		driver: d, db: o.Database, tokens: newTokenCache(), projections: projections,
		gate: make(chan struct{}, pool-ReservedConnections), pings: make(chan struct{}, ReservedConnections),
		writing: make(chan struct{}, 1), migrations: migrations, metrics: metrics,
	}
	if o.Tracing != nil {
		s.tracer = o.Tracing.Tracer(tracerName)
	}
	s.observe()
	return s, nil
}

// Close releases the driver's connections. It first lets statements and
// writes that their callers stopped waiting for end, for a few seconds at
// most: the driver's pool must not get a connection back once it is
// closed. Neo4j ends them itself when their transaction timeout passes.
func (s *Store) Close(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.inFlight.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
	}
	return s.driver.Close(ctx)
}

// Ping checks that the database answers a read within ctx, on one of the
// ReservedConnections, which the API's statements never take.
func (s *Store) Ping(ctx context.Context) error {
	select {
	case s.pings <- struct{}{}:
		defer func() { <-s.pings }()
	case <-ctx.Done():
		return translate(ctx.Err(), "Neo4j is not answering")
	}
	_, err := s.execute(ctx, neo4j.AccessModeRead, "RETURN 1", nil)
	return translate(err, "Neo4j is not answering")
}

// WaitReady pings Neo4j with exponential backoff until it answers or maxWait
// has passed, logging what it waits for. A refused login ends it at once
// with a *LoginError: waiting does not change credentials, and every
// attempt counts towards Neo4j's limit on failed logins, which would lock
// the user out for the right password too.
func (s *Store) WaitReady(ctx context.Context, maxWait time.Duration, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, maxWait)
	defer cancel()
	delay := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		pingCtx, cancelPing := context.WithTimeout(ctx, 2*time.Second)
		err := s.Ping(pingCtx)
		cancelPing()
		if err == nil {
			return nil
		}
		if _, refused := errors.AsType[*LoginError](err); refused {
			return err
		}
		log.Info("waiting for Neo4j", "database", s.db, "attempt", attempt, "retry_in", delay.String(), "error", errorText(err))
		select {
		case <-ctx.Done():
			return kg.Wrap(kg.Unavailable, err, fmt.Sprintf("Neo4j did not answer within %s", maxWait))
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
	}
}

// enter waits until a statement of the request of ctx may run: within its
// request's share (kg.AcquireStatement) and on one of the connections the
// API may use. It returns the function to call once the statement has
// ended. When every such connection stays busy for maxQueueWait, or past
// the request's deadline, it fails with kg.Overloaded: Neo4j answers, the
// service is only busy, and the client may retry at once.
func (s *Store) enter(ctx context.Context) (leave func(), err error) {
	releaseShare, err := kg.AcquireStatement(ctx)
	if err != nil {
		return nil, translate(err, "the request's time ran out while it waited for its turn")
	}
	select {
	case s.gate <- struct{}{}:
		return func() { <-s.gate; releaseShare() }, nil
	default:
	}
	wait := time.NewTimer(maxQueueWait)
	defer wait.Stop()
	select {
	case s.gate <- struct{}{}:
		return func() { <-s.gate; releaseShare() }, nil
	case <-wait.C:
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.Canceled) {
			releaseShare()
			return nil, translate(ctx.Err(), "the request was cancelled")
		}
	}
	releaseShare()
	return nil, kg.Errorf(kg.Overloaded, "the service is busy: all %d database connections it may use are taken; retry in a second", cap(s.gate))
}

// read and write name the database on every statement and route reads to
// readers, so a cluster spreads them.
func (s *Store) read() []neo4j.ExecuteQueryConfigurationOption {
	return []neo4j.ExecuteQueryConfigurationOption{
		neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithReadersRouting(),
	}
}

func (s *Store) write() []neo4j.ExecuteQueryConfigurationOption {
	return []neo4j.ExecuteQueryConfigurationOption{
		neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithWritersRouting(),
	}
}

// session opens a session on the store's database for units of work that
// span several statements. It shares the bookmarks of every other
// statement the store sends, so on a cluster its reads see what this
// process wrote before, whichever member answers them.
func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager()})
}

// LoginError is in an error's chain when Neo4j refused casegraph's login.
type LoginError struct {
	Failure LoginFailure
	Err     error // Neo4j's answer
}

// LoginFailure says why Neo4j refused a login.
type LoginFailure int

const (
	// BadCredentials: the user or the password is wrong, or missing where
	// Neo4j requires authentication.
	BadCredentials LoginFailure = iota
	// TooManyFailures: Neo4j refuses the user for a while after failed
	// logins in a row, whatever the password.
	TooManyFailures
	// PasswordExpired: the password must be changed before the user may
	// do anything else.
	PasswordExpired
)

func (e *LoginError) Error() string { return "Neo4j refused the login: " + e.Err.Error() }
func (e *LoginError) Unwrap() error { return e.Err }

// loginFailures are the Neo4j status codes of a refused login.
var loginFailures = map[string]LoginFailure{
	"Neo.ClientError.Security.Unauthorized":            BadCredentials,
	"Neo.ClientError.Security.AuthenticationRateLimit": TooManyFailures,
	"Neo.ClientError.Security.CredentialsExpired":      PasswordExpired,
}

// translate maps driver and server errors to domain errors. The message is
// what a client may see; the cause stays for the logs.
func translate(err error, message string) error {
	if err == nil {
		return nil
	}
	var de *kg.Error
	if errors.As(err, &de) {
		return err
	}
	var n4e *neo4j.Neo4jError
	if errors.As(err, &n4e) {
		failure, refused := loginFailures[n4e.Code]
		switch {
		case refused:
			return kg.Wrap(kg.Unavailable, &LoginError{Failure: failure, Err: err}, "casegraph cannot log in to Neo4j")
		case strings.HasPrefix(n4e.Code, "Neo.ClientError.Security."):
			return kg.Wrap(kg.Unavailable, err, "casegraph cannot log in to Neo4j")
		case n4e.Code == "Neo.ClientError.Database.DatabaseNotFound":
			return kg.Wrap(kg.Unavailable, err, "the configured Neo4j database does not exist")
		case n4e.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
			return kg.Wrap(kg.Conflict, err, message)
		case strings.HasPrefix(n4e.Code, "Neo.TransientError."):
			return kg.Wrap(kg.Unavailable, err, message)
		case strings.HasPrefix(n4e.Code, "Neo.ClientError.Transaction.TransactionTimedOut"):
			// readQuery's deadline, kept by Neo4j.
			return kg.Wrap(kg.Unavailable, err, "the database did not answer in time")
		}
		return kg.Wrap(kg.Internal, err, message)
	}
	var ce *neo4j.ConnectivityError
	var tl *neo4j.TransactionExecutionLimit
	switch {
	case errors.As(err, &ce), errors.As(err, &tl), neo4j.IsRetryable(err):
		return kg.Wrap(kg.Unavailable, err, "the database is unavailable")
	case errors.Is(err, context.DeadlineExceeded):
		return kg.Wrap(kg.Unavailable, err, "the database did not answer in time")
	case errors.Is(err, context.Canceled):
		return kg.Wrap(kg.Unavailable, err, "the request was cancelled")
	}
	return kg.Wrap(kg.Internal, err, message)
}

func errorText(err error) string {
	var de *kg.Error
	if errors.As(err, &de) && de.Err != nil {
		return de.Err.Error()
	}
	return err.Error()
}
