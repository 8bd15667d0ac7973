package console

import (
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/logbridge/logbridge/internal/textenc"
)

// DefaultTimeFormat is the time layout used when [Options].TimeFormat is empty: a short
// wall-clock time with milliseconds, in the record time's own location (time.Now is local).
const DefaultTimeFormat = "15:04:05.000"

// Options configure a [Handler]. A nil *Options, and every zero field, means the default.
type Options struct {
	// Level is the minimum level a record needs to be written. Nil means slog.LevelInfo.
	// When the handler runs behind the otellog fan-out, the fan-out has already routed the
	// record by category and level; this is only the console's own floor.
	Level slog.Leveler

	// AddSource shows the file:line of the logging call (its directory and file name).
	AddSource bool

	// ReplaceAttr rewrites or drops attributes before they are written, exactly as
	// slog.HandlerOptions.ReplaceAttr: it is called for the built-in time, level, source and
	// message attributes (with nil groups) and for every non-group attribute, and an Attr with
	// an empty key is dropped. A message replaced by a non-string value is shown as a value.
	ReplaceAttr func(groups []string, a slog.Attr) slog.Attr

	// Color says when escape sequences are written. The zero value is ColorAuto.
	Color ColorMode

	// Width is the column at which long lines wrap. 0 means the terminal's width when the
	// writer is a terminal and no wrapping otherwise (pipes and `docker logs` keep one line
	// per record); a positive value wraps at that width even when the writer is not a
	// terminal (the app passes <PREFIX>_LOG_WIDTH here); a negative value never wraps.
	Width int

	// NoHighlight turns off the Rich-style highlighting of numbers, quoted strings, URLs,
	// UUIDs, IP addresses and true/false/nil in the message. Markup is rendered either way.
	NoHighlight bool

	// TimeFormat is the layout (as for time.Time.Format) of the leading time column.
	// Empty means DefaultTimeFormat.
	TimeFormat string

	// Env is the environment that color decisions read (NO_COLOR, FORCE_COLOR,
	// CLICOLOR_FORCE, TERM, COLORTERM, ...), as "KEY=value" strings. Nil means os.Environ().
	// It lets tests and apps decide color without touching the process environment.
	Env []string
}

// ColorMode says when the handler writes color and style escape sequences.
type ColorMode uint8

// Color modes. In every mode, markup in messages is rendered or stripped, never shown raw.
const (
	// ColorAuto decides as Rich's Console does for the same environment: color for a
	// writer that is a terminal whose TERM is not "dumb" or "unknown", or whenever
	// FORCE_COLOR (any value but "") or CLICOLOR_FORCE (not "0") asks for it (CI logs,
	// screenshots); never when NO_COLOR is set (to anything but ""). The depth is Rich's:
	// COLORTERM=truecolor or 24bit gives 24-bit color, a TERM ending in -256color or -kitty
	// 256 colors, any other TERM 16 colors.
	ColorAuto ColorMode = iota
	// ColorAlways writes color whatever the writer and NO_COLOR say (an explicit choice, such
	// as a --color=always flag, overrides NO_COLOR as no-color.org asks), at the depth
	// COLORTERM and TERM give as for ColorAuto, 16 colors under TERM=dumb.
	ColorAlways
	// ColorNever writes no escape sequence at all.
	ColorNever
)

// String returns "auto", "always" or "never".
func (m ColorMode) String() string {
	switch m {
	case ColorAlways:
		return "always"
	case ColorNever:
		return "never"
	case ColorAuto:
		return "auto"
	}
	return "ColorMode(" + itoa(int(m)) + ")"
}

// ParseColorMode parses a color mode as a user writes it in an env var or a config file:
// "auto" (or ""), "always" (also "on", "true", "yes", "force") or "never" (also "off",
// "false", "no", "none"), case-insensitively.
func ParseColorMode(s string) (ColorMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return ColorAuto, nil
	case "always", "on", "true", "yes", "force", "1":
		return ColorAlways, nil
	case "never", "off", "false", "no", "none", "0":
		return ColorNever, nil
	}
	return ColorAuto, errors.New("console: unknown color mode " + quoteForError(s) + " (want auto, always or never)")
}

// MarshalText implements encoding.TextMarshaler.
func (m ColorMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseColorMode].
func (m *ColorMode) UnmarshalText(b []byte) error {
	v, err := ParseColorMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

func itoa(n int) string {
	var b [20]byte
	return string(strconv.AppendInt(b[:0], int64(n), 10))
}

func quoteForError(s string) string {
	return string(textenc.AppendQuoted(nil, s))
}
