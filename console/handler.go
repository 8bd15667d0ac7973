package console

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/clipperhouse/displaywidth"
	"go.opentelemetry.io/otel/trace"

	"github.com/logbridge/logbridge/internal/markup"
)

// loggerColumnWidth is the width the category and logger-name column is padded to, so the
// messages of most loggers start in the same column.
const loggerColumnWidth = 16

// minIndent is the smallest indentation of continuation lines, so that they can never be
// taken for the start of a record even when the time and level columns are removed.
const minIndent = 2

// Handler is a slog.Handler that writes records for a person at a terminal: time, level,
// category and logger name, the message with its markup rendered and highlighted, then the
// attributes, trace id and source, colored when color is on and wrapped to the terminal's
// width. Create one with [NewHandler]; the zero value is not usable.
type Handler struct {
	opts    Options
	level   slog.Leveler
	mu      *sync.Mutex // one per writer, shared by all clones
	w       io.Writer
	profile markup.Profile
	color   bool
	width   int        // fixed wrap width; 0 none
	tw      *termWidth // the terminal's width, when Width is 0 and w is a terminal
	cache   *msgCache  // rendered messages, shared by all clones

	defaultTime bool // TimeFormat is DefaultTimeFormat: hand-formatted

	logger      string // pre-rendered category and name column, with its trailing space
	loggerWidth int

	attrs       []byte     // pre-rendered WithAttrs attributes, each with a leading space
	attrErrs    []keyedErr // errors among them that have causes to show
	groupPrefix string     // "a.b." for the open groups
	groupQuote  bool       // a group name needs quoting
	groups      []string   // open groups, for ReplaceAttr
}

var _ slog.Handler = (*Handler)(nil)

