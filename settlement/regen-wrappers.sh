#!/usr/bin/env bash
# Regenerates the web3j wrappers of the escrow contracts from the exported ABI and bytecode
# (contracts/ethereum/abi/<Name>.abi|.bin, written by contracts/ethereum/export-abi.sh) with web3j's
# own generator, org.web3j.codegen.SolidityFunctionWrapperGenerator from org.web3j:codegen at the
# parent pom's ${web3j.version}, fetched by Maven into ~/.m2 (no global install):
#   settlement/src/main/java/io/respool/settlement/evm/generated/{RentalEscrow,TestStablecoin}.java
# The output is deterministic (same ABI + bytecode + web3j version -> same bytes) and committed.
#   regen-wrappers.sh          regenerate and rewrite the committed wrappers
#   regen-wrappers.sh --check  regenerate into a temp dir and fail if the committed ones differ
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ABI_DIR="$ROOT/contracts/ethereum/abi"
PACKAGE=io.respool.settlement.evm.generated
PKG_PATH="${PACKAGE//.//}"
TARGET="$HERE/src/main/java/$PKG_PATH"
CONTRACTS=(RentalEscrow TestStablecoin)

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: settlement/regen-wrappers.sh [--check]" >&2; exit 2 ;;
esac

# a JDK >= 21 (the codegen needs 17+, the build 21+), picked as ops/respool does
# shellcheck source=../ops/lib/java.sh
source "$ROOT/ops/lib/java.sh"
respool_pick_java --jdk || exit 1
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"

WEB3J_VERSION="$(sed -n 's:.*<web3j.version>\(.*\)</web3j.version>.*:\1:p' "$ROOT/pom.xml" | head -1)"
[ -n "$WEB3J_VERSION" ] || { echo "regen-wrappers.sh: no <web3j.version> in $ROOT/pom.xml" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# the generator's classpath, resolved by Maven from a throw-away pom
cat >"$WORK/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.respool.tools</groupId><artifactId>web3j-codegen-classpath</artifactId><version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.web3j</groupId><artifactId>codegen</artifactId><version>$WEB3J_VERSION</version></dependency>
  </dependencies>
</project>
POM
resolve() { mvn -B -q "$@" -f "$WORK/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/classpath.txt" >"$WORK/mvn.log" 2>&1; }
if ! resolve -o && ! resolve; then
  cat "$WORK/mvn.log" >&2
  echo "regen-wrappers.sh: could not resolve org.web3j:codegen:$WEB3J_VERSION" >&2
  exit 1
fi

mkdir -p "$WORK/in" "$WORK/out"
for name in "${CONTRACTS[@]}"; do
  cp "$ABI_DIR/$name.abi" "$WORK/in/$name.abi"
  # solc-style .bin ends with a newline, which web3j would copy into BINARY (and break deploy())
  tr -d ' \t\r\n' <"$ABI_DIR/$name.bin" >"$WORK/in/$name.bin"
  "$JAVA_HOME/bin/java" -cp "$(cat "$WORK/classpath.txt")" org.web3j.codegen.SolidityFunctionWrapperGenerator \
    --abiFile "$WORK/in/$name.abi" --binFile "$WORK/in/$name.bin" --outputDir "$WORK/out" \
    --package "$PACKAGE" --abiFuncs >"$WORK/gen.log" 2>&1 \
    || { cat "$WORK/gen.log" >&2; echo "regen-wrappers.sh: generating $name failed" >&2; exit 1; }
  gen="$WORK/out/$PKG_PATH/$name.java"
  [ -s "$gen" ] || { cat "$WORK/gen.log" >&2; echo "regen-wrappers.sh: no $gen" >&2; exit 1; }
  {
    printf '// GENERATED FILE - DO NOT EDIT. Regenerate with settlement/regen-wrappers.sh, which runs\n'
    printf '// org.web3j.codegen.SolidityFunctionWrapperGenerator (org.web3j:codegen:%s) --abiFuncs\n' "$WEB3J_VERSION"
    printf '// on contracts/ethereum/abi/%s.abi and %s.bin.\n' "$name" "$name"
    cat "$gen"
  } >"$WORK/$name.java"
done

if [ "$check" = 1 ]; then
  stale=0
  for name in "${CONTRACTS[@]}"; do
    if ! cmp -s "$WORK/$name.java" "$TARGET/$name.java"; then
      stale=1
      echo "stale: $TARGET/$name.java" >&2
      diff -u "$TARGET/$name.java" "$WORK/$name.java" 2>&1 | head -20 | cut -c1-200 >&2 || true
    fi
  done
  if [ "$stale" = 1 ]; then
    echo "the web3j wrappers are stale: run settlement/regen-wrappers.sh and commit them" >&2
    exit 1
  fi
  echo "web3j wrappers are up to date"
else
  mkdir -p "$TARGET"
  for name in "${CONTRACTS[@]}"; do
    cp "$WORK/$name.java" "$TARGET/$name.java"
    echo "$TARGET/$name.java"
  done
fi
