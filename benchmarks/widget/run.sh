#!/usr/bin/env bash
# The web component's size as served: raw and gzipped (-9), against the 5 KB (5120 bytes) budget.
#   benchmarks/widget/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
file=Sources/Widgets/Resources/ops-sla-card.js
raw=$(wc -c <"$file")
packed=$(gzip -9 -c "$file" | wc -c)
awk -v raw="$raw" -v packed="$packed" 'BEGIN {
  printf "ops-sla-card.js: %d bytes, %d gzipped: %.0f %% of the 5120-byte budget (ratio %.2f, goal at most 1)\n", raw, packed, packed * 100 / 5120, packed / 5120
  exit (packed > 5120)
}'
