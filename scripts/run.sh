#!/usr/bin/env bash
# `make run`: serve casegraph with its bundled data. Without NEO4J_URI it
# starts the local Neo4j (scripts/neo4j.sh) and stops it again on exit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${1:-bin/casegraph}"

if [[ -z "${NEO4J_URI:-}" ]]; then
  export NEO4J_BOLT_ADDRESS="${NEO4J_BOLT_ADDRESS:-127.0.0.1:7687}"
  export NEO4J_USER="${NEO4J_USER:-neo4j}"
  export NEO4J_PASSWORD="${NEO4J_PASSWORD:-casegraph-dev}"
  if scripts/neo4j.sh status >/dev/null; then
    echo "using the local Neo4j that is already running"
  else
    NEO4J_AUTH="$NEO4J_PASSWORD" scripts/neo4j.sh start
    trap 'scripts/neo4j.sh stop' EXIT
  fi
  export NEO4J_URI="bolt://$NEO4J_BOLT_ADDRESS"
fi

# The bundled cases are imported at every start; importing is idempotent.
export CASEGRAPH_DATA="${CASEGRAPH_DATA:-data/cases}"

# Not exec: the trap above must run after the service has stopped.
"$BIN" serve
