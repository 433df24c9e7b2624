package neo4jstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// Every write of facts the store makes, through the API, an import or the
// command line, runs through write: one transaction, serialised with every
// other, bounded by the caller's deadline, and certain in its outcome.
// (BulkLoad, for a fresh database only, and the tokens do not.) An error
// says whether the change was saved (kg.Error.Saved): nothing was, unless
// the commit itself was sent and its answer never came.

// writeLockQuery takes the graph's write lock. Every write transaction
// starts by writing the one (:GraphState) node, so writes run one after
// another: two never hold locks the other waits for (no deadlock reaches a
// client), and two imports of one file run in turn, the second merged
// against what the first wrote. casegraph's writes are few and short; the
// cost is that a write waits while another runs.
const writeLockQuery = `MERGE (g:GraphState {id: 'graph'}) SET g.writes = coalesce(g.writes, 0) + 1`

// wtx is a write transaction as the work of write sees it.
type wtx struct {
	neo4j.ManagedTransaction
	// store measures its statements, by mode: an import's dry run reads
	// through a wtx too (readWork).
	store *Store
	mode  neo4j.AccessMode
	// open is the last statement's result while its span lasts.
	open *tracedResult
	// unchanged says the work wrote nothing, so the graph version, and
	// with it every kept answer, stays.
	unchanged bool
	// discard rolls the transaction back, and its answer is returned all
	// the same: a refused import answers with what it would have done.
	discard bool
	// facts is what the work said it changes, so that the conviction
	// rows of those cases alone are written again (refreshRows).
	facts touched
}

const (
	// commitGrace is how long a write whose commit was sent is still
	// waited for once its deadline has passed.
	commitGrace = 5 * time.Second
	// writeRetryBudget bounds the retries of a write without a deadline
	// (the command line's imports).
	writeRetryBudget = 30 * time.Second
	// appliedFor is how long an idempotency key is remembered.
	appliedFor = 24 * time.Hour
)

// The states of a write, so that the caller giving up and the commit being
// sent cannot both happen: whichever comes first wins.
const (
	running int32 = iota
	committing
	abandoned
)

// write runs work in one write transaction and commits it.
//
// The driver gets a context without the caller's cancellation, and with a
// deadline commitGrace past the caller's: a write must not be cut off
// between sending its commit and reading the answer, which is how a client
// is told "failed" of a change that was saved. The caller's deadline is
// kept instead by Neo4j, as the transaction's timeout (a little inside
// it), and by this function, which stops waiting when it passes. If the
// commit has not been sent by then it never will be: the driver's context
// is cancelled, and the error says nothing was saved. If it has, the answer
// is waited for commitGrace longer, and if it does not come the error says
// the change may have been saved. The driver's own deadline only ends a
// Neo4j that never answers, so the write cannot hold a goroutine and a
// connection for good.
//
// With edit.Key set, a change already made under that key is not made
// again: its first answer is returned.
func write[T any](ctx context.Context, s *Store, kind string, edit kg.Edit, work func(context.Context, *wtx) (T, error)) (_ T, err error) {
	defer func() { s.metrics.Write(kind, err) }()
	var zero T
	kg.CountRoundTrip(ctx)
	if err := ctx.Err(); err != nil {
		return zero, translate(err, "the change was not saved")
	}
	// Writes run one at a time (writeLockQuery); waiting for the one
	// before here rather than in Neo4j keeps a queue of writes from
	// holding the connections that reads need. Then a write takes one of
	// the API's connections like a read (see enter), and keeps both until
	// its transaction has ended.
	select {
	case s.writing <- struct{}{}:
	case <-ctx.Done():
		return zero, kg.Wrap(kg.Overloaded, ctx.Err(), "the change was not saved: other changes kept the database busy until the request's time ran out; nothing was written, and sending it again is safe")
	}
	leave, err := s.enter(ctx)
	if err != nil {
		<-s.writing
		return zero, err
	}
	var state atomic.Int32
	type outcome struct {
		out T
		err error
	}
	done := make(chan outcome, 1)
	dctx, stop := driverContext(ctx)
	s.inFlight.Add(1)
	go func() {
		defer s.inFlight.Done()
		defer func() { <-s.writing }()
		defer leave()
		defer stop()
		// The work runs here, not on the caller's goroutine, so a panic
		// in it is not the resolver's to recover: recover it here.
		defer func() {
			if p := recover(); p != nil {
				saved := kg.NotSaved
				if state.Load() == committing {
					saved = kg.MaybeSaved
				}
				done <- outcome{err: &kg.Error{Code: kg.Internal, Saved: saved, Message: "internal error",
					Err: fmt.Errorf("panic in a write: %v\n%s", p, debug.Stack())}}
			}
		}()
		out, err := attempts(ctx, dctx, s, &state, edit, work)
		done <- outcome{out, err}
	}()
	select {
	case o := <-done:
		return o.out, o.err
	case <-ctx.Done():
	}
	if state.CompareAndSwap(running, abandoned) {
		stop()
		return zero, kg.Wrap(kg.Unavailable, ctx.Err(), "the change was not saved: the database did not finish it in time; nothing was written, and sending it again is safe")
	}
	select {
	case o := <-done:
		return o.out, o.err
	case <-time.After(commitGrace):
	}
	stop() // without a deadline of its own the driver would wait for good
	return zero, &kg.Error{Code: kg.Unavailable, Saved: kg.MaybeSaved, Err: ctx.Err(),
		Message: "the database did not confirm the change in time, so it may have been saved: read it, or send it again with the same idempotencyKey, which is never applied twice"}
}

