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
