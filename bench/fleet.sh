#!/usr/bin/env bash
# Host-fleet benchmark: for each fleet size, a fresh gateway (embedded PostgreSQL and Redis) and
# simulated hosts that register with real ed25519 signatures and heartbeat every 5 s; measures
# heartbeat→ack latency, checks every host is online, and reads the gateway's memory.
#
#   SIZES="1000 5000 19000" bench/fleet.sh
#
# Knobs (environment): SIZES, DURATION (s, measurement window per size), RAMP (registrations/s
# for the whole fleet), MAX_PENDING (registrations in flight per process), HEARTBEAT_MS,
# PER_PROCESS (max connections per load-generator process), GATEWAY_HEAP, FLEET_HEAP,
# KEEP_WORK=1 (keep the gateway homes, not only the logs).
# Loopback only; every wait is bounded; the EXIT trap stops every process this script started.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
SIZES=${SIZES:-1000 5000 19000}
DURATION=${DURATION:-60}
RAMP=${RAMP:-150}        # the gateway registers ~170-450/s on this 2-core machine depending on other load
HEARTBEAT_MS=${HEARTBEAT_MS:-5000}
PER_PROCESS=${PER_PROCESS:-6000}
MAX_PENDING=${MAX_PENDING:-16}    # registrations in flight per process (closed-loop ramp, see README)
GATEWAY_HEAP=${GATEWAY_HEAP:-2g}
FLEET_HEAP=${FLEET_HEAP:-512m}
SETTLE=5                 # s between the end of the ramp and the window (HostFleet --settle)
REGISTER_TIMEOUT_MS=30000
ACK_TIMEOUT_MS=10000

