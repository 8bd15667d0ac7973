package console

import (
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"sync"

	"github.com/clipperhouse/displaywidth"
	"go.opentelemetry.io/otel/trace"

	"github.com/logbridge/logbridge/internal/handoff"
	"github.com/logbridge/logbridge/internal/markup"
	"github.com/logbridge/logbridge/internal/resolve"
	"github.com/logbridge/logbridge/internal/textenc"
	"github.com/logbridge/logbridge/vocab"
)

// minIndent is the smallest indentation of continuation lines, so that they can never be
// taken for the start of a record even when the message goes on a line of its own.
const minIndent = 2

// Handler is a slog.Handler that writes records for a person at a terminal: time, level,
// category and logger name, the message with its markup rendered and highlighted, then the
// attributes, trace id and source, colored when color is on and wrapped to the terminal's
// width. Create one with [NewHandler]; the zero value is not usable.
type Handler struct {
	opts    Options
	level   slog.Leveler
	mu      *sync.Mutex // one per writer, shared by all clones; nil when w serializes its writes
	w       io.Writer
	profile markup.Profile
	color   bool
	width   int        // fixed wrap width; 0 none
	tw      *termWidth // the terminal's width, when Width is 0 and w is a terminal
	cache   *msgCache  // rendered messages, shared by all clones

	defaultTime bool // TimeFormat is DefaultTimeFormat: hand-formatted

	timeWidth int // display width of the time column, its trailing space excluded

	// The category and logger name shown in the right-hand column (see layout.go), escaped,
	// and their display widths.
	category, name           string
	categoryWidth, nameWidth int
	// loggerText is "category name" styled, in loggerWidth columns: the right-hand text of
	// most records, rendered once here instead of in four appends per record (~2% of Handle
	// on slog's 5-attribute record).
	loggerText  string
	loggerWidth int
	logColWidth int // the same width as layout counts it (see logColWidth)

	attrs       []byte     // pre-rendered WithAttrs attributes, each with a leading space
	attrErrs    []keyedErr // errors among them that have causes to show
	groupPrefix string     // "a.b." for the open groups
	groupQuote  bool       // a group name needs quoting
	groups      []string   // open groups, for ReplaceAttr
}

var _ slog.Handler = (*Handler)(nil)

// NewHandler returns a Handler writing to w. opts nil means the defaults. Color, the color
// depth and the terminal's width are decided here, once, from w, opts.Color and opts.Env
// (see [vocab.ColorMode]); the width of a terminal is then followed as it is resized.
func NewHandler(w io.Writer, opts *Options) *Handler {
	h := &Handler{w: w}
	if !handoff.Serializes(w) {
		h.mu = new(sync.Mutex)
	}
	if opts != nil {
		h.opts = *opts
	}
	h.opts.Env = nil // read once below; not kept
	h.level = h.opts.Level
	if h.level == nil {
		h.level = slog.LevelInfo
	}
	if h.opts.TimeFormat == "" {
		h.opts.TimeFormat = DefaultTimeFormat
	}
	h.defaultTime = h.opts.TimeFormat == DefaultTimeFormat
	h.timeWidth = timeColumnWidth(h.opts.TimeFormat)
	var env []string
	if opts != nil {
		env = opts.Env
	}
	h.profile = detectColor(w, h.opts.Color, environ(env))
	h.color = h.profile != markup.NoColor
	h.cache = newMsgCache()
	switch {
	case h.opts.Width > 0:
		h.width = min(h.opts.Width, vocab.MaxWidth) // an absurd width must not pad lines to it
	case h.opts.Width == 0:
		if fd, ok := terminalFd(w); ok {
			h.tw = newTermWidth(fd)
		}
	}
	return h
}

func (h *Handler) clone() *Handler {
	h2 := *h
	return &h2
}

// Enabled reports whether records at level l are written: l is at least Options.Level.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

