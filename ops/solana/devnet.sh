#!/usr/bin/env bash
# A local Solana devnet for ResPool: ops/solana/devnet.mjs (JSON-RPC over litesvm) on 127.0.0.1 with
# the respool_escrow program deployed and initialized, described in $STATE/solana.json for the
# gateway (format: ops/solana/README.md).
#
#   ops/solana/devnet.sh start [--port N]   start it (if not already up); prints the JSON path
#   ops/solana/devnet.sh stop               stop it (the ledger stays: the next start resumes it), remove the JSON
#   ops/solana/devnet.sh status             print the JSON if the devnet is up, exit 1 if not
#   ops/solana/devnet.sh reset              stop it and delete its ledger and keys (next start: a new chain)
#
# Environment (defaults): RESPOOL_SOL_STATE (${RESPOOL_HOME:-~/.respool}/devnet), RESPOOL_SOL_PORT
# (8899), RESPOOL_SOL_SLOT_MS (400), RESPOOL_SOL_FINALIZE_SLOTS (32), RESPOOL_SOL_FEE_BPS (250),
# RESPOOL_SOL_GRACE seconds (3600), RESPOOL_SOL_UNSTAKE_DELAY seconds (3600). The last three only
# matter at the first start (they are written into the program's config account then).
# The ledger and keys live in $STATE/solana/ (keys generated at the first start, never committed);
# the server's log is $STATE/solana.log.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
STATE="${RESPOOL_SOL_STATE:-${RESPOOL_HOME:-$HOME/.respool}/devnet}"
PORT="${RESPOOL_SOL_PORT:-8899}"
JSON="$STATE/solana.json"
PIDFILE="$STATE/solana.pid"
LEDGER="$STATE/solana"

cmd="${1:-}"; shift || true
while [ "$#" -gt 0 ]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

rpc_ok() { # $1 = url: answers getHealth
  node -e '
    fetch(process.argv[1], { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getHealth" }) })
      .then((r) => r.json()).then((j) => process.exit(j.result === "ok" ? 0 : 1), () => process.exit(1));' "$1"
}

running() { # the server from our pidfile is alive and answers at the JSON's URL
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && [ -f "$JSON" ] || return 1
  rpc_ok "$(node -e 'process.stdout.write(require(process.argv[1]).rpcUrl)' "$JSON")"
}

stop_pid() {
  [ -f "$PIDFILE" ] || return 0
  local pid i
  pid="$(cat "$PIDFILE")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true  # TERM: it saves the ledger and exits
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
}

start() {
  if running; then
    echo "solana devnet already up" >&2
    echo "$JSON"
    return 0
  fi
  stop_pid
  rm -f "$JSON"
  mkdir -p "$STATE"
  bash "$HERE/install.sh" >/dev/null
  [ -f "$ROOT/contracts/solana/target/respool_escrow.so" ] || bash "$ROOT/contracts/solana/build.sh" >/dev/null

  echo "starting the solana devnet on 127.0.0.1:$PORT (ledger $LEDGER)…" >&2
  nohup node "$HERE/devnet.mjs" --state "$LEDGER" --json "$JSON" --port "$PORT" \
    --slot-ms "${RESPOOL_SOL_SLOT_MS:-400}" --finalize-slots "${RESPOOL_SOL_FINALIZE_SLOTS:-32}" \
    --fee-bps "${RESPOOL_SOL_FEE_BPS:-250}" --grace "${RESPOOL_SOL_GRACE:-3600}" \
    --unstake-delay "${RESPOOL_SOL_UNSTAKE_DELAY:-3600}" >>"$STATE/solana.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  local pid=$! i
  for i in $(seq 1 150); do
    if [ -f "$JSON" ] && running; then
      echo "solana devnet up: $(node -e 'process.stdout.write(require(process.argv[1]).rpcUrl)' "$JSON"), program in $JSON" >&2
      echo "$JSON"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "the devnet exited; its log:" >&2; tail -20 "$STATE/solana.log" >&2; rm -f "$PIDFILE"; return 1; }
    sleep 0.1
  done
  echo "the devnet did not answer on 127.0.0.1:$PORT within 15 s" >&2
  stop_pid
  return 1
}

stop() {
  stop_pid
  rm -f "$JSON" "$JSON.tmp"
  echo "solana devnet stopped (ledger kept in $LEDGER)" >&2
}

status() {
  if running; then cat "$JSON"; else echo "solana devnet not running" >&2; return 1; fi
}

reset() {
  stop
  rm -rf "$LEDGER"
  echo "solana devnet ledger and keys deleted" >&2
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  reset) reset ;;
  *) echo "usage: ops/solana/devnet.sh start [--port N] | stop | status | reset" >&2; exit 2 ;;
esac
