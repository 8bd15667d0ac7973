package filelog

import (
	"log/slog"

	"github.com/logbridge/logbridge/internal/textenc"
)

// newSource returns pc's position as a *slog.Source (empty for 0), for ReplaceAttr.
func newSource(pc uintptr) *slog.Source {
	e := textenc.SourceOf(pc)
	return &slog.Source{Function: e.Function, File: e.File, Line: e.Line}
}
