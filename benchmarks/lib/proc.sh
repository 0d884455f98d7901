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

# CPU ticks of each process of a tree, one "pid ticks own_ticks name" line each (own: without
# reaped children; name: the command line, which PostgreSQL sets to each process's role).
cpu_each() {
  for p in $(tree "$1"); do
    local stat name
    stat=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15, $12 + $13 }' /proc/"$p"/stat 2>/dev/null) || continue
    name=$(tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null | cut -c1-60)
    echo "$p $stat ${name:-?}"
  done
}

# Where a tree's CPU went between two cpu_each listings ($1 before, $2 after), by role: each
# process's own ticks (its exited children's go to "exited children"), seconds.
cpu_by_role() {
  awk -v hz="$(getconf CLK_TCK)" '
    FNR == NR { own0[$1] = $3; all0[$1] = $2; next }
    {
      name = $4; for (i = 5; i <= NF; i++) name = name " " $i
      sub(/ [0-9.]+\(?[0-9]*\)? .*$/, "", name)
      if (name ~ /^postgres: /) { sub(/^postgres: /, "", name); sub(/ .*(idle|INSERT|SELECT|UPDATE|COPY|DELETE|BIND|PARSE).*$/, "", name); name = "postgres: " name }
      else if (name ~ /postgres -D|bin\/postgres/) name = "postgres: postmaster"
      else if (name ~ /hms-ops /) name = "hms-ops"
      role[name] += ($3 - own0[$1]) / hz
      exited += (($2 - $3) - (all0[$1] - own0[$1])) / hz
    }
    END {
      for (n in role) if (role[n] >= 0.05) printf "    %-40s %.2f s\n", n, role[n]
      if (exited >= 0.05) printf "    %-40s %.2f s\n", "exited children (autovacuum workers...)", exited
    }' "$1" "$2"
}
