# Shared by ops/ethereum/devnet.sh and contracts/ethereum/gas.sh (source it; bash only).
# Needs ops/ethereum/install.sh to have run (eth_tools does that).

ETH_OPS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ETH_ROOT="$(cd "$ETH_OPS_DIR/../.." && pwd)"
ETH_PROJECT="$ETH_ROOT/contracts/ethereum"
# anvil's well-known test mnemonic: deterministic accounts and contract addresses, worthless keys
ETH_MNEMONIC="test test test test test test test test test test test junk"

# Installs (if needed) and exports FORGE, ANVIL, CAST, SOLC.
eth_tools() {
  local line
  while IFS= read -r line; do
    case "$line" in FORGE=*|ANVIL=*|CAST=*|SOLC=*) export "${line?}" ;; esac
  done < <(bash "$ETH_OPS_DIR/install.sh")
  [ -x "${FORGE:-}" ] && [ -x "${ANVIL:-}" ] && [ -x "${CAST:-}" ] || { echo "ethereum tools missing after install" >&2; return 1; }
}

# A free TCP port on 127.0.0.1.
eth_free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# eth_start_anvil PORT CHAIN_ID DIR ACCOUNTS: starts anvil in the background, writes DIR/anvil.pid,
# DIR/anvil.log and DIR/anvil-accounts.json (addresses + private keys), waits (≤ 15 s) for RPC.
# RESPOOL_ETH_BLOCK_TIME=N mines a block every N seconds (as a real chain does, so confirmations
# come by themselves); unset, anvil mines one block per transaction. ETH_ANVIL_STATE_FILE=PATH keeps
# the chain in PATH: loaded at start if it exists, written every 2 s and when anvil stops.
eth_start_anvil() {
  local port="$1" chain_id="$2" dir="$3" accounts="${4:-20}" extra=()
  [ -n "${RESPOOL_ETH_BLOCK_TIME:-}" ] && extra+=(--block-time "$RESPOOL_ETH_BLOCK_TIME")
  [ -n "${ETH_ANVIL_STATE_FILE:-}" ] && extra+=(--state "$ETH_ANVIL_STATE_FILE" --state-interval 2)
  mkdir -p "$dir"
  rm -f "$dir/anvil-accounts.json"
  nohup "$ANVIL" --host 127.0.0.1 --port "$port" --chain-id "$chain_id" --mnemonic "$ETH_MNEMONIC" "${extra[@]}" \
    --accounts "$accounts" --balance 1000000 --config-out "$dir/anvil-accounts.json" \
    >"$dir/anvil.log" 2>&1 </dev/null &
  echo $! >"$dir/anvil.pid"
  local pid=$! i
  for i in $(seq 1 150); do
    if "$CAST" chain-id --rpc-url "http://127.0.0.1:$port" >/dev/null 2>&1 && [ -s "$dir/anvil-accounts.json" ]; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "anvil exited; its log:" >&2; cat "$dir/anvil.log" >&2; return 1; }
    sleep 0.1
  done
  echo "anvil did not answer on 127.0.0.1:$port within 15 s" >&2
  return 1
}

# eth_stop_pidfile FILE: stops the process named in FILE (TERM, then KILL after 5 s), removes FILE.
eth_stop_pidfile() {
  local file="$1" pid i
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# eth_account DIR INDEX [address|key]: the INDEX-th anvil account of DIR/anvil-accounts.json.
eth_account() {
  node -e 'const a=require(process.argv[1]); const i=+process.argv[2];
           process.stdout.write(process.argv[3]==="key" ? a.private_keys[i] : a.available_accounts[i])' \
    "$1/anvil-accounts.json" "$2" "${3:-address}"
}

# eth_create RPC KEY CONTRACT [ARGS...]: deploys src/…:Name, prints its address.
eth_create() {
  local rpc="$1" key="$2" contract="$3"; shift 3
  local args=()
  [ "$#" -gt 0 ] && args=(--constructor-args "$@")
  (cd "$ETH_PROJECT" && "$FORGE" create --rpc-url "$rpc" --private-key "$key" --broadcast --json "$contract" "${args[@]}") \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s.slice(s.indexOf("{")));
               if(!j.deployedTo) process.exit(1); process.stdout.write(j.deployedTo)})'
}

# eth_deploy_all RPC KEY OWNER OPERATOR TREASURY FEE_BPS GRACE UNSTAKE_DELAY: deploys the test
# stablecoin, the ETH and tUSD escrows and the ETH host stake; sets ETH_STABLECOIN, ETH_ESCROW_ETH,
# ETH_ESCROW_USD, ETH_HOSTSTAKE.
eth_deploy_all() {
  local rpc="$1" key="$2" owner="$3" operator="$4" treasury="$5" fee="$6" grace="$7" delay="$8"
  local zero=0x0000000000000000000000000000000000000000
  ETH_STABLECOIN="$(eth_create "$rpc" "$key" src/devnet/TestStablecoin.sol:TestStablecoin)"
  ETH_ESCROW_ETH="$(eth_create "$rpc" "$key" src/RentalEscrow.sol:RentalEscrow "$zero" "$owner" "$operator" "$treasury" "$fee" "$grace")"
  ETH_ESCROW_USD="$(eth_create "$rpc" "$key" src/RentalEscrow.sol:RentalEscrow "$ETH_STABLECOIN" "$owner" "$operator" "$treasury" "$fee" "$grace")"
  ETH_HOSTSTAKE="$(eth_create "$rpc" "$key" src/HostStake.sol:HostStake "$zero" "$owner" "$operator" "$treasury" "$delay")"
  [ -n "$ETH_STABLECOIN" ] && [ -n "$ETH_ESCROW_ETH" ] && [ -n "$ETH_ESCROW_USD" ] && [ -n "$ETH_HOSTSTAKE" ]
}
