#!/usr/bin/env bash
# Installs Debian's docker-compose package (the Python v1 tool) when no docker-compose command
# is on PATH. `make validate-deploy` uses it to check docker-compose.yaml with
# `docker-compose config -q`, which needs no Docker engine. Idempotent and quiet: with
# docker-compose already installed it does nothing.
set -euo pipefail

if command -v docker-compose >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-docker-compose: docker-compose is missing and apt-get is not available; install docker-compose (v1 or v2) yourself" >&2
  exit 1
fi
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-docker-compose: docker-compose is missing; run as root (or install sudo) to apt-get install it" >&2
    exit 1
  fi
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The package lists may be missing or stale on a fresh machine: update them first.
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends docker-compose; } >"$log" 2>&1; then
  echo "install-docker-compose: apt-get install docker-compose failed:" >&2
  cat "$log" >&2
  exit 1
fi
command -v docker-compose >/dev/null 2>&1 || { echo "install-docker-compose: docker-compose still not on PATH after install" >&2; exit 1; }
