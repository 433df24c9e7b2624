package neo4jtest

import (
	"runtime/metrics"
	"testing"
)

// GoroutinesCreated returns how many goroutines the process has started,
// for tests that a read or an answer starts none per row or element: the
// driver and gqlgen would, unless told otherwise. It skips the test on a
// runtime that does not count them.
func GoroutinesCreated(t *testing.T) uint64 {
	t.Helper()
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		t.Skip("this Go runtime does not count goroutines created")
	}
	return s[0].Value.Uint64()
}
