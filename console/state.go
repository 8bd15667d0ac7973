package console

import (
	"log/slog"
	"strconv"
	"sync"

	"github.com/logbridge/logbridge/internal/markup"
	"github.com/logbridge/logbridge/internal/resolve"
	"github.com/logbridge/logbridge/internal/textenc"
	"github.com/logbridge/logbridge/internal/valuefmt"
)

// state is the per-call scratch space of Handle and WithAttrs, pooled.
type state struct {
	h         *Handler
	buf       []byte
	scratch   []byte // fmt output, quoting
	valBuf    []byte // the text of a KindAny value
	wrapBuf   []byte
	tmp       []byte
	keyPrefix []byte // group prefix of the attribute being written: "a.b."
	groups    []string
	segs      []markup.Segment
	errs      []keyedErr
	tree      []byte
	cont      []byte // what a line made by wrap starts with
	keyText   []byte // "key: " of the current cause tree
	srcText   []byte // the record's source location, escaped (sourceText)
	keyWidth  int    // bytes of keyText still to write, on the tree's first line
	keyCols   int    // keyText's display width: the spaces that stand for it in tree
	keyed     bool   // a KindAny value with a key is being written: note its causes in errs
	// mayCarry: the cause tree just written met an error of a type other than the standard
	// library's, or left part of the chain out (its limits), so a stack may be carried.
	mayCarry bool

	bodyStart int // attributes after this offset get a leading space (-1: always)
	indent    int // continuation lines' indentation

	// The style in force while the message is written: its escape sequences are
	// buf[sgrStart:sgrEnd] (none when equal), link says it opened a hyperlink.
	sgrStart, sgrEnd int
	link             bool
	multiline        bool // the message had a newline
}

const (
	bufStart = 1 << 10
	bufMax   = 16 << 10
)

var statePool = sync.Pool{New: func() any {
	return &state{buf: make([]byte, 0, bufStart), bodyStart: -1}
}}

// newState returns a pooled state for h. Its fields are reset by free, before it goes back
// to the pool, which keeps newState inlined.
func newState(h *Handler) *state {
	s := statePool.Get().(*state)
	if s.h != h {
		s.h = h
	}
	return s
}

// keep stores into *buf, a buffer of the state, grown: what an append to (*buf)[:0] returned.
// Only its length is stored unless it grew: a pointer store into the pooled state costs a
// write barrier while the GC runs.
func keep(buf *[]byte, grown []byte) {
	if cap(grown) == cap(*buf) {
		*buf = (*buf)[:len(grown)]
	} else {
		*buf = grown
	}
}

func (s *state) free() {
	if cap(s.buf) > bufMax || cap(s.scratch) > bufMax || cap(s.valBuf) > bufMax || cap(s.wrapBuf) > bufMax || cap(s.tmp) > bufMax || cap(s.cont) > bufMax {
		return // let the GC have the big ones
	}
	// s.h stays (a handler outlives its records): newState stores it only when it changes,
	// which saves a write barrier per record while the GC runs.
	s.buf = s.buf[:0]
	clear(s.groups)
	s.groups = s.groups[:0]
	clear(s.segs)
	s.segs = s.segs[:0]
	for i := range s.errs {
		s.errs[i] = keyedErr{} // not clear: its bulk barrier cost more than these stores
	}
	s.errs = s.errs[:0]
	s.bodyStart = -1
	s.sgrStart, s.sgrEnd, s.link = 0, 0, false
	statePool.Put(s)
}

