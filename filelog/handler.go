package filelog

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"sync"

	"go.opentelemetry.io/otel/trace"

	"github.com/logbridge/logbridge/internal/handoff"
	"github.com/logbridge/logbridge/internal/textenc"
	"github.com/logbridge/logbridge/vocab"
)

// Options configure a [Handler]. The zero value (and a nil *Options) is the text format at level
// INFO, timestamps in UTC, without source positions.
type Options struct {
	// Level is the minimum level the handler writes; nil means slog.LevelInfo. It is read for
	// every record, so a *slog.LevelVar changes it at runtime.
	Level slog.Leveler

	// AddSource adds the caller's file:line as a "source" attribute (text) or a "source" object
	// with function, file and line (JSON), as slog's handlers do. The line number in the text
	// format's "name:line" token is shown without it.
	AddSource bool

	// ReplaceAttr is called to rewrite each non-group attribute before it is written, as
	// slog.HandlerOptions.ReplaceAttr is, including the built-in "time", "level", "source" and
	// "msg" attributes (with nil groups). Returning an Attr with an empty key drops a built-in;
	// a zero Attr drops any attribute. In the text format the built-ins are positional, so a
	// changed key of a built-in shows only in JSON. The level's value is a slog.Level; if it is
	// still one after ReplaceAttr, it is written by its name (WARNING, CRITICAL...). A message
	// that is still a string after ReplaceAttr has its markup stripped. A panic in ReplaceAttr
	// is recovered and shown as the attribute's value. The logger name and category from
	// WithLogger are not passed to it.
	ReplaceAttr func(groups []string, a slog.Attr) slog.Attr

	// Format is vocab.FormatText (the default, also for "") or vocab.FormatJSON. Unknown values mean text.
	Format vocab.Format

	// vocab.LevelStyle is the key and value names of the level in JSON lines: vocab.LevelStyleSlog (the
	// default, also for ""), vocab.LevelStyleGCP or vocab.LevelStyleECS. The text format ignores it.
	LevelStyle vocab.LevelStyle

	// LocalTime writes the record timestamps in the local time zone with its offset
	// ("2026-11-23T19:57:02.123+01:00") instead of UTC ("2026-11-23T18:57:02.123Z").
	LocalTime bool
}

// Handler is a slog.Handler that writes each record as exactly one line to an io.Writer: the
// durable, greppable copy of the logs. Markup in messages is stripped; control characters are
// escaped; see the package documentation for the grammar of the lines.
//
// A Handler is safe for concurrent use. Its clones (from WithAttrs, WithGroup and WithLogger)
// share one mutex for the writer, held only for the single Write of each record (none for a
// [*File], which serializes its writes itself).
type Handler struct {
	w         io.Writer
	mu        *sync.Mutex // nil when w is a *File
	json      bool
	levels    vocab.LevelStyle // JSON: the level's key and value names
	levelTok  []byte           // JSON: `"level":"`, or the style's key
	addSource bool
	localTime bool
	level     slog.Leveler
	rep       func(groups []string, a slog.Attr) slog.Attr

	hasLogger bool
	// text: the logger name token (quoted as needed), written as name + ":" + line;
	// JSON: `"logger":"name","log.category":"category"`.
	loggerTok []byte
	// text: " category:" (quoted as needed); unused in JSON.
	categoryTok []byte

	// pre holds the attributes from WithAttrs, formatted. Text: each with its leading space.
	// JSON: comma-separated, possibly with opened groups (`"a":1,"g":{"b":2`).
	pre []byte
	// keyPrefix is the text format's key prefix for all groups ("g.h.").
	keyPrefix string
	// groups are all group names from WithGroup.
	groups []string
	// nOpenGroups is how many of groups are opened in pre (JSON).
	nOpenGroups int
}

var _ slog.Handler = (*Handler)(nil)

