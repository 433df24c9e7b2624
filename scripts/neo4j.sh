#!/usr/bin/env bash
# Local Neo4j Community (embedded, tools/neo4j) for development and tests.
#
# Usage: scripts/neo4j.sh build|start|stop|status|run
#
# Environment (passed through to the launcher):
#   NEO4J_BOLT_ADDRESS   loopback host:port for Bolt      (default 127.0.0.1:7687)
#   NEO4J_DATA_DIR       Neo4j home; relative to repo root (default .data/neo4j)
#   NEO4J_AUTH           'none' or the neo4j user's password, 8+ chars (default none)
#   NEO4J_HEAP           JVM max heap                      (default 1g)
#   NEO4J_PAGECACHE      page cache size                   (default 256m)
#   NEO4J_START_TIMEOUT  seconds 'start' waits for Bolt    (default 120)
#   NEO4J_MIN_REPLAN_INTERVAL  how long a plan is kept before Neo4j may plan
#                        the query again, e.g. 1h        (default Neo4j's, 10s)
#   JVM_ROOT             where to look for a Java 17       (default /usr/lib/jvm)
#
# 'start' returns once Bolt accepts connections; output goes to
# $NEO4J_DATA_DIR/neo4j.log and the PID to $NEO4J_DATA_DIR/neo4j.pid.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOL_DIR="$ROOT/tools/neo4j"
MAIN_CLASS="casegraph.neo4j.Launcher"
READY_PREFIX="casegraph-neo4j ready "

export NEO4J_BOLT_ADDRESS="${NEO4J_BOLT_ADDRESS:-127.0.0.1:7687}"
export NEO4J_AUTH="${NEO4J_AUTH:-none}"
export NEO4J_PAGECACHE="${NEO4J_PAGECACHE:-256m}"
NEO4J_HEAP="${NEO4J_HEAP:-1g}"
NEO4J_START_TIMEOUT="${NEO4J_START_TIMEOUT:-120}"
JVM_ROOT="${JVM_ROOT:-/usr/lib/jvm}"
NEO4J_DATA_DIR="${NEO4J_DATA_DIR:-.data/neo4j}"
case "$NEO4J_DATA_DIR" in
  /*) ;;
  *) NEO4J_DATA_DIR="$ROOT/$NEO4J_DATA_DIR" ;;
esac
export NEO4J_DATA_DIR
PID_FILE="$NEO4J_DATA_DIR/neo4j.pid"
LOG_FILE="$NEO4J_DATA_DIR/neo4j.log"

# JVM flags: Neo4j 5.26's shipped server.jvm.additional list, minus AlwaysPreTouch
# (commits the whole initial heap up front), TrustFinalNonStaticFields (Neo4j's
# own docs say to drop it when embedded) and the profiling-only flags.
JVM_FLAGS=(
  -Xms256m
  "-Xmx${NEO4J_HEAP}"
  -XX:+UseG1GC
  -XX:-OmitStackTraceInFastThrow
  -XX:+DisableExplicitGC
  -Djdk.nio.maxCachedBufferSize=1024
  -Djdk.tls.ephemeralDHKeySize=2048
  -Djdk.tls.rejectClientInitiatedRenegotiation=true
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
  -Dlog4j2.disable.jmx=true
)

die() {
  echo "neo4j.sh: $*" >&2
  exit 1
}

# Prints the Java feature version (e.g. 17) of the given java binary.
java_version() {
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9.]*\).*/\1/p' | head -n 1
}

# Sets JAVA and JAVA17_HOME to a Java 17 installation; Neo4j 5.26 is tested on 17,
# and a newer default JDK on the machine must not be picked up by accident.
find_java() {
  local candidate
  local candidates=()
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  for candidate in "$JVM_ROOT"/*17*/bin/java; do
    [[ -e "$candidate" ]] && candidates+=("$candidate")
  done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(readlink -f "$(command -v java)")")
  fi
  for candidate in "${candidates[@]}"; do
    if [[ -x "$candidate" && "$(java_version "$candidate")" == "17" ]]; then
      JAVA="$candidate"
      JAVA17_HOME="$(cd "$(dirname "$candidate")/.." && pwd)"
      return 0
    fi
  done
  die "Java 17 not found (checked JAVA_HOME, $JVM_ROOT/*17*, java on PATH): install a Java 17 JDK, e.g. apt-get install openjdk-17-jdk-headless"
}

needs_build() {
  local stamp="$TOOL_DIR/target/.build-stamp"
  [[ -d "$TOOL_DIR/target/classes" && -d "$TOOL_DIR/target/lib" && -f "$stamp" ]] || return 0
  [[ "$TOOL_DIR/pom.xml" -nt "$stamp" ]] && return 0
  [[ -n "$(find "$TOOL_DIR/src" -newer "$stamp" -type f -print -quit)" ]] && return 0
  return 1
}

