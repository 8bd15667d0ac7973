#!/usr/bin/env bash
# Usage: install-deb.sh COMMAND PACKAGE [HINT]
# Installs Debian's PACKAGE when COMMAND is not on PATH; the one install rule the test tooling's
# scripts share (install-docker-compose.sh, install-prometheus.sh). Idempotent and quiet: with
# COMMAND already there it does nothing. HINT is added to the error when apt-get is missing.
# COMMAND "-" installs PACKAGE without that check, for a caller that made its own
# (install-python3-rich.sh).
set -euo pipefail

cmd=$1 pkg=$2 hint=${3:-}
name="install-$pkg"
if [ "$cmd" != - ] && command -v "$cmd" >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$name: $cmd is missing and apt-get is not available; install $pkg yourself${hint:+ ($hint)}" >&2
  exit 1
fi
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "$name: $cmd is missing; run as root (or install sudo) to apt-get install $pkg" >&2
    exit 1
  fi
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The package lists may be missing or stale on a fresh machine: update them first.
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "$pkg"; } >"$log" 2>&1; then
  echo "$name: apt-get install $pkg failed:" >&2
  cat "$log" >&2
  exit 1
fi
[ "$cmd" = - ] || command -v "$cmd" >/dev/null 2>&1 || { echo "$name: $cmd still not on PATH after installing $pkg" >&2; exit 1; }
