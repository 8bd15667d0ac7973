package filelog

import (
	"log/slog"

	"github.com/logbridge/logbridge/vocab"
)

// LevelStyle names the key and the values a JSON line gives the level, for the log platform
// that reads the lines. Its values are the same strings as config.LevelStyleSlog and the
// others, so a configured style converts directly.
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

// levelKey returns the JSON key of the level in style.
func (st LevelStyle) levelKey() string {
	switch st {
	case LevelStyleGCP:
		return "severity"
	case LevelStyleECS:
		return vocab.AttrLevel
	}
	return slog.LevelKey
}

// appendLevel appends l's name in style, unquoted (every name is plain ASCII).
func (st LevelStyle) appendLevel(b []byte, l slog.Level) []byte {
	switch st {
	case LevelStyleGCP:
		switch {
		case l < slog.LevelInfo:
			return append(b, "DEBUG"...)
		case l < slog.LevelWarn:
			return append(b, "INFO"...)
		case l < slog.LevelError:
			return append(b, "WARNING"...)
		case l < vocab.LevelCritical:
			return append(b, "ERROR"...)
		}
		return append(b, "CRITICAL"...)
	case LevelStyleECS:
		return append(b, vocab.LevelKey(l)...)
	}
	return append(b, vocab.LevelName(l)...)
}
