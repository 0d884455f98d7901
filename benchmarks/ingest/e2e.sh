#!/usr/bin/env bash
# End-to-end ingest cost: hms-ops (release build, embedded PostgreSQL, CPU of both counted) and
# Debian's Prometheus scrape the same simulated targets (TARGETS x 1,000 changing series, every
# 15 s) side by side in this one run. After a warm-up, CPU seconds are measured over DURATION
# seconds and divided by the samples each ingested; memory is the proportional set size (PSS)
# of each process tree at the end. Prints the figures and the ratios.
#   TARGETS=200 WARMUP=60 DURATION=240 benchmarks/ingest/e2e.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
targets=${TARGETS:-200}
warmup=${WARMUP:-150}
duration=${DURATION:-240}
command -v prometheus >/dev/null || { echo "needs Debian's prometheus (make test-tools installs it)"; exit 1; }
work=$(mktemp -d /tmp/hms-ops-ingest-bench.XXXXXX)
# Readable by the postgres user, so the embedded cluster lives inside it and goes with it.
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Below the ephemeral range (32768 up), where free_port's picks and outgoing connections live.
first=$((20000 + RANDOM % 12000))
ours_port=$(free_port); prom_port=$(free_port)

. benchmarks/lib/binary.sh
bin=$(release_binary hms-ops)

python3 benchmarks/ingest/targets.py "$first" "$targets" >"$work/targets.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -q "^serving" "$work/targets.log" && break; sleep 0.1; done
grep -q "^serving" "$work/targets.log" || { echo "the simulated targets did not start:"; cat "$work/targets.log"; exit 1; }

{
  echo "data_dir: $work/hms"
  echo "listen: {host: 127.0.0.1, port: $ours_port}"
  echo "scrape_interval: 15s"
  echo "scrape_timeout: 10s"
  echo "services:"
  echo "  - id: bench"
  echo "    name: Bench"
  echo "    targets:"
  for i in $(seq 0 $((targets - 1))); do echo "      - http://127.0.0.1:$((first + i))/metrics"; done
} >"$work/hms-ops.yaml"
{
  echo "global: {scrape_interval: 15s, scrape_timeout: 10s}"
  echo "scrape_configs:"
  echo "  - job_name: bench"
  echo "    static_configs:"
  echo "      - targets:"
  for i in $(seq 0 $((targets - 1))); do echo "        - 127.0.0.1:$((first + i))"; done
} >"$work/prometheus.yml"

"$bin" serve --config "$work/hms-ops.yaml" --log-level warning >"$work/hms-ops.log" 2>&1 &
ours=$!; pids+=($ours)
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
theirs=$!; pids+=($theirs)

for _ in $(seq 1 600); do grep -q "Dashboard running" "$work/hms-ops.log" && break; sleep 0.2; done
grep -q "Dashboard running" "$work/hms-ops.log" || { cat "$work/hms-ops.log"; exit 1; }

. benchmarks/lib/proc.sh
ingested() { curl -s "http://127.0.0.1:$ours_port/metrics" | awk '/^hms_samples_ingested_total/ { s += $2 } END { printf "%d", s }'; }
appended() { curl -s "http://127.0.0.1:$prom_port/metrics" | awk '/^prometheus_tsdb_head_samples_appended_total/ { s += $2 } END { printf "%d", s }'; }

echo "warming up for ${warmup}s ($targets targets x 1,000 series, every 15 s)..."
sleep "$warmup"
c0=$(cpu "$ours"); o0=$(cpu_self "$ours"); p0=$(cpu "$theirs"); s0=$(ingested); a0=$(appended)
cpu_each "$ours" >"$work/cpu0"; window_start=$(date -u +%H:%M:%S)
echo "measuring for ${duration}s..."
if [ -n "${PROFILE:-}" ]; then  # PROFILE=FILE: perf samples of hms-ops itself meanwhile
  perf record -F "${PROFILE_FREQ:-199}" -g -p "$ours" -o "$PROFILE" -- sleep "$duration" >/dev/null 2>&1
else
  sleep "$duration"
fi
c1=$(cpu "$ours"); o1=$(cpu_self "$ours"); p1=$(cpu "$theirs"); s1=$(ingested); a1=$(appended)
cpu_each "$ours" >"$work/cpu1"; window_end=$(date -u +%H:%M:%S)
if [ -n "${SMAPS:-}" ]; then  # SMAPS=1: hms-ops' largest mappings by PSS (KiB), to see where its memory is
  awk '/^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "" ? "[anon]" : $6) } /^Pss:/ { pss[name] += $2 } END { for (n in pss) print pss[n], n }' \
    /proc/"$ours"/smaps | sort -rn | head -12
fi
ours_mb=$(pss "$ours"); self_mb=$(awk '/^Pss:/ { print int($2 / 1024) }' /proc/"$ours"/smaps_rollup); prom_mb=$(pss "$theirs")

awk -v c="$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }')" -v p="$(awk -v a="$p0" -v b="$p1" 'BEGIN { print b - a }')" -v s=$((s1 - s0)) -v a=$((a1 - a0)) \
  -v om="$ours_mb" -v pm="$prom_mb" -v d="$duration" -v sm="$self_mb" \
  -v oc="$(awk -v a="$o0" -v b="$o1" 'BEGIN { print b - a }')" 'BEGIN {
  printf "samples ingested in %ds: hms-ops %d, Prometheus %d\n", d, s, a
  printf "CPU: hms-ops + PostgreSQL %.1f s = %.2f s per million samples; Prometheus %.1f s = %.2f s per million\n", c, c / s * 1e6, p, p / a * 1e6
  printf "  of which hms-ops itself %.1f s, PostgreSQL %.1f s\n", oc, c - oc
  printf "CPU ratio (hms-ops / Prometheus, per sample): %.2f (goal: at most 0.5)\n", (c / s) / (p / a)
  printf "memory (PSS): hms-ops + PostgreSQL %d MiB (hms-ops itself %d MiB), Prometheus %d MiB, ratio %.2f\n", om, sm, pm, om / pm
}'
echo "measured $window_start-$window_end UTC; hms-ops and PostgreSQL by process:"
cpu_by_role "$work/cpu0" "$work/cpu1"
# Anything hms-ops warned about (a slow or failed write shows here: its rows then take the
# costlier row path until the spool is replayed).
if grep -qiE '"?(warning|error)' "$work/hms-ops.log"; then
  echo "hms-ops warned $(grep -ciE 'warning|error' "$work/hms-ops.log") times; the last:"
  grep -iE 'warning|error' "$work/hms-ops.log" | tail -n 5 | cut -c1-300
fi
