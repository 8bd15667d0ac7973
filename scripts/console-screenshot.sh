#!/usr/bin/env bash
# console-screenshot.sh renders real console output of a program (the quickstart by default)
# to a PNG: the picture in the README (docs/console.png). Anyone can re-run it:
#
#   scripts/console-screenshot.sh [out.png]
#
# It runs the program with color forced (its stderr is a file, not a terminal) at a fixed
# width, keeps the ANSI output it really wrote, and renders that with charmbracelet/freeze
# (fetched from the Go module proxy by `go run`), then halves its size with scripts/halfpng.
# It needs only Go and the Go module proxy.
#
# Environment:
#   PROGRAM  the Go program to run (default ./examples/quickstart)
#   PREFIX   its env var prefix (default DEMO): sets <PREFIX>_LOG_WIDTH and <PREFIX>_LOGGING
#   COLUMNS_ the console width in columns (default 110)
#   LEVELS   the <PREFIX>_LOGGING spec (default core=debug,server=debug)
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-docs/console.png}
program=${PROGRAM:-./examples/quickstart}
prefix=${PREFIX:-DEMO}
cols=${COLUMNS_:-110}
levels=${LEVELS:-core=debug,server=debug}
freeze=github.com/charmbracelet/freeze@v0.2.2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Real output. FORCE_COLOR=3 and COLORTERM=truecolor: color at full depth although stderr
#    is not a terminal; no OTLP export (no collector is needed for a picture).
env -u NO_COLOR FORCE_COLOR=3 COLORTERM=truecolor TERM=xterm-256color \
	"${prefix}_LOG_WIDTH=$cols" "${prefix}_LOGGING=$levels" OTEL_SDK_DISABLED=true \
	go run "$program" 2>"$tmp/console.ansi" >/dev/null
if ! grep -q $'\x1b\\[' "$tmp/console.ansi"; then
	echo "console-screenshot: $program wrote no color:" >&2
	cat "$tmp/console.ansi" >&2
	exit 1
fi

# 2. Render the ANSI text as a terminal window.
go run "$freeze" "$tmp/console.ansi" --language ansi --output "$tmp/console.png" \
	--window --padding 24,28 --margin 0 --font.size 14 --line-height 1.3 --border.radius 8 >/dev/null

# 3. freeze draws at 4x; half of that is sharp on any screen and a quarter of the bytes.
mkdir -p "$(dirname "$out")"
go run ./scripts/halfpng "$tmp/console.png" "$out"
echo "wrote $out"
