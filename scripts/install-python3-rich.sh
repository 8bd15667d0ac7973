#!/usr/bin/env bash
# Installs Debian's python3-rich package (see install-deb.sh) when no Python 3 on this machine
# can import Rich. The console tests compare logbridge's layout and color decisions with Rich's
# own (they skip, saying so, without it). Idempotent and quiet: with Rich already importable it
# does nothing.
set -euo pipefail

for py in /usr/bin/python3 python3; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import rich.logging' >/dev/null 2>&1; then
    exit 0
  fi
done
bash "$(dirname "$0")/install-deb.sh" - python3-rich "pip install rich"
/usr/bin/python3 -c 'import rich.logging' || { echo "install-python3-rich: Rich still not importable after install" >&2; exit 1; }
