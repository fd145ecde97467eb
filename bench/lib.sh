# Shell helpers shared by the benchmark scripts (sourced; each script defines log() first):
# finding a JDK >= 21, stopping processes within bounds, a gateway started with embedded
# PostgreSQL and Redis (GW, GW_AUX, GW_HOME), free ports and the machine's busy cores.

# the JDK-picking logic of ops/respool, shared (ops/lib/java.sh)
# shellcheck source=../ops/lib/java.sh
source "$(dirname "${BASH_SOURCE[0]}")/../ops/lib/java.sh"
java_major() { local v; v=$(respool_java_major "$1"); echo "${v:-0}"; } # the major version of the java binary $1, or 0
pick_java() { respool_pick_java >/dev/null 2>&1 && echo "$JAVA_HOME/bin/java"; }
alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }
wait_gone() { # pid seconds
  local end=$((SECONDS + $2))
  while alive "$1" && (( SECONDS < end )); do sleep 0.2; done
  ! alive "$1"
}
stop_pid() { # pid seconds: TERM, then KILL after the bound
  alive "${1:-}" || return 0
  kill -TERM "$1" 2>/dev/null || true
  wait_gone "$1" "$2" || { log "process $1 did not stop within $2 s, killing"; kill -KILL "$1" 2>/dev/null || true; wait_gone "$1" 5 || true; }
}
stop_gateway() {
  [[ -n $GW ]] || return 0
  stop_pid "$GW" 90   # graceful: marks its hosts offline, stops PostgreSQL and Redis
  local p
  for p in "${GW_AUX[@]}"; do   # left behind only if the gateway was killed; checked to still be ours
    if alive "$p" && grep -qaE "postgres|redis-server" "/proc/$p/cmdline" 2>/dev/null; then stop_pid "$p" 10; fi
  done
  GW=""; GW_AUX=()
  [[ ${KEEP_WORK:-0} == 1 || -z $GW_HOME ]] || rm -rf "$GW_HOME"
}
free_port() { # below the ephemeral range, so a load generator's own outgoing ports never collide
  local p i
  for i in $(seq 50); do
    p=$((20000 + RANDOM % 12000))
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return 0; }
  done
  return 1
}
busy_cores() { # CPU busy over $1 seconds, in cores (user+nice+system+irq+softirq+steal from /proc/stat)
  local a b
  a=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9; exit}' /proc/stat); sleep "$1"
  b=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9; exit}' /proc/stat)
  awk -v a="$a" -v b="$b" -v s="$1" 'BEGIN { printf "%.2f", (b - a) / 100 / s }'
}

# bench_jars NAME: builds the gateway and bench jars when missing, copies them into a fresh
# WORK=/tmp/respool-NAME.XXXXXX (others may rebuild target/ while a benchmark runs: it uses these
# copies) and sets GATEWAY_JAR, BENCH_JAR, WORK, GATEWAY_BUILT (HEAD alone does not say which code a
# jar holds) and GIT_REV (marked when the tree, earlier results aside, has uncommitted changes).
# Needs ROOT, JAVA, JVM_FLAGS and log.
bench_jars() {
  GATEWAY_JAR=$ROOT/gateway/target/respool-gateway.jar
  BENCH_JAR=$ROOT/bench/target/respool-bench.jar
  if [[ ! -f $GATEWAY_JAR || ! -f $BENCH_JAR ]]; then
    log "building the gateway and bench jars (set MAVEN_ARGS=-o to stay offline)"
    # Maven itself runs on the chosen JDK (release 21 needs it); on 23+ without its Unsafe warnings
    (cd "$ROOT" && JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$JAVA")")") \
      MAVEN_OPTS="${MAVEN_OPTS:-} ${JVM_FLAGS[*]:0:1}" mvn -B -q install -DskipTests -pl gateway,bench -am)
  fi
  WORK=$(mktemp -d "/tmp/respool-$1.XXXXXX")
  GATEWAY_BUILT=$(date -u -r "$GATEWAY_JAR" '+%Y-%m-%d %H:%M:%S UTC')
  cp "$GATEWAY_JAR" "$WORK/respool-gateway.jar"; GATEWAY_JAR=$WORK/respool-gateway.jar
  cp "$BENCH_JAR" "$WORK/respool-bench.jar"; BENCH_JAR=$WORK/respool-bench.jar
  GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ -n $(git -C "$ROOT" status --porcelain -- . ':!bench/results' 2>/dev/null | head -1) ]]; then
    GIT_REV="$GIT_REV (with uncommitted changes in the tree)"
  fi
}
