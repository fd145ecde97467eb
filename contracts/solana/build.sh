#!/usr/bin/env bash
# Builds the program: contracts/solana/target/respool_escrow.so (gitignored), deterministic.
#   clang (Debian's, installed with apt when missing)  src/respool_escrow.c -> target/respool_escrow.o
#   tools/sbf-link.mjs (node)                           target/respool_escrow.o -> target/respool_escrow.so
# The link is ours rather than ld.lld's because lld 14 cannot emit the R_BPF_64_32 relocations
# SBF v0 resolves syscalls by (see tools/sbf-link.mjs). Prints the .so path and its sha256.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLANG="${CLANG:-clang}"

if ! command -v "$CLANG" >/dev/null 2>&1; then
  echo "installing clang (apt)…" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang >/dev/null
fi
command -v node >/dev/null 2>&1 || {
  echo "installing nodejs (apt)…" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null
}

mkdir -p "$HERE/target"
# -ffile-prefix-map and no -g: the object does not depend on where the tree is checked out
"$CLANG" -target bpfel -mcpu=v1 -O2 -std=c11 -fno-builtin -ffreestanding -fPIC \
  -Wall -Wextra -Werror -ffile-prefix-map="$HERE"=. \
  -c "$HERE/src/respool_escrow.c" -o "$HERE/target/respool_escrow.o"
node "$HERE/tools/sbf-link.mjs" "$HERE/target/respool_escrow.o" "$HERE/target/respool_escrow.so"
echo "$HERE/target/respool_escrow.so"
sha256sum "$HERE/target/respool_escrow.so" | cut -d' ' -f1 >&2
