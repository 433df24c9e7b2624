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
unformatted="$(gofmt -l cmd graph internal web/*.go)"
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

step "schema lint"
# Every type, field, argument, input value and enum value of schema.graphqls
# has a description, and names follow GraphQL's conventions;
# docs/schema-lint.md lists the rules and why.
npm ci --prefix tools/schemalint --prefer-offline --no-audit --no-fund --loglevel=error
(cd tools/schemalint && node_modules/.bin/graphql-schema-linter)

step "schema against its release"
# schema/released.graphqls is the schema as last released (CHANGELOG.md): a
# breaking change to it fails the run unless the field was deprecated in
# that release. Its self-test shows it refuses what breaks and lets the rest
# pass.
npm ci --prefix tools/schemadiff --prefer-offline --no-audit --no-fund --loglevel=error
node tools/schemadiff/diff.mjs schema/released.graphqls schema.graphqls
node tools/schemadiff/diff.mjs --self-test

step "fuzz briefly"
# Each target runs its seed corpus (testdata/fuzz) and then explores for a
# few seconds; docs/reliability.md says how to run them for longer. Go 1.26
# sometimes reports its own -fuzztime deadline as a failure
# (go.dev/issue/75804): a run that ends so without writing a failing input
# found nothing and passes.
for target in FuzzCaseFile:./internal/casefile FuzzIDs:./internal/kg \
  FuzzDateArithmetic:./internal/kg FuzzLuceneQuery:./internal/neo4jstore FuzzVariables:./internal/server; do
  if out="$("$GO" test -run='^$' -fuzz="^${target%%:*}\$" -fuzztime=5s "${target#*:}" 2>&1)"; then
    echo "$out"
    continue
  fi
  echo "$out"
  if grep -q "context deadline exceeded" <<<"$out" && ! grep -q "Failing input written" <<<"$out"; then
    echo "${target%%:*} stopped on the fuzzing deadline, not on an input: passed" >&2
    continue
  fi
  exit 1
done

# npm ci once per run: the bundle check and the end-to-end tests share it.
web_deps() {
  if [[ -z "${web_deps_done:-}" ]]; then
    npm ci --prefix web --no-audit --no-fund --loglevel=error
    web_deps_done=1
  fi
}

step "explorer bundle is current"
# web/dist is committed and embedded in the binary; rebuilding it from
# web/src with the locked dependencies must give the same files.
web_deps
built="$(mktemp -d "${TMPDIR:-/tmp}/casegraph-explorer.XXXXXX")"
(cd web && node_modules/.bin/vite build --outDir "$built" --emptyOutDir --logLevel warn)
if ! diff -r "$built" web/dist >/dev/null; then
  echo "web/dist differs from what web/src builds; run make ui and commit web/dist:" >&2
  diff -r "$built" web/dist | head -20 >&2 || true
  rm -rf "$built"
  exit 1
fi
rm -rf "$built"

step "test Neo4j"
# One Neo4j per package that talks to it (cmd/casegraph, internal/server,
# internal/neo4jstore), on free ports from TEST_NEO4J_PORT (7688), each
# with a throwaway data directory. A test process leases one for its whole
# run and clears it first (internal/neo4jtest), so no package sees
# another's writes; with fewer servers, packages wait for each other.
# Tests empty and refill their database all the time, and Neo4j would
# plan their statements again each time the counts moved (some take
# seconds to plan): the servers keep a plan for an hour.
servers="${TEST_NEO4J_SERVERS:-3}"
first_port="${TEST_NEO4J_PORT:-7688}"
free_port() {
  local p="$1"
  while timeout 1 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$p" 2>/dev/null; do
    p=$((p + 1))
    ((p < first_port + 100)) || { echo "no free port between $first_port and $((first_port + 99)) for the test Neo4j" >&2; return 1; }
  done
  echo "$p"
}
base="$(mktemp -d "${TMPDIR:-/tmp}/casegraph-test-neo4j.XXXXXX")"
datas=() uris=() pids=()
svc_pid="" synth_pid="" ftm_pid=""
cleanup() {
  # pip is left to finish rather than stopped halfway through its cache.
  if [[ -n "$ftm_pid" ]]; then
    wait "$ftm_pid" 2>/dev/null || true
  fi
  for p in "$svc_pid" "$synth_pid"; do
    if [[ -n "$p" ]]; then
      kill "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
    fi
  done
  for d in "${datas[@]}"; do
    NEO4J_DATA_DIR="$d" scripts/neo4j.sh stop >/dev/null || true
  done
  rm -rf "$base"
}
trap cleanup EXIT

# The followthemoney package that checks the FtM export, pinned, in a
# throwaway virtualenv; it installs meanwhile (pip's cache makes later runs
# quick).
ftm_python="$base/ftm-venv/bin/python"
(python3 -m venv "$base/ftm-venv" &&
  "$ftm_python" -m pip install --quiet --disable-pip-version-check --no-compile --no-deps \
    -r scripts/ftm-requirements.txt) >"$base/ftm-venv.log" 2>&1 &
ftm_pid=$!

scripts/neo4j.sh build
port="$first_port"
for ((i = 0; i < servers; i++)); do
  port="$(free_port "$port")"
  datas+=("$base/neo4j-$i")
  uris+=("bolt://127.0.0.1:$port")
  NEO4J_BOLT_ADDRESS="127.0.0.1:$port" NEO4J_DATA_DIR="$base/neo4j-$i" NEO4J_AUTH=none NEO4J_HEAP=1g NEO4J_PAGECACHE=128m \
    NEO4J_MIN_REPLAN_INTERVAL=1h scripts/neo4j.sh start &
  pids+=($!)
  port=$((port + 1))
done
for pid in "${pids[@]}"; do
  wait "$pid" || { echo "a test Neo4j did not start" >&2; exit 1; }
done

step "go test -race ./..."
if ! wait "$ftm_pid"; then
  ftm_pid=""
  echo "installing followthemoney failed:" >&2
  tail -20 "$base/ftm-venv.log" >&2
  exit 1
fi
ftm_pid=""
# With a python that has followthemoney, the FtM tests also run the
# library's own check on what they convert.
export CASEGRAPH_TEST_NEO4J_URI="$(IFS=,; echo "${uris[*]}")" CASEGRAPH_REQUIRE_NEO4J=1 CASEGRAPH_FTM_PYTHON="$ftm_python"
"$GO" test -race -count=1 -timeout 25m ./...

step "casegraph serve for the HTTP tests"
# One service of the real binary, serving the bundled cases from the test
# Neo4j, answers the conformance audit and the explorer's browser tests.
# -race: the packages the Go tests just compiled are reused, and the
# service runs under the race detector meanwhile.
"$GO" build -race -o bin/casegraph ./cmd/casegraph
free_http_port() {
  local p="$1"
  while timeout 1 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$p" 2>/dev/null; do
    p=$((p + 1))
    ((p < 8500)) || { echo "no free port between 8400 and 8499 for $2" >&2; return 1; }
  done
  echo "$p"
}
svc_port="$(free_http_port 8400 "the service")"
# The browser tests serve a page of another origin, which calls the API
# cross-origin (web/e2e/cors.test.mjs); the service allows that origin.
page_origin="http://127.0.0.1:$(free_http_port $((svc_port + 1)) "the browser tests' page")"
# It serves its metrics apart, for promtool to check below.
metrics_port="$(free_http_port $((${page_origin##*:} + 1)) "the service's metrics")"
svc_log="$base/casegraph-serve.log"
NEO4J_URI="${uris[0]}" CASEGRAPH_ADDR="127.0.0.1:$svc_port" CASEGRAPH_DATA=data/cases CASEGRAPH_CORS_ORIGINS="$page_origin" \
  CASEGRAPH_METRICS_ADDR="127.0.0.1:$metrics_port" bin/casegraph serve >"$svc_log" 2>&1 &
svc_pid=$!
# wait_ready PID PORT LOG: until the service answers /readyz, or fails.
wait_ready() {
  local deadline=$((SECONDS + 60))
  until curl -fs "http://127.0.0.1:$2/readyz" >/dev/null 2>&1; do
    if ! kill -0 "$1" 2>/dev/null || ((SECONDS > deadline)); then
      echo "casegraph serve did not become ready:" >&2
      tail -20 "$3" >&2
      exit 1
    fi
    sleep 0.5
  done
}
wait_ready "$svc_pid" "$svc_port" "$svc_log"

# The saved-investigation tests save as an editor and are refused as a
# reader: tokens of both roles, made for this run in the service's Neo4j
# (names are unique, so each run makes its own).
e2e_token() {
  NEO4J_URI="${uris[0]}" CASEGRAPH_LOG_LEVEL=warn bin/casegraph token create -role "$1" -name "e2e-$1-$(date +%s)-$$" | sed -n 1p
}
e2e_editor_token="$(e2e_token editor)"
e2e_reader_token="$(e2e_token reader)"

step "casegraph serve over a synthetic graph"
# The explorer's layout test (web/e2e/layout.test.mjs) reads a view of
# about 300 entities: casegraph gen writes 40 synthetic cases into the
# second test Neo4j, which the Go tests are done with, and a second
# service serves it without the bundled cases.
NEO4J_URI="${uris[1]}" CASEGRAPH_LOG_LEVEL=warn bin/casegraph gen -cases 40
synth_port="$(free_http_port $((metrics_port + 1)) "the synthetic service")"
synth_log="$base/casegraph-serve-synthetic.log"
NEO4J_URI="${uris[1]}" CASEGRAPH_ADDR="127.0.0.1:$synth_port" bin/casegraph serve >"$synth_log" 2>&1 &
synth_pid=$!
wait_ready "$synth_pid" "$synth_port" "$synth_log"

step "FollowTheMoney export"
# The built binary exports what the service serves (the bundled cases, and
# whatever the tests left beside them); the followthemoney package checks
# every entity against its model and fails the run on any error.
ftm_start=$SECONDS
NEO4J_URI="${uris[0]}" CASEGRAPH_LOG_LEVEL=warn bin/casegraph export -format ftm -o "$base/casegraph.ftm.json"
"$ftm_python" scripts/ftm_check.py check "$base/casegraph.ftm.json"
echo "exported and checked in $((SECONDS - ftm_start))s"

step "GraphQL over HTTP audit"
# graphql-http's audit: every MUST must pass; docs/reliability.md says which
# SHOULDs are left and why.
npm ci --prefix tools/audit --prefer-offline --no-audit --no-fund --loglevel=error
node tools/audit/audit.mjs "http://127.0.0.1:$svc_port/graphql"

step "client caches"
# Apollo Client's InMemoryCache, urql's graphcache and Relay's store, pinned,
# each fill one cache with every example query and reads that overlap, then
# answer each from the cache alone: any difference from the network's
# answer fails the run (docs/clients.md).
npm ci --prefix tools/clients --prefer-offline --no-audit --no-fund --loglevel=error
node tools/clients/caches.mjs "http://127.0.0.1:$svc_port/graphql" schema.graphqls internal/server/examples

step "Prometheus metrics"
# The service's /metrics, after the audit's and the clients' requests,
# must pass promtool's lint (Debian's prometheus package brings promtool;
# its service is never started).
if ! command -v promtool >/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
fi
curl -fsS "http://127.0.0.1:$metrics_port/metrics" >"$base/metrics.txt"
promtool check metrics <"$base/metrics.txt"
grep -q '^casegraph_requests_total{' "$base/metrics.txt" || { echo "no casegraph_requests_total in /metrics" >&2; exit 1; }
# The alerting rules operators are given parse, and their unit tests fire
# (and stay quiet) on synthetic series. The Grafana dashboard's queries
# parse too: each, with Grafana's variables given values, becomes a
# recording rule for promtool to check (JSON is YAML). That they name only
# metrics and labels the service exports is TestDashboardAndAlertsNameRealMetrics.
promtool check rules deploy/prometheus/casegraph-rules.yml
promtool test rules deploy/prometheus/casegraph-rules.test.yml
python3 - deploy/grafana/casegraph.json >"$base/dashboard-rules.yml" <<'PY'
import json, sys
values = {"$__rate_interval": "5m", "$instance": ".*", "$job": "casegraph"}
rules = []
for panel in json.load(open(sys.argv[1]))["panels"]:
    for target in panel.get("targets", []):
        expr = target["expr"]
        for k, v in values.items():
            expr = expr.replace(k, v)
        rules.append({"record": "dashboard:panel_%d_%s" % (panel["id"], target["refId"]), "expr": expr})
json.dump({"groups": [{"name": "dashboard", "rules": rules}]}, sys.stdout, indent=1)
PY
promtool check rules "$base/dashboard-rules.yml"

step "explorer end-to-end tests"
# Headless Chromium drives /explore. Screenshots and exports go to
# E2E_ARTIFACTS.
if [[ ! -x /usr/bin/chromium ]]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
fi
web_deps
artifacts="${E2E_ARTIFACTS:-$ROOT/web/e2e/artifacts}"
if ! CASEGRAPH_URL="http://127.0.0.1:$svc_port" E2E_PAGE_ORIGIN="$page_origin" E2E_SYNTH_URL="http://127.0.0.1:$synth_port" E2E_ARTIFACTS="$artifacts" \
  E2E_EDITOR_TOKEN="$e2e_editor_token" E2E_READER_TOKEN="$e2e_reader_token" node --test web/e2e/; then
  echo "explorer tests failed; screenshots in $artifacts; the service's log ends:" >&2
  tail -20 "$svc_log" >&2
  exit 1
fi