// NewHandler returns a Handler that writes to w with the given options (nil means defaults).
//
// Each record is written with a single call to w.Write, which is what makes one record one
// line even when w is shared, and w.Write's error is returned from Handle. To write to a
// rotating file by path, pass a [*File] from [Open].
func NewHandler(w io.Writer, opts *Options) *Handler {
	h := &Handler{w: w}
	if _, ok := w.(*File); !ok && !handoff.Serializes(w) {
		h.mu = new(sync.Mutex) // a *File and a hand-off serialize their own writes
	}
	if opts != nil {
		h.json = opts.Format == vocab.FormatJSON
		h.addSource = opts.AddSource
		h.localTime = opts.LocalTime
		h.level = opts.Level
		h.rep = opts.ReplaceAttr
		h.levels = opts.LevelStyle
	}
	h.levelTok = append(appendJSONString(nil, levelKey(h.levels)), `:"`...)
	return h
}

func (h *Handler) clone() *Handler {
	h2 := *h
	h2.pre = slices.Clip(h.pre)
	h2.groups = slices.Clip(h.groups)
	return &h2
}

// Enabled reports whether l is at least the handler's Options.Level.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool {
	minLevel := slog.LevelInfo
	if h.level != nil {
		minLevel = h.level.Level()
	}
	return l >= minLevel
}

// WithAttrs returns a Handler that adds attrs to every record, after the record's message and
// before the record's own attributes. The attributes are formatted once, here.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	h2 := h.clone()
	s := getState(h2)
	defer s.free()
	b := append(s.buf[:0], h.pre...)
	if h.json {
		s.sep = len(h.pre) > 0
		pos := len(b)
		sep := s.sep
		b = s.openGroups(b)
		var nonEmpty bool
		if b, nonEmpty = s.appendAttrs(b, attrs); !nonEmpty {
			b, s.sep = b[:pos], sep
		} else {
			h2.nOpenGroups = len(h2.groups)
		}
	} else {
		s.prefix = append(s.prefix, h.keyPrefix...)
		b, _ = s.appendAttrs(b, attrs)
	}
	keep(&s.buf, b)
	if len(s.buf) == len(h.pre) {
		return h // every attribute was empty
	}
	h2.pre = slices.Clone(s.buf) // an exact-size copy, never shared with the pool
	return h2
}

// WithGroup returns a Handler that puts the attributes added later (by WithAttrs or in records)
// into the group name: dotted keys ("name.key") in text, a nested object in JSON. An empty name
// returns h.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := h.clone()
	h2.groups = append(h2.groups, name)
	h2.keyPrefix = h.keyPrefix + name + "."
	return h2
}

// WithLogger returns a Handler that shows a logger's name and category on each line: as the
// "name:line category:" tokens after the level in text, where line is the caller's line number
// (0 when the record has no PC), and as the "logger" and "log.category" keys in JSON. Name and
// category are data: they are escaped and quoted like attribute values, never interpreted.
func (h *Handler) WithLogger(name, category string) slog.Handler {
	h2 := h.clone()
	h2.hasLogger = true
	if h.json {
		b := appendJSONString(nil, vocab.AttrLogger)
		b = append(b, ':')
		b = appendJSONString(b, name)
		b = append(b, ',')
		b = appendJSONString(b, vocab.AttrCategory)
		b = append(b, ':')
		b = appendJSONString(b, category)
		h2.loggerTok, h2.categoryTok = b, nil
	} else {
		h2.loggerTok = textenc.AppendMaybeQuoted(nil, name)
		c := append([]byte(nil), ' ')
		c = textenc.AppendMaybeQuoted(c, category)
		h2.categoryTok = append(c, ':')
	}
	return h2
}

// Handle writes r as one line with a single Write to the handler's writer and returns that
// Write's error, if any; nothing else makes it fail. Records below Options.Level are dropped, so
// a fan-out may call Handle without asking Enabled first. r is not modified or retained.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if !h.Enabled(ctx, r.Level) {
		return nil
	}
	s := getState(h)
	var sc trace.SpanContext
	if ctx != nil && ctx != context.Background() { // Background (slog.Info's) never holds a span
		sc = trace.SpanContextFromContext(ctx)
	}
	var b []byte
	if h.json {
		b = s.formatJSON(s.buf[:0], &r, sc)
	} else {
		b = s.formatText(s.buf[:0], &r, sc)
	}
	err := h.write(b)
	keep(&s.buf, b)
	s.free()
	return err
}

