package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ReadQuery lets the package's external tests send a statement of their own
// the way every API read is sent, with the reader's sight, whether the
// statement applies it or not.
func (s *Store) ReadQuery(ctx context.Context, query string, params map[string]any) (*neo4j.EagerResult, error) {
	return s.send(ctx, query, withSight(ctx, params))
}

// ReadChecked is readQuery itself, which refuses a statement that does not
// apply the reader's sight.
func (s *Store) ReadChecked(ctx context.Context, query string, params map[string]any) (*neo4j.EagerResult, error) {
	return s.readQuery(ctx, query, params)
}

// ReadOwn is readOwn, for statements of the store's own nodes.
func (s *Store) ReadOwn(ctx context.Context, query string, params map[string]any) (*neo4j.EagerResult, error) {
	return s.readOwn(ctx, query, params)
}

// BeforeCommit makes f run just before every write's commit is sent, until
// the returned function undoes it.
func BeforeCommit(f func()) (undo func()) {
	beforeCommit.Store(&f)
	return func() { beforeCommit.Store(nil) }
}

// DuringExport makes f run in each read of ReadBatches, after its queries
// and before it checks whether a write committed meanwhile, until the
// returned function undoes it.
func DuringExport(f func()) (undo func()) {
	duringExport.Store(&f)
	return func() { duringExport.Store(nil) }
}
