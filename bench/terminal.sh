#!/usr/bin/env bash
# Terminal benchmark: keystroke echo round trip in an interactive TTY (p50/p99), exec round trip of
# `true` (p50/p99) and output throughput (MB/s), through the gateway's SSH endpoint (the real
# OpenSSH client) and its terminal WebSocket (v5.channel.k8s.io), each beside a direct `docker exec`
# into the same container in the same run. One gateway (embedded PostgreSQL and Redis), one
# host-worker on the private test dockerd, one container booking; all on loopback.
#
#   bench/terminal.sh                      # ~3 minutes on 2 cores
#   ECHOES=100 EXECS=30 BYTES=100000000 bench/terminal.sh
#
# Knobs (environment): ECHOES (keystrokes timed, after 20 of warm-up), EXECS (runs of `true`),
# BYTES (output of the throughput run), GATEWAY_HEAP, KEEP_WORK=1.
# Every wait is bounded; the EXIT trap stops every process this script started.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
ECHOES=${ECHOES:-300}
EXECS=${EXECS:-100}
BYTES=${BYTES:-500000000}
GATEWAY_HEAP=${GATEWAY_HEAP:-1g}

log() { printf '%s terminal.sh: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
source "$HERE/lib.sh"

JAVA=$(pick_java) || { log "no JDK >= 21 found (set JAVA_HOME)"; exit 1; }
JVM_FLAGS=()
(( $(java_major "$JAVA") >= 23 )) && JVM_FLAGS=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
command -v python3 >/dev/null || { log "python3 is needed (bench/terminal_pty.py drives the clients in a pseudo-terminal)"; exit 1; }
if ! command -v ssh >/dev/null; then
  log "installing openssh-client (apt)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-client >/dev/null
fi

bench_jars terminal
WORKER_JAR=$ROOT/host-worker/target/respool-host-worker.jar
if [[ ! -f $WORKER_JAR ]]; then
  log "building the host-worker jar"
  (cd "$ROOT" && JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$JAVA")")") MAVEN_OPTS="${MAVEN_OPTS:-} ${JVM_FLAGS[*]:0:1}" \
    mvn -B -q install -DskipTests -pl host-worker -am)
fi
cp "$WORKER_JAR" "$WORK/respool-host-worker.jar"; WORKER_JAR=$WORK/respool-host-worker.jar

GW=""; GW_HOME=""; GW_AUX=(); WORKER=""; MASTER=""; CONTAINER=""
cleanup() {
  [[ -n $MASTER ]] && ssh -o ControlPath="$MASTER" -O exit x >/dev/null 2>&1 || true
  stop_pid "$WORKER" 20
  # a stopped worker leaves its containers running: remove the one this run booked
  [[ -n $CONTAINER ]] && docker -H "$DOCKER_HOST" rm -f "$CONTAINER" >/dev/null 2>&1 || true
  stop_gateway
}
trap cleanup EXIT

line="$(bash "$ROOT/ops/docker/test-dockerd.sh" | tail -n 1)"
[[ $line == DOCKER_HOST=* ]] || { log "no test dockerd: $line"; exit 1; }
export "${line?}"
DOCKER=(docker -H "$DOCKER_HOST")

PORT=$(free_port); SSH_PORT=$(free_port)
GW_HOME=$WORK/gateway
log "gateway on $PORT (ssh $SSH_PORT)"
RESPOOL_ALLOW_UNPAID_BOOKINGS=true RESPOOL_BIND=127.0.0.1 RESPOOL_NODE_ID=bench-terminal \
  "$JAVA" "${JVM_FLAGS[@]}" -Xmx"$GATEWAY_HEAP" -jar "$GATEWAY_JAR" --port "$PORT" --ssh-port "$SSH_PORT" --home "$GW_HOME" \
  >"$WORK/gateway.log" 2>&1 &
GW=$!
for _ in $(seq 1 240); do
  curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  alive "$GW" || { log "the gateway exited; see $WORK/gateway.log"; exit 1; }
  sleep 0.5
done
GW_AUX=($(pgrep -f "$GW_HOME" || true))

REGION=bench-term
"$JAVA" "${JVM_FLAGS[@]}" -jar "$WORKER_JAR" --gateway "ws://127.0.0.1:$PORT" --home "$WORK/worker" --region "$REGION" \
  --docker-host "$DOCKER_HOST" --no-process-driver >"$WORK/worker.log" 2>&1 &
WORKER=$!
for _ in $(seq 1 120); do
  [[ $(curl -fs "http://127.0.0.1:$PORT/v1/hosts?online=true&region=$REGION" | grep -c '"id"') -ge 1 ]] && break
  alive "$WORKER" || { log "the worker exited; see $WORK/worker.log"; exit 1; }
  sleep 0.5
done

ssh-keygen -q -t ed25519 -N "" -f "$WORK/id"
eval "$("$JAVA" "${JVM_FLAGS[@]}" -cp "$BENCH_JAR" io.respool.bench.TerminalBench setup --gateway "http://127.0.0.1:$PORT" \
  --key "$WORK/id.pub" --region "$REGION" | grep -E '^(TOKEN|BOOKING|CONTAINER)=')"
