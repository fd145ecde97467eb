#!/usr/bin/env bash
# Placement benchmark: end-to-end committed placements per second through the HTTP API. For each
# PostgreSQL pool size, a fresh gateway (embedded PostgreSQL and Redis), a simulated fleet of
# hosts on the real control channel, then closed-loop POST /v1/bookings at each concurrency;
# measures placements/s and latency, checks that no host was over-allocated and that the
# gateway's books match every 201, and says where the CPU went.
#
#   bench/placements.sh                                   # 1,000 hosts, C = 1 8 32 64, pools 8 and 16: ~7 min
#   HOSTS=250 POOL_SIZES=8 CONCURRENCY=32 DURATION=20 bench/placements.sh
#
# Knobs (environment): HOSTS, CONCURRENCY, DURATION (s, window per concurrency), WARMUP (s, before
# each window), PRIME (s of unmeasured load on a fresh gateway before the first step, for its JIT),
# MAX_OTHER, QUIET_WAIT, STEP_RETRIES (the machine is shared: before each gateway and each step wait
# at most QUIET_WAIT s for other processes to use less than MAX_OTHER cores, and repeat a step they
# disturbed more than that, at most STEP_RETRIES times; the discarded attempts are listed), POOL_SIZES (gateway dbPoolSize, one fresh gateway each), STRATEGY (cheapest|best-fit|spread,
# default the gateway's), REGIONS (comma list: client i books in region i mod n; the fleet's
# hosts are in bench-0, bench-1, bench-2), RAMP (host registrations/s), GATEWAY_HEAP, GATEWAY_JAVA_OPTS (default: a fixed heap, G1 pause goal 10 ms), FLEET_HEAP (fixed, default 1g:
# with 10,000 hosts the fleet holds ~150 MB, and a heap grown just to fit it ran G1 concurrent cycles through the load),
# FLEET_NICE (0-19, default 0: the simulated fleet's nice value; it stands for machines elsewhere, and 19 gives it the
# CPU the gateway, PostgreSQL and the load generator leave instead of an equal share),
# LOAD_HEAP (fixed, default 1g), FLEET_JAVA_OPTS and LOAD_JAVA_OPTS (extra JVM flags of the fleet and the load generator, e.g. a GC log), BOOKING_CPU (cores per booking, default 0.5; a simulated host has 15 cores), RELEASE=1 (after each step stop every booking it placed, C at a time, and report the
# stops per second: the same kind of transaction without the matcher's snapshot), PROFILE=1 (a JFR recording of the gateway during the load, kept in the work dir),
# KEEP_WORK=1 (keep the gateway homes, not only the logs).
# Loopback only; every wait is bounded; the EXIT trap stops every process this script started.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
HOSTS=${HOSTS:-1000}
CONCURRENCY=${CONCURRENCY:-1 8 32 64}
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-5}
PRIME=${PRIME:-20}
QUIET_WAIT=${QUIET_WAIT:-120}
MAX_OTHER=${MAX_OTHER:-0.3}     # cores; a quiet machine shows ~0.15 (the kernel's share of the loopback traffic and so on)
STEP_RETRIES=${STEP_RETRIES:-2}
POOL_SIZES=${POOL_SIZES:-8 16}
STRATEGY=${STRATEGY:-}
REGIONS=${REGIONS:-}
RAMP=${RAMP:-150}
GATEWAY_HEAP=${GATEWAY_HEAP:-2g}
# as a server runs it (ops/k8s): a fixed heap and G1's 10 ms pause goal (README.md, Benchmarks, "Garbage collection")
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS--Xms$GATEWAY_HEAP -XX:MaxGCPauseMillis=10}
FLEET_HEAP=${FLEET_HEAP:-1g}
FLEET_NICE=${FLEET_NICE:-0}
LOAD_HEAP=${LOAD_HEAP:-1g}
FLEET_JAVA_OPTS=${FLEET_JAVA_OPTS:-}
LOAD_JAVA_OPTS=${LOAD_JAVA_OPTS:-}
PROFILE=${PROFILE:-0}
RELEASE=${RELEASE:-0}
BOOKING_CPU=${BOOKING_CPU:-0.5}
REQUEST_TIMEOUT_MS=30000

