package console

import (
	"strconv"

	"github.com/logbridge/logbridge/internal/stacktrace"
	"github.com/logbridge/logbridge/internal/textenc"
)

// maxStackFrames is how many frames of an error's stack the console shows.
const maxStackFrames = 8

// appendStack appends, dimmed and indented under the message, the frames of err's stack (see
// internal/stacktrace) that matter to a person: one "at function (dir/file.go:42)" line each,
// then "… n more" for the frames left out. The whole stack goes to the file and OTLP.
func (s *state) appendStack(b []byte, err error) []byte {
	frames, omitted := stacktrace.Relevant(stacktrace.Frames(stacktrace.FromError(err)), maxStackFrames)
	for _, f := range frames {
		b = s.stackLine(b)
		b = append(b, "at "...)
		b = textenc.AppendSafe(b, f.Function)
		b = append(b, " ("...)
		b = textenc.AppendShortSource(b, f.File, f.Line) // compiled-in paths: nothing to escape
		b = append(b, ')')
		b = s.endStackLine(b)
	}
	if omitted > 0 && len(frames) > 0 {
		b = s.stackLine(b)
		b = append(b, "… "...)
		b = strconv.AppendInt(b, int64(omitted), 10)
		b = append(b, " more"...)
		b = s.endStackLine(b)
	}
	return b
}

func (s *state) stackLine(b []byte) []byte {
	b = append(b, '\n')
	b = appendSpaces(b, s.indent)
	if s.h.color {
		b = append(b, sgrDim...)
	}
	return b
}

func (s *state) endStackLine(b []byte) []byte {
	if s.h.color {
		b = append(b, sgrReset...)
	}
	return b
}
