# Process-tree accounting shared by the benchmarks (source it; Linux /proc).

# A process and all its descendants (the embedded PostgreSQL is a child of hms-ops).
tree() {
  local all=("$1") queue=("$1")
  while ((${#queue[@]})); do
    local next=()
    for p in "${queue[@]}"; do
      for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do next+=("$c"); all+=("$c"); done
    done
    queue=("${next[@]}")
  done
  echo "${all[@]}"
}

# CPU seconds of a tree: user + system of each live process and of its reaped children.
# With --descendants, the root itself is left out (e.g. PostgreSQL under a server).
cpu() {
  local root=$1 ticks=0
  for p in $(tree "$root"); do
    [ "${2:-}" = --descendants ] && [ "$p" = "$root" ] && continue
    ticks=$((ticks + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' /proc/"$p"/stat 2>/dev/null || echo 0)))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

# CPU seconds of the process alone (its threads, not its children).
cpu_self() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' /proc/"$1"/stat; }

# Proportional set size of a tree, MiB.
pss() {
  local kb=0
  for p in $(tree "$1"); do kb=$((kb + $(awk '/^Pss:/ { print $2 }' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0))); done
  echo $((kb / 1024))
}
