#!/usr/bin/env bash
# Usage-ingestion benchmark (issue 5): usage samples stored per second by one gateway node with
# PostgreSQL, frame ack latency, and the delay from a sample to the next booking.cost event of its
# booking. For each metering interval, a fresh gateway (embedded PostgreSQL and Redis, unpaid
# bookings enabled), HOSTS simulated hosts on the real control channel, HOSTS x TASKS_PER_HOST
# bookings made through the HTTP API and answered RUNNING by the hosts, then the hosts stream
# task.usage frames step by step (UsageLoad); afterwards every task's stored samples are checked
# against what the gateway acked.
#
#   bench/usage.sh                                       # ~8 minutes on 2 cores
#   STEPS="20000/100 max/100" METER_INTERVALS=2000 DURATION=10 bench/usage.sh   # a quick run
#
# Knobs (environment): HOSTS (50), TASKS_PER_HOST (10; one booking per task), STEPS (RATE/S: open
# loop at RATE samples/s over the fleet in frames of S samples; max/S: closed loop), IN_FLIGHT
# (frames per host: the cap, or the closed-loop load; 2), DURATION (s, window per step; 15),
# WARMUP (s, before each window; 3), PRIME (s of unmeasured load first; 10) and PRIME_MAX (s: the
# priming goes on until autovacuum has analyzed usage_samples once; 120), COST_WAIT (s to wait for
# the cost events of a window's samples; 10), METER_INTERVALS (meterIntervalMs, one fresh gateway
# each; "2000 200"), POOL_SIZE (dbPoolSize; 8), QUIET_WAIT (s to wait at most for an idle machine
# before each gateway; 300), GATEWAY_HEAP, LOAD_HEAP, PROFILE=1 (a JFR recording of the gateway
# during the steps, summarised in the report), KEEP_WORK=1 (keep the gateway homes).
# Loopback only; every wait is bounded; the EXIT trap stops every process this script started.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
HOSTS=${HOSTS:-50}
TASKS_PER_HOST=${TASKS_PER_HOST:-10}
STEPS=${STEPS:-10000/100 20000/100 30000/100 20000/20 max/100 max/250}
IN_FLIGHT=${IN_FLIGHT:-2}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-3}
PRIME=${PRIME:-10}
PRIME_MAX=${PRIME_MAX:-120}
COST_WAIT=${COST_WAIT:-10}
METER_INTERVALS=${METER_INTERVALS:-2000 200}
POOL_SIZE=${POOL_SIZE:-8}
QUIET_WAIT=${QUIET_WAIT:-300}
GATEWAY_HEAP=${GATEWAY_HEAP:-2g}
LOAD_HEAP=${LOAD_HEAP:-512m}
PROFILE=${PROFILE:-0}
ACK_TIMEOUT_MS=30000

