#!/usr/bin/env bash
# Everything about the Ethereum contracts, no make needed:
#   1. installs forge/anvil/cast + solc-js if missing (ops/ethereum/install.sh)
#   2. forge fmt --check, then forge test: unit, fuzz and invariant tests
#   3. export-abi.sh --check: the committed abi/ matches the sources
#   4. ops/ethereum/devnet.sh start/stop on a free port: its ethereum.json names live contracts
#   5. gas.sh: real transactions on a private anvil -> gas-report.md
# Ends with a plain "forge: N passed, N failed, N skipped" line. ~1-2 minutes on 2 cores.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../ops/ethereum/lib.sh
source "$HERE/../../ops/ethereum/lib.sh"
eth_tools
cd "$HERE"

"$FORGE" fmt --check || { echo "forge fmt --check failed: run forge fmt in contracts/ethereum"; exit 1; }

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
"$FORGE" test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
summary="$(grep -E '^Ran [0-9]+ test suites?' "$log" | tail -1 || true)"
passed="$(sed -n 's/.*: \([0-9]*\) tests passed, \([0-9]*\) failed, \([0-9]*\) skipped.*/\1/p' <<<"$summary")"
failed="$(sed -n 's/.*: \([0-9]*\) tests passed, \([0-9]*\) failed, \([0-9]*\) skipped.*/\2/p' <<<"$summary")"
skipped="$(sed -n 's/.*: \([0-9]*\) tests passed, \([0-9]*\) failed, \([0-9]*\) skipped.*/\3/p' <<<"$summary")"
if [ "$status" -ne 0 ] || [ -z "$passed" ]; then
  echo "forge: ${passed:-0} passed, ${failed:-1} failed, ${skipped:-0} skipped"
  exit 1
fi

"$HERE/export-abi.sh" --check

# the devnet script: start on a free port, the JSON must point at live contracts, stop
devnet_state="$(mktemp -d)"
export RESPOOL_ETH_STATE="$devnet_state"
trap 'bash "$ETH_OPS_DIR/devnet.sh" stop >/dev/null 2>&1 || true; rm -rf "$devnet_state" "$log"' EXIT
json="$(bash "$ETH_OPS_DIR/devnet.sh" start --port "$(eth_free_port)" | tail -1)"
node -e '
  const j = require(process.argv[1]);
  const { execFileSync } = require("child_process");
  const call = (to, sig) => execFileSync(process.env.CAST, ["call", "--rpc-url", j.rpcUrl, to, sig]).toString().trim();
  const same = (a, b) => a.toLowerCase() === b.toLowerCase();
  for (const e of j.escrows) {
    if (!same(call(e.address, "token()(address)"), e.token)) throw new Error(e.asset + " escrow token");
    if (!same(call(e.address, "operator()(address)"), j.operator)) throw new Error(e.asset + " escrow operator");
    if (!same(call(e.address, "treasury()(address)"), j.treasury)) throw new Error(e.asset + " escrow treasury");
  }
  if (!same(call(j.hostStake.address, "operator()(address)"), j.operator)) throw new Error("stake operator");
  if (call(j.stablecoin.address, "decimals()(uint8)") !== "6") throw new Error("stablecoin decimals");
  const key = require("fs").readFileSync(j.operatorKeyFile, "utf8").trim();
  if (!same(execFileSync(process.env.CAST, ["wallet", "address", key]).toString().trim(), j.operator)) throw new Error("operator key");
  console.log("devnet.sh: ethereum.json matches the deployed contracts");' "$json"
# the chain survives a stop and start: same block, same genesis, the contracts where they were
rpc="$(node -e 'process.stdout.write(require(process.argv[1]).rpcUrl)' "$json")"
port="${rpc##*:}"
"$CAST" rpc --rpc-url "$rpc" evm_mine >/dev/null
before="$("$CAST" block-number --rpc-url "$rpc"):$("$CAST" block 0 --field hash --rpc-url "$rpc")"
bash "$ETH_OPS_DIR/devnet.sh" stop
[ ! -f "$json" ] || { echo "devnet.sh stop left $json behind" >&2; exit 1; }
bash "$ETH_OPS_DIR/devnet.sh" start --port "$port" >/dev/null
after="$("$CAST" block-number --rpc-url "$rpc"):$("$CAST" block 0 --field hash --rpc-url "$rpc")"
[ "$before" = "$after" ] || { echo "devnet.sh start did not bring the chain back: $before before, $after after" >&2; exit 1; }
echo "devnet.sh: the chain was kept across stop and start (block:genesis $after)"
bash "$ETH_OPS_DIR/devnet.sh" reset
[ ! -f "$devnet_state/anvil-state.json" ] || { echo "devnet.sh reset left the chain behind" >&2; exit 1; }
unset RESPOOL_ETH_STATE

"$HERE/gas.sh"
echo
echo "forge: $passed passed, $failed failed, $skipped skipped"
