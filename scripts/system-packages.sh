#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the browser tests, shellcheck for the install
# script's lint test, Mosquitto (the MQTT broker) for the MQTT tests and benchmark, systemd for
# `systemd-analyze verify` of the unit (a Debian container has no systemd). Installs only what
# is missing; needs root (or sudo).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  apt=(apt-get)
elif command -v sudo >/dev/null 2>&1; then
  apt=(sudo apt-get)
else
  echo "Please install: ${missing[*]} (apt-get install ${missing[*]})" >&2
  exit 1
fi
"${apt[@]}" update -qq
DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "${missing[@]}" >/dev/null
