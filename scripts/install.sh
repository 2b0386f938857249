#!/usr/bin/env bash
# Install TextBack Box on Raspberry Pi OS (Bookworm or newer). Safe to run again: it updates the
# app and the system files in place and keeps the data in /var/lib/textback.
#
#   sudo scripts/install.sh [--country US] [--hostname textback] [--uart]
#   scripts/install.sh --root /tmp/box [--with-venv]    # only write files into a folder (tests)
#
# What it does: a `textback` system user (groups dialout, gpio); the app in /opt/textback with a
# venv of the pinned requirements; /var/lib/textback (0750); the systemd unit; a udev rule that
# names the modem /dev/textback-modem and keeps ModemManager off it; ModemManager masked; a
# polkit rule so the service may drive NetworkManager (Wi-Fi page, setup hotspot); a captive
# portal answer for the hotspot; an avahi service and the host name, so http://textback.local
# works; the WLAN country. scripts/uninstall.sh undoes it.
set -euo pipefail
umask 022

APP_DIR=/opt/textback
DATA_DIR=/var/lib/textback
SERVICE_USER=textback
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SYSTEM_FILES="$SRC/scripts/system"

ROOT=""
COUNTRY=US
HOST_NAME=textback
UART=0
WITH_VENV=0

usage() {
  cat <<'EOF'
Usage: sudo scripts/install.sh [options]
  --country XX      WLAN country (two letters, default US): Wi-Fi channels differ by country
  --hostname NAME   host name, so the page is http://NAME.local/ (default textback)
  --uart            the modem is a SIM800 HAT on the Pi's UART (/dev/serial0), not USB
  --root DIR        write the files under DIR instead of /, run no system commands (testing)
  --with-venv       with --root: also create the venv under DIR
  -h, --help        this help
EOF
}

die() { echo "install.sh: $*" >&2; exit 1; }
say() { echo "==> $*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || die "--root needs a folder"; ROOT="$2"; shift 2 ;;
    --root=*) ROOT="${1#*=}"; shift ;;
    --country) [ $# -ge 2 ] || die "--country needs a code"; COUNTRY="$2"; shift 2 ;;
    --country=*) COUNTRY="${1#*=}"; shift ;;
    --hostname) [ $# -ge 2 ] || die "--hostname needs a name"; HOST_NAME="$2"; shift 2 ;;
    --hostname=*) HOST_NAME="${1#*=}"; shift ;;
    --uart) UART=1; shift ;;
    --with-venv) WITH_VENV=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[[ "$COUNTRY" =~ ^[A-Z]{2}$ ]] || die "--country takes a two-letter code in capitals, like US or GB"
[[ "$HOST_NAME" =~ ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ ]] \
  || die "--hostname: lower-case letters, digits and dashes only"

if [ -n "$ROOT" ]; then
  mkdir -p "$ROOT"
  ROOT="$(cd "$ROOT" && pwd)"
  [ "$ROOT" != / ] || die "--root / would install for real; leave --root out instead"
else
  [ "$(id -u)" -eq 0 ] || die "run as root (sudo scripts/install.sh), or use --root DIR to test"
fi

# A command that changes the system: run it for real, or with --root only say it.
system() {
  if [ -n "$ROOT" ]; then
    echo "would run: $*"
  else
    echo "+ $*"
    "$@"
  fi
}

# The same for a tool that only Raspberry Pi OS has: skipped with a warning elsewhere.
system_if_present() {
  if [ -z "$ROOT" ] && ! command -v "$1" >/dev/null 2>&1; then
    echo "warning: no $1 here; skipped: $*" >&2
    return 0
  fi
  system "$@"
}

# Copy a file from scripts/system to its place (under ROOT), with its mode.
place() {
  local source="$1" target="$2" mode="$3"
  install -D -m "$mode" "$SYSTEM_FILES/$source" "$ROOT$target"
  echo "wrote $target"
}

check_os() {
  [ -z "$ROOT" ] || return 0
  local version=0
  # shellcheck disable=SC1091
  [ -r /etc/os-release ] && version="$(. /etc/os-release && echo "${VERSION_ID:-0}")"
  if [ "${version%%.*}" -lt 12 ] 2>/dev/null; then
    echo "warning: this is not Raspberry Pi OS Bookworm (Debian 12) or newer; carrying on" >&2
  fi
}

install_packages() {
  say "system packages"
  # python3-lgpio: the pin library gpiozero uses on Bookworm (the venv sees it through
  # --system-site-packages); dnsmasq-base: NetworkManager's DHCP/DNS for the setup hotspot.
  system apt-get update -qq
  system env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    python3 python3-venv python3-lgpio network-manager dnsmasq-base avahi-daemon
}

