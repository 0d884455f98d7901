#!/usr/bin/env bash
# Soak: hms-ops serving 50 targets for DURATION seconds (default 600; DURATION=1800 for 30 min)
# while things go wrong: PostgreSQL SIGSTOPped (then SIGCONT) and later SIGKILLed, one target
# answering garbage, one hanging, one sending 100 MB, every poison pushed and remote-written
# every 30 s, and hms-ops itself SIGKILLed twice (restarted each time with the same config and
# data dir). 47 targets, one pushed group and one remote-written series are ground truth
# (counters V(t) = floor(t - T0) * rate, soak.py). At the end it reads the stored minutes from
# the embedded PostgreSQL and prints lost minutes, double-counted minutes, public API
# availability, unexpected crashes and hms-ops' RSS at start and end, plus what each fault did.
# Exit 1 on a lost or double-counted minute or an unexpected crash.
#   DURATION=240 benchmarks/soak/run.sh          (HMS_OPS_BIN=PATH picks the binary; KEEP=1 keeps the work folder)
# Loopback only; every wait is bounded; everything it started is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${DURATION:-600}
normal=47   # ground-truth targets; the garbage, hanging and 100 MB ones make 50
((duration >= 180)) || { echo "DURATION must be at least 180 s"; exit 2; }

bin_src=${HMS_OPS_BIN:-}
if [ -z "$bin_src" ]; then
  if [ -x .build/release/hms-ops ]; then bin_src=.build/release/hms-ops; else bin_src=.build/debug/hms-ops; fi
fi
[ -x "$bin_src" ] || { echo "no hms-ops binary at $bin_src (build it, or set HMS_OPS_BIN)"; exit 2; }
pgbin=""
for d in ${HMS_PG_BIN:-} /usr/lib/postgresql/17/bin /usr/lib/postgresql/16/bin /usr/lib/postgresql/15/bin; do
  [ -x "$d/pg_ctl" ] && { pgbin=$d; break; }
done
[ -n "$pgbin" ] || pgbin=$(dirname "$(command -v pg_ctl || echo /usr/bin/pg_ctl)")
command -v psql >/dev/null || { echo "needs psql (apt-get install postgresql-client)"; exit 2; }

work=$(mktemp -d /tmp/hms-ops-soak.XXXXXX)
chmod 755 "$work"   # reachable by the postgres user, so the embedded cluster lives inside it
data=$work/hms
hms=""; targets_pid=""; driver_pid=""
alive() { [ -n "${1:-}" ] && [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
# TERM, up to $2 seconds, then KILL; reaps it when it is our child.
stop_pid() {
  local pid=$1 i
  alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < $2 * 10; i++)); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}
