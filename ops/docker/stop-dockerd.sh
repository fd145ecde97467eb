#!/usr/bin/env bash
# Stops the private dockerd started by ops/docker/test-dockerd.sh (SIGTERM, then SIGKILL after a
# bounded wait). Its containers stop with it. --purge also deletes its data, exec root and log.
set -euo pipefail

DIR="${RESPOOL_DOCKER_DIR:-/tmp/respool-dockerd}"
PIDFILE="$DIR/dockerd.pid"
STOP_TIMEOUT="${RESPOOL_DOCKER_STOP_TIMEOUT:-30}"

log() { echo "stop-dockerd: $*" >&2; }

if [ -f "$PIDFILE" ] && pid="$(cat "$PIDFILE")" && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
  log "stopping dockerd (pid $pid)…"
  kill -TERM "$pid"
  deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then log "still running after ${STOP_TIMEOUT}s; killing"; kill -KILL "$pid" 2>/dev/null || true; break; fi
    sleep 0.5
  done
  log "stopped"
else
  log "no dockerd running for $DIR"
fi

if [ "${1:-}" = "--purge" ]; then
  # dockerd leaves overlay mounts behind when killed; unmount before deleting.
  if [ -d "$DIR" ]; then
    grep -o " $DIR[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$DIR"
    log "removed $DIR"
  fi
fi
