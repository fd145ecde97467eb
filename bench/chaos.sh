#!/usr/bin/env bash
# Chaos run: the it/ ChaosIT suite (two clustered gateway nodes as separate JVMs, two host-workers,
# two recording simulated hosts, renters paying in tUSD on anvil) with more rounds and longer faults
# than the short version in the test command, its figures written to bench/results/chaos-<time>.md.
#
#   bench/chaos.sh                       # 2 rounds of the 9 faults (8 one at a time, then all together), each held 10 s (RPC cut 30 s)
#   ROUNDS=1 HOLD=4 bench/chaos.sh       # what the test command runs
#
# Knobs (environment): ROUNDS, HOLD (s a fault is held; the chain RPC is cut 3x as long), FAULTS
# (comma-separated names of ChaosIT.Fault, e.g. POSTGRES_RESTART,CLUSTER_SPLIT; default all),
# MAVEN_ARGS (default -o: offline, artifacts already in ~/.m2). Needs root (iptables cuts the
# cluster ports on loopback; the rules carry the comment respool-chaos and are removed at the end).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
ROUNDS=${ROUNDS:-2}
HOLD=${HOLD:-10}
log() { printf '%s chaos.sh: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
source "$HERE/lib.sh"

JAVA=$(pick_java) || { log "no JDK >= 21 found (set JAVA_HOME)"; exit 1; }
export JAVA_HOME
JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$JAVA")")")
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

STAMP=$(date -u +%Y-%m-%d-%H%M)
OUT=$HERE/results/chaos-$STAMP.md
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
BUSY_BEFORE=$(busy_cores 5)
log "rounds $ROUNDS, faults held $HOLD s; machine: $(nproc) cores, load $LOAD_BEFORE, $BUSY_BEFORE cores busy before the run"

start=$SECONDS
status=0
(cd "$ROOT" && mvn -B ${MAVEN_ARGS:--o} verify -pl it -am -Dit.test=ChaosIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -DfailIfNoTests=false -Dchaos.rounds="$ROUNDS" -Dchaos.holdSeconds="$HOLD" -Dchaos.out="$OUT" -Dchaos.faults="${FAULTS:-}" \
  -Dfailsafe.timeout=$((600 + ROUNDS * 9 * (HOLD * 3 + 120)))) > "/tmp/respool-chaos-$STAMP.log" 2>&1 || status=$?
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

if [[ -f $OUT ]]; then
  {
    printf '\nMachine: %s cores (%s), load average before %s, after %s; %s cores busy in the 5 s before.\n' \
      "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$LOAD_BEFORE" "$LOAD_AFTER" "$BUSY_BEFORE"
    printf 'Wall time %d s; commit %s; suite %s (Maven log /tmp/respool-chaos-%s.log).\n' \
      $((SECONDS - start)) "$(git -C "$ROOT" rev-parse --short HEAD)" "$([[ $status == 0 ]] && echo passed || echo FAILED)" "$STAMP"
  } >> "$OUT"
  log "figures in $OUT"
  cat "$OUT"
else
  log "no figures written; see /tmp/respool-chaos-$STAMP.log"
fi
exit "$status"
