# Sourced by ops/respool and the launchers in ops/bin: finds a Java >= 21 whatever `java` on PATH is
# (Debian's default is 17, on which the jars fail with UnsupportedClassVersionError).
#   respool_pick_java        a runtime: java >= 21
#   respool_pick_java --jdk  a JDK (java and javac >= 21), for builds
# Looks at $JAVA_HOME, then /usr/lib/jvm/temurin-25-jdk-amd64, /usr/lib/jvm/*, /opt/java/*, then `java` on PATH;
# exports JAVA_HOME and puts its bin first on PATH, or says what to install and returns 1.

respool_java_major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1; }

respool_pick_java() {
  local need_javac="" home candidates=()
  [ "${1:-}" = "--jdk" ] && need_javac=1
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/* /opt/java/*)
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] || continue
    [ -z "$need_javac" ] || [ -x "$home/bin/javac" ] || continue
    if [ "$(respool_java_major "$home/bin/java")" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$home"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "ResPool needs a Java ${need_javac:+development kit }>= 21 (none found in \$JAVA_HOME, /usr/lib/jvm, /opt/java or on PATH)." >&2
  echo "Install one (e.g. Temurin 21+) and set JAVA_HOME." >&2
  return 1
}

# respool_launch JAR_NAME JAR_ENV CHECKOUT_DIR ARGS…: runs JAR_NAME with a Java >= 21: the jar named by $JAR_ENV, else
# CHECKOUT_DIR/target/JAR_NAME of this checkout, else ../lib/JAR_NAME beside an installed bin/ (the launchers' layout:
# ops/bin and ops/lib in a checkout, PREFIX/bin and PREFIX/lib installed). JVM options: $RESPOOL_JAVA_OPTS.
respool_launch() {
  local name="$1" env_name="$2" module="$3" here jar c
  shift 3
  here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[1]}")")" && pwd)"
  respool_pick_java || exit 1
  jar="${!env_name:-}"
  for c in "$here/../../$module/target/$name" "$here/../lib/$name"; do
    [ -n "$jar" ] || { [ -f "$c" ] && jar="$c"; }
  done
  [ -n "$jar" ] && [ -f "$jar" ] || { echo "$name not found: build it (ops/respool build) or set $env_name" >&2; exit 1; }
  # shellcheck disable=SC2086
  exec "$JAVA_HOME/bin/java" ${RESPOOL_JAVA_OPTS:-} -jar "$jar" "$@"
}
