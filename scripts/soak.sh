#!/usr/bin/env bash
# `make soak`: steady mixed read/write load against the service for
# SOAK_DURATION (default 10m), with a table of goroutines, heap and resident
# memory every SOAK_INTERVAL (default 10s). It starts a Neo4j of its own on
# a free loopback port with a throwaway data directory, and stops it however
# the run ends. Not part of `make test`; docs/reliability.md has results.
#
# `make overload` runs TestOverload the same way (SOAK_TAGS=overload
# SOAK_RUN=TestOverload): a normal client's latency alone and beside
# abusive clients (OVERLOAD_DURATION, OVERLOAD_CASES).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
GO="${GO:-go}"
export SOAK_DURATION="${SOAK_DURATION:-10m}" SOAK_INTERVAL="${SOAK_INTERVAL:-10s}"

port=7790
while timeout 1 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$port" 2>/dev/null; do
  port=$((port + 1))
  ((port < 7890)) || { echo "no free port between 7790 and 7889 for the soak's Neo4j" >&2; exit 1; }
done
data="$(mktemp -d "${TMPDIR:-/tmp}/casegraph-soak-neo4j.XXXXXX")"
export NEO4J_BOLT_ADDRESS="127.0.0.1:$port" NEO4J_DATA_DIR="$data" NEO4J_AUTH=none NEO4J_HEAP=1g NEO4J_PAGECACHE=256m
cleanup() {
  scripts/neo4j.sh stop >/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
scripts/neo4j.sh start

# No -race: it multiplies memory use, which is what the soak watches. The
# timeout leaves room for start-up and the import of the bundled cases.
export CASEGRAPH_TEST_NEO4J_URI="bolt://127.0.0.1:$port" CASEGRAPH_REQUIRE_NEO4J=1
"$GO" test -tags "${SOAK_TAGS:-soak}" -run "^${SOAK_RUN:-TestSoak}\$" -count=1 -v -timeout 2h ./cmd/casegraph