// WithLogger returns a handler that shows name and category (either may be empty) in the
// right-hand column, as the otellog fan-out asks for each logger it hands out.
func (h *Handler) WithLogger(name, category string) slog.Handler {
	h2 := h.clone()
	h2.category = string(textenc.AppendSafe(nil, category))
	h2.name = string(textenc.AppendSafe(nil, name))
	h2.categoryWidth = placedWidth(h2.category)
	h2.nameWidth = placedWidth(h2.name)
	h2.loggerWidth = h2.categoryWidth + h2.nameWidth
	if h2.category != "" && h2.name != "" {
		h2.loggerWidth++
	}
	h2.loggerText = string(h2.appendLoggerText(nil, h2.loggerWidth, ' '))
	h2.logColWidth = logColWidth(h2.categoryWidth, h2.nameWidth)
	return h2
}

// wrapStyle puts the text b[start:] in style sgr.
func wrapStyle(b []byte, start int, sgr string, color bool) []byte {
	if !color {
		return b
	}
	n := len(b) - start
	b = append(b, sgr...)
	copy(b[start+len(sgr):], b[start:start+n])
	copy(b[start:], sgr)
	return append(b, sgrReset...)
}

// WithAttrs returns a handler that shows attrs after the message of every record, after the
// attributes added before and before the record's own. They are formatted once, here.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	h2 := h.clone()
	s := newState(h)
	defer s.free()
	s.keyPrefix = append(s.keyPrefix[:0], h.groupPrefix...)
	s.groups = append(s.groups[:0], h.groups...)
	b := s.buf[:0]
	for _, a := range attrs {
		b = s.appendAttr(b, a, h.groupQuote)
	}
	s.buf = b
	h2.attrs = append(append(make([]byte, 0, len(h.attrs)+len(b)), h.attrs...), b...)
	if len(s.errs) > 0 {
		h2.attrErrs = append(append(make([]keyedErr, 0, len(h.attrErrs)+len(s.errs)), h.attrErrs...), s.errs...)
	}
	return h2
}

// WithGroup returns a handler that puts the attributes added later in group name: their
// keys are shown as name.key.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := h.clone()
	h2.groupPrefix = h.groupPrefix + name + "."
	h2.groupQuote = h.groupQuote || textenc.NeedsQuoting(name)
	h2.groups = append(h.groups[:len(h.groups):len(h.groups)], name)
	return h2
}

// Handle writes r as one line (more when the message has newlines, wraps, or an error
// value has causes), laid out in the columns described in layout.go. It never modifies r nor
// keeps it, and returns only the writer's error.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	s := newState(h)
	defer s.free()
	// r goes to the steps below by pointer: a slog.Record is ~300 bytes, and copying it for
	// each call was ~4% of Handle on slog's 5-attribute record.
	width := h.widthNow(&r)

	// The head: time and level columns. It fixes the message column.
	b, headCol := s.appendHead(s.buf[:0], &r)
	src := s.sourceText(&r)
	rightWidth := h.rightWidth(src)
	lay := layoutFor(width, headCol, rightWidth)
	if lay.narrow {
		b = s.appendNarrowHead(b, headCol, src, lay, width)
	}
	s.indent = lay.msgCol

	// The body: message, attributes, trace id, and the right-hand text when it has no column.
	bodyStart := len(b)
	b = s.appendBody(ctx, b, &r, bodyStart)
	if rightWidth > 0 && lay.right == 0 && !lay.narrow {
		b = append(b, "  "...)
		sep, w := byte(' '), rightWidth
		if width > 0 {
			sep, w = nbsp, min(w, lay.end-lay.msgCol) // wrapped whole, on a line of its own at worst
		}
		b = s.appendRight(b, src, w, sep)
	}

	// Wrapped into the message column; the right-hand column beside its first line.
	if width > 0 {
		var firstEnd, firstCol int
		b, firstEnd, firstCol = s.wrapBody(b, bodyStart, lay)
		if lay.right > 0 {
			b = s.insertRight(b, firstEnd, width-lay.right-firstCol, src, lay.right)
		}
	}

	// Causes of error values, as trees under the message.
	if len(s.errs) > 0 {
		b = s.appendCauses(b, lay)
	}
	b = append(b, '\n')
	s.buf = b

	if h.mu == nil {
		_, err := h.w.Write(b)
		return err
	}
	h.mu.Lock()
	_, err := h.w.Write(b)
	h.mu.Unlock()
	return err
}

