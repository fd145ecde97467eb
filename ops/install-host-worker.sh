#!/usr/bin/env bash
# Installs the ResPool host-worker as a systemd service, in one line:
#   curl -fsSL https://RELEASES/install-host-worker.sh | sudo bash -s -- --from https://RELEASES --gateway wss://gw.example
# or from a checkout after `ops/respool build`:  sudo ops/install-host-worker.sh --gateway ws://gw.example:8080
#
#   --from DIR|URL   where respool-host-worker.jar, the launcher respool-host-worker and java.sh are
#                    (default: this checkout's host-worker/target and ops/)
#   --gateway URL    written to /etc/respool/host-worker.env as RESPOOL_GATEWAY (default: none, the worker finds a
#                    gateway announced on its LAN over mDNS)
#   --region NAME    RESPOOL_REGION (default: local)
#   --prefix DIR     install under DIR instead of / (files only: no user, no systemctl); for packaging and tests
#   --dry-run        print what would be done, change nothing
# Lays out /opt/respool/{bin,lib}, /etc/systemd/system/respool-host-worker.service, /etc/respool/host-worker.env
# (kept if it exists), creates the system user respool-host (in group docker when it exists), then enables and
# starts the service. Needs a Java >= 21 on the machine (the launcher finds it; e.g. apt-get install openjdk-21-jre).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" 2>/dev/null && pwd || pwd)"
FROM="" GATEWAY="" REGION="local" PREFIX="/" DRY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --from) FROM="$2"; shift 2 ;;
    --gateway) GATEWAY="$2"; shift 2 ;;
    --region) REGION="$2"; shift 2 ;;
    --prefix) PREFIX="$2"; shift 2 ;;
    --dry-run) DRY=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "install-host-worker.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$GATEWAY" in ""|ws://*|wss://*) ;; *) echo "install-host-worker.sh: --gateway must be a ws:// or wss:// URL" >&2; exit 2 ;; esac
[[ $REGION =~ ^[a-z0-9-]+$ ]] || { echo "install-host-worker.sh: --region is lower-case letters, digits and dashes" >&2; exit 2; }

ROOTDIR="${PREFIX%/}"
OPT="$ROOTDIR/opt/respool" UNIT="$ROOTDIR/etc/systemd/system/respool-host-worker.service" ENVFILE="$ROOTDIR/etc/respool/host-worker.env"
run() { if [ -n "$DRY" ]; then echo "would: $*"; else "$@"; fi; }

# fetch NAME DEST: from --from (a directory or an http(s) URL) or this checkout
fetch() {
  local name="$1" dest="$2" src
  case "$FROM" in
    http://*|https://*) run curl -fsSL --retry 3 -o "$dest" "${FROM%/}/$name"; return ;;
    "") case "$name" in
          respool-host-worker.jar) src="$HERE/../host-worker/target/respool-host-worker.jar" ;;
          respool-host-worker) src="$HERE/bin/respool-host-worker" ;;
          java.sh) src="$HERE/lib/java.sh" ;;
          respool-host-worker.service) src="$HERE/systemd/respool-host-worker.service" ;;
        esac ;;
    *) src="${FROM%/}/$name" ;;
  esac
  [ -f "$src" ] || { echo "install-host-worker.sh: $src not found (build with ops/respool build, or give --from)" >&2; exit 1; }
  run install -m "$( [ "${name##*.}" = jar ] || [ "${name##*.}" = service ] || [ "${name##*.}" = sh ] && echo 0644 || echo 0755)" "$src" "$dest"
}

run mkdir -p "$OPT/bin" "$OPT/lib" "$(dirname "$UNIT")" "$(dirname "$ENVFILE")"
fetch respool-host-worker.jar "$OPT/lib/respool-host-worker.jar"
fetch respool-host-worker "$OPT/bin/respool-host-worker"
fetch java.sh "$OPT/lib/java.sh"
fetch respool-host-worker.service "$UNIT"
if [ -f "$ENVFILE" ]; then
  echo "keeping $ENVFILE"
elif [ -n "$DRY" ]; then
  echo "would: write $ENVFILE (RESPOOL_REGION=$REGION${GATEWAY:+, RESPOOL_GATEWAY=$GATEWAY})"
else
  { echo "# ResPool host-worker settings (see host-worker/README.md); without RESPOOL_GATEWAY the worker finds one over mDNS"
    echo "RESPOOL_REGION=$REGION"
    [ -n "$GATEWAY" ] && echo "RESPOOL_GATEWAY=$GATEWAY"
    true; } > "$ENVFILE"
  chmod 0640 "$ENVFILE"
fi

if [ "$ROOTDIR" != "" ]; then
  echo "installed under $PREFIX (no user created, systemd not touched)"
  exit 0
fi
if ! id respool-host >/dev/null 2>&1; then
  run useradd --system --no-create-home --home-dir /var/lib/respool-host-worker --shell /usr/sbin/nologin respool-host
fi
if getent group docker >/dev/null 2>&1; then run usermod -aG docker respool-host; fi
run systemctl daemon-reload
run systemctl enable --now respool-host-worker.service
echo "${DRY:+(dry run) }respool-host-worker installed and started: journalctl -u respool-host-worker -f"