cmd_build() {
  find_java
  needs_build || return 0
  command -v mvn >/dev/null 2>&1 || die "mvn not found: install Maven 3.8+ (e.g. apt-get install maven)"
  local out
  out="$(mktemp)"
  echo "neo4j.sh: building tools/neo4j (the first build downloads ~125 MB of jars)" >&2
  if ! JAVA_HOME="$JAVA17_HOME" mvn -q -B -f "$TOOL_DIR/pom.xml" package -DskipTests >"$out" 2>&1; then
    cat "$out" >&2
    rm -f "$out"
    die "Maven build of tools/neo4j failed"
  fi
  rm -f "$out"
  touch "$TOOL_DIR/target/.build-stamp"
}

# Splits NEO4J_BOLT_ADDRESS into BOLT_HOST and BOLT_PORT ([::1]:7687 allowed).
parse_bolt() {
  BOLT_PORT="${NEO4J_BOLT_ADDRESS##*:}"
  BOLT_HOST="${NEO4J_BOLT_ADDRESS%:*}"
  BOLT_HOST="${BOLT_HOST#[}"
  BOLT_HOST="${BOLT_HOST%]}"
  [[ -n "$BOLT_HOST" && "$BOLT_PORT" =~ ^[0-9]+$ ]] ||
    die "NEO4J_BOLT_ADDRESS '$NEO4J_BOLT_ADDRESS' must be host:port, e.g. 127.0.0.1:7687"
}

port_open() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$BOLT_HOST" "$BOLT_PORT" 2>/dev/null
}

# Prints the PID from the pid file if that process is our launcher.
running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guards against a recycled PID belonging to something else.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$MAIN_CLASS" || return 1
  echo "$pid"
}

# Sets JAVA_CMD; the classpath wildcard is expanded by java, not the shell.
set_java_cmd() {
  JAVA_CMD=("$JAVA" "${JVM_FLAGS[@]}" -cp "$TOOL_DIR/target/classes:$TOOL_DIR/target/lib/*" "$MAIN_CLASS")
}

kill_and_wait() {
  local pid="$1" waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= 300)); then
      echo "neo4j.sh: pid $pid did not stop within 30 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

cmd_start() {
  local pid
  parse_bolt
  if pid="$(running_pid)"; then
    echo "neo4j already running (pid $pid, data dir $NEO4J_DATA_DIR, bolt://$NEO4J_BOLT_ADDRESS)"
    return 0
  fi
  if port_open; then
    die "port $NEO4J_BOLT_ADDRESS is in use: stop what listens there or set NEO4J_BOLT_ADDRESS"
  fi
  cmd_build
  mkdir -p "$NEO4J_DATA_DIR"
  rm -f "$PID_FILE"
  cd "$ROOT"
  # setsid + nohup: the server must outlive this script and its terminal.
  set_java_cmd
  setsid nohup "${JAVA_CMD[@]}" >"$LOG_FILE" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PID_FILE"

  local deadline=$((SECONDS + NEO4J_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "neo4j.sh: neo4j exited during start-up; last lines of $LOG_FILE:" >&2
      tail -n 30 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      exit 1
    fi
    if grep -q "^$READY_PREFIX" "$LOG_FILE" 2>/dev/null && port_open; then
      echo "neo4j ready on bolt://$NEO4J_BOLT_ADDRESS (pid $pid, started in ${SECONDS}s, log $LOG_FILE)"
      return 0
    fi
    sleep 0.2
  done
  echo "neo4j.sh: neo4j not ready within ${NEO4J_START_TIMEOUT}s; last lines of $LOG_FILE:" >&2
  tail -n 30 "$LOG_FILE" >&2 || true
  kill_and_wait "$pid"
  rm -f "$PID_FILE"
  exit 1
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    echo "neo4j not running"
    return 0
  fi
  kill_and_wait "$pid"
  rm -f "$PID_FILE"
  echo "neo4j stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "running (pid $pid, bolt://$NEO4J_BOLT_ADDRESS, data dir $NEO4J_DATA_DIR)"
  else
    echo "stopped"
    return 3
  fi
}

cmd_run() {
  cmd_build
  mkdir -p "$NEO4J_DATA_DIR"
  cd "$ROOT"
  set_java_cmd
  exec "${JAVA_CMD[@]}"
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  run) cmd_run ;;
  *)
    echo "usage: $0 build|start|stop|status|run" >&2
    exit 2
    ;;
esac
