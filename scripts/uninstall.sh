#!/usr/bin/env bash
# Remove TextBack Box: undoes scripts/install.sh. Keeps the data (/var/lib/textback: calls,
# texts, settings) and the `textback` user that owns it, unless --purge. Safe to run twice.
# The host name, WLAN country and UART settings are left as they are (the Pi still needs them).
#
#   sudo scripts/uninstall.sh [--purge]          (also installed as /opt/textback/uninstall.sh)
#   scripts/uninstall.sh --root /tmp/box [--purge]   # only remove files under a folder (tests)
set -euo pipefail

APP_DIR=/opt/textback
DATA_DIR=/var/lib/textback
SERVICE_USER=textback
FILES=(
  /etc/systemd/system/textback.service
  /etc/udev/rules.d/99-textback-modem.rules
  /etc/polkit-1/rules.d/50-textback-networkmanager.rules
  /etc/avahi/services/textback.service
  /etc/NetworkManager/dnsmasq-shared.d/textback-captive.conf
  /etc/systemd/journald.conf.d/textback.conf
)

ROOT=""
PURGE=0

usage() {
  cat <<'EOF'
Usage: sudo scripts/uninstall.sh [--purge]
  --purge     also delete /var/lib/textback (all calls, texts, settings) and the textback user
  --root DIR  remove the files under DIR instead of /, run no system commands (testing)
  -h, --help  this help
EOF
}

die() { echo "uninstall.sh: $*" >&2; exit 1; }
say() { echo "==> $*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || die "--root needs a folder"; ROOT="$2"; shift 2 ;;
    --root=*) ROOT="${1#*=}"; shift ;;
    --purge) PURGE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

if [ -n "$ROOT" ]; then
  [ -d "$ROOT" ] || die "--root $ROOT: no such folder"
  ROOT="$(cd "$ROOT" && pwd)"
  [ "$ROOT" != / ] || die "--root / would uninstall for real; leave --root out instead"
else
  [ "$(id -u)" -eq 0 ] || die "run as root (sudo scripts/uninstall.sh), or use --root DIR to test"
fi

# A command that changes the system: run it for real (failures only warn), or only say it.
system() {
  if [ -n "$ROOT" ]; then
    echo "would run: $*"
  else
    echo "+ $*"
    "$@" || echo "warning: failed (carrying on): $*" >&2
  fi
}

say "stopping the service"
system systemctl disable --now textback.service
if [ -n "$ROOT" ]; then
  echo "would run: nmcli connection delete id textback-hotspot"
elif command -v nmcli >/dev/null 2>&1; then
  nmcli connection delete id textback-hotspot >/dev/null 2>&1 || true   # only if it exists
fi

say "removing system files"
for file in "${FILES[@]}"; do
  if [ -e "$ROOT$file" ] || [ -L "$ROOT$file" ]; then
    rm -f "$ROOT$file"
    echo "removed $file"
  fi
done
# unmasked, not started: `systemctl enable --now ModemManager` if this Pi should use it again
system systemctl unmask ModemManager.service
system systemctl daemon-reload
system udevadm control --reload-rules
system udevadm trigger --action=change --subsystem-match=tty
system systemctl reload-or-restart avahi-daemon.service
system systemctl restart systemd-journald.service

say "removing the app"
if [ -d "$ROOT$APP_DIR" ]; then
  rm -rf "$ROOT$APP_DIR"
  echo "removed $APP_DIR"
fi

if [ "$PURGE" -eq 1 ]; then
  say "purging data and user"
  if [ -d "$ROOT$DATA_DIR" ]; then
    rm -rf "$ROOT$DATA_DIR"
    echo "removed $DATA_DIR"
  fi
  if [ -n "$ROOT" ] || id -u "$SERVICE_USER" >/dev/null 2>&1; then
    system userdel "$SERVICE_USER"
  fi
else
  echo "kept $DATA_DIR and the $SERVICE_USER user (use --purge to delete them)"
fi
say "done"