log() { printf '%s fleet.sh: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
source "$HERE/lib.sh"

# --- a JDK >= 21 ----------------------------------------------------------------------------
JAVA=$(pick_java) || { log "no JDK >= 21 found (set JAVA_HOME)"; exit 1; }
JAVA_VERSION=$(java_major "$JAVA")
JVM_FLAGS=()
# JDK 23+ warns about netty's Unsafe and native access; the flags do not exist before
(( JAVA_VERSION >= 23 )) && JVM_FLAGS=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
log "using $JAVA (JDK $JAVA_VERSION)"

# --- jars, the work directory, process bookkeeping -----------------------------------------
ulimit -n "$(ulimit -Hn)"       # the soft limit may be 1024; children inherit the raised one
FD_LIMIT=$(ulimit -Hn)
bench_jars fleet
GW=""; GW_HOME=""; GW_AUX=()     # gateway pid, its home, its PostgreSQL and Redis pids
FLEET=()                         # load-generator pids

stop_fleet() {
  local p
  for p in "${FLEET[@]}"; do alive "$p" && kill -TERM "$p" 2>/dev/null || true; done
  for p in "${FLEET[@]}"; do wait_gone "$p" 20 || { log "fleet $p did not stop, killing"; kill -KILL "$p" 2>/dev/null || true; }; done
  FLEET=()
}
stop_gateway() {
  [[ -n $GW ]] || return 0
  if alive "$GW"; then
    kill -TERM "$GW" 2>/dev/null || true   # graceful: marks its hosts offline, stops PostgreSQL and Redis
    wait_gone "$GW" 90 || { log "gateway $GW did not stop within 90 s, killing"; kill -KILL "$GW" 2>/dev/null || true; wait_gone "$GW" 10 || true; }
  fi
  # a killed gateway leaves its PostgreSQL (daemonized) and Redis (child) behind: end those by pid,
  # after checking the pid still runs what we started
  local p
  for p in "${GW_AUX[@]}"; do
    if alive "$p" && grep -qaE "postgres|redis-server" "/proc/$p/cmdline" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null || true; wait_gone "$p" 10 || kill -KILL "$p" 2>/dev/null || true
    fi
  done
  GW=""; GW_AUX=()
  [[ ${KEEP_WORK:-0} == 1 || -z $GW_HOME ]] || rm -rf "$GW_HOME"
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_gateway || true
  stop_fleet || true
  rm -f "$WORK"/*.jar
  log "logs and result files are in $WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# --- one fleet size -----------------------------------------------------------------------------
ROWS=()
DETAILS=()
run_size() {
  local n=$1 port procs per extra i hosts_i ramp_i deadline
  port=$(free_port) || { log "no free port"; return 1; }
  GW_HOME=$WORK/gateway-$n
  local gwlog=$WORK/gateway-$n.log
  (( n + 500 > FD_LIMIT )) && log "WARNING: $n hosts need $n sockets in the gateway, near its fd limit of $FD_LIMIT"

  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)   # the machine is shared: say how busy it was
  log "size $n: starting gateway on 127.0.0.1:$port (-Xmx$GATEWAY_HEAP), load average $load_before"
  "$JAVA" "${JVM_FLAGS[@]}" -Xmx"$GATEWAY_HEAP" -Drespool.heartbeatIntervalMs="$HEARTBEAT_MS" -Drespool.bind=127.0.0.1 \
    -jar "$GATEWAY_JAR" --port "$port" --home "$GW_HOME" >"$gwlog" 2>&1 &
  GW=$!
  deadline=$((SECONDS + 120))
  until curl -fsS --max-time 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    if ! alive "$GW" || (( SECONDS > deadline )); then
      log "gateway did not come up; last log lines:"; tail -20 "$gwlog" >&2
      ROWS+=("| $n | – | – | – | – | – | – | – | gateway did not start |")
      stop_gateway; return 1
    fi
    sleep 0.5
  done
  GW_AUX=($(ps -o pid= --ppid "$GW" 2>/dev/null || true))
  [[ -f $GW_HOME/pg/postmaster.pid ]] && GW_AUX+=("$(head -1 "$GW_HOME/pg/postmaster.pid")")

  procs=$(( (n + PER_PROCESS - 1) / PER_PROCESS ))
  per=$((n / procs)); extra=$((n % procs))
  ramp_i=$(awk -v r="$RAMP" -v k="$procs" 'BEGIN { printf "%.3f", r / k }')
  log "size $n: $procs load-generator process(es), ramp $RAMP/s, window ${DURATION}s"
  for ((i = 0; i < procs; i++)); do
    hosts_i=$((per + (i < extra ? 1 : 0)))
    "$JAVA" "${JVM_FLAGS[@]}" -Xmx"$FLEET_HEAP" -jar "$BENCH_JAR" --gateway "ws://127.0.0.1:$port" --hosts "$hosts_i" \
      --ramp-per-second "$ramp_i" --max-pending "$MAX_PENDING" --duration "$DURATION" --heartbeat-ms "$HEARTBEAT_MS" --shard "$i/$procs" \
      --settle "$SETTLE" --register-timeout-ms "$REGISTER_TIMEOUT_MS" --ack-timeout-ms "$ACK_TIMEOUT_MS" \
      --hold-seconds 600 --out "$WORK/fleet-$n-$i.json" >"$WORK/fleet-$n-$i.log" 2>&1 &
    FLEET+=($!)
  done

  # every process writes its results after ramp + settle + window + grace, then holds its sockets
  deadline=$((SECONDS + n * 2 / RAMP + REGISTER_TIMEOUT_MS / 1000 + SETTLE + DURATION + ACK_TIMEOUT_MS / 1000 + 120))
  local pending=1 died=""
  while (( pending )) && (( SECONDS < deadline )); do
    pending=0
    for ((i = 0; i < procs; i++)); do
      [[ -f $WORK/fleet-$n-$i.json ]] && continue
      if alive "${FLEET[i]}"; then pending=1; else died+=" $i"; fi
    done
    [[ -n $died ]] && break
    (( pending )) && sleep 1
  done
  if [[ -n $died ]] || (( pending )); then
    log "size $n: load generator(s)${died:- } failed or timed out; see $WORK/fleet-$n-*.log"
  fi

  # measured while the fleet is still connected
  local online=0 next="" page pages=0 max_pages=$((n / 500 + 5))
  while (( pages < max_pages )); do
    page=$(curl -fsS --max-time 30 "http://127.0.0.1:$port/v1/hosts?online=true&limit=500${next:+&after=$next}") || { log "host listing failed"; online="?"; break; }
    online=$((online + $(jq '.items | length' <<<"$page")))
    next=$(jq -r '.next // empty' <<<"$page")
    pages=$((pages + 1))
    [[ -n $next ]] || break
  done
  local rss_kb heap fds connected metrics
  rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$GW/status" 2>/dev/null || echo 0)
  fds=$(ls "/proc/$GW/fd" 2>/dev/null | wc -l)
  metrics=$(curl -fsS --max-time 30 "http://127.0.0.1:$port/metrics" || true)
  heap=$(awk '/^jvm_memory_used_bytes\{/ && /area="heap"/ {s += $NF} END {printf "%.0f", s}' <<<"$metrics")
  connected=$(awk '/^respool_hosts_connected/ {printf "%.0f", $NF}' <<<"$metrics")
  local warns
  warns=$(grep -cE ' (WARN|ERROR) ' "$gwlog" || true)

  stop_gateway   # first: one statement marks every host offline, instead of one per closed socket
  stop_fleet

  local files=("$WORK"/fleet-"$n"-*.json) summary
  if [[ ! -f ${files[0]} ]]; then
    ROWS+=("| $n | $online | – | – | – | – | $((rss_kb / 1024)) | $((heap / 1048576)) | no results |")
    return 1
  fi
  summary=$("$JAVA" -cp "$BENCH_JAR" io.respool.bench.FleetReport "$WORK/fleet-$n.json" "${files[@]}")
  local m=$WORK/fleet-$n.json
  local failures
  failures=$(jq -r '.summary.failures' "$m")
  [[ -n $died ]] && failures="$failures + process(es)$died died"
  (( ${#files[@]} < procs )) && failures="$failures; only ${#files[@]}/$procs processes reported"
  ROWS+=("$(jq -r --arg n "$n" --arg online "$online" --arg rss "$((rss_kb / 1024))" --arg heap "$((heap / 1048576))" --arg f "$failures" \
    '"| \($n) | \($online) | \(.summary.heartbeatCount) | \(.summary.heartbeatP50Ms) | \(.summary.heartbeatP99Ms) | \(.summary.heartbeatMaxMs) | \($rss) | \($heap) | \($f) |"' "$m")")
  DETAILS+=("$(jq -r --arg n "$n" --arg fds "$fds" --arg conn "${connected:-?}" --arg warns "$warns" --arg procs "$procs" --arg load "$load_before" '
    "- **\($n) hosts** (\($procs) load-generator process\(if $procs == "1" then "" else "es" end)): registered \(.registered)/\(.hosts) in \(.rampSeconds) s"
    + " (registration p50 \(.summary.registrationP50Ms) ms, p99 \(.summary.registrationP99Ms) ms);"
    + " window \(.durationSeconds) s: \(.heartbeatsSent) heartbeats sent, \(.acks) acked, \(.acksMissing) missing,"
    + " \(.heartbeatErrors) errors, p99.9 \(.summary.heartbeatP999Ms) ms;"
    + " registration failures \(.registrationFailures) \(.registrationFailureReasons | tostring), retried after a busy refusal \(.registrationRetries // 0);"
    + " disconnects \(.disconnects) (\(.disconnectsInWindow) in window) \(.disconnectReasons | tostring);"
    + " gateway: \($fds) open fds, respool_hosts_connected \($conn), \($warns) WARN/ERROR log lines;"
    + " load average before the size: \($load)"' "$m")")
  log "size $n: $summary"
  [[ $online == "$n" && $failures == 0 ]]
}

BAD=0   # any size that could not run, lost hosts or saw failures makes the exit status 1
for n in $SIZES; do
  [[ $n =~ ^[0-9]+$ ]] && (( n > 0 )) || { log "bad size '$n'"; exit 2; }
  run_size "$n" || { BAD=1; log "size $n failed (recorded in the table)"; }
done

# --- report ---------------------------------------------------------------------------------
mkdir -p "$HERE/results"
OUT=$HERE/results/fleet-$(date +%Y-%m-%d-%H%M).md
{
  echo "# Host-fleet benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM"
  echo "(\`free -g\`: $(free -g | awk '/^Mem:/ {print "total " $2 ", used " $3 ", free " $4 ", available " $7}')),"
  echo "JDK: $("$JAVA" -version 2>&1 | head -1), fd hard limit per process: $FD_LIMIT."
  echo "Code: $GIT_REV; gateway jar built $GATEWAY_BUILT."
  echo "Gateway: -Xmx$GATEWAY_HEAP, heartbeat every $HEARTBEAT_MS ms, embedded PostgreSQL and Redis (separate processes, not in the RSS)."
  echo "Load: ramp $RAMP registrations/s (≤ $MAX_PENDING in flight per process), then $SETTLE s settle, then a ${DURATION}-s window; ≤ $PER_PROCESS connections per load-generator process."
  echo
  echo "| hosts | online | heartbeats measured | p50 ms | p99 ms | max ms | gateway RSS MiB | heap used MiB | failures |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Latency is heartbeat sent → ack received on loopback, measured by the load generator (which shares"
  echo "the CPUs with the gateway). failures = registration failures + disconnects + missing acks + error replies."
  echo "The top size is 19,000 because the gateway holds one socket (one file descriptor) per host and a"
  echo "process may not hold more than $FD_LIMIT descriptors here (the hard limit cannot be raised, even as"
  echo "root); the JVM, its jars, and its PostgreSQL and Redis connections need a few hundred more."
  echo
  printf '%s\n' "${DETAILS[@]}"
} | tee "$OUT"
log "wrote $OUT"
exit "$BAD"
