#!/usr/bin/env bash
# Time from `java -jar lanyard-server.jar` to the first 200 from /health/ready, with an already initialised data
# directory (the first start, which runs initdb and every migration, is made once and not counted).
# Usage: load-tests/startup-time.sh [path/to/java] [runs]    (prints each run and the median, in milliseconds)
set -euo pipefail
PID=
JAVA=${1:-java}
RUNS=${2:-7}
JAR=$(cd "$(dirname "$0")/.." && pwd)/server/target/lanyard-server.jar
DATA=$(mktemp -d /tmp/lanyard-startup-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
export LANYARD_DATA_DIR=$DATA LANYARD_HTTP_PORT=$PORT LANYARD_ACCESS_LOG=WARN LANYARD_ADMIN_TOKEN=startup-time-admin-token-0123456789
trap 'kill "$PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DATA"' EXIT

start_once() {
  local t0 t1
  t0=$(date +%s%N)
  "$JAVA" -jar "$JAR" > "$DATA/server.log" 2>&1 &
  PID=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready")" = 200 ]; do
    kill -0 "$PID" 2>/dev/null || { echo "server exited; see $DATA/server.log" >&2; cat "$DATA/server.log" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  kill "$PID"; wait "$PID" 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}

echo "initialising $DATA (not counted): $(start_once) ms"
"$JAVA" -version 2>&1 | head -1
times=()
for i in $(seq 1 "$RUNS"); do
  ms=$(start_once)
  times+=("$ms")
  echo "run $i: $ms ms"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; print "median start-to-ready: " m " ms over " NR " runs"}'
