package console

import (
	"log/slog"
	"strings"

	"github.com/logbridge/logbridge/internal/markup"
	"github.com/logbridge/logbridge/vocab"
)

// The handler's own styles. They use only the 16 standard colors and SGR attributes, which
// every color profile shows the same way, so they are constants; the profile matters only
// for colors written in the message's markup.
const (
	sgrReset     = "\x1b[0m"
	sgrLinkClose = "\x1b]8;;\x1b\\"

	sgrTime     = "\x1b[2;36m" // dim cyan, Rich's log.time
	sgrDebug    = "\x1b[2;34m" // dim blue
	sgrInfo     = "\x1b[32m"   // green
	sgrWarn     = "\x1b[33m"   // yellow
	sgrError    = "\x1b[31m"   // red
	sgrCritical = "\x1b[1;7;31m"
	sgrCategory = "\x1b[35m" // magenta
	sgrName     = "\x1b[94m" // bright blue
	sgrKey      = "\x1b[2m"  // dim: "key="
	sgrDim      = "\x1b[2m"  // trace id, source, tree lines

	// Attribute values by kind.
	sgrString   = "\x1b[32m"   // green, Rich's repr.str
	sgrNumber   = "\x1b[36m"   // cyan, Rich's repr.number without bold
	sgrTrue     = "\x1b[3;92m" // italic bright green, Rich's repr.bool_true
	sgrFalse    = "\x1b[3;91m" // italic bright red, Rich's repr.bool_false
	sgrNil      = "\x1b[3;35m" // italic magenta, Rich's repr.none
	sgrDuration = "\x1b[95m"   // bright magenta
	sgrTimeVal  = "\x1b[34m"   // blue
	sgrErr      = "\x1b[31m"   // red
	sgrAny      = ""           // other values: the terminal's default

	// Message highlighting, after Rich's ReprHighlighter and default theme.
	hlNumber = "\x1b[1;36m" // bold cyan
	hlString = "\x1b[32m"   // green
	hlURL    = "\x1b[4;94m" // underline bright blue
	hlUUID   = "\x1b[93m"   // bright yellow
	hlIP     = "\x1b[1;92m" // bold bright green
	hlTrue   = "\x1b[3;92m"
	hlFalse  = "\x1b[3;91m"
	hlNone   = "\x1b[3;35m"
)

// levelWidth is the width of the level column: the longest name, "CRITICAL".
const levelWidth = 8

// levelSGR returns the style of level l: that of the nearest named level at or below it.
func levelSGR(l slog.Level) string {
	switch {
	case l >= vocab.LevelCritical:
		return sgrCritical
	case l >= slog.LevelError:
		return sgrError
	case l >= slog.LevelWarn:
		return sgrWarn
	case l >= slog.LevelInfo:
		return sgrInfo
	}
	return sgrDebug
}

// levelColumns holds the pre-rendered level column (name, padding, trailing space) of the
// five named levels, colored and plain.
var levelColumns = func() (m [2][5]string) {
	for i, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError, vocab.LevelCritical} {
		name := vocab.LevelName(l)
		pad := ""
		for n := len(name); n < levelWidth; n++ {
			pad += " "
		}
		m[0][i] = name + pad + " "
		m[1][i] = levelSGR(l) + name + sgrReset + pad + " "
	}
	return m
}()

// appendLevel appends the level column for l.
func appendLevel(b []byte, l slog.Level, color bool) []byte {
	c := 0
	if color {
		c = 1
	}
	switch l {
	case slog.LevelDebug:
		return append(b, levelColumns[c][0]...)
	case slog.LevelInfo:
		return append(b, levelColumns[c][1]...)
	case slog.LevelWarn:
		return append(b, levelColumns[c][2]...)
	case slog.LevelError:
		return append(b, levelColumns[c][3]...)
	case vocab.LevelCritical:
		return append(b, levelColumns[c][4]...)
	}
	// Other levels keep the column's width: "CRITICAL+4" is written "CRIT+4", and a longer
	// name loses its end behind "…".
	name := vocab.LevelName(l)
	if color {
		b = append(b, levelSGR(l)...)
	}
	start := len(b)
	if len(name) > levelWidth && strings.HasPrefix(name, "CRITICAL") {
		b = append(append(b, "CRIT"...), name[len("CRITICAL"):]...)
	} else {
		b = append(b, name...)
	}
	b = clipColumns(b, start, levelWidth)
	w := displayWidth(b[start:])
	if color {
		b = append(b, sgrReset...)
	}
	return appendSpaces(b, levelWidth-w+1)
}

// appendStyled appends s in style sgr (nothing when color is off or sgr is empty).
func appendStyled(b []byte, sgr, s string, color bool) []byte {
	if !color || sgr == "" {
		return append(b, s...)
	}
	b = append(b, sgr...)
	b = append(b, s...)
	return append(b, sgrReset...)
}

// appendMarkupSGR appends the escape sequences for a markup style.
func appendMarkupSGR(b []byte, st markup.Style, p markup.Profile) []byte {
	return markup.AppendSGR(b, st, p)
}

// appendMarkupReset appends what ends a markup style: the end of its hyperlink if it has
// one, and an SGR reset.
func appendMarkupReset(b []byte, st markup.Style, p markup.Profile) []byte {
	return markup.AppendReset(b, st, p)
}
