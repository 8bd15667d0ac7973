package vocab

import (
	"errors"
	"strconv"
	"strings"
)

// MaxWidth is the widest console, in columns, a width setting may ask for: past any real
// terminal, and a bound on what a line is padded to (the right-hand column is aligned to the
// width). The console takes a wider Options.Width, or terminal, as MaxWidth; the
// configuration refuses one, with a warning naming the variable.
const MaxWidth = 4096

// ColorMode says when the console writes color and style escape sequences.
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
	return "ColorMode(" + strconv.Itoa(int(m)) + ")"
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
	return ColorAuto, errors.New("unknown color mode " + Quote(s) + " (want auto, always or never)")
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

// Format is the layout of the lines a sink writes: the file sink's format, and the console's
// when it writes JSON for containers.
type Format string

// The line formats.
const (
	// FormatText is the default: the console's colored layout for people, or the file sink's
	// "time LEVEL name:line category: message key=value ..." lines.
	FormatText Format = "text"
	// FormatJSON writes one JSON object per line, like slog.JSONHandler.
	FormatJSON Format = "json"
)

// ParseFormat parses a format as a user writes it in an env var or a config file: "text" (or
// "") or "json", case-insensitively.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "text":
		return FormatText, nil
	case "json":
		return FormatJSON, nil
	}
	return FormatText, errors.New("unknown format " + Quote(s) + " (want text or json)")
}

// LevelStyle names the key and the values a JSON line gives the level, for the log platform
// that reads the lines (the file sink's JSON and the console's JSON for containers).
type LevelStyle string

// The level styles of JSON lines.
const (
	// LevelStyleSlog is the default: "level" with DEBUG, INFO, WARNING, ERROR, CRITICAL.
	LevelStyleSlog LevelStyle = "slog"
	// LevelStyleGCP is Google Cloud Logging's: "severity" with its LogSeverity names DEBUG,
	// INFO, WARNING, ERROR, CRITICAL (a level between two named ones takes the lower name).
	LevelStyleGCP LevelStyle = "gcp"
	// LevelStyleECS is Elastic Common Schema's: "log.level" with debug, info, warn, error,
	// critical.
	LevelStyleECS LevelStyle = "ecs"
)

// ParseLevelStyle parses a level style as a user writes it in an env var or a config file:
// "slog" (or ""), "gcp" or "ecs", case-insensitively.
func ParseLevelStyle(s string) (LevelStyle, error) {
	switch st := LevelStyle(strings.ToLower(strings.TrimSpace(s))); st {
	case "", LevelStyleSlog:
		return LevelStyleSlog, nil
	case LevelStyleGCP, LevelStyleECS:
		return st, nil
	}
	return LevelStyleSlog, errors.New("unknown level style " + Quote(s) + " (want slog, gcp or ecs)")
}
