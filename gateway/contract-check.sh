#!/usr/bin/env bash
# The typed contract, from a client's side: generates TypeScript types from openapi.yaml with the
# pinned openapi-typescript and type-checks contract-client/client.ts (a small client over them,
# with openapi-fetch) with the pinned typescript. Fails when the contract stops describing what a
# frontend relies on. The pinned tools are installed from contract-client/package-lock.json into
# contract-client/node_modules (git-ignored) on first use; the types go to contract-client/generated/.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="$HERE/contract-client"
command -v npm >/dev/null 2>&1 || {
  echo "contract-check: npm is missing; installing Debian's nodejs and npm…" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
}
cd "$DIR"
# (re)install when the lock file changed since the last install
lock="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.installed-lock 2>/dev/null)" != "$lock" ]; then
  echo "contract-check: installing the pinned openapi-typescript, openapi-fetch and typescript (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$lock" > node_modules/.installed-lock
fi
started=$(date +%s)
./node_modules/.bin/openapi-typescript "$HERE/src/main/resources/openapi.yaml" -o generated/api.d.ts --silent
./node_modules/.bin/tsc -p tsconfig.json
echo "contract-check: the TypeScript client generated from openapi.yaml type-checks ($(( $(date +%s) - started )) s)"
