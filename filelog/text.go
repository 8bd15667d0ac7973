package filelog

import (
	"encoding"
	"fmt"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/logbridge/logbridge/internal/markup"
	"github.com/logbridge/logbridge/internal/textenc"
	"github.com/logbridge/logbridge/internal/valuefmt"
	"github.com/logbridge/logbridge/vocab"
)

// msgNeedsQuoting reports whether a message must be quoted to keep the line parseable: a bare
// message is non-empty, has no leading or trailing space, no '"' or '=', only printable
// characters and ASCII spaces, and a first word that does not look like a "name:line" token.
func msgNeedsQuoting(m string) bool {
	if len(m) == 0 || m[0] == ' ' || m[len(m)-1] == ' ' {
		return true
	}
	if !textenc.UnquotedSpaced.Holds(m) {
		return true
	}
	// The first word must not end in ":<digits>", or a reader could take it for the logger.
	w := m
	if i := strings.IndexByte(m, ' '); i >= 0 {
		w = m[:i]
	}
	j := len(w)
	for j > 0 && w[j-1] >= '0' && w[j-1] <= '9' {
		j--
	}
	return j < len(w) && j > 0 && w[j-1] == ':'
}

// strip returns msg without its markup and with its emoji codes replaced: msg itself when
// it is plain, else the text appended to the scratch buffer.
func (s *state) strip(msg string) string {
	if markup.IsPlain(msg) {
		return msg
	}
	keep(&s.tmp, appendStripped(s.tmp[:0], msg))
	return textenc.String(s.tmp)
}

// appendStripped appends msg without markup; should the markup parser panic, msg as it is.
func appendStripped(dst []byte, msg string) (out []byte) {
	n := len(dst)
	defer func() {
		if recover() != nil {
			out = append(dst[:n], msg...)
		}
	}()
	return markup.AppendStrip(dst, msg)
}

// appendMessage appends the message (text): markup stripped, bare or quoted.
func (s *state) appendMessage(b []byte, msg string) []byte {
	if out, ok := s.msg.get(msg, false); ok {
		return append(b, out...)
	}
	start := len(b)
	m := s.strip(msg)
	if msgNeedsQuoting(m) {
		b = textenc.AppendQuoted(b, m)
	} else {
		b = append(b, m...)
	}
	s.msg.put(msg, false, b[start:])
	return b
}

// textKey appends " key=" with the dotted group prefix, quoted as a whole if needed.
func (s *state) textKey(b []byte, key string) []byte {
	b = append(b, ' ')
	switch {
	case len(s.prefix) == 0:
		b = textenc.AppendMaybeQuoted(b, key)
	case !textenc.NeedsQuoting(textenc.String(s.prefix)) && !textenc.NeedsQuoting(key):
		b = append(b, s.prefix...)
		b = append(b, key...)
	default:
		keep(&s.tmp, append(append(s.tmp[:0], s.prefix...), key...))
		b = textenc.AppendQuoted(b, textenc.String(s.tmp))
	}
	return append(b, '=')
}

// appendTextValue appends a resolved value as slog.TextHandler does (strings quoted as needed,
// times in RFC 3339 with milliseconds, []byte quoted, other values by TextMarshaler, Error,
// String or fmt's %+v), except that DEL is escaped too.
func (s *state) appendTextValue(b []byte, v slog.Value, k slog.Kind) []byte {
	switch k {
	case slog.KindString:
		return textenc.AppendMaybeQuoted(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		return strconv.AppendFloat(b, v.Float64(), 'g', -1, 64)
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		return valuefmt.AppendDuration(b, v.Duration())
	case slog.KindTime:
		return textenc.AppendRFC3339Millis(b, v.Time())
	case slog.KindAny, slog.KindLogValuer:
		return s.appendTextAny(b, v.Any())
	default: // a group used where a value is expected (a replaced built-in)
		return textenc.AppendMaybeQuoted(b, v.String())
	}
}

// appendTextAny appends an arbitrary value; a panic in its methods is shown as the value.
func (s *state) appendTextAny(b []byte, x any) (out []byte) {
	pos := len(b)
	out = b // what a panic leaves: the value's text is appended to out[:pos]
	defer func() {
		if r := recover(); r != nil {
			out = textenc.AppendMaybeQuoted(out[:pos], textenc.PanicValue(x, r))
		}
	}()
	switch x := x.(type) {
	case nil:
		return append(b, textenc.NilText...)
	case encoding.TextMarshaler:
		data, err := x.MarshalText()
		if err != nil {
			return textenc.AppendMaybeQuoted(b, "!ERROR:"+err.Error())
		}
		return textenc.AppendMaybeQuoted(b, textenc.String(data))
	case []byte:
		return textenc.AppendQuoted(b, textenc.String(x))
	case fmt.Formatter:
		keep(&s.tmp, fmt.Appendf(s.tmp[:0], "%+v", x))
		return textenc.AppendMaybeQuoted(b, textenc.String(s.tmp))
	case error:
		keep(&s.tmp, textenc.AppendError(s.tmp[:0], x)) // a join's text without building it
		return textenc.AppendMaybeQuoted(b, textenc.String(s.tmp))
	case fmt.Stringer:
		return textenc.AppendMaybeQuoted(b, x.String())
	default:
		if t := reflect.TypeOf(x); t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			return textenc.AppendQuoted(b, textenc.String(reflect.ValueOf(x).Bytes()))
		}
		keep(&s.tmp, valuefmt.AppendPlusV(s.tmp[:0], x)) // %+v, safe from cyclic values
		return textenc.AppendMaybeQuoted(b, textenc.String(s.tmp))
	}
}

