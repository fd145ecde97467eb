#!/usr/bin/env bash
# Installs the pinned node packages of ops/solana/package-lock.json (litesvm, @solana/kit) into
# ops/solana/node_modules (gitignored), and links contracts/solana/node_modules to it
# so the program's tests and JS client resolve the same copies. Idempotent: does nothing when the
# installed versions already match the lock file. Prints NODE_MODULES=… .
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
NM="$HERE/node_modules"

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || {
  echo "installing nodejs + npm (apt)…" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
}

current() { # every package of the lock file installed at its locked version?
  node -e '
    const fs = require("fs"), path = require("path");
    const lock = require(path.join(process.argv[1], "package-lock.json"));
    for (const [p, v] of Object.entries(lock.packages)) {
      if (!p || v.optional && !fs.existsSync(path.join(process.argv[1], p))) continue;
      const pj = path.join(process.argv[1], p, "package.json");
      if (!fs.existsSync(pj) || require(pj).version !== v.version) process.exit(1);
    }' "$HERE"
}

if ! current; then
  echo "installing ops/solana node packages (npm install, from the lock file)…" >&2
  # not `npm ci`: litesvm lists a native package per platform as optional dependencies and the
  # registry reachable here serves only linux-x64-gnu, so the lock file holds only that one and
  # `npm ci` calls it out of sync. `npm install --no-save` installs the locked versions and
  # writes nothing back.
  (cd "$HERE" && npm install --no-save --no-audit --no-fund --loglevel=error >&2)
fi
current || { echo "ops/solana: installed packages do not match package-lock.json" >&2; exit 1; }
ln -sfn "../../ops/solana/node_modules" "$ROOT/contracts/solana/node_modules"
echo "NODE_MODULES=$NM"
