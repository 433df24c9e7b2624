package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/casegraph/casegraph/internal/kg"
)

// Every statement the store sends passes through begin, whichever way it
// goes: autoCommitOnce (the API's reads, migrations' data statements),
// execute (the driver's ExecuteQuery: tokens, migrations, bulk loads,
// readiness) and wtx.Run (the statements of transactions). There it is
// counted in the metrics and, when traces are on, given a span.

// tracerName names the store's spans' instrumentation.
const tracerName = "github.com/casegraph/casegraph/internal/neo4jstore"

// statement is one statement being measured.
type statement struct {
	start time.Time
	mode  neo4j.AccessMode
	store *Store
	span  trace.Span // nil when traces are off
}

// begin starts measuring a statement of ctx's request. A span is made
// only under a span that is recorded, a traced request's: the change
// feed's polls and the migrations at start would otherwise each be a trace
// of one span. It records the statement's text, which is parameterised,
// never its parameters: they hold what users look up and write. The span
// is not put in a context: nothing runs under it.
func (s *Store) begin(ctx context.Context, mode neo4j.AccessMode, query string) statement {
	st := statement{start: time.Now(), mode: mode, store: s}
	if s.tracer != nil && trace.SpanFromContext(ctx).IsRecording() {
		_, st.span = s.tracer.Start(ctx, "neo4j "+modeLabel(mode),
			trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(
				attribute.String("db.system", "neo4j"),
				attribute.String("db.namespace", s.db),
				attribute.String("db.query.text", query),
				attribute.String("db.neo4j.access_mode", modeLabel(mode)),
			))
	}
	return st
}

// sent counts the statement in the metrics once Neo4j has answered it,
// or failed to.
func (st statement) sent(err error) {
	st.store.metrics.Statement(modeLabel(st.mode), time.Since(st.start), err)
}

// finish ends the span with the rows the statement returned (rows < 0
// when they are not known). A failure is described by its Neo4j code or
// its kind, never its message, which may quote a value.
func (st statement) finish(rows int, err error) {
	if st.span == nil {
		return
	}
	if rows >= 0 {
		st.span.SetAttributes(attribute.Int("db.response.returned_rows", rows))
	}
	if err != nil {
		kind := fmt.Sprintf("%T", err)
		if n4e, ok := errors.AsType[*neo4j.Neo4jError](err); ok {
			kind = n4e.Code
		}
		st.span.SetAttributes(attribute.String("error.type", kind))
		st.span.SetStatus(codes.Error, kind)
	}
	st.span.End()
}

// end is sent and finish at once, for a statement whose records are all
// in when it returns.
func (st statement) end(res *neo4j.EagerResult, err error) {
	st.sent(err)
	rows := -1
	if res != nil {
		rows = len(res.Records)
	}
	st.finish(rows, err)
}

// execute runs one statement in a transaction function of its own
// (neo4j.ExecuteQuery), routed by mode to the database's readers or its
// writer.
func (s *Store) execute(ctx context.Context, mode neo4j.AccessMode, query string, params map[string]any) (*neo4j.EagerResult, error) {
	route := s.read()
	if mode == neo4j.AccessModeWrite {
		route = s.write()
	}
	if usesSight(query) {
		sight := kg.SightOf(ctx)
		if mode == neo4j.AccessModeWrite {
			sight = writerSight(ctx)
		}
		params = withSightOf(sight, params)
	}
	st := s.begin(ctx, mode, query)
	res, err := neo4j.ExecuteQuery(ctx, s.driver, query, params, neo4j.EagerResultTransformer, route...)
	st.end(res, err)
	return res, err
}

// transaction wraps a transaction of the driver's so that its statements
// are measured.
func (s *Store) transaction(tx neo4j.ManagedTransaction, mode neo4j.AccessMode) *wtx {
	return &wtx{ManagedTransaction: tx, store: s, mode: mode}
}

// Run is the transaction's Run, measured. The metric times it until Neo4j
// has accepted the statement and its first records are on the way; the
// span lasts until its records have been read (see tracedResult).
func (w *wtx) Run(ctx context.Context, query string, params map[string]any) (neo4j.ResultWithContext, error) {
	w.endOpen()
	if usesSight(query) {
		sight := kg.SightOf(ctx)
		if w.mode == neo4j.AccessModeWrite {
			sight = writerSight(ctx)
		}
		params = withSightOf(sight, params)
	}
	st := w.store.begin(ctx, w.mode, query)
	res, err := w.ManagedTransaction.Run(ctx, query, params)
	st.sent(err)
	if err != nil || st.span == nil {
		st.finish(-1, err)
		return res, err
	}
	w.open = &tracedResult{ResultWithContext: res, st: st}
	return w.open, nil
}

// endOpen ends the span of the transaction's last statement if its
// records were never read: the driver reads them itself before it sends
// the next statement or the commit.
func (w *wtx) endOpen() {
	if w.open != nil {
		w.open.finish(-1, nil)
		w.open = nil
	}
}

// tracedResult ends its statement's span once the records have been
// read, with their number, by the ways the store reads them.
type tracedResult struct {
	neo4j.ResultWithContext
	st   statement
	done bool
}

func (r *tracedResult) finish(rows int, err error) {
	if !r.done {
		r.done = true
		r.st.finish(rows, err)
	}
}

func (r *tracedResult) Collect(ctx context.Context) ([]*neo4j.Record, error) {
	recs, err := r.ResultWithContext.Collect(ctx)
	r.finish(len(recs), err)
	return recs, err
}

func (r *tracedResult) Single(ctx context.Context) (*neo4j.Record, error) {
	rec, err := r.ResultWithContext.Single(ctx)
	switch _, misuse := errors.AsType[*neo4j.UsageError](err); {
	case err == nil:
		r.finish(1, nil)
	case misuse: // no record, or more than one: the statement itself went well
		r.finish(-1, nil)
	default:
		r.finish(-1, err)
	}
	return rec, err
}

func (r *tracedResult) Consume(ctx context.Context) (neo4j.ResultSummary, error) {
	sum, err := r.ResultWithContext.Consume(ctx)
	r.finish(-1, err)
	return sum, err
}
