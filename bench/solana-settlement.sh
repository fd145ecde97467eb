#!/usr/bin/env bash
# Solana payment and settlement latency on the devnet (issue 12): it/…/SolanaLatencyBench, once per
# (slot time, poll interval): a private devnet (ops/solana/devnet.sh, the respool_escrow program on
# litesvm) on a free port, one gateway node in the test JVM (embedded PostgreSQL and Redis), a real
# host-worker running plain processes paid at a funded Solana wallet, renters with their own wallets.
#   funding     the renter's open confirmed → booking FUNDED          (BOOKINGS bookings)
#   settlement  POST /stop answered → booking SETTLED, one at a time   (the same bookings)
#   burst       BURST running bookings stopped at once → all SETTLED; the operator's transactions
#   check       every deposit SETTLED with used + refund = deposited; host and treasury gains on chain = the API's sums
#
#   bench/solana-settlement.sh                               # 400 ms slots, polls of 1000 and 200 ms: ~6 min on 2 cores
#   SLOTS="400" POLLS="200" BOOKINGS=5 BURST=10 bench/solana-settlement.sh
#
# Knobs: SLOTS (slot times, ms; "400"), POLLS (solanaPollIntervalMs; "1000 200"), BATCH (solanaBatchSize; 10),
# BOOKINGS (10), BURST (20). Builds with Maven offline if it can (-o), like the other module tests; writes
# bench/results/solana-settlement-<date>.md.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
SLOTS=${SLOTS:-400}
POLLS=${POLLS:-1000 200}
BATCH=${BATCH:-10}
BOOKINGS=${BOOKINGS:-10}
BURST=${BURST:-20}
for n in $SLOTS $POLLS $BATCH $BOOKINGS $BURST; do [[ $n =~ ^[0-9]+$ ]] || { echo "SLOTS, POLLS, BATCH, BOOKINGS, BURST are whole numbers, not '$n'" >&2; exit 2; }; done
if [[ -z ${JAVA_HOME:-} ]]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do [[ -x $j/bin/java ]] && { export JAVA_HOME=$j; break; }; done
fi
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
mkdir -p "$HERE/results"
OUT=$HERE/results/solana-settlement-$(date +%Y-%m-%d-%H%M).md
ROWS=$(mktemp)
LOGS=$(mktemp -d /tmp/solana-settlement-XXXXXX)
OFFLINE=-o
mvn -B -q $OFFLINE -f "$ROOT/pom.xml" help:evaluate -Dexpression=project.version -DforceStdout >/dev/null 2>&1 || OFFLINE=""
for slot in $SLOTS; do
  for poll in $POLLS; do
    echo "$(date -u +%H:%M:%S) solana-settlement.sh: slots $slot ms, poll $poll ms, batch $BATCH: $BOOKINGS bookings, burst $BURST" >&2
    (cd "$ROOT" && mvn -B $OFFLINE verify -pl it -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=SolanaLatencyBench \
      -Dfailsafe.failIfNoSpecifiedTests=false -Dbench.slotMs="$slot" -Dbench.pollMs="$poll" -Dbench.batch="$BATCH" \
      -Dbench.bookings="$BOOKINGS" -Dbench.burst="$BURST" -Dbench.out="$ROWS" >"$LOGS/$slot-$poll.log" 2>&1) \
      || { echo "run failed; see $LOGS/$slot-$poll.log" >&2; echo "| $slot ms | $poll ms | $BATCH | – | – | – | – | – | failed |" >>"$ROWS"; }
  done
done
{
  echo "# Solana settlement on the devnet, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) CPUs ($(lscpu | awk -F': *' '/^Model name/ {print $2; exit}')), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)."
  echo "Code: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo '+dirty'). Command: \`SLOTS=\"$SLOTS\" POLLS=\"$POLLS\" BATCH=$BATCH BOOKINGS=$BOOKINGS BURST=$BURST bench/solana-settlement.sh\`."
  echo "Commitment \`confirmed\` (one slot after the transaction's); bookings read every 20 ms (the figures' resolution)."
  echo
  echo "| slot | poll | batch | funding p50 / p95 / max s (n) | settlement p50 / p95 / max s (n) | burst: all SETTLED after s (K) | burst: operator txs | settled ok · txs not landed | check |"
  echo "|---:|---:|---:|---|---|---|---:|---|---|"
  cat "$ROWS"
} | tee "$OUT"
rm -f "$ROWS"
echo "wrote $OUT (the runs' logs are in $LOGS)" >&2
