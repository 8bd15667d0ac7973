// Package filelog is logbridge's file sink: a slog.Handler that writes each record as exactly one
// plain line — markup stripped, control characters escaped — and a rotating log [File] opened by
// path.
//
//	f, err := filelog.Open("/var/log/app/app.log", &filelog.RotateOptions{MaxSizeMB: 50, ReopenOnSIGHUP: true})
//	if err != nil {
//		return err // names the path and the cause
//	}
//	defer f.Close()
//	logger := slog.New(filelog.NewHandler(f, nil))
//
// # Text format
//
// The default format is the classic "time level name:lineno category: message" layout of a
// logging library's file handler, followed by the attributes:
//
//	2026-11-23T18:57:02.123Z WARNING server:42 http: slow request path=/api status=200 trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7
//
// A line is, in order, each field separated by one space:
//
//	line     = [time SP] level [SP name ":" lineno SP category ":"] SP message
//	           [SP "source=" value] *(SP key "=" value) [SP "trace_id=" 32HEX SP "span_id=" 16HEX] LF
//
// The fields:
//   - time is RFC 3339 with milliseconds, in UTC ("Z") unless Options.LocalTime asks for the
//     local zone and its offset. It is absent when the record has no time.
//   - level is DEBUG, INFO, WARNING, ERROR, CRITICAL, or slog's form for levels in between
//     ("INFO+2"); see vocab.LevelName.
//   - name:lineno and category: are there when the handler came from [Handler.WithLogger].
//     lineno is the line of the logging call, resolved from the record's PC (once per call site,
//     then cached, so it is shown without AddSource); 0 when the record has no PC. name and
//     category are written like values: bare, or quoted when they need it.
//   - message is the record's message with its markup stripped (see below). It is written bare
//     when that is unambiguous: it is not empty, has no leading or trailing space, contains no
//     '"', no '=', no control or other non-printable character and no space but ASCII space,
//     and its first word does not end in ":" and digits. Otherwise it is quoted, Go-style
//     (strconv.Quote). So a reader finds the attributes after a bare message at the first '"'
//     or '=' (a key starts after the last space before a '=', or at a '"').
//   - key=value pairs follow slog.TextHandler's rules: keys inside groups are dotted
//     ("req.method"), keys and string values are quoted (strconv.Quote) when they are empty or
//     contain a space, '=', '"', a control character, DEL, invalid UTF-8 or a non-printable
//     rune; numbers, booleans, durations and times as slog.TextHandler writes them. Attributes
//     from WithAttrs come before the record's own.
//   - trace_id and span_id, in lower-case hex, end the line when the context passed to Handle
//     carries a valid span context (trace.SpanContextFromContext).
//
// An error value that carries a stack (a StackTrace method of the github.com/pkg/errors
// shape, a panic recovered by package httplog) is followed by the attribute key+".stacktrace"
// ("err.stacktrace"), the whole stack in Go's traceback layout, quoted like any value, so its
// line breaks are escaped and the record stays one line.
//
// Quoting escapes every newline, carriage return and other control character (C0, DEL, C1),
// U+2028, U+2029 and invalid UTF-8 (as \x..), so a record is exactly one line and no log line
// can be forged by a message or a value (CWE-117); no ANSI escape byte reaches the file.
//
// # JSON format
//
// With Options.Format set to vocab.FormatJSON, each line is one JSON object, as slog.JSONHandler
// writes it: "time", "level", "logger", "log.category", "source" (with AddSource), "msg", the
// attributes (groups as nested objects), then "trace_id" and "span_id". Level names and the time
// are as in the text format, unless Options.LevelStyle names the key and names of a log
// platform (vocab.LevelStyleGCP: "severity"; vocab.LevelStyleECS: "log.level"). Durations are numbers of seconds (1.5 for 1500ms), the unit the
// OTLP sink and the semantic conventions use. Strings are escaped as encoding/json does, and DEL, C1 controls,
// U+2028, U+2029 and the bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E,
// U+2066-U+2069, which would reorder how a viewer shows the line) are escaped too; invalid UTF-8
// becomes U+FFFD (JSON strings are Unicode).
//
// # Markup
//
// Messages carry Rich markup ("[bold red]failed[/] after 3 tries"), which the console renders;
// the file gets the plain text ("failed after 3 tries"), exactly what Rich's
// Text.from_markup(s).plain gives. Brackets that are not markup ("[admin]", "list=[1, 2]")
// stay. Attribute values, logger names and categories are data: never interpreted as markup.
//
// # Values that misbehave
//
// Logging never panics: a panic in a LogValuer, Stringer, error, TextMarshaler, MarshalJSON or
// in ReplaceAttr is recovered and shown as the value ("!PANIC: ..."; "<nil>" for a nil
// pointer receiver), a failed marshaling as "!ERROR:...". Handle returns only the writer's error.
//
// # Files, rotation and logrotate
//
// [Open] creates missing parent directories (0750) and the file (0600 by default, never
// world-readable), appends, and fails at once, naming the path and the cause, when the path
// cannot be written. Each record is one write system call, so it has reached the operating
// system when Handle returns; Close (and Sync) fsync the file. Rotation by size, backups, an age
// limit and compression are done by gopkg.in/natefinch/lumberjack.v2; a record is never split
// across files. For an external logrotate, rename the file and send SIGHUP
// ([RotateOptions].ReopenOnSIGHUP or [File.ReopenOnSignal]), or call [File.Reopen]: new records
// go to a new file at the path. (Don't use logrotate's copytruncate: a file rotated by
// lumberjack is not opened in append mode.) Failed writes are returned by Handle and counted in
// [File.Stats].
//
// Limits inherited from lumberjack v2.2.1: compression and removal of old backups run in the
// background and their errors are not reported (lumberjack drops them); rotated files are
// named by the rotation time in milliseconds, so File keeps rotations at least a millisecond
// apart rather than let one backup overwrite another; only one process may write a given
// file.
//
// # Performance
//
// Handle formats into a pooled buffer without allocating for the usual kinds of values
// (strings, numbers, durations, times, errors, Stringers) and holds the writer's mutex only for
// the Write. Attributes from WithAttrs are formatted once. See bench_test.go for a comparison
// with slog.TextHandler and slog.JSONHandler.
package filelog
