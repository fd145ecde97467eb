#!/usr/bin/env bash
# Writes the ABI and creation bytecode of the deployable contracts into contracts/ethereum/abi/
# (<Name>.abi: the JSON ABI; <Name>.bin: hex bytecode without 0x, as `solc --bin` prints it), the
# input of web3j's wrapper generator, so the Java build needs no node, forge or solc.
# The bytecode is reproducible (no metadata hash), so the committed files match any rebuild.
#   export-abi.sh          rebuild and rewrite abi/
#   export-abi.sh --check  rebuild and fail if abi/ differs from the sources (test.sh runs this)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../ops/ethereum/lib.sh
source "$HERE/../../ops/ethereum/lib.sh"
eth_tools >/dev/null
cd "$HERE"
"$FORGE" build --quiet

CONTRACTS=(RentalEscrow:RentalEscrow.sol HostStake:HostStake.sol TestStablecoin:TestStablecoin.sol)
target="$HERE/abi"
[ "${1:-}" = "--check" ] && target="$(mktemp -d)"
mkdir -p "$target"

for entry in "${CONTRACTS[@]}"; do
  name="${entry%%:*}"; file="${entry##*:}"
  node -e '
    const fs = require("fs"), [art, dir, name] = process.argv.slice(1);
    const j = JSON.parse(fs.readFileSync(art, "utf8"));
    fs.writeFileSync(dir + "/" + name + ".abi", JSON.stringify(j.abi, null, 2) + "\n");
    fs.writeFileSync(dir + "/" + name + ".bin", j.bytecode.object.replace(/^0x/, "") + "\n");' \
    "out/$file/$name.json" "$target" "$name"
done

if [ "${1:-}" = "--check" ]; then
  if diff -r "$target" "$HERE/abi" >/dev/null; then
    echo "abi/ is up to date"
    rm -rf "$target"
  else
    echo "abi/ is stale: run contracts/ethereum/export-abi.sh and commit abi/" >&2
    diff -r "$target" "$HERE/abi" | head -20 >&2 || true
    rm -rf "$target"
    exit 1
  fi
else
  ls -1 "$target"/*.abi "$target"/*.bin
fi
