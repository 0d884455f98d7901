#!/usr/bin/env bash
# Import throughput: a 30-day OpenMetrics file (SERIES series, one sample every STEP seconds)
# imported end to end into PostgreSQL by `hms-ops import openmetrics` (release build; the embedded
# PostgreSQL of a running `hms-ops serve`, so its production settings), against `promtool tsdb
# create-blocks-from openmetrics` on the same file in the same run. CPU counts our process and
# PostgreSQL's; memory is the importer's peak RSS. Prints the figures and the ratios.
#   SERIES=100 DAYS=30 STEP=15 benchmarks/import/run.sh
# The issue asks for 1,000 series (about 173 M samples, a 10 GB file); the default is 100 series
# (about 17 M samples, 1 GB) so a run takes minutes, not hours. Say SERIES=1000 for the full size.
set -euo pipefail
cd "$(dirname "$0")/../.."
series=${SERIES:-100}
days=${DAYS:-30}
step=${STEP:-15}
command -v promtool >/dev/null || { echo "needs Debian's prometheus (make test-tools installs it)"; exit 1; }
work=$(mktemp -d /tmp/hms-ops-import-bench.XXXXXX)
# Readable by the postgres user, so the embedded cluster lives inside it and goes with it.
chmod 755 "$work"
server=""
cleanup() {
  if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

. benchmarks/lib/binary.sh
bin=$(release_binary hms-ops)

end=$(( $(date +%s) / 86400 * 86400 ))
echo "generating ${days} days of ~${series} series at ${step} s..."
python3 benchmarks/import/generate.py --series "$series" --days "$days" --step "$step" --end "$end" >"$work/history.om"
bytes=$(stat -c %s "$work/history.om")
samples=$(grep -vc '^#' "$work/history.om")
echo "file: $((bytes >> 20)) MiB, $samples samples"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/hms-ops.yaml" <<YAML
data_dir: $work/hms
listen: {host: 127.0.0.1, port: $port}
services:
  - id: bench
    name: Bench
    targets: ["http://127.0.0.1:9/metrics"]
YAML
"$bin" serve --config "$work/hms-ops.yaml" --log-level warning >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do grep -q "Dashboard running" "$work/serve.log" && break; sleep 0.2; done
grep -q "Dashboard running" "$work/serve.log" || { cat "$work/serve.log"; exit 1; }

. benchmarks/lib/proc.sh

echo "importing with hms-ops..."
pg0=$(cpu "$server" --descendants)
/usr/bin/time -f "%e %U %S %M" -o "$work/ours.time" "$bin" import openmetrics "$work/history.om" --data-dir "$work/hms" \
  >"$work/ours.log" 2>"$work/ours.err" || { cat "$work/ours.err" "$work/ours.log"; exit 1; }
pg1=$(cpu "$server" --descendants)
tail -1 "$work/ours.log" | sed 's/^/  /'
head -1 "$work/ours.log" | sed 's/^/  /'

echo "creating blocks with promtool (--max-block-duration=$((days * 24 + 24))h: one pass over the file; its 2h default re-reads the file for every 2 hours)..."
/usr/bin/time -f "%e %U %S %M" -o "$work/promtool.time" promtool tsdb create-blocks-from openmetrics \
  --max-block-duration=$((days * 24 + 24))h --quiet "$work/history.om" "$work/tsdb" >"$work/promtool.log" 2>&1 \
  || { cat "$work/promtool.log"; exit 1; }

read -r o_wall o_user o_sys o_rss <"$work/ours.time"
read -r p_wall p_user p_sys p_rss <"$work/promtool.time"
awk -v n="$samples" -v ow="$o_wall" -v ou="$o_user" -v os="$o_sys" -v orss="$o_rss" -v pg="$(awk -v a="$pg0" -v b="$pg1" 'BEGIN { print b - a }')" \
  -v pw="$p_wall" -v pu="$p_user" -v ps="$p_sys" -v prss="$p_rss" -v mb="$((bytes >> 20))" 'BEGIN {
  ours = ou + os + pg; theirs = pu + ps
  printf "hms-ops import: %.1f s wall, %.0f samples/s; CPU %.1f s (hms-ops %.1f s + PostgreSQL %.1f s) = %.2f s per million samples; peak RSS %d MiB for a %d MiB file\n", ow, n / ow, ours, ou + os, pg, ours / n * 1e6, orss / 1024, mb
  printf "promtool blocks: %.1f s wall, %.0f samples/s; CPU %.1f s = %.2f s per million samples; peak RSS %d MiB\n", pw, n / pw, theirs, theirs / n * 1e6, prss / 1024
  printf "ratios (hms-ops / promtool): wall %.2f, CPU %.2f, peak memory %.2f\n", ow / pw, ours / theirs, orss / prss
}'
