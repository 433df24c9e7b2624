package neo4jstore_test

import (
	"os"
	"strconv"
	"testing"
)

// roundsEnv, when set to a number, multiplies the rounds of the property
// tests over random graphs: make test runs a few, which catch a statement
// that ignores a reader's sight at once; a longer search is one variable
// away.
const roundsEnv = "CASEGRAPH_TEST_ROUNDS"

// rounds is n, times roundsEnv when it is set.
func rounds(t *testing.T, n int) int {
	t.Helper()
	if v := os.Getenv(roundsEnv); v != "" {
		k, err := strconv.Atoi(v)
		if err != nil || k < 1 {
			t.Fatalf("%s=%q: want a whole number of at least 1", roundsEnv, v)
		}
		return n * k
	}
	return n
}
