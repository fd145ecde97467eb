#!/usr/bin/env bash
# A second private dockerd for the GPU tests, which can start containers that ask for NVIDIA GPUs
# although no GPU exists here. dockerd 20.10 registers its "nvidia" device driver when it finds
# nvidia-container-runtime-hook on its PATH at start; for a device request it then sets
# NVIDIA_VISIBLE_DEVICES to the requested device ids in the container and runs the hook before the
# container starts. Here the hook is a stand-in that does nothing (the real one mounts the GPUs'
# device nodes and driver libraries), so what the tests see inside is exactly what dockerd made of
# the worker's request. Its containers sit on a bridge of their own (rpgpu0, 172.31.254.0/24, no
# iptables rules): the main test dockerd owns docker0 — and never pass --bridge=none here, since a
# dockerd started so deletes docker0, the other daemon's bridge, from the shared network namespace.
# Same conventions as test-dockerd.sh; the last line is DOCKER_HOST=unix://…
#   eval "$(bash ops/docker/gpu-test-dockerd.sh | tail -1 | sed 's/^/export /')"
# Stop it with: RESPOOL_DOCKER_DIR=/tmp/respool-dockerd-gpu bash ops/docker/stop-dockerd.sh
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
export RESPOOL_DOCKER_DIR="${RESPOOL_GPU_DOCKER_DIR:-/tmp/respool-dockerd-gpu}"
HOOK_DIR="$RESPOOL_DOCKER_DIR/hook"
mkdir -p "$HOOK_DIR"
cat > "$HOOK_DIR/nvidia-container-runtime-hook.tmp" <<'HOOK'
#!/bin/sh
# ResPool test stand-in for the NVIDIA Container Toolkit's prestart hook: takes the OCI state on
# stdin and does nothing (no GPU exists here to mount).
cat > /dev/null
exit 0
HOOK
chmod 755 "$HOOK_DIR/nvidia-container-runtime-hook.tmp"
mv -f "$HOOK_DIR/nvidia-container-runtime-hook.tmp" "$HOOK_DIR/nvidia-container-runtime-hook"
BRIDGE=rpgpu0
if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
  ip link add "$BRIDGE" type bridge
  ip addr add 172.31.254.1/24 dev "$BRIDGE"
fi
ip link set "$BRIDGE" up
export RESPOOL_DOCKERD_PATH="$HOOK_DIR"
export RESPOOL_DOCKERD_ARGS="--bridge=$BRIDGE --iptables=false --ip-masq=false"
exec bash "$HERE/test-dockerd.sh"
