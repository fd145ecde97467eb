#!/usr/bin/env bash
# A local Ethereum devnet for ResPool: anvil on 127.0.0.1 with the contracts deployed, described
# in $STATE/ethereum.json for the gateway (format: contracts/README.md).
#
#   ops/ethereum/devnet.sh start [--port N]   start anvil (if not already up) on the chain kept in $STATE, or deploy
#                                             on a new one; prints the JSON path
#   ops/ethereum/devnet.sh stop               stop anvil (it writes the chain to $STATE/anvil-state.json), remove the JSON
#   ops/ethereum/devnet.sh reset              stop and forget the chain: the next start deploys on a new one
#   ops/ethereum/devnet.sh status             print the JSON if the devnet is up, exit 1 if not
#
# The chain survives a stop and start (anvil --state, written every 2 s and on stop): a gateway that
# keeps its PostgreSQL finds its rentals, transactions and operator nonce where it left them. The
# contracts are deployed once per chain; a chain kept from other contract code is started afresh.
#
# Environment (defaults): RESPOOL_ETH_STATE (${RESPOOL_HOME:-~/.respool}/devnet), RESPOOL_ETH_PORT
# (8545), RESPOOL_ETH_CHAIN_ID (31337), RESPOOL_ETH_FEE_BPS (250), RESPOOL_ETH_GRACE seconds (3600),
# RESPOOL_ETH_UNSTAKE_DELAY seconds (3600), RESPOOL_ETH_BLOCK_TIME seconds (unset: a block per transaction),
# RESPOOL_ETH_KEEP_CHAIN (1; 0: the chain lives in memory only and every start deploys on a new one).
# Accounts come from anvil's public test mnemonic: #0 deploys and is owner and operator, #1 is the
# treasury, the others are free for renters and hosts. The same inputs give the same addresses.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

STATE="${RESPOOL_ETH_STATE:-${RESPOOL_HOME:-$HOME/.respool}/devnet}"
PORT="${RESPOOL_ETH_PORT:-8545}"
CHAIN_ID="${RESPOOL_ETH_CHAIN_ID:-31337}"
FEE_BPS="${RESPOOL_ETH_FEE_BPS:-250}"
GRACE="${RESPOOL_ETH_GRACE:-3600}"
UNSTAKE_DELAY="${RESPOOL_ETH_UNSTAKE_DELAY:-3600}"
JSON="$STATE/ethereum.json"
PIDFILE="$STATE/anvil.pid"
CHAIN_FILE="$STATE/anvil-state.json" # the chain, kept across restarts
DEPLOYED="$STATE/contracts.env"       # what was deployed on it, and from which code

cmd="${1:-}"; shift || true
while [ "$#" -gt 0 ]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

running() { # anvil from our pidfile is alive and the JSON describes it
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && [ -f "$JSON" ] || return 1
  local rpc
  rpc="$(node -e 'process.stdout.write(require(process.argv[1]).rpcUrl)' "$JSON")"
  "$CAST" chain-id --rpc-url "$rpc" >/dev/null 2>&1
}

