#!/usr/bin/env bash
# Public API throughput (and, last, SLO evaluation time against history length): requests per second for /public/v1/services/crop-relief/sla with wrk at
# 64 connections, against nginx serving the same bytes as a static file, in one run. hms-ops is
# the release build serving a configuration with the demo's service (answers come from the SLO
# snapshot; no database read per request). Prints both and the ratio (goal: at least 0.8).
#   DURATION=10 CONNECTIONS=64 benchmarks/api/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${DURATION:-10}
connections=${CONNECTIONS:-64}
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "needs $tool (apt-get install wrk nginx-light)"; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
work=$(mktemp -d /tmp/hms-ops-api-bench.XXXXXX)
# Readable by the postgres user, so the embedded cluster lives inside it and goes with it.
chmod 755 "$work"
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

. benchmarks/lib/binary.sh
bin=$(release_binary hms-ops)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ours=$(free_port); theirs=$(free_port)

cat >"$work/hms-ops.yaml" <<YAML
data_dir: $work/hms
listen: {host: 127.0.0.1, port: $ours}
services:
  - id: crop-relief
    name: Crop-Relief Online
    agency: USDA
    time_zone: America/Chicago
    targets: ["http://127.0.0.1:9/metrics"]
    slos:
      - id: availability
        objective: 99.9
        window: 30d
        sli: {ratio: {good: 'claims_total{code!~"5.."}', total: claims_total}}
YAML
"$bin" serve --config "$work/hms-ops.yaml" --log-level warning >"$work/serve.log" 2>&1 &
pids+=($!)
path=/public/v1/services/crop-relief/sla
for _ in $(seq 1 300); do
  curl -s "http://127.0.0.1:$ours$path" 2>/dev/null | grep -q '"generated_at":"' && break
  sleep 0.2
done
curl -s "http://127.0.0.1:$ours$path" >"$work/sla.json"
grep -q '"generated_at":"' "$work/sla.json" || { echo "no snapshot from hms-ops:"; cat "$work/serve.log"; exit 1; }
mkdir -p "$work/www/public/v1/services/crop-relief"
cp "$work/sla.json" "$work/www/public/v1/services/crop-relief/sla"
cat >"$work/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp; uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$theirs; root $work/www; etag on; }
}
CONF
mkdir -p "$work/tmp"
"$nginx_bin" -c "$work/nginx.conf" >"$work/nginx.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$theirs$path" && break; sleep 0.1; done
echo "body: $(wc -c <"$work/sla.json") bytes, the same from both"

rps() { wrk -t2 -c"$connections" -d"${duration}s" "$1" | awk '/^Requests\/sec/ { print $2 }'; }
wrk -t2 -c"$connections" -d2s "http://127.0.0.1:$ours$path" >/dev/null   # warm-up
wrk -t2 -c"$connections" -d2s "http://127.0.0.1:$theirs$path" >/dev/null
a=$(rps "http://127.0.0.1:$ours$path")
b=$(rps "http://127.0.0.1:$theirs$path")
awk -v a="$a" -v b="$b" -v c="$connections" 'BEGIN {
  printf "hms-ops %.0f requests/s, nginx (static file) %.0f requests/s at %d connections: ratio %.2f (goal: at least 0.8)\n", a, b, c, a / b
}'

# SLO evaluation time with 365 days of history against 1 day (embedded PostgreSQL each).
"$(release_binary slo-bench)" benchmarks/import/generate.py