# pg_ctl as the cluster's owner (postgres when we are root), given at most $1 seconds.
pgctl() { local limit=$1; shift; if [ "$(id -u)" = 0 ]; then (cd / && timeout "$limit" runuser -u postgres -- "$pgbin/pg_ctl" "$@"); else timeout "$limit" "$pgbin/pg_ctl" "$@"; fi; }
cluster() { head -n1 "$data/pg-initialized" 2>/dev/null || echo "$data/pg"; }
postmaster() { local p; p=$(head -n1 "$(cluster)/postmaster.pid" 2>/dev/null) || return 1; alive "$p" && echo "$p"; }
pg_tree() { local p; p=$(postmaster) || return 0; echo "$p" $(ps -o pid= --ppid "$p" 2>/dev/null); }
cleanup() {
  set +e
  [ -s "$work/stopped" ] && kill -CONT $(cat "$work/stopped") 2>/dev/null
  [ -n "$driver_pid" ] && stop_pid "$driver_pid" 5
  [ -n "$hms" ] && stop_pid "$hms" 60
  local pm; pm=$(postmaster)
  if [ -n "$pm" ]; then  # hms-ops did not stop it (killed, or the server is one we started)
    pgctl 60 -D "$(cluster)" -m immediate -w -t 30 stop >/dev/null 2>&1
    for p in $(pg_tree); do kill -KILL "$p" 2>/dev/null; done
  fi
  [ -n "$targets_pid" ] && stop_pid "$targets_pid" 5
  if [ -n "${KEEP:-}" ]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
first=$((20000 + RANDOM % 12000))   # below the ephemeral range
port=$(free_port)
token=soak-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
t0=$(date +%s)
mkdir -p "$work/bin"
cp "$bin_src" "$work/bin/hms-ops"   # the build folder may be rebuilt meanwhile
bin=$work/bin/hms-ops

python3 benchmarks/soak/soak.py targets "$first" "$normal" "$t0" >"$work/targets.log" 2>&1 &
targets_pid=$!
for _ in $(seq 1 100); do grep -q "^serving" "$work/targets.log" && break; sleep 0.1; done
grep -q "^serving" "$work/targets.log" || { echo "the targets did not start:"; cat "$work/targets.log"; exit 1; }

{
  echo "data_dir: $data"
  echo "listen: {host: 127.0.0.1, port: $port}"
  echo "scrape_interval: 15s"
  echo "scrape_timeout: 10s"
  echo "admin_token: $token"
  echo "services:"
  echo "  - id: soak"
  echo "    name: Soak"
  echo "    public: true"
  echo "    targets:"
  for i in $(seq 0 $((normal + 2))); do echo "      - http://127.0.0.1:$((first + i))/metrics"; done
  echo "    slos:"
  echo "      - id: availability"
  echo "        objective: 99.9"
  echo "        window: 1h"
  echo "        sli: {ratio: {good: 'soak_requests_total{code!~\"5..\"}', total: soak_requests_total}}"
} >"$work/hms-ops.yaml"
"$bin" check config "$work/hms-ops.yaml" >/dev/null || { "$bin" check config "$work/hms-ops.yaml"; exit 1; }

event() { echo "$(date +%s.%N) $*" >>"$work/events"; }
: >"$work/events"
kills=0; pg_kills=0; crashes=0; expect_down=0
rss_start="?"; rss_first_end="?"; rss_last_start="?"; rss_peak=0; rss_end="?"; last_rss_at=0; spool_max=0

start_hms() { "$bin" serve --config "$work/hms-ops.yaml" >>"$work/hms-ops.log" 2>&1 & hms=$!; }
# Waits (at most $1 s) until /healthz answers; 0 when it did.
wait_ready() {
  local deadline=$(($(date +%s) + $1))
  while (($(date +%s) < deadline)); do
    alive "$hms" || return 1
    curl -sf -m 2 -o /dev/null "http://127.0.0.1:$port/healthz" && return 0
    sleep 0.2
  done
  return 1
}
rss() { awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$1/status" 2>/dev/null || echo 0; }
# Once a second while waiting: an hms-ops we did not kill that is gone is a crash (restarted);
# RSS every 10 s; the spool's size.
monitor() {
  if ((expect_down == 0)) && ! alive "$hms"; then
    local rc=0; wait "$hms" 2>/dev/null || rc=$?
    crashes=$((crashes + 1))
    event crash "hms-ops exited by itself (status $rc); last log line: $(tail -n 1 "$work/hms-ops.log" | cut -c1-200)"
    start_hms
    wait_ready 180 || event crash "hms-ops did not come back within 180 s"
  fi
  local now; now=$(date +%s)
  if ((now - last_rss_at >= 10)) && alive "$hms"; then
    local r; r=$(rss "$hms"); echo "$now $hms $r" >>"$work/rss"; last_rss_at=$now
    ((r > rss_peak)) && rss_peak=$r
  fi
  local s; s=$(stat -c %s "$data/spool/rollups.spool" 2>/dev/null || echo 0)
  ((s > spool_max)) && spool_max=$s
  return 0
}
wait_until() { while (($(date +%s) < $1)); do monitor; sleep 1; done; }
spool_note() { event spool "$1: spool at most $((spool_max / 1024)) KiB, now $(($(stat -c %s "$data/spool/rollups.spool" 2>/dev/null || echo 0) / 1024)) KiB"; spool_max=0; }

start_hms
wait_ready 300 || { echo "hms-ops did not answer within 300 s:"; tail -n 20 "$work/hms-ops.log"; exit 1; }
ready=$(date +%s)
python3 benchmarks/soak/soak.py driver "$port" "$token" "$t0" "$work" >"$work/driver.out" 2>&1 &
driver_pid=$!

# The schedule, as fractions of the run, each fault placed where it meets a minute's write
# (a closed minute is written 20 s after it ends): the SIGSTOP starts 10 s into a minute, the
# SIGKILL 5 s into one, so PostgreSQL is away when the previous minute is due.
at_second() { echo $(($1 + ($2 - $1 % 60 + 60) % 60)); }
stop_for=$((duration * 15 / 100 < 60 ? duration * 15 / 100 : 60)); pg_wait=$((duration / 10 < 30 ? duration / 10 : 30))
stop_at=$(at_second $((ready + duration * 15 / 100)) 10)
pgkill_at=$(at_second $((ready + duration * 40 / 100 > stop_at + stop_for + 20 ? ready + duration * 40 / 100 : stop_at + stop_for + 20)) 5)
kill1_at=$((ready + duration * 60 / 100 > pgkill_at + pg_wait + 45 ? ready + duration * 60 / 100 : pgkill_at + pg_wait + 45))
kill2_at=$((ready + duration * 78 / 100 > kill1_at + 40 ? ready + duration * 78 / 100 : kill1_at + 40))
# The end: DURATION, or later if needed for a whole minute after the last fault to be written.
end_at=$((ready + duration > (kill2_at / 60 + 2) * 60 + 35 ? ready + duration : (kill2_at / 60 + 2) * 60 + 35))
echo "soak: $normal ground-truth targets + garbage, hanging and 100 MB ones, scraped every 15 s by $bin_src; $((end_at - ready))s from $(date -u +%H:%M:%S) UTC"
echo "  PostgreSQL SIGSTOP at +$((stop_at - ready))s for ${stop_for}s, SIGKILL at +$((pgkill_at - ready))s; hms-ops SIGKILL at +$((kill1_at - ready))s and +$((kill2_at - ready))s"

wait_until $((ready + duration * 12 / 100))
rss_start=$(rss "$hms")

# 1. PostgreSQL hangs: every process of the cluster stopped, then continued.
wait_until "$stop_at"
pids=$(pg_tree)
if [ -n "$pids" ]; then
  echo "$pids" >"$work/stopped"; kill -STOP $pids
  event pg-stop "$((stop_at + stop_for)) SIGSTOP of $(echo $pids | wc -w) PostgreSQL processes"
  spool_max=0
  wait_until $((stop_at + stop_for))
  kill -CONT $pids; : >"$work/stopped"
  event note "SIGCONT"
  wait_until $(($(date +%s) + 20)); spool_note "after the SIGSTOP"
else
  event note "no PostgreSQL server found to SIGSTOP (cluster $(cluster))"
fi

# 2. PostgreSQL crashes: every process SIGKILLed. Does hms-ops start it again?
wait_until "$pgkill_at"
old=$(postmaster || true)
if [ -n "$old" ]; then
  victims=$(pg_tree)
  for p in $victims; do kill -KILL "$p" 2>/dev/null || true; done
  event pg-kill "SIGKILL of $(echo $victims | wc -w) PostgreSQL processes"
  pg_kills=$((pg_kills + 1)); spool_max=0
  killed_at=$(date +%s); restarted=""
  while (($(date +%s) < killed_at + pg_wait)); do
    monitor
    new=$(postmaster || true)
    [ -n "$new" ] && [ "$new" != "$old" ] && { restarted=$new; break; }
    sleep 1
  done
  if [ -n "$restarted" ]; then
    event note "database restarted by hms-ops: yes (pid $restarted, $(($(date +%s) - killed_at)) s)"
  else
    zombie=""
    grep -q '^State:[[:space:]]*Z' "/proc/$old/status" 2>/dev/null && zombie=" (the killed postmaster is an unreaped zombie of pid $(awk '/^PPid:/ { print $2 }' /proc/$old/status), so its postmaster.pid looks alive)"
    event note "database restarted by hms-ops: no (waited ${pg_wait}s)$zombie"
    # Start it ourselves on the port hms-ops uses, with its settings.
    [ -n "$zombie" ] && rm -f "$(cluster)/postmaster.pid"
    pgport=$(cat "$data/embedded.port")
    settings="-p $pgport -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=60 -c wal_level=minimal -c max_wal_senders=0 -c checkpoint_timeout=15min -c max_wal_size=2GB"
    if pgctl 120 -D "$(cluster)" -l "$(cluster)/server.log" -w -t 90 -o "$settings" start >"$work/pg_ctl.out" 2>&1; then
      event pg-restart "restarted by the soak with pg_ctl on port $pgport$([ -n "$zombie" ] && echo ", after removing the zombie's postmaster.pid")"
    else
      event pg-restart "pg_ctl start failed ($(tail -n 1 "$work/pg_ctl.out" | cut -c1-150)); restarting hms-ops instead"
      expect_down=1; touch "$work/down"; stop_pid "$hms" 60; start_hms
      wait_ready 180 || event crash "hms-ops did not come back within 180 s"; rm -f "$work/down"; expect_down=0
    fi
  fi
  wait_until $(($(date +%s) + 30)); spool_note "30 s after PostgreSQL was back"
else
  event note "no PostgreSQL server found to SIGKILL"
fi

# 3. hms-ops SIGKILLed twice, restarted at once each time.
for at in "$kill1_at" "$kill2_at"; do
  wait_until "$at"
  expect_down=1; touch "$work/down"
  if [ "$kills" = 0 ]; then  # the process that saw PostgreSQL killed: did it collect its dead children?
    rss_first_end=$(rss "$hms")
    event note "zombie children of hms-ops before SIGKILL #1: $(ps -o stat= --ppid "$hms" | grep -c '^Z' || true)"
  fi
  victim=$hms; kill -KILL "$hms"; wait "$hms" 2>/dev/null || true
  kills=$((kills + 1)); killed_at=$(date +%s.%N)
  start_hms
  if wait_ready 180; then
    event hms-kill "SIGKILL #$kills (pid $victim): answering again after $(awk -v a="$killed_at" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
  else
    event crash "hms-ops did not come back within 180 s of SIGKILL #$kills"; crashes=$((crashes + 1))
  fi
  rm -f "$work/down"; expect_down=0
done
wait_until $(($(date +%s) + 30)); rss_last_start=$(rss "$hms")

wait_until "$end_at"
rss_end=$(rss "$hms")
stop_pid "$driver_pid" 5; driver_pid=""

# The stored minutes, read from the embedded cluster.
now=$(date +%s)
window_start=$(((ready + 60 + 59) / 60 * 60)); window_end=$(((now - 35) / 60 * 60))
query() {
  PGPASSWORD=$(cat "$data/pg-password") PGCONNECT_TIMEOUT=10 timeout 120 psql -h 127.0.0.1 -p "$(cat "$data/embedded.port")" \
    -U hmsops -d hmsops -v ON_ERROR_STOP=1 -X -At -F $'\t' -c "$1"
}
for attempt in 1 2 3; do
  query "SELECT s.metric, s.labels::text, s.kind, extract(epoch FROM r.bucket)::bigint, r.increase, r.last, extract(epoch FROM r.last_at)
         FROM rollup_1m r JOIN series s ON s.id = r.series_id
         WHERE s.metric IN ('soak_requests_total', 'soak_pushed_total', 'soak_rw_total') ORDER BY 1, 2, 4" >"$work/minutes.tsv" && break
  [ "$attempt" = 3 ] && { echo "could not read the stored minutes"; exit 1; }
  sleep 5
done
{
  echo "t0=$t0"; echo "normal=$normal"; echo "window_start=$window_start"; echo "window_end=$window_end"
  echo "crashes=$crashes"; echo "kills=$kills"; echo "pg_kills=$pg_kills"
  echo "rss_start=$rss_start"; echo "rss_end=$rss_end"; echo "rss_peak=$rss_peak"; echo "rss_last_start=$rss_last_start"; echo "rss_first_end=$rss_first_end"
} >"$work/meta"

rc=0
python3 benchmarks/soak/soak.py report "$work" || rc=$?

# The bad targets as hms-ops saw them, what the poisons left in the database, and its warnings.
curl -s -m 5 "http://127.0.0.1:$port/metrics" >"$work/metrics.txt" || true
for i in 0 1 2; do
  p=$((first + normal + i)); name=(garbage hanging "100 MB")
  up=$(awk -v p="127.0.0.1:$p" '/^hms_target_up/ && index($0, p) { print $2 }' "$work/metrics.txt")
  dur=$(awk -v p="127.0.0.1:$p" '/^hms_target_duration_seconds/ && index($0, p) { printf "%.1f", $2 }' "$work/metrics.txt")
  why=$(grep -F "url=http://127.0.0.1:$p/" "$work/hms-ops.log" | grep -F 'target down' | sed -E 's/.* reason=(http[^ ]*: )?(.*) service=.*/\2/; s/[0-9]+\.[0-9]+ seconds/~N seconds/' | sort | uniq -c | sed -E 's/^ +//' | paste -sd ';' | cut -c1-160)
  echo "target ${name[$i]}: up ${up:-?}, last scrape ${dur:-?} s; logged down: ${why:-never}"
done
up_normal=$(awk '/^hms_target_up/ && $2 == 1' "$work/metrics.txt" | wc -l)
echo "targets up at the end: $up_normal of $((normal + 3))"
echo "poison series stored: $(query "SELECT coalesce(string_agg(metric || '(' || kind || ')', ', ' ORDER BY metric), 'none') FROM series
  WHERE metric IN ('c', 'soak_hist_bucket', 'soak_hist_count', 'soak_gauge', 'soak_conflict', 'soak_poison_total', 'soak_ts', 'soak_big')" 2>&1 | head -c 300);" \
  "quarantined rows: $(query "SELECT count(*) FROM quarantine" 2>&1 | head -c 100)"
warnings=$(grep -ciE 'warning|error|critical' "$work/hms-ops.log" || true)
echo "hms-ops log: $warnings warning/error lines; by message:"
grep -iE '^[^ ]+ (warning|error|critical) ' "$work/hms-ops.log" | sed -E 's/^[^ ]+ ([a-z]+) [^ ]+ .*\] /\1: /' | cut -c1-110 | sort | uniq -c | sort -rn | head -n 8 | sed 's/^/  /'
if grep -qE 'Fatal error|Segmentation|Illegal instruction|Trace/breakpoint' "$work/hms-ops.log"; then
  echo "hms-ops log has a crash trace:"; grep -m 3 -E 'Fatal error|Segmentation|Illegal instruction' "$work/hms-ops.log"
  rc=1
fi
exit "$rc"