start() {
  eth_tools >/dev/null
  if running; then
    echo "devnet already up" >&2
    echo "$JSON"
    return 0
  fi
  eth_stop_pidfile "$PIDFILE"
  rm -f "$JSON"
  mkdir -p "$STATE"

  # until the JSON is written, any exit takes anvil down with it
  DEVNET_UP=0
  trap '[ "$DEVNET_UP" = 1 ] || eth_stop_pidfile "$PIDFILE"' EXIT
  trap 'exit 130' INT TERM

  # a kept chain is reused only if it carries the contracts of this code, chain id and terms
  local code_id
  code_id="$(cat "$ETH_PROJECT"/abi/*.bin | sha256sum | cut -c1-16):$CHAIN_ID:$FEE_BPS:$GRACE:$UNSTAKE_DELAY"
  if [ -f "$CHAIN_FILE" ] && ! { [ -f "$DEPLOYED" ] && grep -qx "CODE_ID=$code_id" "$DEPLOYED"; }; then
    echo "the kept chain $CHAIN_FILE carries other contracts or terms: starting a new chain" >&2
    rm -f "$CHAIN_FILE" "$DEPLOYED"
  fi
  [ -f "$CHAIN_FILE" ] || rm -f "$DEPLOYED"
  local keep="$CHAIN_FILE"
  [ "${RESPOOL_ETH_KEEP_CHAIN:-1}" = 0 ] && { keep=""; rm -f "$DEPLOYED"; }

  echo "starting anvil on 127.0.0.1:$PORT (chain id $CHAIN_ID)…" >&2
  ETH_ANVIL_STATE_FILE="$keep" eth_start_anvil "$PORT" "$CHAIN_ID" "$STATE" 20
  local rpc="http://127.0.0.1:$PORT"
  local deployer_key owner treasury first_block
  deployer_key="$(eth_account "$STATE" 0 key)"
  owner="$(eth_account "$STATE" 0)"
  treasury="$(eth_account "$STATE" 1)"

  local kept=0
  if [ -f "$DEPLOYED" ]; then
    # shellcheck disable=SC1090
    source "$DEPLOYED"
    [ "$("$CAST" code --rpc-url "$rpc" "$ETH_ESCROW_ETH" 2>/dev/null)" != "0x" ] && kept=1
  fi
  if [ "$kept" = 1 ]; then
    first_block="$FIRST_BLOCK"
    echo "the kept chain is back at block $("$CAST" block-number --rpc-url "$rpc"), contracts in place" >&2
  else
    first_block=$(( $("$CAST" block-number --rpc-url "$rpc") + 1 ))
    echo "deploying TestStablecoin, RentalEscrow (ETH, tUSD), HostStake (ETH)…" >&2
    (cd "$ETH_PROJECT" && "$FORGE" build --quiet)
    eth_deploy_all "$rpc" "$deployer_key" "$owner" "$owner" "$treasury" "$FEE_BPS" "$GRACE" "$UNSTAKE_DELAY"
    printf 'CODE_ID=%s\nFIRST_BLOCK=%s\nETH_STABLECOIN=%s\nETH_ESCROW_ETH=%s\nETH_ESCROW_USD=%s\nETH_HOSTSTAKE=%s\n' \
      "$code_id" "$first_block" "$ETH_STABLECOIN" "$ETH_ESCROW_ETH" "$ETH_ESCROW_USD" "$ETH_HOSTSTAKE" >"$DEPLOYED.tmp"
    mv "$DEPLOYED.tmp" "$DEPLOYED"
  fi

  (umask 077 && printf '%s\n' "$deployer_key" >"$STATE/operator.key")
  RPC="$rpc" CHAIN_ID="$CHAIN_ID" FIRST_BLOCK="$first_block" OWNER="$owner" TREASURY="$treasury" \
  FEE_BPS="$FEE_BPS" GRACE="$GRACE" UNSTAKE_DELAY="$UNSTAKE_DELAY" STATE="$STATE" \
  ETH_STABLECOIN="$ETH_STABLECOIN" ETH_ESCROW_ETH="$ETH_ESCROW_ETH" ETH_ESCROW_USD="$ETH_ESCROW_USD" \
  ETH_HOSTSTAKE="$ETH_HOSTSTAKE" ANVIL_PID="$(cat "$PIDFILE")" node -e '
    const e = process.env, zero = "0x0000000000000000000000000000000000000000";
    const j = {
      chainId: Number(e.CHAIN_ID),
      rpcUrl: e.RPC,
      deployBlock: Number(e.FIRST_BLOCK),
      owner: e.OWNER,
      operator: e.OWNER,
      operatorKeyFile: e.STATE + "/operator.key",
      treasury: e.TREASURY,
      feeBps: Number(e.FEE_BPS),
      graceSeconds: Number(e.GRACE),
      unstakeDelaySeconds: Number(e.UNSTAKE_DELAY),
      escrows: [
        { asset: "ETH", token: zero, decimals: 18, address: e.ETH_ESCROW_ETH },
        { asset: "tUSD", token: e.ETH_STABLECOIN, decimals: 6, address: e.ETH_ESCROW_USD }
      ],
      hostStake: { asset: "ETH", token: zero, decimals: 18, address: e.ETH_HOSTSTAKE },
      stablecoin: { symbol: "tUSD", decimals: 6, address: e.ETH_STABLECOIN, faucet: "mint(address,uint256)" },
      testAccountsFile: e.STATE + "/anvil-accounts.json",
      anvilPid: Number(e.ANVIL_PID)
    };
    require("fs").writeFileSync(e.STATE + "/ethereum.json.tmp", JSON.stringify(j, null, 2) + "\n");' 
  mv "$STATE/ethereum.json.tmp" "$JSON"
  DEVNET_UP=1
  echo "devnet up: $rpc, chain $CHAIN_ID; contracts in $JSON" >&2
  echo "$JSON"
}

stop() {
  eth_stop_pidfile "$PIDFILE" # anvil writes the chain to $CHAIN_FILE as it stops
  rm -f "$JSON" "$STATE/ethereum.json.tmp"
  echo "devnet stopped" >&2
}

reset() {
  stop
  rm -f "$CHAIN_FILE" "$DEPLOYED"
  echo "devnet chain forgotten: the next start deploys on a new chain" >&2
}

status() {
  eth_tools >/dev/null
  if running; then cat "$JSON"; else echo "devnet not running" >&2; return 1; fi
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  reset) reset ;;
  status) status ;;
  *) echo "usage: ops/ethereum/devnet.sh start [--port N] | stop | reset | status" >&2; exit 2 ;;
esac
