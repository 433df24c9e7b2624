#!/usr/bin/env bash
# Benchmarks casegraph, @neo4j/graphql and the raw Go driver on one
# synthetic graph in a Neo4j of its own (never the development one).
#
# Environment:
#   CASES      synthetic cases to generate           (default 1000)
#   SEED       generator seed                        (default 1)
#   DURATION   measured time per contender, whole seconds (default 21s)
#   ROUNDS     turns the measured time is split into (default 3): each turn
#              runs every contender once, starting with a different one
#   CLIENTS    concurrent clients                    (default 8)
#   WARMUP     unmeasured run of the mix through each contender first (default 15s)
#   BOLT       Bolt address of the bench Neo4j       (default 127.0.0.1:7727)
#   PORT_CG    casegraph's port                      (default 8320)
#   PORT_NG    the @neo4j/graphql server's port      (default 8321)
#   PORT_CG0   casegraph keeping no answers          (default 8322)
#   PORT_CGB   casegraph built at BASELINE           (default 8323)
#   OUT        where results go                      (default .data/bench/CASES)
#   LIGHT_DURATION  time for the lookups, search and neighbourhoods alone (default 12s)
#   IMPORT=1   also time "casegraph import" against the bulk load
#   KEEP=1     reuse the graph a previous run of the same CASES loaded
#   GEN_MEMLIMIT  Go memory limit of the generator (default 8GiB): at 100k
#              cases it holds every checked file, and beside the bench Neo4j
#              its heap must not grow to twice what it keeps
#   WRITES=N   instead of the usual contenders, measure reads while N writes
#              a second (edits that touch convictions, through casegraph's
#              API with an editor token) go on: casegraph with the writes,
#              casegraph without, and @neo4j/graphql with the same writes;
#              results in OUT/writes-table.md
#   BASELINE=REV  also build casegraph at git revision REV and measure it,
#              as casegraph-baseline, beside the current one on the same
#              graph: in the main mix, or without the writes when WRITES
#              is set; the revision used is in OUT/baseline.txt. It serves
#              a copy of the graph in a Neo4j of its own, configured alike
#              (a revision's schema and conviction rows may differ from
#              the current one's, and neither may rewrite the other's)
#   BOLT_B     Bolt address of the baseline's Neo4j   (default 127.0.0.1:7728)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CASES="${CASES:-1000}"
SEED="${SEED:-1}"
DURATION="${DURATION:-21s}"
ROUNDS="${ROUNDS:-3}"
CLIENTS="${CLIENTS:-8}"
WARMUP="${WARMUP:-15s}"
BOLT="${BOLT:-127.0.0.1:7727}"
BOLT_B="${BOLT_B:-127.0.0.1:7728}"
PORT_CG="${PORT_CG:-8320}"
PORT_NG="${PORT_NG:-8321}"
PORT_CG0="${PORT_CG0:-8322}"
PORT_CGB="${PORT_CGB:-8323}"
BASELINE="${BASELINE:-}"
OUT="${OUT:-.data/bench/$CASES}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
BIN="$OUT/bin"
mkdir -p "$BIN"

export NEO4J_BOLT_ADDRESS="$BOLT" NEO4J_DATA_DIR="$OUT/neo4j" NEO4J_HEAP="${NEO4J_HEAP:-2g}" NEO4J_PAGECACHE="${NEO4J_PAGECACHE:-1g}"
URI="bolt://$BOLT"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  scripts/neo4j.sh stop >/dev/null || true
  NEO4J_BOLT_ADDRESS="$BOLT_B" NEO4J_DATA_DIR="$OUT/neo4j-baseline" scripts/neo4j.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# wait_http URL [PID LOG]: waits for URL to answer; with PID, fails at
# once when that server has exited, showing the end of its LOG.
wait_http() {
  for _ in $(seq 1 1500); do
    curl -sf -m 5 -o /dev/null "$1" && return 0
    if [[ -n "${2:-}" ]] && ! kill -0 "$2" 2>/dev/null; then
      echo "bench: the server for $1 exited; the end of $3:" >&2
      tail -n 20 "$3" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "bench: $1 did not answer" >&2
  [[ -z "${3:-}" ]] || tail -n 20 "$3" >&2
  return 1
}

