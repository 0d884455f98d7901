#!/usr/bin/env bash
# How long `hms-ops up` takes from launch to "Dashboard running at", cold (first run: initdb)
# and warm (cluster exists), and how long Ctrl-C takes to leave nothing behind.
# Prints seconds; compare runs on the same machine only.
set -u
bin=${HMS_OPS_BIN:-.build/debug/hms-ops}
dir=$(mktemp -d /tmp/hms-ops-bench.XXXXXX); chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
demo=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
run() {
  local start=$(date +%s.%N)
  "$bin" up --port "$port" --demo-port "$demo" --data-dir "$dir/data" --log-level error >"$dir/out" 2>&1 &
  local pid=$!
  until grep -q "Dashboard running at" "$dir/out"; do
    kill -0 $pid 2>/dev/null || { echo "up exited:"; cat "$dir/out"; exit 1; }
    sleep 0.05
  done
  local ready=$(date +%s.%N)
  kill -INT $pid; wait $pid
  local stopped=$(date +%s.%N)
  awk -v n="$1" -v a="$start" -v b="$ready" -v c="$stopped" 'BEGIN { printf "%-5s ready %.2f s   stop %.2f s\n", n, b - a, c - b }'
}
run cold
run warm
run warm
