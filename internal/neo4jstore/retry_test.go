package neo4jstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func TestRetryRead(t *testing.T) {
	dropped := &neo4j.ConnectivityError{Inner: errors.New("connection reset")}
	transient := &neo4j.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable"}
	syntax := &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}
	answer := &neo4j.EagerResult{}
	tests := []struct {
		name   string
		errs   []error // what the tries fail with, then success
		budget time.Duration
		calls  int
		ok     bool
	}{
		{"a closed pooled connection is read again", []error{dropped}, time.Minute, 2, true},
		{"transient errors are read again", []error{transient, transient}, time.Minute, 3, true},
		{"a client error is not", []error{syntax}, time.Minute, 1, false},
		{"no try starts after the budget", []error{dropped, dropped}, time.Millisecond, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			res, err := retryRead(context.Background(), tt.budget, func() (*neo4j.EagerResult, error) {
				calls++
				if calls <= len(tt.errs) {
					return nil, tt.errs[calls-1]
				}
				return answer, nil
			})
			if calls != tt.calls || (err == nil) != tt.ok || (tt.ok && res != answer) {
				t.Errorf("%d calls, error %v; want %d calls and success %v", calls, err, tt.calls, tt.ok)
			}
		})
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := 0
	if _, err := retryRead(ctx, time.Second, func() (*neo4j.EagerResult, error) { calls++; return nil, dropped }); err == nil || calls != 1 {
		t.Errorf("cancelled: %d calls, error %v; want 1 and the error", calls, err)
	}
}
