#!/usr/bin/env bash
# console-screenshot.sh renders real console output of a program (the quickstart by default)
# to a PNG: the picture in the README (docs/console.png). Anyone can re-run it:
#
#   scripts/console-screenshot.sh [out.png]
#
# It runs the program with color forced (its stderr is a file, not a terminal) at a fixed
# width, keeps the ANSI output it really wrote, and renders that with charmbracelet/freeze
# (fetched from the Go module proxy by `go run`), then halves its size with scripts/halfpng.
# freeze turns its SVG into a PNG with rsvg-convert (Debian's librsvg2-bin, installed here
# when missing): its built-in converter crashes under Go 1.26. The font is DejaVu Sans Mono
# (fonts-dejavu-core, there with librsvg2-bin), so that the columns line up.
#
# Environment:
#   PROGRAM  the Go program to run (default ./examples/quickstart)
#   PREFIX   its env var prefix (default DEMO): sets <PREFIX>_LOG_WIDTH and <PREFIX>_LOGGING
#   COLUMNS_ the console width in columns (default 100)
#   LEVELS   the <PREFIX>_LOGGING spec (default: unset, what a default run prints)
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-docs/console.png}
program=${PROGRAM:-./examples/quickstart}
prefix=${PREFIX:-DEMO}
cols=${COLUMNS_:-100}
levels=${LEVELS:-}
freeze=github.com/charmbracelet/freeze@v0.2.2

if ! command -v rsvg-convert >/dev/null 2>&1; then
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends librsvg2-bin; } >/dev/null ||
		{ echo "console-screenshot: rsvg-convert is missing: install librsvg2-bin" >&2; exit 1; }
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Real output. FORCE_COLOR and COLORTERM=truecolor: color at full depth although stderr
#    is not a terminal (as Rich decides it); no OTLP export (no collector is needed for a
#    picture). The levels are the program's defaults unless LEVELS is given.
level_env=(-u "${prefix}_LOGGING")
if [ -n "$levels" ]; then
	level_env=("${prefix}_LOGGING=$levels")
fi
env -u NO_COLOR "${level_env[@]}" FORCE_COLOR=1 COLORTERM=truecolor TERM=xterm-256color \
	"${prefix}_LOG_WIDTH=$cols" OTEL_SDK_DISABLED=true \
	go run "$program" 2>"$tmp/console.ansi" >/dev/null
if ! grep -q $'\x1b\\[' "$tmp/console.ansi"; then
	echo "console-screenshot: $program wrote no color:" >&2
	cat "$tmp/console.ansi" >&2
	exit 1
fi

# 2. Render the ANSI text as a terminal window.
go run "$freeze" "$tmp/console.ansi" --language ansi --output "$tmp/console.png" \
	--window --padding 24,28 --margin 0 --font.family "DejaVu Sans Mono" --font.size 14 --line-height 1.3 --border.radius 8 >/dev/null

# 3. freeze draws at 4x; half of that is sharp on any screen and a quarter of the bytes.
mkdir -p "$(dirname "$out")"
go run ./scripts/halfpng "$tmp/console.png" "$out"
echo "wrote $out"
