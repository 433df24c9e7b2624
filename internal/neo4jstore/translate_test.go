package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// A read past its deadline reads the same to a client whether the request
// gave up first or Neo4j's transaction timeout did.
func TestTranslateTimeouts(t *testing.T) {
	for _, err := range []error{
		context.DeadlineExceeded,
		fmt.Errorf("reading: %w", context.DeadlineExceeded),
		&neo4j.Neo4jError{Code: "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"},
		&neo4j.Neo4jError{Code: "Neo.ClientError.Transaction.TransactionTimedOut"},
	} {
		var de *kg.Error
		if !errors.As(translate(err, "cannot read"), &de) || de.Code != kg.Unavailable || de.Message != "the database did not answer in time" {
			t.Errorf("%v became %v, want UNAVAILABLE: the database did not answer in time", err, de)
		}
	}
}
