package kg

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A request's share lets n statements in at a time: the next waits for
// one to leave, and stops waiting when its request ends.
func TestStatementShare(t *testing.T) {
	ctx := WithStatementShare(context.Background(), 2)
	first, err := AcquireStatement(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := AcquireStatement(ctx); err != nil {
		t.Fatal(err)
	}
	full, cancelFull := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancelFull()
	if _, err := AcquireStatement(full); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a third statement in a full share of two: %v, want it to wait until its request ends", err)
	}
	entered := make(chan error, 1)
	go func() {
		release, err := AcquireStatement(ctx)
		if err == nil {
			release()
		}
		entered <- err
	}()
	first()
	if err := <-entered; err != nil {
		t.Fatalf("the third statement did not enter once the first left: %v", err)
	}

	ended, cancel := context.WithCancel(WithStatementShare(context.Background(), 1))
	if _, err := AcquireStatement(ended); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := AcquireStatement(ended); !errors.Is(err, context.Canceled) {
		t.Errorf("waiting in an ended request: %v, want context.Canceled", err)
	}
}

// Without a share, and for a share of zero, nothing waits.
func TestNoStatementShare(t *testing.T) {
	for _, ctx := range []context.Context{context.Background(), WithStatementShare(context.Background(), 0)} {
		for range 100 {
			if _, err := AcquireStatement(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
}
