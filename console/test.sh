#!/usr/bin/env bash
# The console's end-to-end test (run by `ops/respool test`): checks the committed build matches the
# sources, starts ResPool the way `ops/respool up` does — gateway, Ethereum and Solana devnets, two
# host-workers — on free ports with a temporary home, and drives the console in headless Chromium
# (console/e2e/console.e2e.mjs). Screenshots and the system's output go to console/target/.
# Installs Debian's chromium (apt) and the pinned npm toolchain (npm ci) when missing.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ART="$HERE/target"
START_TIMEOUT="${RESPOOL_CONSOLE_START_TIMEOUT:-600}"

if ! command -v chromium >/dev/null 2>&1; then
  echo "console: installing chromium (apt)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends chromium >&2
fi
bash "$HERE/build.sh" --check

rm -rf "$ART" && mkdir -p "$ART/screenshots"
home="$(mktemp -d /tmp/respool-console-XXXXXX)"
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port="$(free_port)"

RESPOOL_HOME="$home" RESPOOL_PORT="$port" RESPOOL_SSH_PORT="$(free_port)" RESPOOL_ETH_PORT="$(free_port)" \
  RESPOOL_SOL_PORT="$(free_port)" bash "$ROOT/ops/respool" up >"$ART/respool-up.log" 2>&1 &
up_pid=$!
stop_up() {
  kill "$up_pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$up_pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$up_pid" 2>/dev/null || true
  rm -rf "$home"
}
trap stop_up EXIT

# bounded wait: both host-workers registered, the one priced in TUSD (the test books it) online
echo "console: waiting (up to ${START_TIMEOUT} s) for ResPool on port $port with both hosts, the TUSD one online…" >&2
deadline=$((SECONDS + START_TIMEOUT))
hosts_ready() {
  curl -fs "http://127.0.0.1:$port/v1/hosts" 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    try { const h = JSON.parse(s).items; console.log(h.length >= 2 && h.some((x) => x.online && x.prices?.currency === "TUSD") ? "yes" : "no"); } catch { console.log("no"); } })'
}
until [ "$(hosts_ready)" = yes ]; do
  if ! kill -0 "$up_pid" 2>/dev/null; then echo "console: ops/respool up exited; see $ART/respool-up.log" >&2; tail -30 "$ART/respool-up.log" >&2; exit 1; fi
  if [ "$SECONDS" -ge "$deadline" ]; then echo "console: not up within ${START_TIMEOUT} s; see $ART/respool-up.log" >&2; tail -30 "$ART/respool-up.log" >&2; exit 1; fi
  sleep 1
done

cd "$HERE"
CONSOLE_URL="http://127.0.0.1:$port" RESPOOL_DEVNET="$home/devnet" SCREENSHOTS="$ART/screenshots" node e2e/console.e2e.mjs
