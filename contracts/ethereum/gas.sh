#!/usr/bin/env bash
# Measures what each escrow/stake operation really costs: real transactions on a private anvil,
# gasUsed read from the receipts (so 21,000 base + calldata + execution − refunds, what a wallet
# pays). Writes contracts/ethereum/gas-report.md. Called by test.sh; runs alone too.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../ops/ethereum/lib.sh
source "$HERE/../../ops/ethereum/lib.sh"
eth_tools >/dev/null

FEE_BPS=250
GRACE=60
DELAY=600
WORK="$(mktemp -d)"
PORT="$(eth_free_port)"
RPC="http://127.0.0.1:$PORT"
cleanup() { eth_stop_pidfile "$WORK/anvil.pid"; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

eth_start_anvil "$PORT" 31337 "$WORK" 30
key() { eth_account "$WORK" "$1" key; }
addr() { eth_account "$WORK" "$1"; }

DEPLOYER_KEY="$(key 0)"; OWNER="$(addr 0)"; OPERATOR="$OWNER"; OPERATOR_KEY="$DEPLOYER_KEY"
TREASURY="$(addr 1)"; TREASURY_KEY="$(key 1)"
RENTER=(); RENTER_KEY=(); HOST=(); HOST_KEY=()
for i in $(seq 0 9); do
  RENTER+=("$(addr $((2 + i)))"); RENTER_KEY+=("$(key $((2 + i)))")
  HOST+=("$(addr $((12 + i)))"); HOST_KEY+=("$(key $((12 + i)))")
done
# renters and hosts used once per asset (accounts 22-27)
NEW_RENTER_KEY=("$(key 22)" "$(key 23)" "$(key 24)" "$(key 25)")
NEW_HOST=("$(addr 26)" "$(addr 27)")

eth_deploy_all "$RPC" "$DEPLOYER_KEY" "$OWNER" "$OPERATOR" "$TREASURY" "$FEE_BPS" "$GRACE" "$DELAY"

# send KEY TO SIG ARGS… — one transaction; prints its gasUsed, fails unless it succeeded.
# VALUE=wei in the environment sends ETH along.
send() {
  local k="$1"; shift
  local value=()
  [ -n "${VALUE:-}" ] && value=(--value "$VALUE")
  local out
  out="$("$CAST" send --rpc-url "$RPC" --private-key "$k" "${value[@]}" --json "$@")" \
    || { echo "transaction failed: $*" >&2; exit 1; }
  node -e 'const r=JSON.parse(process.argv[1]); if (r.status!=="0x1") { console.error("reverted"); process.exit(1) }
           console.log(parseInt(r.gasUsed,16))' "$out"
}
id() { "$CAST" keccak "$1"; }
now() { "$CAST" block latest --field timestamp --rpc-url "$RPC"; }
warp() { "$CAST" rpc --rpc-url "$RPC" evm_increaseTime "$1" >/dev/null; "$CAST" rpc --rpc-url "$RPC" evm_mine >/dev/null; }

OPEN="open(bytes32,address,uint40,uint256)"
TOPUP="topUp(bytes32,uint256,uint40)"
SETTLE="settle(address,bytes32,uint256)"
BATCH="settleBatch(address[],bytes32[],uint256[])"
declare -A G # G[asset:operation]=gas

# bench ASSET ESCROW DEPOSIT: the same story on one escrow; ETH if ASSET is ETH, else the token.
bench() {
  local asset="$1" escrow="$2" dep="$3"
  local used=$((dep * 6 / 10)) exp value
  value() { [ "$asset" = ETH ] && echo "$1" || echo ""; }
  local n0 n1 nh
  if [ "$asset" = ETH ]; then n0=0 n1=1 nh=0; else n0=2 n1=3 nh=1; fi
  if [ "$asset" != ETH ]; then
    local k
    for k in "${RENTER_KEY[@]}" "${NEW_RENTER_KEY[$n0]}" "${NEW_RENTER_KEY[$n1]}"; do
      send "$DEPLOYER_KEY" "$ETH_STABLECOIN" "mint(address,uint256)" "$("$CAST" wallet address "$k")" $((dep * 100)) >/dev/null
      send "$k" "$ETH_STABLECOIN" "approve(address,uint256)" "$escrow" $((dep * 100)) >/dev/null
    done
  fi
  exp=$(( $(now) + 3600 ))
  # steady state for the escrow itself: it already holds someone's deposit (token balance ≠ 0)
  VALUE=$(value "$dep") send "${RENTER_KEY[9]}" "$escrow" "$OPEN" "$(id "$asset-warm")" "${HOST[9]}" "$exp" "$dep" >/dev/null

  # 1. the escrow's very first settlement: host and treasury never credited before
  G[$asset:open-first]=$(VALUE=$(value "$dep") send "${RENTER_KEY[0]}" "$escrow" "$OPEN" "$(id "$asset-1")" "${HOST[0]}" "$exp" "$dep")
  G[$asset:settle-first]=$(send "$OPERATOR_KEY" "$escrow" "$SETTLE" "${RENTER[0]}" "$(id "$asset-1")" "$used")
  G[$asset:withdraw]=$(send "${HOST_KEY[0]}" "$escrow" "withdraw()")
  G[$asset:refund]=$(send "${RENTER_KEY[0]}" "$escrow" "refund(address,bytes32)" "${RENTER[0]}" "$(id "$asset-1")")
  send "$TREASURY_KEY" "$escrow" "withdraw()" >/dev/null

  # 2. the usual case: a renter's first rental with a host that earned (and withdrew) before
  G[$asset:open]=$(VALUE=$(value "$dep") send "${NEW_RENTER_KEY[$n0]}" "$escrow" "$OPEN" "$(id "$asset-2")" "${HOST[0]}" "$exp" "$dep")
  G[$asset:topUp]=$(VALUE=$(value "$dep") send "${NEW_RENTER_KEY[$n0]}" "$escrow" "$TOPUP" "$(id "$asset-2")" "$dep" $((exp + 3600)))
  G[$asset:settle]=$(send "$OPERATOR_KEY" "$escrow" "$SETTLE" "$("$CAST" wallet address "${NEW_RENTER_KEY[$n0]}")" "$(id "$asset-2")" "$used")

  # 2b. a host's first earnings
  G[$asset:open-newhost]=$(VALUE=$(value "$dep") send "${NEW_RENTER_KEY[$n1]}" "$escrow" "$OPEN" "$(id "$asset-nh")" "${NEW_HOST[$nh]}" "$exp" "$dep")
  G[$asset:settle-newhost]=$(send "$OPERATOR_KEY" "$escrow" "$SETTLE" "$("$CAST" wallet address "${NEW_RENTER_KEY[$n1]}")" "$(id "$asset-nh")" "$used")

  # 3. ten rentals, ten renters, ten hosts, settled in one batch: first with nine hosts that
  #    never earned before (hosts 1-9), then again with the same hosts
  local round ids useds renters
  for round in first again; do
    ids=(); useds=(); renters=()
    for i in $(seq 0 9); do
      VALUE=$(value "$dep") send "${RENTER_KEY[$i]}" "$escrow" "$OPEN" "$(id "$asset-b-$round-$i")" "${HOST[$i]}" "$exp" "$dep" >/dev/null
      ids+=("$(id "$asset-b-$round-$i")"); useds+=("$used"); renters+=("${RENTER[$i]}")
    done
    G[$asset:batch-$round]=$(send "$OPERATOR_KEY" "$escrow" "$BATCH" "[$(IFS=,; echo "${renters[*]}")]" "[$(IFS=,; echo "${ids[*]}")]" "[$(IFS=,; echo "${useds[*]}")]")
  done

  # 4. never settled: the renter takes it back after expiry + grace
  local short=$(( $(now) + 30 ))
  VALUE=$(value "$dep") send "${RENTER_KEY[0]}" "$escrow" "$OPEN" "$(id "$asset-r")" "${HOST[0]}" "$short" "$dep" >/dev/null
  warp $((30 + GRACE + 1))
  G[$asset:reclaim]=$(send "${RENTER_KEY[0]}" "$escrow" "reclaim(bytes32)" "$(id "$asset-r")")
}

bench ETH "$ETH_ESCROW_ETH" 100000000000000000   # 0.1 ETH
bench tUSD "$ETH_ESCROW_USD" 25000000            # 25 tUSD

# host stake (ETH)
G[stake:first]=$(VALUE=1000000000000000000 send "${HOST_KEY[0]}" "$ETH_HOSTSTAKE" "stake(uint256)" 1000000000000000000)
G[stake:add]=$(VALUE=1000000000000000000 send "${HOST_KEY[0]}" "$ETH_HOSTSTAKE" "stake(uint256)" 1000000000000000000)
G[stake:slash]=$(send "$OPERATOR_KEY" "$ETH_HOSTSTAKE" "slash(address,uint256,bytes32)" "${HOST[0]}" 100000000000000000 "$(id incident)")
G[stake:sweep]=$(send "$TREASURY_KEY" "$ETH_HOSTSTAKE" "sweep()")
G[stake:request]=$(send "${HOST_KEY[0]}" "$ETH_HOSTSTAKE" "requestUnstake()")
warp $((DELAY + 1))
G[stake:unstake]=$(send "${HOST_KEY[0]}" "$ETH_HOSTSTAKE" "unstake()")

per10() { echo $(( $1 / 10 )); }
sum() { echo $(( $1 + $2 )); }
fmt() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
row() { printf '| %s | %s | %s |\n' "$1" "$(fmt "$2")" "$(fmt "$3")"; } # label eth tusd
both() { row "$1" "${G[ETH:$2]}" "${G[tUSD:$2]}"; }
pair() { row "$1" "$(sum "${G[ETH:$2]}" "${G[ETH:$3]}")" "$(sum "${G[tUSD:$2]}" "${G[tUSD:$3]}")"; }

REPORT="$HERE/gas-report.md"
{
  echo "# Gas report"
  echo
  echo "Generated by \`contracts/ethereum/gas.sh\` (run by \`test.sh\`): real transactions on anvil $("$ANVIL" --version | head -1 | awk '{print $3}'),"
  echo "\`gasUsed\` from the receipts, i.e. what the sender pays: 21,000 base + calldata + execution − refunds."
  echo "solc $("$SOLC" --version | sed -n 's/^Version: \([0-9.]*\).*/\1/p') (solc-js), optimizer 10,000 runs, EVM cancun. Fee 250 bps."
  echo "tUSD is the 6-decimal test stablecoin (a plain ERC-20 like USDC); its \`approve\` is a separate"
  echo "transaction before \`open\`/\`topUp\` and is not counted. The escrow already holds another deposit."
  echo "The tUSD \`withdraw\` pays a host that held no tUSD yet, so the token's own first balance write"
  echo "(~20k) is in it; \`refund\`/\`reclaim\` pay renters that already hold some."
  echo
  echo "| operation | ETH escrow | tUSD escrow |"
  echo "|---|---:|---:|"
  both "open" open
  both "topUp (amount + later expiry)" topUp
  both "settle (host and treasury credited before; new or returning renter alike)" settle
  both "settle, a host's first earnings" settle-newhost
  both "settle, the escrow's very first (treasury's first fee too)" settle-first
  both "settleBatch(10), hosts credited before — per batch" batch-again
  row "settleBatch(10), hosts credited before — per rental" "$(per10 "${G[ETH:batch-again]}")" "$(per10 "${G[tUSD:batch-again]}")"
  both "settleBatch(10), 9 of 10 hosts' first earnings — per batch" batch-first
  row "settleBatch(10), 9 of 10 hosts' first earnings — per rental" "$(per10 "${G[ETH:batch-first]}")" "$(per10 "${G[tUSD:batch-first]}")"
  both "refund (renter's change after settle; anyone may send it)" refund
  both "reclaim (after expiresAt + grace; pays the renter at once)" reclaim
  both "withdraw (host or treasury)" withdraw
  pair "**open + settle**" open settle
  pair "**open + settle**, a host's first earnings" open-newhost settle-newhost
  pair "**open + settle**, the escrow's very first" open-first settle-first
  echo
  echo "| HostStake (ETH) | gas |"
  echo "|---|---:|"
  echo "| stake (first) | $(fmt "${G[stake:first]}") |"
  echo "| stake (more) | $(fmt "${G[stake:add]}") |"
  echo "| slash | $(fmt "${G[stake:slash]}") |"
  echo "| sweep (slashed → treasury) | $(fmt "${G[stake:sweep]}") |"
  echo "| requestUnstake | $(fmt "${G[stake:request]}") |"
  echo "| unstake | $(fmt "${G[stake:unstake]}") |"
} >"$REPORT"
cat "$REPORT"