// textBuiltins writes time and level when there is a ReplaceAttr.
func (s *state) textBuiltins(b []byte, r *slog.Record) []byte {
	if !r.Time.IsZero() {
		if a := s.replace(nil, slog.Time(slog.TimeKey, r.Time.Round(0))); a.Key != "" {
			b = s.textBuiltinValue(space(b), a.Value)
		}
	}
	if a := s.replace(nil, slog.Any(slog.LevelKey, r.Level)); a.Key != "" {
		b = s.textBuiltinValue(space(b), a.Value)
	}
	return b
}

// textBuiltinValue writes a replaced time or level value in its position.
func (s *state) textBuiltinValue(b []byte, v slog.Value) []byte {
	v = v.Resolve()
	k := v.Kind()
	switch k {
	case slog.KindTime:
		return s.appendStamp(b, v.Time())
	case slog.KindAny:
		if l, ok := v.Any().(slog.Level); ok {
			return append(b, vocab.LevelName(l)...)
		}
	}
	return s.appendTextValue(b, v, k)
}

// textMessage writes the message when there is a ReplaceAttr.
func (s *state) textMessage(b []byte, msg string) []byte {
	a := s.replace(nil, slog.String(slog.MessageKey, msg))
	if a.Key == "" {
		return b
	}
	b = space(b)
	v := a.Value.Resolve()
	if v.Kind() == slog.KindString {
		return s.appendMessage(b, v.String())
	}
	m := v.String()
	if msgNeedsQuoting(m) {
		return textenc.AppendQuoted(b, m)
	}
	return append(b, m...)
}

// textSource writes " source=file:line".
func (s *state) textSource(b []byte, pc uintptr) []byte {
	if s.h.rep == nil {
		if pc == 0 {
			return b
		}
		e := textenc.SourceOf(pc)
		b = append(b, " source="...)
		if textenc.NeedsQuoting(e.File) {
			t := append(s.tmp[:0], e.File...)
			t = append(t, ':')
			keep(&s.tmp, strconv.AppendInt(t, int64(e.Line), 10))
			return textenc.AppendQuoted(b, textenc.String(s.tmp))
		}
		b = append(b, e.File...)
		b = append(b, ':')
		return strconv.AppendInt(b, int64(e.Line), 10)
	}
	a := s.replace(nil, slog.Any(slog.SourceKey, newSource(pc)))
	if src, ok := a.Value.Any().(*slog.Source); ok {
		if src == nil || *src == (slog.Source{}) {
			return b
		}
		a.Value = slog.StringValue(src.File + ":" + strconv.Itoa(src.Line))
	}
	return s.builtinAttr(b, a)
}

// appendStamp appends the record timestamp: RFC 3339 with milliseconds, UTC or local.
func (s *state) appendStamp(b []byte, t time.Time) []byte {
	if s.h.localTime {
		_, off := t.Local().Zone()
		return textenc.AppendRFC3339(b, t, off, textenc.Millis)
	}
	return textenc.AppendRFC3339(b, t, 0, textenc.Millis)
}