// driverContext is the context a write hands the driver (see write).
func driverContext(ctx context.Context) (context.Context, context.CancelFunc) {
	base := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		return context.WithDeadline(base, deadline.Add(commitGrace+time.Second))
	}
	return context.WithCancel(base)
}

// attempts makes the write, again after a failure that left nothing
// written and may pass (a deadlock, a leader switch, a dropped connection
// before the commit), while the caller still waits. ctx is the caller's,
// dctx the driver's.
func attempts[T any](ctx, dctx context.Context, s *Store, state *atomic.Int32, edit kg.Edit, work func(context.Context, *wtx) (T, error)) (T, error) {
	start := time.Now()
	budget := writeRetryBudget
	if deadline, ok := ctx.Deadline(); ok {
		budget = time.Until(deadline)
	}
	wait := 20 * time.Millisecond
	for {
		out, err, again := attempt(ctx, dctx, s, state, edit, work)
		if !again || ctx.Err() != nil || state.Load() == abandoned || time.Since(start)+wait > budget {
			return out, err
		}
		time.Sleep(wait)
		wait = min(wait*2, time.Second)
	}
}

// beforeCommit, when a test sets it, runs just before a write's commit is
// sent, so the test can stall Neo4j at that moment.
var beforeCommit atomic.Pointer[func()]

// errAbandoned ends a write whose caller stopped waiting before its
// commit was sent; the caller has answered already.
var errAbandoned = errors.New("the caller stopped waiting before the commit")