// widthNow returns the wrap width in force for r: the fixed one, or the terminal's.
func (h *Handler) widthNow(r *slog.Record) int {
	if h.tw == nil {
		return h.width // inlined: see sourceText
	}
	return h.terminalWidthNow(r)
}

// terminalWidthNow is widthNow with a terminal.
func (h *Handler) terminalWidthNow(r *slog.Record) int {
	var now int64
	if !r.Time.IsZero() {
		now = r.Time.UnixNano()
	}
	return h.tw.get(now)
}

// appendHead appends the time and level columns and returns the column after them.
func (s *state) appendHead(b []byte, r *slog.Record) ([]byte, int) {
	h := s.h
	if h.opts.ReplaceAttr != nil {
		return s.appendBuiltinsReplaced(b, r)
	}
	col := 0
	switch {
	case r.Time.IsZero():
		// No time: a blank column, as Rich shows a repeated time, so the message stays put.
		b = appendSpaces(b, h.timeWidth+1)
	case h.defaultTime:
		if h.color {
			b = append(b, sgrTime...)
		}
		b = textenc.AppendClockMillis(b, r.Time)
		if h.color {
			b = append(b, sgrReset...)
		}
		b = append(b, ' ')
	default:
		start := len(b)
		b = r.Time.AppendFormat(b, h.opts.TimeFormat)
		w := displaywidth.Bytes(b[start:])
		b = wrapStyle(b, start, sgrTime, h.color)
		b = appendSpaces(b, h.timeWidth-w+1)
	}
	col += h.timeWidth + 1
	b = appendLevel(b, r.Level, h.color)
	return b, col + levelWidth + 1
}

// appendBody appends the message, the attributes (those added with WithAttrs, then the
// record's) and the trace id. The error values among the attributes are noted in s.errs.
func (s *state) appendBody(ctx context.Context, b []byte, r *slog.Record, bodyStart int) []byte {
	h := s.h
	s.bodyStart = bodyStart
	if h.opts.ReplaceAttr == nil {
		b = s.appendMessage(b, r.Message)
	} else {
		b = s.appendMessageReplaced(b, r.Message)
	}
	if len(h.attrErrs) > 0 { // s.errs is empty: storing it only when needed saves a write barrier
		s.errs = append(s.errs, h.attrErrs...)
	}
	if len(h.attrs) > 0 {
		if len(b) == bodyStart {
			b = append(b, h.attrs[1:]...)
		} else {
			b = append(b, h.attrs...)
		}
	}
	if r.NumAttrs() > 0 {
		s.keyPrefix = s.keyPrefix[:0]
		s.keyPrefix = append(s.keyPrefix, h.groupPrefix...) // in place: no pointer store unless it grows
		if h.opts.ReplaceAttr != nil {
			s.groups = append(s.groups[:0], h.groups...)
		}
		// b, not s.buf: a store into the pooled state costs a write barrier while the GC
		// runs (the closure is inlined, so b stays on the stack).
		r.Attrs(func(a slog.Attr) bool {
			b = s.appendAttr(b, a, h.groupQuote)
			return true
		})
	}
	// context.Background (what slog.Info and friends pass) never holds a span.
	if ctx != nil && ctx != context.Background() {
		if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
			b = s.appendTrace(b, bodyStart, sc.TraceID())
		}
	}
	return b
}

// appendBuiltinsReplaced appends the time and level columns through Options.ReplaceAttr. A
// time or level the function drops takes no column.
func (s *state) appendBuiltinsReplaced(b []byte, r *slog.Record) ([]byte, int) {
	h, rep := s.h, s.h.opts.ReplaceAttr
	col := 0
	if !r.Time.IsZero() {
		a := resolve.Replace(rep, nil, slog.Time(slog.TimeKey, r.Time.Round(0)))
		a.Value = a.Value.Resolve()
		if a.Key != "" {
			start := len(b)
			if a.Value.Kind() == slog.KindTime {
				if h.defaultTime {
					b = textenc.AppendClockMillis(b, a.Value.Time())
				} else {
					b = a.Value.Time().AppendFormat(b, h.opts.TimeFormat)
				}
			} else {
				b = s.appendValueText(b, a.Value)
			}
			w := displaywidth.Bytes(b[start:])
			b = wrapStyle(b, start, sgrTime, h.color)
			b = appendSpaces(b, max(h.timeWidth-w, 0)+1)
			col += max(w, h.timeWidth) + 1
		}
	}
	a := resolve.Replace(rep, nil, slog.Any(slog.LevelKey, r.Level))
	a.Value = a.Value.Resolve()
	if a.Key == "" {
		return b, col // no level column: the line still starts with text
	}
	if l, ok := a.Value.Any().(slog.Level); ok && a.Value.Kind() == slog.KindAny {
		return appendLevel(b, l, h.color), col + levelWidth + 1
	}
	start := len(b)
	b = s.appendValueText(b, a.Value)
	b, w := clipPlaced(b, start, levelWidth)
	b = wrapStyle(b, start, levelSGR(r.Level), h.color)
	return appendSpaces(b, levelWidth-w+1), col + levelWidth + 1
}

