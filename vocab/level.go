package vocab

import (
	"fmt"
	"log/slog"
	"strconv"
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
// critical (also fatal), or slog's offset form such as "info+2" or "debug-4".
func ParseLevel(s string) (slog.Level, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	name, offset := t, 0
	if i := strings.IndexAny(t, "+-"); i > 0 {
		n, err := strconv.Atoi(t[i:])
		if err != nil {
			return 0, fmt.Errorf("bad level offset in %s (want e.g. info+2)", Quote(s))
		}
		name, offset = t[:i], n
	}
	var l slog.Level
	switch name {
	case "debug":
		l = slog.LevelDebug
	case "info":
		l = slog.LevelInfo
	case "warn", "warning":
		l = slog.LevelWarn
	case "error":
		l = slog.LevelError
	case "critical", "fatal":
		l = LevelCritical
	case "":
		return 0, fmt.Errorf("missing level (want debug, info, warn, error or critical)")
	default:
		return 0, fmt.Errorf("unknown level %s (want debug, info, warn, error or critical)", Quote(s))
	}
	return l + slog.Level(offset), nil
}
