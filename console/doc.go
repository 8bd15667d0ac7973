// Package console is a slog.Handler for the person at the terminal: a rich, colored,
// width-aware rendering of each record, in the spirit of Rich's RichHandler.
//
//	12:04:05.123 INFO     connected to primary in 3ms host=db-1      core myapp.db
//
// The handler is usable on its own ([NewHandler] returns a normal slog.Handler); the otellog
// fan-out uses it as the console sink, writing to stderr.
//
// # Layout
//
// A record is laid out in columns, as Rich's log table lays it out:
//
//   - the time, dim (Options.TimeFormat, default "15:04:05.000", in the record's location;
//     a blank column when the record has none);
//   - the level, 8 columns wide and colored: DEBUG dim blue, INFO green, WARNING yellow,
//     ERROR red, CRITICAL bold reverse red (levels in between, such as INFO+2, take the
//     color of the level below them; CRITICAL+4 is written CRIT+4);
//   - the message, at the same column in every record, its Rich markup rendered
//     ("[bold red]failed[/]"), Rich's emoji codes replaced (":rocket:"), and the rest
//     highlighted as Rich's ReprHighlighter does (numbers, "quoted strings", URLs, UUIDs,
//     IP addresses, true/false/None/nil);
//   - after it, the attributes as key=value: keys dim, values colored by kind (strings
//     green, numbers cyan, booleans italic green/red, durations magenta, times blue, errors
//     red, nil italic magenta), groups as dotted keys (req.method=GET), values quoted as
//     slog.TextHandler quotes them (when they hold spaces, '=', '"' or anything not
//     printable), and the short trace id, trace=4bf92f35 (the first 8 hex digits), when the
//     context passed to the logging call carries a valid span;
//   - on the right, beside the first line, the category and logger name set by
//     [Handler.WithLogger] and the source location dir/file.go:line when Options.AddSource
//     is set, where Rich shows its source path. A long name loses its start behind "…".
//
// Then, for each error value that wraps or joins other errors, its chain as a tree under
// the message, labelled with the attribute's key, each node showing what it adds to its
// cause:
//
//	12:04:05.123 ERROR    query failed err="query users: dial tcp: EOF"
//	                      err: query users
//	                           └─ dial tcp
//	                              └─ EOF
//
// An error that carries a stack (a StackTrace method of the github.com/pkg/errors shape, a
// panic recovered by package httplog) is followed by its frames that matter, dimmed: the
// standard library's and logbridge's own are left out, and at most 8 are shown, then how many
// were not ("at main.handler (app/main.go:42)", "… 5 more").
//
// # Width
//
// When a width is in force (Options.Width, or the terminal's own when the writer is one),
// lines longer than it wrap at their last space, and continuation lines start at the
// message column. A word is split only when it alone is wider than the column. Width
// counts display columns: East Asian wide characters take two. Narrow widths degrade as
// Rich's table does, never to a sliver: the right-hand text moves after the body when it
// has no room beside the first line, and below 24 columns for the message (a 45-column
// terminal with the default time) the message goes on lines of its own, indented by two,
// under a head line with the time, the level and the right-hand text. The rules are in
// layout.go; tests compare them with Rich's RichHandler itself. When the writer is not a
// terminal and no width is given, lines never wrap, so pipes and `docker logs` keep one
// line per record, the right-hand text after the body.
//
// # Newlines in messages
//
// A newline in a message starts a continuation line at the message column (at least two
// spaces in), as Rich prints it: a record's first line always starts at column 0 and
// every other line is indented, so a message can never pass for a separate record.
// Trailing newlines are dropped. Newlines in attribute values and error texts are shown
// escaped (\n); attribute values are data and are never interpreted as markup.
//
// # Color
//
// Color is decided once, in NewHandler, from the writer, [Options].Color and the
// environment ([Options].Env, or the process's), as Rich's Console decides its color system
// for the same environment: see vocab.ColorMode for the rules (NO_COLOR, FORCE_COLOR,
// CLICOLOR_FORCE, TERM=dumb, and the depth from COLORTERM and TERM). A test asks Rich itself,
// environment by environment. With color off, markup is stripped, never shown.
//
// # Security
//
// Text from messages, keys, values, error texts and logger names can never control the
// terminal: control characters (ESC and so every CSI/OSC sequence, BEL, backspace, CR, ...),
// DEL, C1 controls, bidirectional overrides, line separators and invalid UTF-8 are shown
// escaped (\x1b, \r, \u202e, \xff), so a logged string cannot move the cursor, rewrite the
// screen, set the title or a hyperlink, or forge a line. The only escape sequences written
// are the handler's own styles and the hyperlinks of link=URL markup in messages, whose
// targets the markup package sanitizes.
//
// # Performance
//
// Handle formats into a pooled buffer without fmt or per-call allocations for the usual
// values, with attributes from WithAttrs formatted once, and holds the writer's lock (one
// per writer, shared by all clones) only for the Write.
package console