// NewHandler returns a Handler writing to w. opts nil means the defaults. Color, the color
// depth and the terminal's width are decided here, once, from w, opts.Color and opts.Env
// (see [ColorMode]); the width of a terminal is then followed as it is resized.
func NewHandler(w io.Writer, opts *Options) *Handler {
	h := &Handler{mu: &sync.Mutex{}, w: w}
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
	var env []string
	if opts != nil {
		env = opts.Env
	}
	h.profile = detectColor(w, h.opts.Color, environ(env))
	h.color = h.profile != markup.NoColor
	h.cache = newMsgCache()
	switch {
	case h.opts.Width > 0:
		h.width = h.opts.Width
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
// column after the level, as the otellog fan-out asks for each logger it hands out.
func (h *Handler) WithLogger(name, category string) slog.Handler {
	h2 := h.clone()
	var b []byte
	width := 0
	if category != "" {
		start := len(b)
		b = appendSafe(b, category)
		width += displaywidth.Bytes(b[start:])
		b = wrapStyle(b, start, sgrCategory, h.color)
	}
	if name != "" {
		if category != "" {
			b = append(b, ' ')
			width++
		}
		start := len(b)
		b = appendSafe(b, name)
		width += displaywidth.Bytes(b[start:])
		b = wrapStyle(b, start, sgrName, h.color)
	}
	if len(b) > 0 {
		for ; width < loggerColumnWidth; width++ {
			b = append(b, ' ')
		}
		b = append(b, ' ')
		width++
	}
	h2.logger, h2.loggerWidth = string(b), width
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
	h2.groupQuote = h.groupQuote || needsQuoting(name)
	h2.groups = append(h.groups[:len(h.groups):len(h.groups)], name)
	return h2
}

// Handle writes r as one line (more when the message has newlines, wraps, or an error
// value has causes). It never modifies r nor keeps it, and returns only the writer's error.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	s := newState(h)
	defer s.free()
	b := s.buf[:0]
	rep := h.opts.ReplaceAttr

	// Width in force for this record.
	width := h.width
	if h.tw != nil {
		var now int64
		if !r.Time.IsZero() {
			now = r.Time.UnixNano()
		}
		width = h.tw.get(now)
	}

	// Time, level and logger columns.
	col := 0
	if rep == nil {
		if !r.Time.IsZero() {
			if h.color {
				b = append(b, sgrTime...)
			}
			if h.defaultTime {
				b = appendClockMillis(b, r.Time)
				col += len(DefaultTimeFormat) + 1
			} else {
				start := len(b)
				b = r.Time.AppendFormat(b, h.opts.TimeFormat)
				col += displaywidth.Bytes(b[start:]) + 1
			}
			if h.color {
				b = append(b, sgrReset...)
			}
			b = append(b, ' ')
		}
		b = appendLevel(b, r.Level, h.color)
		col += levelColumnWidth(r.Level)
	} else {
		b, col = s.appendBuiltinsReplaced(b, r)
	}
	b = append(b, h.logger...)
	col += h.loggerWidth

	s.indent = max(col, minIndent)
	if width > 0 && width-s.indent < minWrapColumn {
		s.indent = max(width-minWrapColumn, minIndent)
	}
	bodyStart := len(b)
	s.bodyStart = bodyStart

	// Message.
	if rep == nil {
		b = s.appendMessage(b, r.Message)
	} else {
		b = s.appendMessageReplaced(b, r.Message)
	}

	// Attributes: those added with WithAttrs, then the record's.
	s.errs = append(s.errs[:0], h.attrErrs...)
	if len(h.attrs) > 0 {
		if len(b) == bodyStart {
			b = append(b, h.attrs[1:]...)
		} else {
			b = append(b, h.attrs...)
		}
	}
	if r.NumAttrs() > 0 {
		s.keyPrefix = append(s.keyPrefix[:0], h.groupPrefix...)
		if rep != nil {
			s.groups = append(s.groups[:0], h.groups...)
		}
		s.buf = b
		r.Attrs(func(a slog.Attr) bool {
			s.buf = s.appendAttr(s.buf, a, h.groupQuote)
			return true
		})
		b = s.buf
	}

	// Trace id. context.Background (what slog.Info and friends pass) never holds a span.
	if ctx != nil && ctx != context.Background() {
		if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
			b = s.appendTrace(b, bodyStart, sc.TraceID())
		}
	}

	// Wrap, then the source, right-aligned when a width is in force.
	if width > 0 {
		b, col = s.wrap(b, bodyStart, col, width)
	}
	if h.opts.AddSource && r.PC != 0 {
		b = s.appendSource(b, r, bodyStart, col, width)
	}

	// Causes of error values, one per line.
	if len(s.errs) > 0 {
		b = s.appendCauses(b)
	}
	b = append(b, '\n')
	s.buf = b

	h.mu.Lock()
	_, err := h.w.Write(b)
	h.mu.Unlock()
	return err
}

// minWrapColumn is the narrowest message column wrapping keeps: on a terminal narrower than
// the prefix plus this, continuation lines start further left.
const minWrapColumn = 20

// appendBuiltinsReplaced appends the time and level columns through Options.ReplaceAttr.
func (s *state) appendBuiltinsReplaced(b []byte, r slog.Record) ([]byte, int) {
	h, rep := s.h, s.h.opts.ReplaceAttr
	col := 0
	if !r.Time.IsZero() {
		a := rep(nil, slog.Time(slog.TimeKey, r.Time.Round(0)))
		a.Value = a.Value.Resolve()
		if a.Key != "" {
			start := len(b)
			if a.Value.Kind() == slog.KindTime {
				if h.defaultTime {
					b = appendClockMillis(b, a.Value.Time())
				} else {
					b = a.Value.Time().AppendFormat(b, h.opts.TimeFormat)
				}
			} else {
				b = s.appendValueText(b, a.Value)
			}
			col += displaywidth.Bytes(b[start:]) + 1
			b = wrapStyle(b, start, sgrTime, h.color)
			b = append(b, ' ')
		}
	}
	a := rep(nil, slog.Any(slog.LevelKey, r.Level))
	a.Value = a.Value.Resolve()
	if a.Key != "" {
		if l, ok := a.Value.Any().(slog.Level); ok && a.Value.Kind() == slog.KindAny {
			b = appendLevel(b, l, h.color)
			col += levelColumnWidth(l)
		} else {
			start := len(b)
			b = s.appendValueText(b, a.Value)
			w := displaywidth.Bytes(b[start:])
			b = wrapStyle(b, start, levelSGR(r.Level), h.color)
			for ; w < levelWidth; w++ {
				b = append(b, ' ')
			}
			b = append(b, ' ')
			col += w + 1
		}
	}
	return b, col
}

