#!/usr/bin/env bash
# Installs Debian's docker-compose package (the Python v1 tool) when no docker-compose command
# is on PATH (see install-deb.sh). `make validate-deploy` uses it to check docker-compose.yaml
# with `docker-compose config -q`, which needs no Docker engine.
set -euo pipefail
exec bash "$(dirname "$0")/install-deb.sh" docker-compose docker-compose "v1 or v2"
