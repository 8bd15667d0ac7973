package filelog

import (
	"log/slog"

	"github.com/logbridge/logbridge/vocab"
)

// levelKey returns the JSON key of the level in style st.
func levelKey(st vocab.LevelStyle) string {
	switch st {
	case vocab.LevelStyleGCP:
		return "severity"
	case vocab.LevelStyleECS:
		return vocab.AttrLevel
	}
	return slog.LevelKey
}

// appendLevel appends l's name in style st, unquoted (every name is plain ASCII).
func appendLevel(b []byte, st vocab.LevelStyle, l slog.Level) []byte {
	switch st {
	case vocab.LevelStyleGCP:
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
	case vocab.LevelStyleECS:
		return append(b, vocab.LevelKey(l)...)
	}
	return append(b, vocab.LevelName(l)...)
}
