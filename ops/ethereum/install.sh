#!/usr/bin/env bash
# Installs the pinned Ethereum tools into ops/ethereum/node_modules with npm (the only way to get
# them here: no native solc or foundryup download is reachable):
#   forge, anvil, cast   @foundry-rs/{forge,anvil,cast}-linux-amd64
#   solc-js              solc (used by forge through ops/ethereum/solc, named in foundry.toml)
# Idempotent: does nothing when the pinned versions are already there. Prints the binary paths.
set -euo pipefail

FOUNDRY_VERSION=1.7.1
SOLC_VERSION=0.8.30

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NM="$HERE/node_modules"

installed_version() { # package.json "version" of an installed package, or nothing
  local pj="$NM/$1/package.json"
  [ -f "$pj" ] && node -e 'process.stdout.write(require(process.argv[1]).version)' "$pj" 2>/dev/null || true
}

wanted=(
  "@foundry-rs/forge-linux-amd64@$FOUNDRY_VERSION"
  "@foundry-rs/anvil-linux-amd64@$FOUNDRY_VERSION"
  "@foundry-rs/cast-linux-amd64@$FOUNDRY_VERSION"
  "solc@$SOLC_VERSION"
)

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || {
  echo "installing nodejs + npm (apt)…" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
}

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "ops/ethereum/install.sh: only linux-amd64 foundry packages are pinned here" >&2; exit 1 ;;
esac

missing=()
for spec in "${wanted[@]}"; do
  name="${spec%@*}"; version="${spec##*@}"
  [ "$(installed_version "$name")" = "$version" ] || missing+=("$spec")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]} into $NM…" >&2
  # --no-save/--no-package-lock: the pins live in this script, not in a package.json
  npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix "$HERE" "${wanted[@]}" >&2
fi

for tool in forge anvil cast; do
  bin="$NM/@foundry-rs/$tool-linux-amd64/bin/$tool"
  [ -x "$bin" ] || chmod +x "$bin"
done
chmod +x "$HERE/solc"
# the wrapper must answer like a native solc for forge to accept it
"$HERE/solc" --version | grep -q "Version: $SOLC_VERSION" || { echo "solc wrapper does not report $SOLC_VERSION" >&2; exit 1; }

cat <<MSG
FORGE=$NM/@foundry-rs/forge-linux-amd64/bin/forge
ANVIL=$NM/@foundry-rs/anvil-linux-amd64/bin/anvil
CAST=$NM/@foundry-rs/cast-linux-amd64/bin/cast
SOLC=$HERE/solc
MSG
