package filelog

import (
	"log/slog"

	"github.com/logbridge/logbridge/internal/stacktrace"
)

// stackSuffix ends the key of the attribute that follows an error value carrying a stack (a
// pkg/errors-style StackTrace method, a panic recovered by httplog): "error" is followed by
// "error.stacktrace", the whole stack in Go's traceback layout, its line breaks escaped so that
// the record stays one line.
const stackSuffix = ".stacktrace"

// appendStack appends err's stack, if it carries one, as the attribute key+stackSuffix.
func (s *state) appendStack(b []byte, key string, err error) []byte {
	if st := stacktrace.Format(stacktrace.FromError(err)); st != "" {
		b, _ = s.appendKind(b, slog.String(key+stackSuffix, st), slog.KindString)
	}
	return b
}