// appendValueText appends a value's text, escaped or quoted as needed, unstyled.
func (s *state) appendValueText(b []byte, v slog.Value) []byte {
	if v.Kind() == slog.KindString {
		return appendSafe(b, v.String())
	}
	start := len(b)
	b, _ = s.appendValueRaw(b, v)
	s.scratch = append(s.scratch[:0], b[start:]...)
	return appendSafe(b[:start], string(s.scratch))
}

// appendMessageReplaced appends the message through Options.ReplaceAttr.
func (s *state) appendMessageReplaced(b []byte, msg string) []byte {
	a := s.h.opts.ReplaceAttr(nil, slog.String(slog.MessageKey, msg))
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
	for _, c := range id[:4] {
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	if s.h.color {
		b = append(b, sgrReset...)
	}
	return b
}

// appendSource appends the record's source location: after the body, or right-aligned at
// the wrap width when there is one.
func (s *state) appendSource(b []byte, r slog.Record, bodyStart, col, width int) []byte {
	src := sourceOf(r.PC)
	if rep := s.h.opts.ReplaceAttr; rep != nil {
		fs := runtime.CallersFrames([]uintptr{r.PC})
		f, _ := fs.Next()
		a := rep(nil, slog.Any(slog.SourceKey, &slog.Source{Function: f.Function, File: f.File, Line: f.Line}))
		a.Value = a.Value.Resolve()
		if a.Key == "" {
			return b
		}
		if ss, ok := a.Value.Any().(*slog.Source); ok {
			if ss == nil || ss.File == "" {
				return b
			}
			src = string(appendSourceText(nil, ss))
		} else {
			src = string(s.appendValueText(nil, a.Value))
		}
	}
	if src == "" {
		return b
	}
	srcWidth := displaywidth.String(src)
	switch {
	case width > 0 && col+1+srcWidth <= width:
		b = appendSpaces(b, width-col-srcWidth)
	case width > 0:
		b = append(b, '\n')
		b = appendSpaces(b, max(width-srcWidth, s.indent))
	case len(b) > bodyStart:
		b = append(b, ' ')
	}
	start := len(b)
	b = appendSafe(b, src)
	return wrapStyle(b, start, sgrDim, s.h.color)
}

// appendSourceText appends "dir/file.go:line".
func appendSourceText(b []byte, src *slog.Source) []byte {
	b = append(b, shortFile(src.File)...)
	b = append(b, ':')
	return strconv.AppendInt(b, int64(src.Line), 10)
}

// shortFile returns the last directory and the file name of path.
func shortFile(path string) string {
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return path
	}
	if j := strings.LastIndexByte(path[:i], '/'); j >= 0 {
		return path[j+1:]
	}
	return path
}

// sourceCache maps program counters to "dir/file.go:line": a program has few logging
// call sites, and resolving one costs allocations.
var sourceCache struct {
	sync.RWMutex
	m map[uintptr]string
}

const sourceCacheMax = 1 << 14

func sourceOf(pc uintptr) string {
	sourceCache.RLock()
	src, ok := sourceCache.m[pc]
	sourceCache.RUnlock()
	if ok {
		return src
	}
	fs := runtime.CallersFrames([]uintptr{pc})
	f, _ := fs.Next()
	if f.File != "" {
		src = string(appendSourceText(nil, &slog.Source{File: f.File, Line: f.Line}))
	}
	sourceCache.Lock()
	if sourceCache.m == nil {
		sourceCache.m = make(map[uintptr]string)
	}
	if len(sourceCache.m) < sourceCacheMax {
		sourceCache.m[pc] = src
	}
	sourceCache.Unlock()
	return src
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
