#!/usr/bin/env bash
# Gives tests a real, private Docker engine and a local test image, with nothing done by hand:
#   - installs docker.io and busybox-static with apt when missing;
#   - starts dockerd on its own socket, data root and exec root under $RESPOOL_DOCKER_DIR
#     (default /tmp/respool-dockerd), unless one already answers there;
#   - imports respool/busybox:test (busybox-static + applet links) when missing, since no image
#     registry is reachable here.
# RESPOOL_DOCKERD_ARGS adds daemon options and RESPOOL_DOCKERD_PATH is put first on the daemon's
# PATH (ops/docker/gpu-test-dockerd.sh uses both).
# Idempotent; every wait is bounded. The last line printed is DOCKER_HOST=unix://…/docker.sock:
#   eval "$(bash ops/docker/test-dockerd.sh | tail -1 | sed 's/^/export /')"
set -euo pipefail

DIR="${RESPOOL_DOCKER_DIR:-/tmp/respool-dockerd}"
SOCK="$DIR/docker.sock"
IMAGE="respool/busybox:test"
START_TIMEOUT="${RESPOOL_DOCKER_START_TIMEOUT:-60}"

log() { echo "test-dockerd: $*" >&2; }
# shellcheck source=rootfs.sh
source "$(dirname "${BASH_SOURCE[0]}")/rootfs.sh"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

install_missing() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  installed busybox-static || missing+=(busybox-static)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || { log "need root to install ${missing[*]} (or install them yourself)"; exit 1; }
  log "installing ${missing[*]} (apt)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# The Debian client matches the Debian daemon; a newer client elsewhere on PATH also works.
docker_cli() {
  local cli=/usr/bin/docker
  [ -x "$cli" ] || cli="$(command -v docker)"
  "$cli" -H "unix://$SOCK" "$@"
}

answering() { docker_cli version >/dev/null 2>&1; }

start_dockerd() {
  if answering; then log "dockerd already answers on $SOCK"; return 0; fi
  mkdir -p "$DIR/data" "$DIR/exec"
  log "starting dockerd on $SOCK (log: $DIR/dockerd.log)…"
  # setsid: the daemon must outlive this script and the shell or build tool that ran it;
  # 9>&-: it must not inherit the setup lock.
  # shellcheck disable=SC2086 # RESPOOL_DOCKERD_ARGS is a list of options
  PATH="${RESPOOL_DOCKERD_PATH:+$RESPOOL_DOCKERD_PATH:}$PATH" setsid dockerd --host "unix://$SOCK" --data-root "$DIR/data" \
    --exec-root "$DIR/exec" --pidfile "$DIR/dockerd.pid" ${RESPOOL_DOCKERD_ARGS:-} >>"$DIR/dockerd.log" 2>&1 < /dev/null 9>&- &
  local pid=$! deadline=$((SECONDS + START_TIMEOUT))
  until answering; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "dockerd exited; last lines of $DIR/dockerd.log:"; tail -n 20 "$DIR/dockerd.log" >&2; exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "dockerd did not answer within ${START_TIMEOUT}s; last lines of $DIR/dockerd.log:"; tail -n 20 "$DIR/dockerd.log" >&2; exit 1
    fi
    sleep 0.5
  done
  log "dockerd is up (pid $pid)"
}

build_image() {
  if docker_cli image inspect "$IMAGE" >/dev/null 2>&1; then return 0; fi
  log "building $IMAGE from busybox-static…"
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
  local root="$WORK/rootfs"
  rootfs_busybox "$root"
  rootfs_import "$root" "$IMAGE" 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' 'CMD ["/bin/sh"]'
  log "built $IMAGE"
}

mkdir -p "$DIR"
# Two test runs starting at once must not race for one daemon: hold a lock while setting up.
exec 9>"$DIR/.setup.lock"
flock -w 300 9 || { log "another test-dockerd.sh holds $DIR/.setup.lock for over 300 s"; exit 1; }

install_missing
start_dockerd
build_image
echo "DOCKER_HOST=unix://$SOCK"