log() { printf '%s placements.sh: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
source "$HERE/lib.sh"

# --- a JDK >= 21 (as fleet.sh) ------------------------------------------------------------------
JAVA=$(pick_java) || { log "no JDK >= 21 found (set JAVA_HOME)"; exit 1; }
JAVA_VERSION=$(java_major "$JAVA")
JDK_BIN=$(dirname "$(readlink -f "$JAVA")")
JVM_FLAGS=()
(( JAVA_VERSION >= 23 )) && JVM_FLAGS=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
log "using $JAVA (JDK $JAVA_VERSION)"

for n in $HOSTS $CONCURRENCY $DURATION $WARMUP $PRIME $QUIET_WAIT $STEP_RETRIES $POOL_SIZES $FLEET_NICE; do
  [[ $n =~ ^[0-9]+$ ]] && (( n >= 0 )) || { log "HOSTS, CONCURRENCY, DURATION, WARMUP, PRIME, QUIET_WAIT, STEP_RETRIES, POOL_SIZES, FLEET_NICE must be whole numbers, not '$n'"; exit 2; }
done

# --- jars, the work directory, process bookkeeping -----------------------------------------
bench_jars placements
GW=""; GW_HOME=""; GW_AUX=()     # gateway pid, its home, its PostgreSQL and Redis pids
FLEET=""; LOAD=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$LOAD" 10 || true; LOAD=""
  stop_gateway || true
  stop_pid "$FLEET" 20 || true; FLEET=""
  rm -f "$WORK"/*.jar
  log "logs and result files are in $WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# The machine is shared (and has only two cores): every window's CPU use by other processes is
# reported, but start only once the machine has been idle for a few seconds, or after QUIET_WAIT.
wait_quiet() {
  local end=$((SECONDS + QUIET_WAIT)) busy
  while :; do
    busy=$(busy_cores 5)
    awk -v b="$busy" -v m="$MAX_OTHER" 'BEGIN { exit !(b < m) }' && { echo "$busy"; return 0; }
    (( SECONDS < end )) || { log "the machine is still busy ($busy cores): starting anyway"; echo "$busy (busy)"; return 0; }
    log "the machine is busy ($busy cores in use by others): waiting (at most $QUIET_WAIT s in all)"
    sleep 10
  done
}

# --- one gateway, one pool size ------------------------------------------------------------------
ROWS=()
DETAILS=()
STEPS=$(wc -w <<<"$CONCURRENCY")
run_pool() {
  local pool=$1 port deadline gwlog pg_port pg_pid redis_pid load_before idle_before
  idle_before=$(wait_quiet)
  port=$(free_port) || { log "no free port"; return 1; }
  GW_HOME=$WORK/gateway-$pool
  gwlog=$WORK/gateway-$pool.log
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  log "pool $pool: starting gateway on 127.0.0.1:$port (-Xmx$GATEWAY_HEAP $GATEWAY_JAVA_OPTS, dbPoolSize $pool), load average $load_before"
  local gw_flags=()
  [[ $PROFILE == 1 ]] && gw_flags=(-XX:FlightRecorderOptions:stackdepth=256)   # the Vert.x stacks are deep
  # one load generator on one address books hundreds a second: the per-account/per-address limits would measure themselves
  # shellcheck disable=SC2086
  "$JAVA" "${JVM_FLAGS[@]}" "${gw_flags[@]}" $GATEWAY_JAVA_OPTS -Xmx"$GATEWAY_HEAP" -Drespool.bind=127.0.0.1 -Drespool.dbPoolSize="$pool" \
    -Drespool.rateLimitPerAccount=100000000 -Drespool.rateLimitPerClient=100000000 \
    -jar "$GATEWAY_JAR" --port "$port" --home "$GW_HOME" >"$gwlog" 2>&1 &
  GW=$!
  deadline=$((SECONDS + 120))
  until curl -fsS --max-time 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    if ! alive "$GW" || (( SECONDS > deadline )); then
      log "gateway did not come up; last log lines:"; tail -20 "$gwlog" >&2
      ROWS+=("| $pool | – | – | – | – | – | – | – | – | gateway did not start |")
      stop_gateway; return 1
    fi
    sleep 0.5
  done
  pg_pid=$(head -1 "$GW_HOME/pg/postmaster.pid" 2>/dev/null || true)
  pg_port=$(sed -n 's/.*embedded PostgreSQL on port \([0-9]*\).*/\1/p' "$gwlog" | head -1)
  redis_pid=$(pgrep -P "$GW" -f redis-server | head -1 || true)
  GW_AUX=($(ps -o pid= --ppid "$GW" 2>/dev/null || true))
  [[ -n $pg_pid ]] && GW_AUX+=("$pg_pid")

  log "pool $pool: registering $HOSTS simulated hosts at $RAMP/s"
  # shellcheck disable=SC2086
  nice -n "$FLEET_NICE" "$JAVA" "${JVM_FLAGS[@]}" $FLEET_JAVA_OPTS -Xms"$FLEET_HEAP" -Xmx"$FLEET_HEAP" -jar "$BENCH_JAR" --gateway "ws://127.0.0.1:$port" --hosts "$HOSTS" \
    --ramp-per-second "$RAMP" --duration 1 --settle 0 --hold-seconds 3600 --out "$WORK/fleet-$pool.json" >"$WORK/fleet-$pool.log" 2>&1 &
  FLEET=$!
  deadline=$((SECONDS + HOSTS / RAMP + 90))
  while [[ ! -f $WORK/fleet-$pool.json ]] && alive "$FLEET" && (( SECONDS < deadline )); do sleep 1; done
  local registered
  registered=$(jq -r '.registered // 0' "$WORK/fleet-$pool.json" 2>/dev/null || echo 0)
  if [[ $registered != "$HOSTS" ]]; then
    log "pool $pool: only $registered/$HOSTS hosts registered; see $WORK/fleet-$pool.log"
    ROWS+=("| $pool | – | – | – | – | – | – | – | – | fleet registered $registered/$HOSTS |")
    stop_gateway; stop_pid "$FLEET" 20; FLEET=""; return 1
  fi
  sleep 3   # the last registrations' events and a round of heartbeats

  local watch="gateway=$GW,fleet=$FLEET"
  [[ -n $pg_pid ]] && watch="$watch,postgres=$pg_pid+"
  [[ -n $redis_pid ]] && watch="$watch,redis=$redis_pid"
  local args=(--api "http://127.0.0.1:$port" --concurrency "$(tr ' ' ',' <<<"$CONCURRENCY")" --duration "$DURATION" --warmup "$WARMUP" --prime "$PRIME"
    --expect-hosts "$HOSTS" --watch "$watch" --request-timeout-ms "$REQUEST_TIMEOUT_MS" --out "$WORK/load-$pool.json")
  [[ -n $pg_port ]] && args+=(--pg-url "postgresql://postgres@127.0.0.1:$pg_port/postgres")
  # a step disturbed by other processes (> MAX_OTHER cores) is repeated, at most STEP_RETRIES times
  args+=(--max-other-cores "$MAX_OTHER" --step-retries "$STEP_RETRIES" --quiet-wait "$QUIET_WAIT")
  [[ -n $STRATEGY ]] && args+=(--strategy "$STRATEGY")
  [[ -n $REGIONS ]] && args+=(--region "$REGIONS")
  [[ $RELEASE == 1 ]] && args+=(--release-between-steps)
  args+=(--cpu "$BOOKING_CPU")
  if [[ $PROFILE == 1 ]]; then
    "$JDK_BIN/jcmd" "$GW" JFR.start name=placements settings=profile filename="$WORK/gateway-$pool.jfr" >/dev/null || log "JFR did not start"
  fi
  log "pool $pool: load at C = $CONCURRENCY, ${WARMUP} s warm-up + ${DURATION} s window each, after ${PRIME} s of priming"
  # shellcheck disable=SC2086
  "$JAVA" "${JVM_FLAGS[@]}" $LOAD_JAVA_OPTS -Xms"$LOAD_HEAP" -Xmx"$LOAD_HEAP" -cp "$BENCH_JAR" io.respool.bench.PlacementLoad "${args[@]}" >"$WORK/load-$pool.log" 2>&1 &
  LOAD=$!
  deadline=$((SECONDS + PRIME + (STEPS * (STEP_RETRIES + 1) + 1) * (WARMUP + DURATION + QUIET_WAIT + REQUEST_TIMEOUT_MS / 1000 + 30) + 240))
  while alive "$LOAD" && (( SECONDS < deadline )); do sleep 1; done
  local load_rc=0
  if alive "$LOAD"; then
    log "pool $pool: the load generator did not finish in time"; stop_pid "$LOAD" 10; load_rc=124
  else
    wait "$LOAD" || load_rc=$?
  fi
  LOAD=""
  [[ $PROFILE == 1 ]] && { "$JDK_BIN/jcmd" "$GW" JFR.stop name=placements >/dev/null 2>&1 || true; }
  local warns
  warns=$(grep -cE ' (WARN|ERROR) ' "$gwlog" || true)

  stop_gateway
  stop_pid "$FLEET" 20; FLEET=""

  local m=$WORK/load-$pool.json
  if [[ ! -f $m ]]; then
    log "pool $pool: no results (exit $load_rc); last lines of the load generator:"; tail -20 "$WORK/load-$pool.log" >&2
    ROWS+=("| $pool | – | – | – | – | – | – | – | – | no results (exit $load_rc) |")
    return 1
  fi
  local check
  check=$(jq -r '.verification | "\(if .noOverAllocation then "none" else "**\(.overAllocatedHosts) hosts over**" end);"
    + " books \(if .booksAgree then "agree" else "**disagree on \(.disagreeingHosts) hosts**" end)"' "$m")
  while IFS= read -r row; do ROWS+=("$row"); done < <(jq -r --arg pool "$pool" --arg check "$check" --argjson max "$MAX_OTHER" '.steps[] |
    def ms: . * 10 | round / 10;
    "| \($pool) | \(.concurrency) | \(.placementsPerSecond) | \(.p50Ms | ms) | \(.p99Ms | ms) | \(.maxMs | ms) | \(.noCapacity) |"
    + " \(((.otherStatus | to_entries | map(.value) | add) // 0) + ((.errors | to_entries | map(.value) | add) // 0)) |"
    + " \(.cores.gateway) / \(.cores.postgres // "?") / \(((.cores["load generator"] // 0) + (.cores.fleet // 0) + (.cores.redis // 0)) * 100 | round / 100) / \(.cores["other processes"])\(if .cores["other processes"] > $max then " (disturbed)" else "" end) |"
    + " \($check) |"' "$m")
  DETAILS+=("$(jq -r --arg pool "$pool" --arg load "$load_before" --arg idle "$idle_before" --arg warns "$warns" '
    "- **pool \($pool)**: fleet \(.fleetAtStart.online) online hosts, \(.fleetAtStart.totalCpu) cores, room for \(.fleetAtStart.bookingsThatFit) bookings;"
    + " after the run \(.verification.bookingsHeld) bookings held on \(.verification.hostsUsed) hosts, \(.verification.placedCpu) cores placed by 201s,"
    + " \(.verification.reservedCpu) cores reserved by the gateway, \(.verification.overAllocatedHosts) hosts over-allocated,"
    + " \(.verification.disagreeingHosts) hosts whose books disagree, \(.verification.unknownOutcomes) requests of unknown outcome;"
    + " PostgreSQL \(.postgresVersion // "?"); hosts table before → after the load: \(.hostsTableBefore // {} | tostring) → \(.hostsTableAfter // {} | tostring);"
    + " \($warns) WARN/ERROR lines in the gateway log; before the gateway started the machine was busy"
    + " \($idle) cores (5-s sample), load average \($load); priming \(.prime.seconds // 0) s at C=\(.prime.concurrency // "–"): \(.prime.placementsPerSecond // "–") placements/s"' "$m")")
  while IFS= read -r d; do DETAILS+=("$d"); done < <(jq -r --arg pool "$pool" '.steps[] |
    "  - C=\(.concurrency): \(.requestsPerSecond) requests/s, p99.9 \(.p999Ms) ms, mean \(.meanMs) ms, \(.placedOutsideWindow) placed in warm-up and tail;"
    + " 409 reasons \(.noCapacityReasons | tostring); other \(.otherStatus | tostring); errors \(.errors | tostring);"
    + " cores \(.cores | tostring); PostgreSQL backends on average \(.postgres.averageBackends // {} | tostring)"
    + (if .speedProbe then "; speed probe (the same unit of work every 200 ms, CPU time): median \(.speedProbe.medianMicros) µs, p10 \(.speedProbe.p10Micros), p90 \(.speedProbe.p90Micros)" else "" end)
    + (if .slowBeat then "; the slow requests (> 10 ms: \(.slowRequests | length)) line up best every \(.slowBeat.periodMs) ms (concentration \(.slowBeat.concentration); without a beat ~\(.slowBeat.noBeat))" else "" end)
    + (if .release then "; then stopped \(.release.stopped) bookings in \(.release.seconds) s (\(if .release.seconds > 0 then (.release.stopped / .release.seconds | round) else "–" end) stops/s), failures \(.release.failures // {} | tostring)" else "" end)
    + (if (.discardedAttempts | length) > 0 then "; repeated: discarded attempts (disturbed by other processes) \(.discardedAttempts | tostring)" else "" end)' "$m")
  if [[ $PROFILE == 1 && -f $WORK/gateway-$pool.jfr ]]; then
    DETAILS+=("  - gateway CPU profile over the whole load (\`JfrProfile gateway-$pool.jfr\`):" "" '    ```'
      "$("$JAVA" -cp "$BENCH_JAR" io.respool.bench.JfrProfile "$WORK/gateway-$pool.jfr" 12 2>&1 | sed 's/^/    /')" '    ```' "")
  fi
  log "pool $pool: done (load generator exit $load_rc)"
  [[ $load_rc == 0 ]]
}

BAD=0
for pool in $POOL_SIZES; do
  run_pool "$pool" || { BAD=1; log "pool $pool failed (recorded in the table)"; }
done

# --- report ---------------------------------------------------------------------------------
mkdir -p "$HERE/results"
OUT=$HERE/results/placements-$(date +%Y-%m-%d-%H%M).md
{
  echo "# Placement benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) CPUs ($(lscpu | awk -F': *' '/^Model name/ {print $2; exit}')), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM,"
  echo "$(uname -sr); JDK: $("$JAVA" -version 2>&1 | head -1)."
  echo "Code: $GIT_REV; gateway jar built $GATEWAY_BUILT."
  echo "Gateway: one node, -Xmx$GATEWAY_HEAP $GATEWAY_JAVA_OPTS, embedded PostgreSQL (fsync on) and Redis; $HOSTS simulated hosts on the control channel"
  echo "(\`HostFleet\`, real ed25519 registration, heartbeats every 5 s$( (( FLEET_NICE > 0 )) && echo ", at nice $FLEET_NICE")), all on this machine."
  echo "Load: \`PlacementLoad\`, closed loop, ${PRIME} s of priming on each fresh gateway, then per concurrency ${WARMUP} s warm-up and a ${DURATION}-s window; each booking"
  echo "\`{cpu: $BOOKING_CPU, memoryMb: 256, durationSeconds: 3600, image, command}\`${STRATEGY:+, strategy $STRATEGY}${REGIONS:+, regions $REGIONS}; payment not waived, so a 201 is a"
  echo "booking in PENDING_PAYMENT with its capacity committed in PostgreSQL."
  echo
  echo "| DB pool | C | placements/s | p50 ms | p99 ms | max ms | 409s | other errors | cores: gateway / PostgreSQL / load gen + fleet + Redis / other | over-allocation check |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "placements/s = 201s completed in the window / window length; latency is request written → whole answer read, over the 201s."
  echo "cores = CPU time used in the window / window length, from /proc; \"other\" is the rest of the machine's busy time"
  echo "(the kernel's network work, and anything else running meanwhile); a step during which other processes used more than"
  echo "$MAX_OTHER cores was repeated up to $STEP_RETRIES times, and \"(disturbed)\" marks one where every attempt was. The check runs once per gateway, after all its"
  echo "concurrencies: no host holds more than its total (by the 201s received and by the gateway's free capacity), and every"
  echo "host's reserved capacity equals what the 201s handed out on it."
  echo
  printf '%s\n' "${DETAILS[@]}"
} | tee "$OUT"
log "wrote $OUT"
exit "$BAD"
