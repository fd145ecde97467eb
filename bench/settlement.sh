#!/usr/bin/env bash
# Settlement benchmark (issue 6): Ethereum payment and settlement latency and batching on anvil.
# For each block time, a private devnet (ops/ethereum/devnet.sh: anvil, the tUSD RentalEscrow) on a
# free port and a fresh gateway (embedded PostgreSQL and Redis) configured from its ethereum.json;
# SettlementLoad registers simulated hosts priced in TUSD and paid at anvil accounts, signs renters
# in with anvil keys, and measures through the API and the chain:
#   funding     the renter's open() receipt → booking FUNDED (BOOKINGS bookings)
#   settlement  POST /stop answered → booking SETTLED, one booking at a time (the same bookings)
#   burst       BURST running bookings stopped at once → all SETTLED; the operator's transactions and gas
#   check       every deposit settled with used + refund = deposit, and exactly one Settled log per rental
#
#   bench/settlement.sh                                  # block time 1 s and automine: ~6 minutes on 2 cores
#   BLOCK_TIMES=1 BOOKINGS=5 BURST=10 bench/settlement.sh        # a quick run
#   POLL_MS=200 BATCH_SIZE=10 bench/settlement.sh                # other gateway settings
#
# Knobs (environment): BLOCK_TIMES (anvil's block time per run, seconds, or "auto" for a block per
# transaction; "1 auto"), CONFIRMATIONS (the gateway's ethConfirmations with timed blocks; 2),
# AUTOMINE_CONFIRMATIONS (with automine; 1 — an automining chain makes no block until the next
# transaction, so a log never gets a 2nd confirmation once the renters and the operator are done),
# POLL_MS (ethPollIntervalMs; 1000), BATCH_SIZE (ethBatchSize; 20), BOOKINGS (20), BURST (40),
# HOSTS (simulated hosts, paid at anvil accounts 18, 17, …; 4), RENTERS (anvil accounts 2, 3, …; 13),
# FUND_CONCURRENCY (bookings paid at a time in the funding phase; 4), RUN_SECONDS (a booking runs at
# least this long before its stop; 3), RECEIPT_POLL_MS (20), TIMEOUT (s, longest wait for one event or
# receipt; 180), GATEWAY_HEAP (1g), LOAD_HEAP (512m), KEEP_WORK=1 (keep the gateway homes and devnet
# state, not only logs and results).
# Loopback only; every wait is bounded; the EXIT trap stops every process this script started.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
BLOCK_TIMES=${BLOCK_TIMES:-1 auto}
CONFIRMATIONS=${CONFIRMATIONS:-2}
AUTOMINE_CONFIRMATIONS=${AUTOMINE_CONFIRMATIONS:-1}
POLL_MS=${POLL_MS:-1000}
BATCH_SIZE=${BATCH_SIZE:-20}
BOOKINGS=${BOOKINGS:-20}
BURST=${BURST:-40}
HOSTS=${HOSTS:-4}
RENTERS=${RENTERS:-13}
FUND_CONCURRENCY=${FUND_CONCURRENCY:-4}
RUN_SECONDS=${RUN_SECONDS:-3}
RECEIPT_POLL_MS=${RECEIPT_POLL_MS:-20}
TIMEOUT=${TIMEOUT:-180}
GATEWAY_HEAP=${GATEWAY_HEAP:-1g}
LOAD_HEAP=${LOAD_HEAP:-512m}

