#!/usr/bin/env bash
# Builds the web console into gateway/src/main/resources/io/respool/gateway/console/ (served by the gateway at /) with
# the toolchain pinned in package-lock.json (npm ci; esbuild). The built files are committed, so a
# fresh clone runs without npm; `build.sh --check` rebuilds into a temporary directory and fails
# when the committed files differ from what the sources give.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/../gateway/src/main/resources/io/respool/gateway/console"
cd "$HERE"

# npm ci only when the lock changed since the last install (a copy of it is kept in node_modules)
if ! cmp -s package-lock.json node_modules/.respool-installed-lock 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error >&2
  cp package-lock.json node_modules/.respool-installed-lock
fi

build_into() {
  local dir="$1"
  rm -rf "$dir" && mkdir -p "$dir"
  node_modules/.bin/esbuild src/app.js src/app.css --bundle --splitting --format=esm --minify --target=es2022 \
    --legal-comments=none --log-level=warning --chunk-names='chunk-[hash]' --outdir="$dir"
  cp src/index.html "$dir/index.html"
}

case "${1:-}" in
  --check)
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    build_into "$tmp/console"
    if ! diff -r -q "$tmp/console" "$OUT" >&2; then
      echo "console: the committed build in gateway/src/main/resources/io/respool/gateway/console is stale; run console/build.sh and commit it" >&2
      exit 1
    fi
    echo "console: the committed build is up to date" >&2
    ;;
  "") build_into "$OUT"; echo "console: built into $OUT" >&2 ;;
  *) echo "usage: console/build.sh [--check]" >&2; exit 2 ;;
esac
