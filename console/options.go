package console

import (
	"log/slog"
	"strconv"

	"github.com/logbridge/logbridge/vocab"
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
	// A panic in it is shown as the attribute's value ("!PANIC: ..."), as the file sink does.
	ReplaceAttr func(groups []string, a slog.Attr) slog.Attr

	// Color says when escape sequences are written. The zero value is vocab.ColorAuto.
	Color vocab.ColorMode

	// Width is the column at which long lines wrap. 0 means the terminal's width when the
	// writer is a terminal and no wrapping otherwise (pipes and `docker logs` keep one line
	// per record); a positive value wraps at that width even when the writer is not a
	// terminal (the app passes <PREFIX>_LOG_WIDTH here); a negative value never wraps. Widths
	// above vocab.MaxWidth count as vocab.MaxWidth.
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

func itoa(n int) string {
	var b [20]byte
	return string(strconv.AppendInt(b[:0], int64(n), 10))
}
