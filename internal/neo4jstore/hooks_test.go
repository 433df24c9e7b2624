package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ReadQuery lets the package's external tests send a statement of their own
// the way every API read is sent.
func (s *Store) ReadQuery(ctx context.Context, query string, params map[string]any) (*neo4j.EagerResult, error) {
	return s.readQuery(ctx, query, params)
}

// BeforeCommit makes f run just before every write's commit is sent, until
// the returned function undoes it.
func BeforeCommit(f func()) (undo func()) {
	beforeCommit.Store(&f)
	return func() { beforeCommit.Store(nil) }
}

// BetweenExportReads makes f run in every read of ReadBatches after the
// entities are read and before the relationships are, until the returned
// function undoes it.
func BetweenExportReads(f func()) (undo func()) {
	betweenExportReads.Store(&f)
	return func() { betweenExportReads.Store(nil) }
}
