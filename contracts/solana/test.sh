#!/usr/bin/env bash
# Everything about the Solana program, no make needed:
#   1. ops/solana/install.sh: the pinned litesvm + @solana/kit (npm ci), if missing
#   2. build.sh: clang + tools/sbf-link.mjs -> target/respool_escrow.so (checks it builds byte-identical twice)
#   3. node --test test/*.test.mjs: the program on litesvm (real runtime, real signature checks),
#      and the devnet's JSON-RPC server driven by @solana/kit's RPC client
#   4. cu-report.md from the compute units the tests measured
# Ends with a plain "solana: N passed, N failed" line; exits non-zero on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$HERE/../../ops/solana/install.sh" >/dev/null
cd "$HERE"

so="$(./build.sh 2>/dev/null | tail -1)"
first="$(sha256sum "$so" | cut -d' ' -f1)"
./build.sh >/dev/null 2>&1
[ "$first" = "$(sha256sum "$so" | cut -d' ' -f1)" ] || { echo "build is not deterministic"; echo "solana: 0 passed, 1 failed"; exit 1; }
echo "built $so (sha256 $first)"

export RESPOOL_CU_LOG="$HERE/target/cu.jsonl"
rm -f "$RESPOOL_CU_LOG"
tap="$(mktemp)"
trap 'rm -f "$tap"' EXIT
set +e
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" "$@" test/*.test.mjs ../../ops/solana/test/*.test.mjs
status=$?
set -e
passed="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -1)"
failed="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -1)"
passed="${passed:-0}"; failed="${failed:-0}"
if [ "$status" -ne 0 ] && [ "$failed" = 0 ]; then failed=1; fi

if [ -s "$RESPOOL_CU_LOG" ]; then
  node "$HERE/tools/cu-report.mjs" "$RESPOOL_CU_LOG" "$HERE/cu-report.md"
fi

echo "solana: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$status" -eq 0 ]