create_user() {
  say "service user $SERVICE_USER"
  if [ -n "$ROOT" ] || ! id -u "$SERVICE_USER" >/dev/null 2>&1; then
    system useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home \
      --shell /usr/sbin/nologin "$SERVICE_USER"
  fi
  local group
  for group in dialout gpio; do
    if [ -n "$ROOT" ] || getent group "$group" >/dev/null; then
      system usermod -a -G "$group" "$SERVICE_USER"
    else
      echo "warning: no group $group here; the service may not reach the ${group/dialout/modem}" >&2
    fi
  done
}

copy_app() {
  say "app in $APP_DIR"
  local target="$ROOT$APP_DIR" package
  mkdir -p "$target"
  for package in appliance hardware web; do
    rm -rf "${target:?}/$package"
  done
  tar -C "$SRC" --exclude=__pycache__ --exclude='*.pyc' \
    -cf - appliance hardware web requirements.txt | tar -C "$target" --no-same-owner -xf -
  install -m 0755 "$SRC/scripts/uninstall.sh" "$target/uninstall.sh"
  echo "wrote $APP_DIR (appliance, hardware, web, requirements.txt, uninstall.sh)"
}

create_venv() {
  local venv="$ROOT$APP_DIR/.venv"
  if [ -n "$ROOT" ] && [ "$WITH_VENV" -eq 0 ]; then
    echo "would run: python3 -m venv --system-site-packages $APP_DIR/.venv"
    echo "would run: $APP_DIR/.venv/bin/pip install -r $APP_DIR/requirements.txt"
    return 0
  fi
  say "venv with the pinned requirements"
  [ -x "$venv/bin/python" ] || python3 -m venv --system-site-packages "$venv"
  "$venv/bin/pip" install --disable-pip-version-check --no-input -q \
    -r "$ROOT$APP_DIR/requirements.txt"
  "$venv/bin/python" -m compileall -q "$ROOT$APP_DIR/appliance" "$ROOT$APP_DIR/hardware" \
    "$ROOT$APP_DIR/web" >/dev/null
}

create_data_dir() {
  say "data folder $DATA_DIR"
  install -d -m 0750 "$ROOT$DATA_DIR"
  system chown "$SERVICE_USER:$SERVICE_USER" "$DATA_DIR"
}

write_system_files() {
  say "system files"
  place textback.service /etc/systemd/system/textback.service 0644
  place 50-textback-networkmanager.rules /etc/polkit-1/rules.d/50-textback-networkmanager.rules 0644
  place textback.avahi.service /etc/avahi/services/textback.service 0644
  place textback-captive.conf /etc/NetworkManager/dnsmasq-shared.d/textback-captive.conf 0644
  place textback-journald.conf /etc/systemd/journald.conf.d/textback.conf 0644
  local rules="$ROOT/etc/udev/rules.d/99-textback-modem.rules"
  mkdir -p "$(dirname "$rules")"
  if [ "$UART" -eq 1 ]; then
    sed 's/^#UART //' "$SYSTEM_FILES/99-textback-modem.rules" > "$rules.new"
  else
    cp "$SYSTEM_FILES/99-textback-modem.rules" "$rules.new"
  fi
  chmod 0644 "$rules.new"
  mv -f "$rules.new" "$rules"
  echo "wrote /etc/udev/rules.d/99-textback-modem.rules$([ "$UART" -eq 1 ] && echo ' (UART)')"
}

configure_system() {
  say "system settings"
  # ModemManager would open the modem's ports and answer its codes before we see them.
  system systemctl disable --now ModemManager.service || true
  system systemctl mask ModemManager.service
  system udevadm control --reload-rules
  system udevadm trigger --action=change --subsystem-match=tty
  if [ "$UART" -eq 1 ]; then
    system_if_present raspi-config nonint do_serial_cons 1   # no login console on the UART
    system_if_present raspi-config nonint do_serial_hw 0     # UART on
  fi
  system_if_present raspi-config nonint do_wifi_country "$COUNTRY"
  # textback.local: avahi announces the host name (hostnamectl does not touch /etc/hosts)
  system hostnamectl set-hostname "$HOST_NAME"
  system sed -i -E "s/^127\\.0\\.1\\.1[[:space:]].*/127.0.1.1\\t$HOST_NAME/" /etc/hosts
  system systemctl daemon-reload
  system systemctl enable NetworkManager.service avahi-daemon.service textback.service
  system systemctl reload-or-restart avahi-daemon.service
  system systemctl restart systemd-journald.service
  # --no-block: without a modem plugged in yet, the daemon retries by itself (Restart=always)
  system systemctl restart --no-block textback.service
}

main() {
  check_os
  install_packages
  create_user
  copy_app
  create_venv
  create_data_dir
  write_system_files
  configure_system
  say "done"
  if [ -z "$ROOT" ]; then
    echo "Open http://$HOST_NAME.local/ on the shop network. Set the admin password with:"
    echo "  sudo -u $SERVICE_USER env PYTHONPATH=$APP_DIR $APP_DIR/.venv/bin/python \\"
    echo "      -m appliance password --data $DATA_DIR"
    [ "$UART" -eq 0 ] || echo "Reboot once so the UART settings take effect."
  fi
}

main