log() { printf '%s settlement.sh: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
source "$HERE/lib.sh"

JAVA=$(pick_java) || { log "no JDK >= 21 found (set JAVA_HOME)"; exit 1; }
JAVA_VERSION=$(java_major "$JAVA")
JDK_BIN=$(dirname "$(readlink -f "$JAVA")")
JVM_FLAGS=()
(( JAVA_VERSION >= 23 )) && JVM_FLAGS=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
log "using $JAVA (JDK $JAVA_VERSION)"

for n in $CONFIRMATIONS $AUTOMINE_CONFIRMATIONS $POLL_MS $BATCH_SIZE $BOOKINGS $BURST $HOSTS $RENTERS $FUND_CONCURRENCY $RUN_SECONDS $RECEIPT_POLL_MS $TIMEOUT; do
  [[ $n =~ ^[0-9]+$ ]] || { log "CONFIRMATIONS, AUTOMINE_CONFIRMATIONS, POLL_MS, BATCH_SIZE, BOOKINGS, BURST, HOSTS, RENTERS, FUND_CONCURRENCY, RUN_SECONDS, RECEIPT_POLL_MS, TIMEOUT must be whole numbers, not '$n'"; exit 2; }
done
for b in $BLOCK_TIMES; do
  [[ $b == auto || $b =~ ^[1-9][0-9]*$ ]] || { log "a block time is a whole number of seconds or 'auto', not '$b'"; exit 2; }
done
command -v jq >/dev/null || { log "jq is needed"; exit 1; }
command -v node >/dev/null || { log "node is needed (ops/ethereum/devnet.sh)"; exit 1; }

# --- jars, the work directory, process bookkeeping -----------------------------------------
bench_jars settlement
GW=""; GW_HOME=""; GW_AUX=()     # gateway pid, its home, its PostgreSQL and Redis pids
LOAD=""
DEVNET_STATE=""                  # the devnet being run, stopped by stop_devnet

stop_devnet() {
  [[ -n $DEVNET_STATE ]] || return 0
  local pid=""
  [[ -f $DEVNET_STATE/anvil.pid ]] && pid=$(cat "$DEVNET_STATE/anvil.pid" 2>/dev/null || true)
  RESPOOL_ETH_STATE=$DEVNET_STATE timeout 60 bash "$ROOT/ops/ethereum/devnet.sh" stop >>"$DEVNET_STATE.log" 2>&1 || true
  # devnet.sh stop removes the pid file: make sure our anvil is gone (checked to still be anvil)
  if alive "$pid" && grep -qa anvil "/proc/$pid/cmdline" 2>/dev/null; then stop_pid "$pid" 10; fi
  [[ ${KEEP_WORK:-0} == 1 ]] || rm -rf "$DEVNET_STATE"
  DEVNET_STATE=""
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$LOAD" 20 || true; LOAD=""
  stop_gateway || true
  stop_devnet || true
  rm -f "$WORK"/*.jar
  log "logs and result files are in $WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- one devnet + gateway per block time -----------------------------------------------------------
ROWS=()
DETAILS=()
gcd() { local a=$1 b=$2 t; while (( b > 0 )); do t=$((a % b)); a=$b; b=$t; done; echo "$a"; }
RUN=0
run_mode() {
  local bt=$1 conf eth_port port gwlog json jitter name
  RUN=$((RUN + 1)); name=$RUN-$bt   # BLOCK_TIMES may name a block time twice
  # the random pause before each measured step: a whole number of poll intervals and of blocks, so
  # that a step starts at a uniformly random phase of both (both are fixed-rate timers)
  if [[ $bt == auto ]]; then conf=$AUTOMINE_CONFIRMATIONS; jitter=$POLL_MS
  else conf=$CONFIRMATIONS; jitter=$(( POLL_MS * bt * 1000 / $(gcd "$POLL_MS" $((bt * 1000))) )); fi
  eth_port=$(free_port) || { log "no free port"; return 1; }
  DEVNET_STATE=$WORK/devnet-$name
  log "block time $bt: starting anvil on 127.0.0.1:$eth_port and deploying the escrows"
  if ! RESPOOL_ETH_STATE=$DEVNET_STATE RESPOOL_ETH_BLOCK_TIME=$([[ $bt == auto ]] || echo "$bt") \
      timeout 600 bash "$ROOT/ops/ethereum/devnet.sh" start --port "$eth_port" >"$DEVNET_STATE.log" 2>&1; then
    log "the devnet did not start; last lines:"; tail -20 "$DEVNET_STATE.log" >&2
    ROWS+=("| $bt | $conf | $POLL_MS | $BATCH_SIZE | – | – | – | – | – | – | – | devnet did not start |")
    stop_devnet; return 1
  fi
  json=$DEVNET_STATE/ethereum.json

  port=$(free_port) || { log "no free port"; stop_devnet; return 1; }
  GW_HOME=$WORK/gateway-$name
  gwlog=$WORK/gateway-$name.log
  log "block time $bt: starting gateway on 127.0.0.1:$port (ethConfirmations $conf, ethPollIntervalMs $POLL_MS, ethBatchSize $BATCH_SIZE)"
  RESPOOL_ETH_DEVNET=$json "$JAVA" "${JVM_FLAGS[@]}" -Xmx"$GATEWAY_HEAP" -Drespool.bind=127.0.0.1 \
    -Drespool.ethConfirmations="$conf" -Drespool.ethPollIntervalMs="$POLL_MS" -Drespool.ethBatchSize="$BATCH_SIZE" \
    -jar "$GATEWAY_JAR" --port "$port" --home "$GW_HOME" >"$gwlog" 2>&1 &
  GW=$!
  local deadline=$((SECONDS + 120))
  until curl -fsS --max-time 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    if ! alive "$GW" || (( SECONDS > deadline )); then
      log "gateway did not come up; last log lines:"; tail -20 "$gwlog" >&2
      ROWS+=("| $bt | $conf | $POLL_MS | $BATCH_SIZE | – | – | – | – | – | – | – | gateway did not start |")
      stop_gateway; stop_devnet; return 1
    fi
    sleep 0.5
  done
  local pg_pid
  pg_pid=$(head -1 "$GW_HOME/pg/postmaster.pid" 2>/dev/null || true)
  GW_AUX=($(ps -o pid= --ppid "$GW" 2>/dev/null || true))
  [[ -n $pg_pid ]] && GW_AUX+=("$pg_pid")

  log "block time $bt: $HOSTS hosts, $RENTERS renters; $BOOKINGS bookings funded then settled one at a time, then a burst of $BURST"
  "$JAVA" "${JVM_FLAGS[@]}" -Xmx"$LOAD_HEAP" -cp "$BENCH_JAR" io.respool.bench.SettlementLoad --api "http://127.0.0.1:$port" --devnet "$json" \
    --bookings "$BOOKINGS" --burst "$BURST" --hosts "$HOSTS" --renters "$RENTERS" --fund-concurrency "$FUND_CONCURRENCY" \
    --run-seconds "$RUN_SECONDS" --receipt-poll-ms "$RECEIPT_POLL_MS" --jitter-ms "$jitter" --timeout-seconds "$TIMEOUT" --out "$WORK/load-$name.json" \
    >"$WORK/load-$name.log" 2>&1 &
  LOAD=$!
  # bounded: every wait inside is at most TIMEOUT; this bounds the whole run generously
  deadline=$((SECONDS + 300 + (BOOKINGS * 2 + BURST) * (20 + jitter / 1000) + 4 * TIMEOUT))
  while alive "$LOAD" && (( SECONDS < deadline )); do sleep 1; done
  local load_rc=0
  if alive "$LOAD"; then
    log "block time $bt: the load generator did not finish in time"; stop_pid "$LOAD" 20; load_rc=124
  else
    wait "$LOAD" || load_rc=$?
  fi
  LOAD=""
  local warns warn_kinds txs_logged
  warns=$(grep -cE ' (WARN|ERROR) ' "$gwlog" || true)
  warn_kinds=$(grep -E ' (WARN|ERROR) ' "$gwlog" | sed -E 's/^.* (WARN|ERROR) +//; s/0x[0-9a-f]{8,}/0x…/g; s/bk_[0-9a-z]+/bk_…/g; s/[0-9]+/N/g' \
    | cut -c1-140 | sort | uniq -c | sort -rn | head -5 | awk '{$1=$1; print}' | paste -sd ';' - || true)
  txs_logged=$(grep -cE 'settling [0-9]+ deposit\(s\)' "$gwlog" || true)
  stop_gateway
  stop_devnet

  local m=$WORK/load-$name.json
  if [[ ! -f $m ]] || jq -e 'has("error")' "$m" >/dev/null; then
    local why="no results"
    [[ -f $m ]] && why=$(jq -r .error "$m")
    log "block time $bt: failed (exit $load_rc): $why; last lines of the load generator:"; tail -20 "$WORK/load-$name.log" >&2
    ROWS+=("| $bt | $conf | $POLL_MS | $BATCH_SIZE | – | – | – | – | – | – | – | failed: ${why//|/\\|} |")
    return 1
  fi
  ROWS+=("$(jq -r --arg bt "$bt" --arg conf "$conf" --arg poll "$POLL_MS" --arg batch "$BATCH_SIZE" '
    def s: . / 1000 * 100 | round / 100;
    def n: tostring | if test("^[0-9]+$") then [explode | reverse | _nwise(3) | reverse | implode] | reverse | join(",") else . end;
    def three: "\(.p50 | s) / \(.p95 | s) / \(.max | s)";
    "| \(if $bt == "auto" then "automine" else "\($bt) s" end) | \($conf) | \($poll) | \($batch) |"
    + " \(.funding | three) (\(.funding.count)) | \(.settlement | three) (\(.settlement.count)) |"
    + " \(.settlement.operatorTransactions) · \(.settlement.gasPerRental | n) |"
    + " \(if .burst then "\(.burst.allSettledMs | s) (\(.burst.bookings))" else "–" end) |"
    + " \(if .burst then "\(.burst.operatorNonceDelta) (\(.burst.batchSizes | map(tostring) | join("+")))" else "–" end) |"
    + " \(if .burst then (.burst.gasPerRental | n) else "–" end) |"
    + " \(.check.settledWithUsedPlusRefundEqualDeposit)/\(.check.bookings) · \(.check.exactlyOneSettledLogAgreeingWithApiAndOpened)/\(.check.bookings) |"
    + " \(if .check.problemCount == 0 then "ok" else "\(.check.problemCount) problem(s)" end) |"' "$m")")
  DETAILS+=("$(jq -r --arg bt "$bt" --arg jitter "$jitter" --arg warns "$warns" --arg kinds "$warn_kinds" --arg txs "$txs_logged" '
    def r: . / 1000 * 100 | round / 100;
    "- **block time \($bt)** (random pause before each step < \($jitter) ms): funding min/mean \(.funding.min | r)/\(.funding.mean | r) s"
    + (if $bt == "auto" then "." else "; blocks from the one holding the open to the head when FUNDED arrived, p50/max \(.funding.blocksIncludingTheOpensSeenAtFunded.p50)/\(.funding.blocksIncludingTheOpensSeenAtFunded.max)." end)
    + " Settlement: POST /stop sent → STOPPED p50 \(.settlement.postStopToStoppedMs.p50 | r) s, STOPPED → SETTLED p50/p95/max \(.settlement.stoppedToSettledMs.p50 | r)/\(.settlement.stoppedToSettledMs.p95 | r)/\(.settlement.stoppedToSettledMs.max | r) s;"
    + (if $bt == "auto" then "" else " blocks from the one holding the settlement to the head when SETTLED arrived, p50/max \(.settlement.blocksIncludingTheSettlesSeenAtSettled.p50)/\(.settlement.blocksIncludingTheSettlesSeenAtSettled.max);" end)
    + " \(.settlement.distinctSettleTxs) distinct settle transactions."
    + (if .burst then " Burst: last POST /stop answered after \(.burst.lastStopAnsweredMs | r) s; per booking, stop answered → SETTLED p50/p95/max \(.burst.perBookingAnsweredToSettledMs.p50 | r)/\(.burst.perBookingAnsweredToSettledMs.p95 | r)/\(.burst.perBookingAnsweredToSettledMs.max | r) s;"
        + " \(.burst.operatorTxsInBlocks) operator transactions found in the \(.burst.blocks) blocks mined meanwhile, \(.burst.gasUsed) gas in all." else "" end)
    + " Check: \(.check.usedZero) deposits settled on 0 (did not run long enough to bill);"
    + " hosts answered \(.hosts.starts) starts, \(.hosts.stops) stops, \(.hosts.disconnects) disconnects. Gateway log: \($txs) settlement transactions logged, \($warns) WARN/ERROR lines\(if $kinds != "" then " (\($kinds))" else "" end)."
    + (if .check.problemCount > 0 then "\n  - problems: " + (.check.problems | join("; ")) else "" end)' "$m")")
  log "block time $bt: done"
  [[ $load_rc == 0 ]]
}

BAD=0
for bt in $BLOCK_TIMES; do
  run_mode "$bt" || { BAD=1; log "block time $bt failed or its check did not pass (recorded in the report)"; }
done

# --- report ---------------------------------------------------------------------------------
mkdir -p "$HERE/results"
OUT=$HERE/results/settlement-$(date +%Y-%m-%d-%H%M).md
{
  echo "# Settlement benchmark on anvil, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) CPUs ($(lscpu | awk -F': *' '/^Model name/ {print $2; exit}')), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM,"
  echo "$(uname -sr); JDK: $("$JAVA" -version 2>&1 | head -1); anvil $("$ROOT/ops/ethereum/node_modules/.bin/anvil" --version 2>/dev/null | head -1 || echo '?')."
  echo "Code: $GIT_REV; gateway jar built $GATEWAY_BUILT."
  echo "One gateway node (-Xmx$GATEWAY_HEAP, embedded PostgreSQL and Redis, RESPOOL_ETH_DEVNET = the devnet's ethereum.json) and a fresh"
  echo "devnet per row; $HOSTS simulated hosts (\`PaidHosts\`: real registration, TUSD prices, paid at anvil accounts, RUNNING/EXITED at once);"
  echo "$RENTERS renters (anvil accounts, EIP-191 sign-in); bookings \`{cpu: 0.5, memoryMb: 64, durationSeconds: 900, currency: TUSD,"
  echo "paymentChain: ethereum}\`, each run at least $RUN_SECONDS s. Command: \`BLOCK_TIMES=\"$BLOCK_TIMES\" CONFIRMATIONS=$CONFIRMATIONS"
  echo "AUTOMINE_CONFIRMATIONS=$AUTOMINE_CONFIRMATIONS POLL_MS=$POLL_MS BATCH_SIZE=$BATCH_SIZE BOOKINGS=$BOOKINGS BURST=$BURST bench/settlement.sh\`."
  echo
  echo "| blocks | confirmations | poll ms | batch | funding p50 / p95 / max s (n) | settlement p50 / p95 / max s (n) | one at a time: operator txs · gas per rental | burst: all SETTLED after s (K) | burst: operator txs (batch sizes) | burst: gas per rental | check: used + refund = deposit · one Settled log | result |"
  echo "|---|---:|---:|---:|---|---|---|---:|---|---:|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Each measured step (payment, one-at-a-time stop, burst) starts after a random pause of up to a whole number of poll intervals"
  echo "and blocks, so that it falls at a random phase of both."
  echo
  echo "funding = the renter's \`open\` receipt first seen (receipts polled every $RECEIPT_POLL_MS ms) → the booking's \`booking.funded\`"
  echo "event on \`/v1/events\`; BOOKINGS bookings, $FUND_CONCURRENCY paid at a time (approve, then open, each awaited). settlement = \`POST"
  echo "/stop\` answered → \`booking.settled\`, the same bookings stopped one after the other. burst = K running bookings stopped at once"
  echo "(K requests in parallel) → the last \`booking.settled\`; operator txs = the operator's nonce delta over the phase (batch sizes:"
  echo "deposits per distinct \`settleTx\`); gas per rental = the operator's transactions' \`gasUsed\` / rentals. check = over the API"
  echo "(booking and deposit SETTLED, used + refund = deposited = amount, fee + host = used) and on chain (exactly one \`Settled\` log per"
  echo "rental, host + fee = used, refund as the API says, host + fee + refund = the \`Opened\` amount), for every stopped booking."
  echo
  printf '%s\n' "${DETAILS[@]}"
} | tee "$OUT"
log "wrote $OUT"
exit "$BAD"