log "booking $BOOKING runs in container $CONTAINER"

SSH=(ssh -p "$SSH_PORT" -i "$WORK/id" -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes -o StrictHostKeyChecking=no
  -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR)
MASTER=$WORK/ssh-master
PTY=(python3 "$HERE/terminal_pty.py")
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

log "docker exec"
D_ECHO=$("${PTY[@]}" echo "$ECHOES" -- "${DOCKER[@]}" exec -it "$CONTAINER" cat)
D_EXEC=$("${PTY[@]}" exec "$EXECS" -- "${DOCKER[@]}" exec "$CONTAINER" true)
D_BYTES=$("${PTY[@]}" bytes "$BYTES" -- "${DOCKER[@]}" exec "$CONTAINER" head -c "$BYTES" /dev/zero)
log "ssh"
S_ECHO=$("${PTY[@]}" echo "$ECHOES" -- "${SSH[@]}" -tt "$BOOKING@127.0.0.1" cat)
S_EXEC=$("${PTY[@]}" exec "$EXECS" -- "${SSH[@]}" -n "$BOOKING@127.0.0.1" true)
"${SSH[@]}" -o ControlMaster=yes -o ControlPersist=yes -o ControlPath="$MASTER" -fN "$BOOKING@127.0.0.1"
ssh -o ControlPath="$MASTER" -O check x 2>/dev/null || { log "the multiplexing ssh master did not start"; exit 1; }
S_EXEC_MUX=$("${PTY[@]}" exec "$EXECS" -- "${SSH[@]}" -o LogLevel=INFO -n -o ControlPath="$MASTER" "$BOOKING@127.0.0.1" true)
S_BYTES=$("${PTY[@]}" bytes "$BYTES" -- "${SSH[@]}" -n "$BOOKING@127.0.0.1" head -c "$BYTES" /dev/zero)
log "websocket"
WS=$("$JAVA" "${JVM_FLAGS[@]}" -cp "$BENCH_JAR" io.respool.bench.TerminalBench ws --gateway "ws://127.0.0.1:$PORT" --token "$TOKEN" \
  --booking "$BOOKING" --echoes "$ECHOES" --execs "$EXECS" --bytes "$BYTES")
wsf() { echo "$WS" | sed -n "s/^$1=//p"; }

ROWS=(
  "| direct \`docker exec\` | $(echo "$D_ECHO" | field p50_ms) / $(echo "$D_ECHO" | field p99_ms) | $(echo "$D_EXEC" | field p50_ms) / $(echo "$D_EXEC" | field p99_ms) | $(echo "$D_BYTES" | field mb_s) |"
  "| ssh (new connection per exec) | $(echo "$S_ECHO" | field p50_ms) / $(echo "$S_ECHO" | field p99_ms) | $(echo "$S_EXEC" | field p50_ms) / $(echo "$S_EXEC" | field p99_ms) | $(echo "$S_BYTES" | field mb_s) |"
  "| ssh (multiplexed: a channel per exec) | — | $(echo "$S_EXEC_MUX" | field p50_ms) / $(echo "$S_EXEC_MUX" | field p99_ms) | — |"
  "| WebSocket (a socket per exec) | $(wsf ws_echo_p50_ms) / $(wsf ws_echo_p99_ms) | $(wsf ws_exec_p50_ms) / $(wsf ws_exec_p99_ms) | $(wsf ws_throughput_mb_s) |"
)
mkdir -p "$HERE/results"
OUT=$HERE/results/terminal-$(date +%Y-%m-%d-%H%M).md
{
  echo "# Terminal benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM;"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared). JDK: $("$JAVA" -version 2>&1 | head -1)."
  echo "Code: $GIT_REV; gateway jar built $GATEWAY_BUILT. $(ssh -V 2>&1); $("${DOCKER[@]}" version --format 'dockerd {{.Server.Version}}' 2>/dev/null)."
  echo "One gateway (-Xmx$GATEWAY_HEAP), one host-worker (docker driver), container $CONTAINER (busybox); loopback."
  echo "$ECHOES keystrokes (after 20 of warm-up), $EXECS runs of \`true\` (after 5), $((BYTES / 1000000)) MB of output."
  echo
  echo "| path | echo p50 / p99 ms | exec \`true\` p50 / p99 ms | output MB/s |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Echo: one key typed into \`cat\` on a remote TTY, timed until the terminal echoes it (ssh -tt and docker exec -it"
  echo "run in a pseudo-terminal of terminal_pty.py; the WebSocket client sends channel-0 frames). Exec: the client process"
  echo "started until it exited (ssh, docker) or the socket opened until the status frame (WebSocket). Throughput: every byte"
  echo "of \`head -c $BYTES /dev/zero\` counted by the client."
} | tee "$OUT"
log "written to $OUT; logs in $WORK"