func attempt[T any](ctx, dctx context.Context, s *Store, state *atomic.Int32, edit kg.Edit, work func(context.Context, *wtx) (T, error)) (out T, err error, again bool) {
	var zero T
	var config []func(*neo4j.TransactionConfig)
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline)
		// Neo4j ends the transaction a little before the caller's
		// deadline, so its locks are free by the time the caller answers.
		timeout := left - max(left/10, 50*time.Millisecond)
		if timeout < time.Millisecond {
			return zero, kg.Wrap(kg.Unavailable, context.DeadlineExceeded, "the change was not saved: no time was left for it; nothing was written, and sending it again is safe"), false
		}
		config = append(config, neo4j.WithTxTimeout(timeout.Round(time.Millisecond)))
	}
	// The bookmark manager that reads use, so a read after the write sees
	// it on a cluster too.
	sess := s.driver.NewSession(dctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeWrite,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager()})
	defer sess.Close(dctx)
	tx, err := sess.BeginTransaction(dctx, config...)
	if err != nil {
		return zero, translate(err, "the change was not saved"), neo4j.IsRetryable(err)
	}
	defer tx.Close(dctx) // rolls back unless committed
	fail := func(err error) (T, error, bool) {
		return zero, translate(err, "the change was not saved"), neo4j.IsRetryable(err)
	}
	w := s.transaction(tx, neo4j.AccessModeWrite)
	defer w.endOpen()
	if _, err := w.Run(dctx, writeLockQuery, nil); err != nil {
		return fail(err)
	}
	if edit.Key != "" {
		replay, found, err := readApplied[T](dctx, w, edit)
		if err != nil || found {
			return replay, err, false
		}
	}
	out, err = work(dctx, w)
	if err != nil {
		return fail(err)
	}
	if w.discard {
		return out, nil, false
	}
	if !w.unchanged {
		change, err := refreshRows(dctx, w)
		if err != nil {
			return fail(err)
		}
		if err := recordChange(dctx, w, change); err != nil {
			return fail(err)
		}
	}
	if edit.Key != "" {
		if err := recordApplied(dctx, w, edit, out); err != nil {
			return fail(err)
		}
	}
	if !state.CompareAndSwap(running, committing) {
		return zero, errAbandoned, false
	}
	if hook := beforeCommit.Load(); hook != nil {
		(*hook)()
	}
	w.endOpen()
	err = tx.Commit(dctx)
	if err == nil {
		if !w.unchanged {
			s.commits.fire()
		}
		return out, nil, false
	}
	var n4e *neo4j.Neo4jError
	if errors.As(err, &n4e) {
		// Neo4j answered the commit with a failure: nothing was saved.
		state.CompareAndSwap(committing, running)
		return fail(err)
	}
	return zero, &kg.Error{Code: kg.Unavailable, Saved: kg.MaybeSaved, Err: err,
		Message: "the connection to the database broke while the change was committed, so it may have been saved: read it, or send it again with the same idempotencyKey, which is never applied twice"}, false
}

// appliedKey is how an idempotency key is stored: one client's keys never
// meet another's.
func appliedKey(edit kg.Edit) string {
	sum := sha256.Sum256([]byte(edit.Actor + "\n" + edit.Key))
	return hex.EncodeToString(sum[:])
}

// readApplied returns the answer of the change first made under edit's
// key, if there was one. It is an error to use a key again for another
// request.
func readApplied[T any](ctx context.Context, tx neo4j.ManagedTransaction, edit kg.Edit) (T, bool, error) {
	var zero T
	res, err := tx.Run(ctx, `
		MATCH (a:Applied {key: $key}) WHERE a.at > datetime() - duration({seconds: $keep})
		RETURN a.fingerprint AS fingerprint, a.result AS result`,
		map[string]any{"key": appliedKey(edit), "keep": int64(appliedFor / time.Second)})
	if err != nil {
		return zero, false, translate(err, "the change was not saved")
	}
	recs, err := res.Collect(ctx)
	if err != nil || len(recs) == 0 {
		return zero, false, translate(err, "the change was not saved")
	}
	r := rowOf(recs[0], "reading the answer kept for an idempotencyKey")
	fingerprint, raw := r.str("fingerprint"), r.str("result")
	if err := r.err(); err != nil {
		return zero, true, err
	}
	if fingerprint != edit.Fingerprint {
		return zero, true, kg.Errorf(kg.Conflict, "idempotencyKey %q was used for another change; use a new key for each change", edit.Key)
	}
	var out T
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return zero, true, kg.Wrap(kg.Internal, err, "reading the answer kept for the idempotencyKey failed")
	}
	return out, true, nil
}

// recordApplied keeps the answer of a change under its key, and forgets
// keys older than appliedFor.
func recordApplied(ctx context.Context, tx neo4j.ManagedTransaction, edit kg.Edit, out any) error {
	raw, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = tx.Run(ctx, `
		CALL () {
			MATCH (old:Applied) WHERE old.at < datetime() - duration({seconds: $keep})
			WITH old LIMIT 100
			DELETE old
		}
		MERGE (a:Applied {key: $key})
		SET a.fingerprint = $fingerprint, a.result = $result, a.at = datetime()`,
		map[string]any{"key": appliedKey(edit), "fingerprint": edit.Fingerprint, "result": string(raw), "keep": int64(appliedFor / time.Second)})
	return err
}
