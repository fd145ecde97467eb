# Shell helpers shared by the benchmark scripts (sourced; each script defines log() first):
# finding a JDK >= 21, stopping processes within bounds, a gateway started with embedded
# PostgreSQL and Redis (GW, GW_AUX, GW_HOME), free ports and the machine's busy cores.

java_major() { # prints the major version of the java binary $1, or 0
  local v
  v=$("$1" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}') || true
  v=${v#1.}
  [[ ${v%%[.+-]*} =~ ^[0-9]+$ ]] && echo "${v%%[.+-]*}" || echo 0
}
pick_java() {
  local c
  for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*/bin/java; do
    if [[ -x $c ]] && (( $(java_major "$c") >= 21 )); then echo "$c"; return 0; fi
  done
  return 1
}
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