go build -o "$BIN/casegraph" ./cmd/casegraph
go build -o "$BIN/load" ./bench/load
# The previous release, built from the revision's files alone (no
# worktree to remove); OUT may lie inside this repository, whose VCS state
# is not the revision's, so none is stamped.
baseline=() warm=()
if [[ -n "$BASELINE" ]]; then
  rev="$(git rev-parse --verify "$BASELINE^{commit}")"
  echo "baseline: $rev $(git log -1 --format=%s "$rev")" | tee "$OUT/baseline.txt"
  rm -rf "$OUT/baseline-src"
  mkdir -p "$OUT/baseline-src"
  git archive "$rev" | tar -x -C "$OUT/baseline-src"
  (cd "$OUT/baseline-src" && GOWORK=off go build -buildvcs=false -o "$BIN/casegraph-baseline" ./cmd/casegraph)
  rm -rf "$OUT/baseline-src"
  baseline=(casegraph-baseline)
fi
[[ -d bench/neo4j-graphql/node_modules ]] || (cd bench/neo4j-graphql && npm ci --no-audit --no-fund >/dev/null)

# A fresh graph each run, unless KEEP=1 finds one: the data directory is
# this run's alone.
fresh=1
if [[ "${KEEP:-0}" == 1 && -d "$OUT/neo4j/data" && "${IMPORT:-0}" != 1 ]]; then
  fresh=0
else
  rm -rf "$OUT/neo4j"
fi
scripts/neo4j.sh start
NEO4J_PID="$(cat "$OUT/neo4j/neo4j.pid")"

if [[ "${IMPORT:-0}" == 1 ]]; then
  # The same files through "casegraph import" and through the bulk load,
  # each into an empty database.
  GOMEMLIMIT="${GEN_MEMLIMIT:-8GiB}" "$BIN/casegraph" gen -cases "$CASES" -seed "$SEED" -out "$OUT/files" >/dev/null
  start=$(date +%s.%N)
  NEO4J_URI="$URI" "$BIN/casegraph" import "$OUT/files" >/dev/null
  import_s=$(echo "$(date +%s.%N) - $start" | bc)
  scripts/neo4j.sh stop >/dev/null
  rm -rf "$OUT/neo4j"
  scripts/neo4j.sh start >/dev/null
  NEO4J_PID="$(cat "$OUT/neo4j/neo4j.pid")"
fi
if [[ "$fresh" == 1 ]]; then
  start=$(date +%s.%N)
  NEO4J_URI="$URI" GOMEMLIMIT="${GEN_MEMLIMIT:-8GiB}" "$BIN/casegraph" gen -cases "$CASES" -seed "$SEED" -bulk | tee "$OUT/gen.txt"
  bulk_s=$(echo "$(date +%s.%N) - $start" | bc)
fi
if [[ "${IMPORT:-0}" == 1 ]]; then
  printf 'import of %s cases: casegraph import %.1f s, bulk (batched UNWIND) %.1f s, ratio %.2f\n' \
    "$CASES" "$import_s" "$bulk_s" "$(echo "$import_s / $bulk_s" | bc -l)" | tee "$OUT/import.txt"
fi

if [[ -n "$BASELINE" ]]; then
  # The baseline's graph is a copy of the current one's, taken with Neo4j
  # stopped, less the record of the migrations the revision does not know
  # (it refuses a graph migrated past it; what they built stays, and
  # the revision's reads never use it). Neither casegraph then rebuilds
  # the other's conviction rows.
  scripts/neo4j.sh stop >/dev/null
  rm -rf "$OUT/neo4j-baseline"
  cp -a "$OUT/neo4j" "$OUT/neo4j-baseline"
  rm -f "$OUT/neo4j-baseline/neo4j.pid" "$OUT/neo4j-baseline/neo4j.log"
  scripts/neo4j.sh start >/dev/null
  NEO4J_PID="$(cat "$OUT/neo4j/neo4j.pid")"
  NEO4J_BOLT_ADDRESS="$BOLT_B" NEO4J_DATA_DIR="$OUT/neo4j-baseline" scripts/neo4j.sh start >/dev/null
  NEO4J_B_PID="$(cat "$OUT/neo4j-baseline/neo4j.pid")"
  URI_B="bolt://$BOLT_B"
  known="$(git ls-tree --name-only "$rev" internal/neo4jstore/migrations/ 2>/dev/null | sed -n 's|.*/\([0-9]\{3\}\)_.*|\1|p' | sort -n | tail -1)"
  [[ -n "$known" ]] || { echo "bench: cannot tell the last migration of $rev" >&2; exit 1; }
  "$BIN/load" forget-migrations -neo4j-uri "$URI_B" -after "$((10#$known))"
