#!/usr/bin/env bash
# Installs Debian's prometheus package when no prometheus command is on PATH (see
# install-deb.sh). The deploy tests (deploy/stack_test.go) run a real Prometheus on 127.0.0.1
# with the stack's configuration and its remote-write receiver, and query it through its
# HTTP API; they start their own server, so the package's service is not needed.
set -euo pipefail
exec bash "$(dirname "$0")/install-deb.sh" prometheus prometheus "2.33 or later, or set LOGBRIDGE_PROMETHEUS to its binary"
