package config

import (
	"fmt"
	"log/slog"
	"strings"
)

// LevelCritical is the level above slog.LevelError, as Python logging's CRITICAL.
const LevelCritical = slog.Level(12)

// LevelName returns the upper-case name a person reads for l: DEBUG, INFO, WARNING, ERROR,
// CRITICAL, or slog's own form ("INFO+2") for levels between those.
func LevelName(l slog.Level) string {
	switch l {
	case slog.LevelDebug:
		return "DEBUG"
	case slog.LevelInfo:
		return "INFO"
	case slog.LevelWarn:
		return "WARNING"
	case slog.LevelError:
		return "ERROR"
	case LevelCritical:
		return "CRITICAL"
	}
	if l > LevelCritical {
		return fmt.Sprintf("CRITICAL+%d", int(l-LevelCritical))
	}
	return l.String()
}

// LevelKey returns the lower-case token that names l in a level spec and in the log.level
// attribute: debug, info, warn, error, critical (or slog's form for levels in between).
func LevelKey(l slog.Level) string {
	switch l {
	case slog.LevelDebug:
		return "debug"
	case slog.LevelInfo:
		return "info"
	case slog.LevelWarn:
		return "warn"
	case slog.LevelError:
		return "error"
	case LevelCritical:
		return "critical"
	}
	return strings.ToLower(LevelName(l))
}

// ParseLevel parses a level name, case-insensitively: debug, info, warn, warning, error,
// critical (also fatal), or a number as slog writes levels (-4, 0, 4, 8, 12).
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	case "critical", "fatal":
		return LevelCritical, nil
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.TrimSpace(s))); err == nil && strings.ContainsAny(s, "0123456789") {
		return l, nil
	}
	return 0, fmt.Errorf("unknown level %q (want debug, info, warn, error or critical)", s)
}