fi

NEO4J_URI="$URI" CASEGRAPH_ADDR="127.0.0.1:$PORT_CG" CASEGRAPH_RATE_LIMIT=0 CASEGRAPH_LOG_LEVEL=warn \
  "$BIN/casegraph" serve 2>"$OUT/casegraph.log" &
CG_PID=$!
pids+=("$CG_PID")
NEO4J_URI="$URI" ADDR="127.0.0.1:$PORT_NG" node bench/neo4j-graphql/server.js >"$OUT/neo4j-graphql.log" 2>&1 &
NG_PID=$!
pids+=("$NG_PID")
# The same server keeping no answers: every cross-case question goes to
# Neo4j, as it does for the other contenders.
NEO4J_URI="$URI" CASEGRAPH_ADDR="127.0.0.1:$PORT_CG0" CASEGRAPH_RATE_LIMIT=0 CASEGRAPH_LOG_LEVEL=warn CASEGRAPH_ANSWER_CACHE=0 \
  "$BIN/casegraph" serve 2>"$OUT/casegraph-uncached.log" &
CG0_PID=$!
pids+=("$CG0_PID")
wait_http "http://127.0.0.1:$PORT_CG/healthz"
wait_http "http://127.0.0.1:$PORT_NG/healthz"
wait_http "http://127.0.0.1:$PORT_CG0/healthz"
if [[ -n "$BASELINE" ]]; then
  # Started once the current casegraph has migrated the graph, on its
  # copy (above).
  NEO4J_URI="$URI_B" CASEGRAPH_ADDR="127.0.0.1:$PORT_CGB" CASEGRAPH_RATE_LIMIT=0 CASEGRAPH_LOG_LEVEL=warn \
    "$BIN/casegraph-baseline" serve 2>"$OUT/casegraph-baseline.log" &
  CGB_PID=$!
  pids+=("$CGB_PID")
  wait_http "http://127.0.0.1:$PORT_CGB/healthz" "$CGB_PID" "$OUT/casegraph-baseline.log"
  warm=("http://127.0.0.1:$PORT_CGB/graphql")
fi

"$BIN/load" plan -neo4j-uri "$URI" -queries bench -out "$OUT/workload.json"
"$BIN/load" check -workload "$OUT/workload.json" -casegraph "http://127.0.0.1:$PORT_CG/graphql" \
  -neo4j-graphql "http://127.0.0.1:$PORT_NG/graphql" | tee "$OUT/check.txt"
common=(-workload "$OUT/workload.json" -c "$CLIENTS" -warmup 2s -neo4j-pid "$NEO4J_PID" -neo4j-uri "$URI")
# A freshly loaded Neo4j is slow until its JIT and caches warm up, and
# each contender sends statements of its own; without an unmeasured round
# of every contender first, the first measured would pay for that alone.
"$BIN/load" run -workload "$OUT/workload.json" -c "$CLIENTS" -d "$WARMUP" -warmup 0s -target cypher -neo4j-uri "$URI" >/dev/null
for url in "http://127.0.0.1:$PORT_CG0/graphql" "http://127.0.0.1:$PORT_CG/graphql" "${warm[@]}"; do
  "$BIN/load" run -workload "$OUT/workload.json" -c "$CLIENTS" -d "$WARMUP" -warmup 0s -target casegraph -url "$url" >/dev/null
done
"$BIN/load" run -workload "$OUT/workload.json" -c "$CLIENTS" -d "$WARMUP" -warmup 0s -target neo4j-graphql -url "http://127.0.0.1:$PORT_NG/graphql" >/dev/null

