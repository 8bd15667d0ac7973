#!/usr/bin/env bash
# Installs Debian's python3-rich package when no Python 3 on this machine can import Rich. The
# console tests compare logbridge's layout and color decisions with Rich's own (they skip,
# saying so, without it). Idempotent and quiet: with Rich already importable it does nothing.
set -euo pipefail

for py in /usr/bin/python3 python3; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import rich.logging' >/dev/null 2>&1; then
    exit 0
  fi
done
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-python3-rich: Rich is missing and apt-get is not available; install it yourself (pip install rich)" >&2
  exit 1
fi
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-python3-rich: Rich is missing; run as root (or install sudo) to apt-get install python3-rich" >&2
    exit 1
  fi
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The package lists may be missing or stale on a fresh machine: update them first.
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends python3-rich; } >"$log" 2>&1; then
  echo "install-python3-rich: apt-get install python3-rich failed:" >&2
  cat "$log" >&2
  exit 1
fi
/usr/bin/python3 -c 'import rich.logging' || { echo "install-python3-rich: Rich still not importable after install" >&2; exit 1; }
