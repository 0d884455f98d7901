#!/usr/bin/env bash
# Parse throughput: hms-ops (release build) against Python's prometheus_client and against
# `wc -l` (reading the bytes at all: the limit), on the shared fixtures and a generated ~10 MB
# exposition of 100k series. Prints each figure and the ratios, all measured in this one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
fixtures=${HMS_FIXTURES:-Tests/Fixtures}/exposition
work=$(mktemp -d /tmp/hms-ops-parse-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 -c 'import prometheus_client' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check prometheus_client==0.26.0
python3 benchmarks/ingest/generate.py "$work/100k_series.prom"
files=("$fixtures/node_exporter.prom" "$fixtures/federate.prom" "$work/100k_series.prom")
. benchmarks/lib/binary.sh
parse_bench=$(release_binary parse-bench)
# The machine is shared and its speed drifts within a minute: the two parsers take turns
# (ROUNDS times, 3 by default) and each keeps its best figure per file.
best() { awk '{ if (!($2 in mb) || $3 > mb[$2]) { mb[$2] = $3; line[$2] = $0 } } END { for (n in line) print line[n] }'; }
for _ in $(seq 1 "${ROUNDS:-3}"); do
  "$parse_bench" "${files[@]}" >>"$work/ours"
  python3 benchmarks/ingest/python_parse.py "${files[@]}" >>"$work/theirs"
done
ours=$(best <"$work/ours"); theirs=$(best <"$work/theirs")
echo "$ours"; echo "$theirs"
for f in "${files[@]}"; do
  name=$(basename "$f")
  # wc -l over the same bytes, repeated to at least 0.5 s, for the read limit in MB/s.
  size=$(stat -c %s "$f"); reps=$(( 500000000 / (size + 1) + 1 ))
  start=$(date +%s.%N); for _ in $(seq 1 "$reps"); do wc -l <"$f" >/dev/null; done; end=$(date +%s.%N)
  wc_mbs=$(awk -v s="$size" -v r="$reps" -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", s * r / 1e6 / (b - a) }')
  o=$(echo "$ours" | awk -v n="$name" '$2 == n { print $3 }'); p=$(echo "$theirs" | awk -v n="$name" '$2 == n { print $3 }')
  awk -v n="$name" -v o="$o" -v p="$p" -v w="$wc_mbs" 'BEGIN { printf "%-20s hms-ops %.1f MB/s = %.1fx python (%.1f MB/s), %.2fx wc -l (%.1f MB/s, with process start)\n", n, o, o / p, p, o / w, w }'
done