// appendAttr appends " key=value" for a (and its members, for a group). quote says the
// group prefix needs quoting.
func (s *state) appendAttr(b []byte, a slog.Attr, quote bool) []byte {
	kind := a.Value.Kind()
	if kind == slog.KindLogValuer || kind == slog.KindGroup {
		a.Value = resolve.Value(a.Value) // bounded: a LogValuer cycle ends in a marker
		kind = a.Value.Kind()
	}
	if rep := s.h.opts.ReplaceAttr; rep != nil && kind != slog.KindGroup {
		a = resolve.Replace(rep, s.groups, a)
		a.Value = resolve.Value(a.Value)
		kind = a.Value.Kind()
	}
	if a.Key == "" && kind == slog.KindAny && a.Value.Any() == nil {
		return b // an empty Attr is ignored
	}
	if kind == slog.KindGroup {
		attrs := a.Value.Group()
		if len(attrs) == 0 {
			return b
		}
		if a.Key == "" { // inline
			for _, ga := range attrs {
				b = s.appendAttr(b, ga, quote)
			}
			return b
		}
		rep := s.h.opts.ReplaceAttr
		n := len(s.keyPrefix)
		s.keyPrefix = append(s.keyPrefix, a.Key...) // in place: no pointer store unless it grows
		s.keyPrefix = append(s.keyPrefix, '.')
		if rep != nil {
			s.groups = append(s.groups, a.Key)
		}
		q := quote || textenc.NeedsQuoting(a.Key)
		for _, ga := range attrs {
			b = s.appendAttr(b, ga, q)
		}
		s.keyPrefix = s.keyPrefix[:n]
		if rep != nil {
			s.groups = s.groups[:len(s.groups)-1]
		}
		return b
	}

	color := s.h.color
	switch sep := len(b) > s.bodyStart; {
	case sep && color:
		b = append(b, spaceKey...) // one append, not two: this runs for every attribute
	case sep:
		b = append(b, ' ')
	case color:
		b = append(b, sgrKey...)
	}
	prefix := s.keyPrefix
	if quote || (a.Key == "" && len(prefix) == 0) || (a.Key != "" && !textenc.BareShort(a.Key) && textenc.NeedsQuoting(a.Key)) {
		b = append(b, '"')
		b, _ = textenc.AppendEscaped(b, textenc.String(prefix), textenc.Quoted)
		b, _ = textenc.AppendEscaped(b, a.Key, textenc.Quoted)
		b = append(b, '"')
	} else {
		b = append(b, prefix...)
		b = append(b, a.Key...)
	}
	if !color {
		b = append(b, '=')
	}
	if kind == slog.KindAny {
		// An error value with causes is noted (in s.errs) under this key. The key is stored
		// only then: a store into the pooled state costs a write barrier while the GC runs.
		n := len(s.errs)
		s.keyed = true
		b = s.appendKindValue(b, a.Value, kind, color)
		s.keyed = false
		if len(s.errs) > n {
			s.errs[n].key = a.Key
		}
		return b
	}
	return s.appendKindValue(b, a.Value, kind, color)
}

// spaceKey starts a dim key after another attribute.
const spaceKey = " " + sgrKey

// eq ends a dim key: "=" and a reset. The tables give, by kind, the style of a value, and
// the same after eq (one append instead of three).
const eq = "=" + sgrReset

var (
	kindSGR = [...]string{
		slog.KindDuration: sgrDuration, slog.KindFloat64: sgrNumber, slog.KindInt64: sgrNumber,
		slog.KindString: sgrString, slog.KindTime: sgrTimeVal, slog.KindUint64: sgrNumber,
	}
	keyedSGR = [...]string{
		slog.KindDuration: eq + sgrDuration, slog.KindFloat64: eq + sgrNumber, slog.KindInt64: eq + sgrNumber,
		slog.KindString: eq + sgrString, slog.KindTime: eq + sgrTimeVal, slog.KindUint64: eq + sgrNumber,
	}
)

// appendValue appends v, styled by kind when color is on and quoted when needed. keyed
// (color only) says the dim key before it still needs its "=" and reset.
func (s *state) appendValue(b []byte, v slog.Value, keyed bool) []byte {
	return s.appendKindValue(b, v, v.Kind(), keyed)
}

// appendKindValue is appendValue for a value whose kind is known.
func (s *state) appendKindValue(b []byte, v slog.Value, kind slog.Kind, keyed bool) []byte {
	color := s.h.color
	switch kind {
	case slog.KindString, slog.KindInt64, slog.KindUint64, slog.KindFloat64, slog.KindDuration, slog.KindTime:
		if keyed {
			b = append(b, keyedSGR[kind]...)
		} else if color {
			b = append(b, kindSGR[kind]...)
		}
	case slog.KindBool:
		if keyed {
			b = append(b, eq...)
		}
		if v.Bool() {
			return appendStyled(b, sgrTrue, "true", color)
		}
		return appendStyled(b, sgrFalse, "false", color)
	default:
		if keyed {
			b = append(b, eq...)
		}
		// The most common error value without appendAnyText's recover, type switch and copy
		// through valBuf (~3% of the CPU time on slog's 5-attribute record).
		if text, ok := textenc.LeafText(v.Any()); ok {
			return appendStyledValue(b, sgrErr, text, color)
		}
		vb, sgr := s.appendAnyText(s.valBuf[:0], v.Any())
		if cap(vb) != cap(s.valBuf) {
			s.valBuf = vb // grown; storing it only then saves a write barrier
		}
		return appendStyledValue(b, sgr, textenc.String(vb), color)
	}
	switch kind {
	case slog.KindString:
		b = textenc.AppendMaybeQuoted(b, v.String())
	case slog.KindInt64:
		b = strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		b = strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		b = strconv.AppendFloat(b, v.Float64(), 'g', -1, 64)
	case slog.KindDuration:
		b = valuefmt.AppendDuration(b, v.Duration())
	case slog.KindTime:
		b = textenc.AppendRFC3339Millis(b, v.Time())
	}
	if color {
		b = append(b, sgrReset...)
	}
	return b
}