// appendValueText appends a value's text, escaped or quoted as needed, unstyled.
func (s *state) appendValueText(b []byte, v slog.Value) []byte {
	if v.Kind() == slog.KindString {
		return textenc.AppendSafe(b, v.String())
	}
	start := len(b)
	b, _ = s.appendValueRaw(b, v)
	s.scratch = append(s.scratch[:0], b[start:]...)
	return textenc.AppendSafe(b[:start], string(s.scratch))
}

// appendMessageReplaced appends the message through Options.ReplaceAttr.
func (s *state) appendMessageReplaced(b []byte, msg string) []byte {
	a := resolve.Replace(s.h.opts.ReplaceAttr, nil, slog.String(slog.MessageKey, msg))
	a.Value = a.Value.Resolve()
	if a.Key == "" {
		return b
	}
	if a.Value.Kind() == slog.KindString {
		return s.appendMessage(b, a.Value.String())
	}
	return s.appendValue(b, a.Value, false)
}

// appendTrace appends the short trace id: the first 8 hex digits, enough to find the trace.
func (s *state) appendTrace(b []byte, bodyStart int, id trace.TraceID) []byte {
	if len(b) > bodyStart {
		b = append(b, ' ')
	}
	if s.h.color {
		b = append(b, sgrDim...)
	}
	b = append(b, "trace="...)
	b = hex.AppendEncode(b, id[:4])
	if s.h.color {
		b = append(b, sgrReset...)
	}
	return b
}

// sourceText returns the record's source location "dir/file.go:line" when Options.AddSource
// is set ("" otherwise, or when ReplaceAttr drops it), escaped. The text lives in the state's
// buffer: valid until the state is freed.
func (s *state) sourceText(r *slog.Record) string {
	if !s.h.opts.AddSource || r.PC == 0 {
		// Inlined, as the other steps of Handle that most records pass through (widthNow,
		// rightWidth): the calls were ~2% of the CPU time on slog's 5-attribute
		// record.
		return ""
	}
	return s.sourceTextOf(r)
}

// sourceTextOf is sourceText for a record with a source location to show.
func (s *state) sourceTextOf(r *slog.Record) string {
	pos := textenc.SourceOf(r.PC)
	rep := s.h.opts.ReplaceAttr
	if rep == nil {
		s.srcText = textenc.AppendSafe(s.srcText[:0], pos.Short)
		return textenc.String(s.srcText)
	}
	a := resolve.Replace(rep, nil, slog.Any(slog.SourceKey, &slog.Source{Function: pos.Function, File: pos.File, Line: pos.Line}))
	a.Value = a.Value.Resolve()
	if a.Key == "" {
		return ""
	}
	if ss, ok := a.Value.Any().(*slog.Source); ok {
		if ss == nil || ss.File == "" {
			return ""
		}
		s.scratch = textenc.AppendShortSource(s.scratch[:0], ss.File, ss.Line)
		s.srcText = textenc.AppendSafe(s.srcText[:0], textenc.String(s.scratch))
		return textenc.String(s.srcText)
	}
	return string(s.appendValueText(nil, a.Value))
}

const spaces = "                                                                                "

func appendSpaces(b []byte, n int) []byte {
	for n > len(spaces) {
		b = append(b, spaces...)
		n -= len(spaces)
	}
	if n > 0 {
		b = append(b, spaces[:n]...)
	}
	return b
}