log() { printf '%s usage.sh: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
source "$HERE/lib.sh"

# --- a JDK >= 21 (as fleet.sh) ------------------------------------------------------------------
JAVA=$(pick_java) || { log "no JDK >= 21 found (set JAVA_HOME)"; exit 1; }
JAVA_VERSION=$(java_major "$JAVA")
JDK_BIN=$(dirname "$(readlink -f "$JAVA")")
JVM_FLAGS=()
(( JAVA_VERSION >= 23 )) && JVM_FLAGS=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
log "using $JAVA (JDK $JAVA_VERSION)"

for n in $HOSTS $TASKS_PER_HOST $IN_FLIGHT $DURATION $WARMUP $PRIME $PRIME_MAX $COST_WAIT $METER_INTERVALS $POOL_SIZE $QUIET_WAIT; do
  [[ $n =~ ^[0-9]+$ ]] || { log "HOSTS, TASKS_PER_HOST, IN_FLIGHT, DURATION, WARMUP, PRIME, PRIME_MAX, COST_WAIT, METER_INTERVALS, POOL_SIZE, QUIET_WAIT must be whole numbers, not '$n'"; exit 2; }
done
for s in $STEPS; do
  [[ $s =~ ^(max|[1-9][0-9]*)/[1-9][0-9]*$ ]] || { log "a step is RATE/S or max/S, not '$s'"; exit 2; }
done
command -v jq >/dev/null || { log "jq is needed"; exit 1; }

# --- jars, the work directory, process bookkeeping -----------------------------------------
bench_jars usage
GW=""; GW_HOME=""; GW_AUX=()     # gateway pid, its home, its PostgreSQL and Redis pids
LOAD=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$LOAD" 20 || true; LOAD=""
  stop_gateway || true
  rm -f "$WORK"/*.jar
  log "logs and result files are in $WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# The machine is shared (and has only two cores): every window's CPU use by other processes is
# reported, but start only once the machine has been idle for a few seconds, or after QUIET_WAIT.
IDLE_BEFORE=""
wait_quiet() { # sets IDLE_BEFORE; runs in this shell (not in a $(…) subshell) so a TERM is handled within seconds
  local end=$((SECONDS + QUIET_WAIT)) busy
  while :; do
    busy=$(busy_cores 5)
    awk -v b="$busy" 'BEGIN { exit !(b < 0.3) }' && { IDLE_BEFORE=$busy; return 0; }
    (( SECONDS < end )) || { log "the machine is still busy ($busy cores): starting anyway"; IDLE_BEFORE="$busy (busy)"; return 0; }
    log "the machine is busy ($busy cores in use by others): waiting (at most $QUIET_WAIT s in all)"
    sleep 10
  done
}

# --- one gateway, one metering interval ------------------------------------------------------------
ROWS=()
CHECKS=()
DETAILS=()
NSTEPS=$(wc -w <<<"$STEPS")
run_interval() {
  local interval=$1 port deadline gwlog pg_port pg_pid redis_pid load_before idle_before
  wait_quiet; idle_before=$IDLE_BEFORE
  port=$(free_port) || { log "no free port"; return 1; }
  GW_HOME=$WORK/gateway-$interval
  gwlog=$WORK/gateway-$interval.log
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  log "interval $interval ms: starting gateway on 127.0.0.1:$port (-Xmx$GATEWAY_HEAP, dbPoolSize $POOL_SIZE, unpaid bookings), load average $load_before"
  local gw_flags=()
  [[ $PROFILE == 1 ]] && gw_flags=(-XX:FlightRecorderOptions:stackdepth=256)
  "$JAVA" "${JVM_FLAGS[@]}" "${gw_flags[@]}" -Xmx"$GATEWAY_HEAP" -Drespool.bind=127.0.0.1 -Drespool.dbPoolSize="$POOL_SIZE" \
    -Drespool.allowUnpaidBookings=true -Drespool.meterIntervalMs="$interval" \
    -jar "$GATEWAY_JAR" --port "$port" --home "$GW_HOME" >"$gwlog" 2>&1 &
  GW=$!
  deadline=$((SECONDS + 120))
  until curl -fsS --max-time 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    if ! alive "$GW" || (( SECONDS > deadline )); then
      log "gateway did not come up; last log lines:"; tail -20 "$gwlog" >&2
      ROWS+=("| $interval | – | – | – | – | – | – | – | – | – | – | gateway did not start |")
      stop_gateway; return 1
    fi
    sleep 0.5
  done
  pg_pid=$(head -1 "$GW_HOME/pg/postmaster.pid" 2>/dev/null || true)
  pg_port=$(sed -n 's/.*embedded PostgreSQL on port \([0-9]*\).*/\1/p' "$gwlog" | head -1)
  redis_pid=$(pgrep -P "$GW" -f redis-server | head -1 || true)
  GW_AUX=($(ps -o pid= --ppid "$GW" 2>/dev/null || true))
  [[ -n $pg_pid ]] && GW_AUX+=("$pg_pid")

  local watch="gateway=$GW"
  [[ -n $pg_pid ]] && watch="$watch,postgres=$pg_pid+"
  [[ -n $redis_pid ]] && watch="$watch,redis=$redis_pid"
  local args=(--api "http://127.0.0.1:$port" --hosts "$HOSTS" --tasks-per-host "$TASKS_PER_HOST" --steps "$(tr ' ' ',' <<<"$STEPS")"
    --in-flight "$IN_FLIGHT" --duration "$DURATION" --warmup "$WARMUP" --prime "$PRIME" --prime-max "$PRIME_MAX" --cost-wait "$COST_WAIT"
    --ack-timeout-ms "$ACK_TIMEOUT_MS" --watch "$watch" --out "$WORK/load-$interval.json")
  [[ -n $pg_port ]] && args+=(--pg-url "postgresql://postgres@127.0.0.1:$pg_port/postgres")
  log "interval $interval ms: $HOSTS hosts x $TASKS_PER_HOST bookings, steps $STEPS (${WARMUP} s warm-up + ${DURATION} s window each)"
  "$JAVA" "${JVM_FLAGS[@]}" -Xmx"$LOAD_HEAP" -cp "$BENCH_JAR" io.respool.bench.UsageLoad "${args[@]}" >"$WORK/load-$interval.log" 2>&1 &
  LOAD=$!
  # PROFILE: the recording covers the steps, not the set-up and priming
  local profiling=0
  deadline=$((SECONDS + 300 + PRIME_MAX + NSTEPS * (WARMUP + DURATION + ACK_TIMEOUT_MS / 1000 + COST_WAIT + 10) + 600))
  while alive "$LOAD" && (( SECONDS < deadline )); do
    if [[ $PROFILE == 1 && $profiling == 0 ]] && grep -q "warm-up" <(grep -v "prime" "$WORK/load-$interval.log" 2>/dev/null); then
      "$JDK_BIN/jcmd" "$GW" JFR.start name=usage settings=profile filename="$WORK/gateway-$interval.jfr" >/dev/null || log "JFR did not start"
      profiling=1
    fi
    sleep 1
  done
  local load_rc=0
  if alive "$LOAD"; then
    log "interval $interval ms: the load generator did not finish in time"; stop_pid "$LOAD" 20; load_rc=124
  else
    wait "$LOAD" || load_rc=$?
  fi
  LOAD=""
  [[ $profiling == 1 ]] && { "$JDK_BIN/jcmd" "$GW" JFR.stop name=usage >/dev/null 2>&1 || true; }
  local warns
  warns=$(grep -cE ' (WARN|ERROR) ' "$gwlog" || true)
  local warn_kinds
  warn_kinds=$(grep -E ' (WARN|ERROR) ' "$gwlog" | sed -E 's/^.* (WARN|ERROR) +//; s/bk_[0-9a-z]+/bk_…/g; s/[1-9A-HJ-NP-Za-km-z]{32,44}/…/g; s/[0-9]+/N/g' \
    | cut -c1-140 | sort | uniq -c | sort -rn | head -5 | awk '{$1=$1; print}' | paste -sd ';' - || true)
  stop_gateway

  local m=$WORK/load-$interval.json
  if [[ ! -f $m ]]; then
    log "interval $interval ms: no results (exit $load_rc); last lines of the load generator:"; tail -20 "$WORK/load-$interval.log" >&2
    ROWS+=("| $interval | – | – | – | – | – | – | – | – | – | – | no results (exit $load_rc) |")
    return 1
  fi
  while IFS= read -r row; do ROWS+=("$row"); done < <(jq -r --arg iv "$interval" '
    def r1: . * 10 | round / 10;
    def r0: round;
    def n: tostring | if test("^[0-9]+$") then [explode | reverse | _nwise(3) | reverse | implode] | reverse | join(",") else . end;
    .steps[] |
    "| \($iv) | \(.step) | \(if .offeredSamplesPerSecond == null then "closed, \(.inFlightPerHost)/host" else (.offeredSamplesPerSecond | n) end) | \(.samplesPerFrame) |"
    + " **\(.ackedSamplesPerSecond | r0 | n)** | \(.ackedFramesPerSecond | r0) | \(.ackP50Ms | r1) / \(.ackP99Ms | r1) / \(.ackMaxMs | r1) |"
    + " \(((.errors | to_entries | map(.value) | add) // 0) + .lostFrames) |"
    + " \(.sampleToCostP50Ms | r0 | n) / \(.sampleToCostP99Ms | r0 | n) / \(.sampleToCostMaxMs | r0 | n) | \(.samplesWithoutCostEvent | n) |"
    + " \(.costEventsPerSecond | r0) (\(.bookingsCosted)) |"
    + " \(.cores.gateway) / \(.cores.postgres // "?") / \(.cores["load generator"]) / \(.cores["irq+softirq"]) / \(.cores["other processes"]) |"' "$m")
  CHECKS+=("$(jq -r --arg iv "$interval" '
    def n: tostring | if test("^[0-9]+$") then [explode | reverse | _nwise(3) | reverse | implode] | reverse | join(",") else . end;
    .verification as $v | $v.postgres as $p |
    "| \($iv) | \($p.tasks // "?") | \($p.samplesSent // $v.samplesSentAll | n) | \($p.samplesAcked // $v.samplesAckedAll | n) | \($p.samplesStored // "?" | n) |"
    + " \($p.tasksWhereStoredDiffersFromAcked // "?") | \($v.checkedThroughApi) bookings: \($v.apiMismatches) mismatches, \($v.notRunning) not running, \($v.apiErrors) errors |"
    + " \($p.gapRows // "?" | n) rows on \($p.tasksWithGaps // "?") tasks (API: \($v.apiGaps | n)) |"' "$m")")
  DETAILS+=("$(jq -r --arg iv "$interval" --arg load "$load_before" --arg idle "$idle_before" --arg warns "$warns" --arg kinds "$warn_kinds" '
    "- **interval \($iv) ms**: \(.setup.hosts) hosts, \(.setup.bookings) bookings created in \(.setup.bookingSeconds) s (\(.setup.bookingsPerSecond)/s);"
    + " PostgreSQL \(.postgresVersion // "?"); \($warns) WARN/ERROR lines in the gateway log\(if $kinds != "" then " (\($kinds))" else "" end);"
    + " before the gateway started the machine was busy \($idle) cores (5-s sample), load average \($load);"
    + " fleet: \(.fleet.disconnects) disconnects, \(.fleet.badFrames) unexpected frames, events socket open at the end: \(.fleet.eventsSocketOpen)"' "$m")")
  DETAILS+=("$(jq -r '"  - priming (closed loop, \(.settings.inFlight) frames of 100 in flight per host), per chunk: "
    + ([.prime[] | "\(.atSeconds) s: \(.ackedSamplesPerSecond | round)/s, ack p50 \(.ackP50Ms | round) ms,"
        + " \((.errors | to_entries | map(.value) | add) // 0) refused (\(.errors | keys | map(sub(": .*"; "")) | unique | join(", "))), analyzed \(.usageSamplesAnalyzed)"] | join("; "))' "$m")")
  while IFS= read -r d; do DETAILS+=("$d"); done < <(jq -r '.steps[] |
    "  - \(.step): \(.samplesAcked) samples acked in the window (\(.samplesSent) sent in the step), ack p99.9 \(.ackP999Ms) ms, latest frame \(.maxLateMs) ms late,"
    + " drained \(.drainMs) ms after the window; errors \(.errors | tostring), \(.retries) resent, \(.lostFrames) lost;"
    + " ack → cost p50/p99 \(.ackToCostP50Ms | round)/\(.ackToCostP99Ms | round) ms; interval between two cost events of a booking p50/p99/max"
    + " \(.costIntervalP50Ms | round)/\(.costIntervalP99Ms | round)/\(.costIntervalMaxMs | round) ms; event time → received p50/p99 \(.eventLagP50Ms)/\(.eventLagP99Ms) ms;"
    + " PostgreSQL backends on average \(.postgres.averageBackends // {} | to_entries | map(select(.value >= 0.05)) | map("\(.key) \(.value)") | join(", "));"
    + " busiest other processes (pid, command: cores) \(if (.otherBusiest | length) == 0 then "none above 0.05" else (.otherBusiest | join("; ")) end)"' "$m")
  if [[ $PROFILE == 1 && -f $WORK/gateway-$interval.jfr ]]; then
    DETAILS+=("  - gateway CPU profile over the steps (\`JfrProfile gateway-$interval.jfr\`):" "" '    ```'
      "$("$JAVA" -cp "$BENCH_JAR" io.respool.bench.JfrProfile "$WORK/gateway-$interval.jfr" 12 2>&1 | sed 's/^/    /')" '    ```' "")
  fi
  log "interval $interval ms: done (load generator exit $load_rc)"
  [[ $load_rc == 0 ]]
}

BAD=0
for interval in $METER_INTERVALS; do
  run_interval "$interval" || { BAD=1; log "interval $interval ms failed or its check did not pass (recorded in the report)"; }
done

# --- report ---------------------------------------------------------------------------------
mkdir -p "$HERE/results"
OUT=$HERE/results/usage-$(date +%Y-%m-%d-%H%M).md
{
  echo "# Usage ingestion benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) CPUs ($(lscpu | awk -F': *' '/^Model name/ {print $2; exit}')), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM,"
  echo "$(uname -sr); JDK: $("$JAVA" -version 2>&1 | head -1)."
  echo "Code: $GIT_REV; gateway jar built $GATEWAY_BUILT."
  echo "Gateway: one node, -Xmx$GATEWAY_HEAP, dbPoolSize $POOL_SIZE, embedded PostgreSQL (fsync and synchronous_commit on) and Redis, unpaid"
  echo "bookings enabled; $HOSTS simulated hosts (\`MeteredFleet\`: real ed25519 registration, heartbeats, answers task.start with RUNNING)"
  echo "each running $TASKS_PER_HOST bookings of one task (\`{cpu: 0.1, memoryMb: 16, durationSeconds: 36000, command}\`, made through"
  echo "\`POST /v1/bookings\`); the load generator, the gateway, PostgreSQL and Redis share the same cores."
  echo "Steps: \`RATE/S\` = open loop, RATE samples/s over the fleet in frames of S samples (at most $IN_FLIGHT frames of a host unacked;"
  echo "a frame that must wait counts its latency from when it was due); \`max/S\` = closed loop, $IN_FLIGHT frames in flight per host."
  echo "${WARMUP} s warm-up and a ${DURATION}-s window per step, after priming until PostgreSQL's autovacuum had analyzed usage_samples."
  echo
  echo "| meter interval ms | step | offered samples/s | samples/frame | acked samples/s | frames/s | ack p50 / p99 / max ms | errors + lost frames | sample → booking.cost p50 / p99 / max ms | samples with no cost event within ${COST_WAIT} s | cost events/s (bookings) | cores: gateway / PostgreSQL / load gen / irq / other |"
  echo "|---:|---|---:|---:|---:|---:|---|---:|---|---:|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "acked samples/s = samples in frames whose ack arrived in the window / window length (the gateway acks a frame after its"
  echo "transaction committed). ack latency = frame due (open loop) or sent (closed loop) → ack. sample → booking.cost = the sample's"
  echo "frame sent → the next \`booking.cost\` event of its booking received on \`/v1/events\` (the renter's \`bookings\` subscription),"
  echo "for every sample acked in the window. cost events/s and (bookings) = events received in the window and the distinct bookings"
  echo "they were for. cores = CPU time used in the window / its length, from /proc; irq = the machine's irq + softirq time (loopback"
  echo "networking, charged to no process); \"other\" = the rest of the machine's busy time (Redis, steal, anything else that ran meanwhile)."
  echo
  echo "Correctness after each gateway's steps (every task, from PostgreSQL; the API check is \`GET /v1/bookings/{id}\` and"
  echo "\`GET /v1/bookings/{id}/usage?step=3600\` for 100 bookings spread over the hosts):"
  echo
  echo "| meter interval ms | tasks | samples sent | acked | stored | tasks where stored ≠ acked | API check | usage_gaps |"
  echo "|---:|---:|---:|---:|---:|---:|---|---|"
  printf '%s\n' "${CHECKS[@]}"
  echo
  printf '%s\n' "${DETAILS[@]}"
} | tee "$OUT"
log "wrote $OUT"
exit "$BAD"