// appendValueRaw appends v's text, unquoted and unstyled (for built-ins replaced by
// ReplaceAttr), and its style.
func (s *state) appendValueRaw(b []byte, v slog.Value) ([]byte, string) {
	switch v.Kind() {
	case slog.KindString:
		return append(b, v.String()...), sgrString
	case slog.KindTime:
		return textenc.AppendRFC3339Millis(b, v.Time()), sgrTimeVal
	case slog.KindDuration:
		return valuefmt.AppendDuration(b, v.Duration()), sgrDuration
	case slog.KindAny, slog.KindLogValuer:
		return s.appendAnyText(b, v.Any())
	case slog.KindGroup:
		return append(b, v.String()...), sgrAny
	}
	return append(b, v.String()...), sgrNumber
}

// appendStyledValue appends text, quoted when needed, in style sgr.
func appendStyledValue(b []byte, sgr, text string, color bool) []byte {
	if !color || sgr == "" {
		return textenc.AppendMaybeQuoted(b, text)
	}
	b = append(b, sgr...)
	b = textenc.AppendMaybeQuoted(b, text)
	return append(b, sgrReset...)
}

// highlight reports whether message text is highlighted.
func (s *state) highlight() bool { return s.h.color && !s.h.opts.NoHighlight }

// renderMessage appends the message: markup rendered (or stripped when color is off),
// highlighted, control characters escaped, and its own newlines turned into continuation
// lines indented under the message column.
func (s *state) renderMessage(b []byte, msg string) []byte {
	color := s.h.color
	highlight := s.highlight()
	if markup.IsPlain(msg) {
		if highlight {
			return s.appendHighlighted(b, msg)
		}
		return s.appendText(b, msg)
	}
	s.segs = markup.Parse(s.segs[:0], msg)
	for i := range s.segs {
		seg := &s.segs[i]
		switch {
		case !color:
			b = s.appendText(b, seg.Text)
		case seg.Style == markup.Style{}:
			if highlight {
				b = s.appendHighlighted(b, seg.Text)
			} else {
				b = s.appendText(b, seg.Text)
			}
		default:
			start := len(b)
			b = appendMarkupSGR(b, seg.Style, s.h.profile)
			s.sgrStart, s.sgrEnd, s.link = start, len(b), seg.Style.Link != ""
			b = s.appendText(b, seg.Text)
			if s.sgrEnd > start {
				b = appendMarkupReset(b, seg.Style, s.h.profile)
			}
			s.sgrStart, s.sgrEnd, s.link = 0, 0, false
		}
	}
	return b
}

// appendText appends message text t with control characters, escape sequences, invalid
// bytes and unsafe runes escaped; '\n' starts a continuation line, a tab is four spaces.
func (s *state) appendText(b []byte, t string) []byte {
	for {
		var n int
		b, n = textenc.AppendEscaped(b, t, textenc.ShownLines)
		if n == len(t) {
			return b
		}
		if t[n] == '\n' {
			b = s.newline(b)
		} else {
			b = append(b, "    "...) // a tab
		}
		t = t[n+1:]
	}
}

// newline starts a continuation line of the message: the style in force is closed before
// the line break and opened again after the indentation.
func (s *state) newline(b []byte) []byte {
	active := s.sgrEnd > s.sgrStart
	if active {
		b = append(b, sgrReset...)
		if s.link {
			b = append(b, sgrLinkClose...)
		}
	}
	s.multiline = true
	b = append(b, '\n')
	b = appendSpaces(b, s.indent)
	if active {
		start := len(b)
		b = append(b, b[s.sgrStart:s.sgrEnd]...)
		s.sgrStart, s.sgrEnd = start, len(b)
	}
	return b
}
