#!/usr/bin/env bash
# Times ID lookups, search and neighbourhoods on two graphs loaded by
# earlier runs of bench/run.sh, in turns, so that the growth from the small
# graph to the large one is not mixed up with drift in the machine: both
# graphs' Neo4j and casegraph servers run side by side, and every turn
# measures casegraph and the raw driver on each.
#
# Environment:
#   SMALL, LARGE  cases of the two graphs        (default 1000 and 100000)
#   DURATION      measured time per contender and graph, whole seconds (default 30s)
#   ROUNDS        turns the time is split into   (default 3)
#   CLIENTS       concurrent clients             (default 8)
#   WARMUP        unmeasured run of each first   (default 15s)
#   MEMORY_SMALL, MEMORY_LARGE  each Neo4j's heap and page cache (default "2g 1g" and "4g 4g")
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SMALL="${SMALL:-1000}"
LARGE="${LARGE:-100000}"
DURATION="${DURATION:-30s}"
ROUNDS="${ROUNDS:-3}"
CLIENTS="${CLIENTS:-8}"
WARMUP="${WARMUP:-15s}"
declare -A memory=([$SMALL]="${MEMORY_SMALL:-2g 1g}" [$LARGE]="${MEMORY_LARGE:-4g 4g}")
OUT="$ROOT/.data/bench/growth-$SMALL-$LARGE"
BIN="$OUT/bin"
mkdir -p "$BIN"
rm -rf "$OUT/rounds"
mkdir -p "$OUT/rounds"

declare -A bolt=([$SMALL]=127.0.0.1:7727 [$LARGE]=127.0.0.1:7728) port=([$SMALL]=8350 [$LARGE]=8351)
declare -A neo4j_pid cg_pid
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for n in "$SMALL" "$LARGE"; do
    NEO4J_BOLT_ADDRESS="${bolt[$n]}" NEO4J_DATA_DIR="$ROOT/.data/bench/$n/neo4j" scripts/neo4j.sh stop >/dev/null || true
  done
}
trap cleanup EXIT

go build -o "$BIN/casegraph" ./cmd/casegraph
go build -o "$BIN/load" ./bench/load
for n in "$SMALL" "$LARGE"; do
  if [[ ! -d "$ROOT/.data/bench/$n/neo4j/data" ]]; then
    echo "bench: no graph of $n cases; load one first with CASES=$n bench/run.sh" >&2
    exit 1
  fi
  read -r heap pagecache <<<"${memory[$n]}"
  NEO4J_HEAP="$heap" NEO4J_PAGECACHE="$pagecache" NEO4J_BOLT_ADDRESS="${bolt[$n]}" NEO4J_DATA_DIR="$ROOT/.data/bench/$n/neo4j" scripts/neo4j.sh start
  neo4j_pid[$n]="$(cat "$ROOT/.data/bench/$n/neo4j/neo4j.pid")"
  NEO4J_URI="bolt://${bolt[$n]}" CASEGRAPH_ADDR="127.0.0.1:${port[$n]}" CASEGRAPH_RATE_LIMIT=0 CASEGRAPH_LOG_LEVEL=warn \
    "$BIN/casegraph" serve 2>"$OUT/casegraph-$n.log" &
  cg_pid[$n]=$!
  pids+=("${cg_pid[$n]}")
done
for n in "$SMALL" "$LARGE"; do
  for _ in $(seq 1 150); do curl -sf -o /dev/null "http://127.0.0.1:${port[$n]}/healthz" && break; sleep 0.2; done
  "$BIN/load" plan -neo4j-uri "bolt://${bolt[$n]}" -queries bench -out "$OUT/workload-$n.json"
done

# run N CONTENDER SECONDS [flags]: one run of casegraph or the raw driver
# on the graph of N cases.
run() {
  local n="$1" who="$2" secs="$3"
  shift 3
  local args=(-workload "$OUT/workload-$n.json" -c "$CLIENTS" -only node,search,neighbourhood -d "$secs"
    -neo4j-pid "${neo4j_pid[$n]}" -neo4j-uri "bolt://${bolt[$n]}" -label "$who-$n")
  if [[ "$who" == casegraph ]]; then
    args+=(-target casegraph -url "http://127.0.0.1:${port[$n]}/graphql" -pid "${cg_pid[$n]}")
  else
    args+=(-target cypher)
  fi
  "$BIN/load" run "${args[@]}" "$@"
}
for n in "$SMALL" "$LARGE"; do
  for who in casegraph cypher; do run "$n" "$who" "$WARMUP" -warmup 0s >/dev/null; done
done
per=$(( ${DURATION%s} / ROUNDS ))
order=("$SMALL casegraph" "$LARGE casegraph" "$SMALL cypher" "$LARGE cypher")
for r in $(seq 1 "$ROUNDS"); do
  for i in "${!order[@]}"; do
    read -r n who <<<"${order[$(( (i + r - 1) % ${#order[@]} ))]}"
    run "$n" "$who" "${per}s" -warmup 2s -out "$OUT/rounds/$who-$n-$r.json" >/dev/null
  done
done
for n in "$SMALL" "$LARGE"; do
  for who in casegraph cypher; do
    "$BIN/load" merge -out "$OUT/$who-$n.json" "$OUT/rounds/$who-$n-"[0-9]*.json >/dev/null
  done
done
"$BIN/load" table "$OUT/casegraph-$LARGE.json" "$OUT/casegraph-$SMALL.json" "$OUT/cypher-$LARGE.json" "$OUT/cypher-$SMALL.json" | tee "$OUT/table.md"