# contender NAME [load run flags]: how each contender is driven.
contender() {
  case "$1" in
    casegraph) echo -target casegraph -url "http://127.0.0.1:$PORT_CG/graphql" -pid "$CG_PID" ;;
    neo4j-graphql) echo -target neo4j-graphql -url "http://127.0.0.1:$PORT_NG/graphql" -pid "$NG_PID" ;;
    cypher) echo -target cypher ;;
    casegraph-uncached) echo -target casegraph -label casegraph-uncached -url "http://127.0.0.1:$PORT_CG0/graphql" -pid "$CG0_PID" ;;
    casegraph-baseline) echo -target casegraph -label casegraph-baseline -url "http://127.0.0.1:$PORT_CGB/graphql" -pid "$CGB_PID" -neo4j-pid "$NEO4J_B_PID" -neo4j-uri "$URI_B" ;;
  esac
}
# measure PREFIX SECONDS [load run flags] -- CONTENDER...: runs the
# contenders in ROUNDS turns of SECONDS/ROUNDS each, every turn starting
# with the next contender, so that drift in the machine or in Neo4j's
# caches falls on all of them alike; then merges each one's turns into
# OUT/PREFIXCONTENDER.json, and lists those files in measured.
measure() {
  local prefix="$1" secs="$2" flags=() names=()
  shift 2
  while [[ "$1" != -- ]]; do flags+=("$1"); shift; done
  shift
  names=("$@")
  local per=$(( secs / ROUNDS ))
  (( per > 0 )) || { echo "bench: $secs s cannot be split into $ROUNDS rounds" >&2; return 1; }
  mkdir -p "$OUT/rounds"
  for r in $(seq 1 "$ROUNDS"); do
    for i in "${!names[@]}"; do
      local n="${names[$(( (i + r - 1) % ${#names[@]} ))]}"
      # shellcheck disable=SC2046 # contender prints separate words
      "$BIN/load" run "${common[@]}" "${flags[@]}" -d "${per}s" $(contender "$n") -out "$OUT/rounds/$prefix$n-$r.json" >/dev/null
    done
  done
  measured=()
  for n in "${names[@]}"; do
    "$BIN/load" merge -out "$OUT/$prefix$n.json" "$OUT/rounds/$prefix$n-"[0-9]*.json >/dev/null
    measured+=("$OUT/$prefix$n.json")
  done
}
rm -rf "$OUT/rounds"
if [[ "${WRITES:-0}" != 0 ]]; then
  # sed reads all the output: head would close the pipe early, and under
  # pipefail the writer's SIGPIPE would end the run.
  TOKEN="$(NEO4J_URI="$URI" "$BIN/casegraph" token create -role editor -name "bench-writer-$(date +%s)" | sed -n 1p)"
  writes=(-writes-per-second "$WRITES" -write-url "http://127.0.0.1:$PORT_CG/graphql" -write-token "$TOKEN")
  contender() {
    case "$1" in
      casegraph-writes) echo -target casegraph -label casegraph-writes -url "http://127.0.0.1:$PORT_CG/graphql" -pid "$CG_PID" "${writes[@]}" ;;
      casegraph) echo -target casegraph -url "http://127.0.0.1:$PORT_CG/graphql" -pid "$CG_PID" ;;
      casegraph-baseline) echo -target casegraph -label casegraph-baseline -url "http://127.0.0.1:$PORT_CGB/graphql" -pid "$CGB_PID" -neo4j-pid "$NEO4J_B_PID" -neo4j-uri "$URI_B" ;;
      neo4j-graphql-writes) echo -target neo4j-graphql -label neo4j-graphql-writes -url "http://127.0.0.1:$PORT_NG/graphql" -pid "$NG_PID" "${writes[@]}" ;;
    esac
  }
  uptime | tee "$OUT/writes-load.txt"
  measure writes- "${DURATION%s}" -- casegraph-writes casegraph "${baseline[@]}" neo4j-graphql-writes
  uptime | tee -a "$OUT/writes-load.txt"
  echo
  "$BIN/load" table "${measured[@]}" | tee "$OUT/writes-table.md"
  exit 0
fi
measure "" "${DURATION%s}" -- casegraph "${baseline[@]}" neo4j-graphql cypher casegraph-uncached
mix=("${measured[@]}")
# The growth targets concern lookups, search and neighbourhoods: timed
# apart from the whole-graph questions, which otherwise set every latency.
LIGHT_DURATION="${LIGHT_DURATION:-12s}"
# A baseline is timed here too: in the mix, a contender whose slow
# questions hold clients back leaves the rest less contended.
measure light- "${LIGHT_DURATION%s}" -only node,search,neighbourhood -- casegraph "${baseline[@]}" cypher
echo
"$BIN/load" table "${mix[@]}" | tee "$OUT/table.md"
echo
"$BIN/load" table "${measured[@]}" | tee "$OUT/light.md"