func (h *Handler) write(b []byte) error {
	if h.mu == nil {
		_, err := h.w.Write(b)
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := h.w.Write(b)
	return err
}

// formatText appends r as a text line.
func (s *state) formatText(b []byte, r *slog.Record, sc trace.SpanContext) []byte {
	h := s.h
	if h.rep == nil {
		if !r.Time.IsZero() {
			b = s.appendStamp(b, r.Time)
			b = append(b, ' ')
		}
		b = append(b, vocab.LevelName(r.Level)...)
	} else {
		b = s.textBuiltins(b, r)
	}
	if h.hasLogger {
		b = space(b)
		b = append(b, h.loggerTok...)
		b = append(b, ':')
		line := 0
		if r.PC != 0 {
			line = textenc.SourceOf(r.PC).Line
		}
		b = strconv.AppendInt(b, int64(line), 10)
		b = append(b, h.categoryTok...)
	}
	if h.rep == nil {
		b = s.appendMessage(space(b), r.Message)
	} else {
		b = s.textMessage(b, r.Message)
	}
	if h.addSource {
		b = s.textSource(b, r.PC)
	}
	b = append(b, h.pre...)
	if r.NumAttrs() > 0 {
		keep(&s.prefix, append(s.prefix[:0], h.keyPrefix...))
		r.Attrs(func(a slog.Attr) bool {
			b, _ = s.appendAttr(b, a)
			return true
		})
	}
	if sc.IsValid() {
		tid, sid := s.span.ids(sc)
		b = append(b, " trace_id="...)
		b = append(b, tid...)
		b = append(b, " span_id="...)
		b = append(b, sid...)
	}
	return append(b, '\n')
}

// formatJSON appends r as a JSON line.
func (s *state) formatJSON(b []byte, r *slog.Record, sc trace.SpanContext) []byte {
	h := s.h
	b = append(b, '{')
	if h.rep == nil {
		if !r.Time.IsZero() {
			b = append(b, `"time":"`...)
			b = s.appendStamp(b, r.Time)
			b = append(b, `",`...)
		}
		b = append(b, h.levelTok...)
		b = appendLevel(b, h.levels, r.Level)
		b = append(b, '"')
		s.sep = true
	} else {
		b = s.jsonBuiltins(b, r)
	}
	if h.hasLogger {
		if s.sep {
			b = append(b, ',')
		}
		b = append(b, h.loggerTok...)
		s.sep = true
	}
	if h.addSource {
		b = s.jsonSource(b, r.PC)
	}
	if h.rep == nil {
		if s.sep {
			b = append(b, ',')
		}
		b = append(b, `"msg":"`...)
		b = s.appendJSONMessage(b, r.Message)
		b = append(b, '"')
		s.sep = true
	} else {
		b = s.jsonMessage(b, r.Message)
	}
	if len(h.pre) > 0 {
		if s.sep {
			b = append(b, ',')
		}
		b = append(b, h.pre...)
		s.sep = true
	}
	open := h.nOpenGroups
	if r.NumAttrs() > 0 {
		pos, sep := len(b), s.sep
		b = s.openGroups(b)
		empty := true
		r.Attrs(func(a slog.Attr) bool {
			var ok bool
			if b, ok = s.appendAttr(b, a); ok {
				empty = false
			}
			return true
		})
		if empty {
			b, s.sep = b[:pos], sep
		} else {
			open = len(h.groups)
		}
	}
	for range open {
		b = append(b, '}')
	}
	if sc.IsValid() {
		if s.sep || open > 0 {
			b = append(b, ',')
		}
		tid, sid := s.span.ids(sc)
		b = append(b, `"trace_id":"`...)
		b = append(b, tid...)
		b = append(b, `","span_id":"`...)
		b = append(b, sid...)
		b = append(b, '"')
	}
	return append(b, '}', '\n')
}

// space appends the separator before a positional text field, unless the line is still empty.
func space(b []byte) []byte {
	if len(b) > 0 {
		return append(b, ' ')
	}
	return b
}
