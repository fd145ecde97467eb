#!/usr/bin/env bash
# Builds, with no image registry, the base images ops/compose/docker-compose.yml needs, from this machine's own files
# (Debian packages installed pinned by this script, and a Java runtime jlink'ed from the JDK ResPool builds with):
#   respool/java:local-HASH      a jlink'ed Java runtime under /opt/java/openjdk, bash and busybox: the base of
#                                ops/docker/gateway.Dockerfile (build argument JAVA_BASE)
#   respool/postgres:local-HASH  Debian's PostgreSQL 15, run as uid 999; on an empty /var/lib/postgresql/data it
#                                creates POSTGRES_USER (password POSTGRES_PASSWORD) and POSTGRES_DB, as the official
#                                postgres image does; pg_isready inside for the health check
#   respool/redis:local-HASH     Debian's Redis 7.0 (redis-server, redis-cli), run as uid 999 in /data
# HASH covers this script, rootfs.sh, the JDK and the packages' versions: a second run reuses the images.
# Prints the variables ops/compose/local-images.yml reads, as its last three lines:
#   eval "$(DOCKER_HOST=… bash ops/docker/local-images.sh | tail -3 | sed 's/^/export /')"
#   docker-compose -f ops/compose/docker-compose.yml -f ops/compose/local-images.yml up --build
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=rootfs.sh
source "$HERE/rootfs.sh"
# shellcheck source=../lib/java.sh
source "$HERE/../lib/java.sh"

# Debian 12 packages, pinned (installed when missing; redis-tools holds redis-server's binary and starts no service)
PACKAGES=(postgresql-15=15.18-0+deb12u1 redis-tools=5:7.0.15-1~deb12u10 busybox-static=1:1.35.0-4+deb12u1+b1)
PG_BIN=/usr/lib/postgresql/15/bin
# The modules the gateway jar needs (jdeps --print-module-deps on respool-gateway.jar), and DNS/zip/Unsafe users
JAVA_MODULES=java.base,java.compiler,java.desktop,java.instrument,java.management,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs

log() { echo "local-images: $*" >&2; }

docker_cli() {
  local cli=/usr/bin/docker
  [ -x "$cli" ] || cli="$(command -v docker)"
  "$cli" "$@"
}

install_missing() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "${p%%=*}" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || { log "need root to install ${missing[*]}"; exit 1; }
  log "installing ${missing[*]} (apt)…"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

build_java() {
  local image="$1" root="$WORK/java"
  log "building $image (jlink from $JAVA_HOME)…"
  rootfs_busybox "$root"
  mkdir -p "$root/opt/java"
  "$JAVA_HOME/bin/jlink" --add-modules "$JAVA_MODULES" --strip-debug --no-header-files --no-man-pages \
    --output "$root/opt/java/openjdk" >&2
  rootfs_add "$root" /usr/bin/bash
  local so
  rootfs_libs "$root" "$root/opt/java/openjdk/bin/java"
  while read -r so; do rootfs_libs "$root" "$so"; done < <(find "$root/opt/java/openjdk/lib" -name '*.so')
  ln -sf /usr/bin/bash "$root/bin/bash"
  printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
  rootfs_import "$root" "$image" 'ENV PATH=/opt/java/openjdk/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV JAVA_HOME=/opt/java/openjdk' 'CMD ["java", "-version"]'
}

build_postgres() {
  local image="$1" root="$WORK/postgres" f
  log "building $image (Debian's PostgreSQL 15)…"
  rootfs_busybox "$root"
  for f in "$PG_BIN"/{postgres,initdb,pg_ctl,pg_isready,psql}; do rootfs_add "$root" "$f"; done
  for f in /usr/lib/postgresql/15/lib/*.so; do rootfs_add "$root" "$f"; done
  mkdir -p "$root/usr/share"
  cp -a /usr/share/postgresql "$root/usr/share/"
  cp -a /usr/share/zoneinfo "$root/usr/share/"
  printf 'postgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh\n' >> "$root/etc/passwd"
  printf 'postgres:x:999:\n' >> "$root/etc/group"
  mkdir -p "$root/var/lib/postgresql/data" "$root/var/run/postgresql" "$root/usr/local/bin"
  chown -R 999:999 "$root/var/lib/postgresql" "$root/var/run/postgresql"
  chmod 0700 "$root/var/lib/postgresql/data"
  cat > "$root/usr/local/bin/postgres-entrypoint" <<'EOF'
#!/bin/sh
# First start on an empty data directory: a cluster owned by $POSTGRES_USER (password $POSTGRES_PASSWORD, scram) and
# the database $POSTGRES_DB; a directory left half-initialized (no .respool-ready) is emptied and done again.
set -eu
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
user="${POSTGRES_USER:-postgres}" db="${POSTGRES_DB:-${POSTGRES_USER:-postgres}}"
if [ ! -e "$PGDATA/.respool-ready" ]; then
  [ -n "${POSTGRES_PASSWORD:-}" ] || { echo "postgres-entrypoint: POSTGRES_PASSWORD is required" >&2; exit 1; }
  find "$PGDATA" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
  pw="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pw"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pw" --auth=scram-sha-256 -E UTF8 --locale=C >/dev/null
  rm -f "$pw"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  printf "listen_addresses = '*'\nunix_socket_directories = '/var/run/postgresql'\n" >> "$PGDATA/postgresql.conf"
  if [ "$db" != postgres ]; then echo "CREATE DATABASE \"$db\"" | postgres --single -D "$PGDATA" postgres >/dev/null; fi
  touch "$PGDATA/.respool-ready"
fi
exec "$@"
EOF
  chmod 0755 "$root/usr/local/bin/postgres-entrypoint"
  rootfs_import "$root" "$image" "ENV PATH=$PG_BIN:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    'ENV PGDATA=/var/lib/postgresql/data' 'USER 999' 'EXPOSE 5432' 'VOLUME /var/lib/postgresql/data' \
    'ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]' 'CMD ["postgres"]'
}

build_redis() {
  local image="$1" root="$WORK/redis"
  log "building $image (Debian's Redis)…"
  rootfs_busybox "$root"
  rootfs_add "$root" /usr/bin/redis-check-rdb /usr/bin/redis-cli
  mv "$root/usr/bin/redis-check-rdb" "$root/usr/bin/redis-server" # one binary; its name picks the server
  printf 'redis:x:999:999:Redis:/data:/bin/sh\n' >> "$root/etc/passwd"
  printf 'redis:x:999:\n' >> "$root/etc/group"
  mkdir -p "$root/data"
  chown 999:999 "$root/data"
  rootfs_import "$root" "$image" 'ENV PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'USER 999' 'WORKDIR /data' \
    'EXPOSE 6379' 'VOLUME /data' 'CMD ["redis-server"]'
}

install_missing
respool_pick_java --jdk >/dev/null || exit 1
HASH="$( { cat "$HERE/local-images.sh" "$HERE/rootfs.sh" "$JAVA_HOME/release"
  dpkg-query -W -f='${Package} ${Version}\n' "${PACKAGES[@]%%=*}" bash libc6; } | sha256sum | cut -c1-12)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
for kind in java postgres redis; do
  image="respool/$kind:local-$HASH"
  if docker_cli image inspect "$image" >/dev/null 2>&1; then
    log "$image already built"
  else
    "build_$kind" "$image"
    log "built $image"
  fi
done
echo "RESPOOL_JAVA_BASE=respool/java:local-$HASH"
echo "RESPOOL_POSTGRES_IMAGE=respool/postgres:local-$HASH"
echo "RESPOOL_REDIS_IMAGE=respool/redis:local-$HASH"
