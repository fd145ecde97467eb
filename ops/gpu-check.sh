#!/usr/bin/env bash
# ops/gpu-check.sh — for a host operator, on a real machine with NVIDIA GPUs.
#
# NOT RUN BY THE PROJECT'S TESTS: no GPU (and no NVIDIA driver or Container Toolkit) exists on the
# machines ResPool is built and tested on. There the worker's GPU handling is tested with a
# stand-in nvidia-smi (host-worker/src/test/resources/gpu/nvidia-smi) and a dockerd whose NVIDIA
# device driver runs a stand-in hook (ops/docker/gpu-test-dockerd.sh). This script is the check
# on the real thing, through the same code the worker runs (its task drivers and GPU assignment):
#
#   1. nvidia-smi lists the GPUs the worker will offer;
#   2. for each driver (process; docker with --docker-host), it starts one 1-GPU task per GPU at
#      once, then (with two or more GPUs) a 2-GPU task, through the worker's own drivers and
#      exclusive assignment (io.respool.hostworker.GpuCheck), and each task runs `nvidia-smi -L`:
#      every task must see exactly the GPUs it was assigned, and no two tasks the same one;
#   3. each 1-GPU task then runs a short load (a matrix product with PyTorch on CUDA, when
#      `python3` with CUDA torch is there: on the host for processes, in --image for containers;
#      otherwise the load check is reported as skipped) and its utilization must reach the usage
#      samples the worker would send (GPU utilization and memory per task, by its devices).
#
# Usage: ops/gpu-check.sh [--home DIR] [--docker-host URL|none] [--image IMAGE] [--seconds N]
#   --docker-host  the engine to check containers on (default $DOCKER_HOST, else none: processes only)
#   --image    a CUDA image for the container check (default nvidia/cuda:12.4.1-base-ubuntu22.04;
#              the NVIDIA Container Toolkit mounts nvidia-smi into it; with PyTorch in it the load runs)
#   --seconds  how long each load runs (default 20)
# Exit status 0 when every check passed; the report says which failed otherwise.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
HOME_DIR="${RESPOOL_HOME:-$HOME/.respool-host}-gpu-check"
DOCKER_HOST_ARG="${DOCKER_HOST:-}"
IMAGE="nvidia/cuda:12.4.1-base-ubuntu22.04"
SECONDS_LOAD=20

while [ $# -gt 0 ]; do
  case "$1" in
    --home) HOME_DIR="$2"; shift 2 ;;
    --docker-host) DOCKER_HOST_ARG="$2"; shift 2 ;;
    --image) IMAGE="$2"; shift 2 ;;
    --seconds) SECONDS_LOAD="$2"; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "gpu-check: unknown option $1" >&2; exit 2 ;;
  esac
done

log() { echo "gpu-check: $*" >&2; }

command -v nvidia-smi >/dev/null 2>&1 || { log "nvidia-smi is not on PATH: this check needs a machine with NVIDIA GPUs and their driver"; exit 1; }
nvidia-smi -L >/dev/null || { log "nvidia-smi fails: the NVIDIA driver is not working"; exit 1; }
log "GPUs on this host:"; nvidia-smi -L >&2

# A JDK >= 21, as ops/respool finds it.
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/java}"
if [ -z "$JAVA" ] || ! "$JAVA" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  JAVA="$(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | while read -r j; do "$j" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])' && echo "$j" && break; done)"
fi
[ -n "$JAVA" ] || { log "needs a JDK >= 21 (JAVA_HOME or /usr/lib/jvm)"; exit 1; }

JAR="$ROOT/host-worker/target/respool-host-worker.jar"
if [ ! -f "$JAR" ]; then
  log "building the host-worker jar…"
  (cd "$ROOT" && JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$JAVA")")")" mvn -B -q -pl host-worker -am package -DskipTests)
fi

mkdir -p "$HOME_DIR"
exec "$JAVA" -cp "$JAR" io.respool.hostworker.GpuCheck --home "$HOME_DIR" --docker-host "${DOCKER_HOST_ARG:-none}" \
  --image "$IMAGE" --seconds "$SECONDS_LOAD"
