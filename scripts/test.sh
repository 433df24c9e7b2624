#!/usr/bin/env bash
# `make test`: static checks, then every test (race detector on) against a
# Neo4j of its own on a free loopback port with a throwaway data directory.
# Neo4j is stopped however the tests end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
GO="${GO:-go}"

step() { printf '\n== %s\n' "$*"; }

step "gofmt"
unformatted="$(gofmt -l cmd graph internal)"
if [[ -n "$unformatted" ]]; then
  echo "these files need gofmt -w:" >&2
  echo "$unformatted" >&2
  exit 1
fi

step "go vet"
"$GO" vet ./...

step "generated code is current"
snapshot() { find graph -name '*.go' -type f | sort | xargs sha256sum; }
before="$(snapshot)"
"$GO" generate ./...
after="$(snapshot)"
if [[ "$before" != "$after" ]]; then
  echo "go generate ./... changed generated code; commit the regenerated files:" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi

step "test Neo4j"
port=7688
while timeout 1 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$port" 2>/dev/null; do
  port=$((port + 1))
  ((port < 7788)) || { echo "no free port between 7688 and 7787 for the test Neo4j" >&2; exit 1; }
done
data="$(mktemp -d "${TMPDIR:-/tmp}/casegraph-test-neo4j.XXXXXX")"
export NEO4J_BOLT_ADDRESS="127.0.0.1:$port" NEO4J_DATA_DIR="$data" NEO4J_AUTH=none NEO4J_HEAP=1g NEO4J_PAGECACHE=128m
cleanup() {
  scripts/neo4j.sh stop >/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
scripts/neo4j.sh start

step "go test -race ./..."
export CASEGRAPH_TEST_NEO4J_URI="bolt://127.0.0.1:$port" CASEGRAPH_REQUIRE_NEO4J=1
"$GO" test -race -count=1 -timeout 15m ./...
