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

// strip returns msg without its markup: msg itself when it has no '[' (no tag, no escape),
// else the text appended to the scratch buffer.
func (s *state) strip(msg string) string {
	if strings.IndexByte(msg, '[') < 0 {
		return msg
	}
	s.tmp = appendStripped(s.tmp[:0], msg)
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
func (s *state) appendMessage(msg string) {
	if out, ok := s.msg.get(msg, false); ok {
		s.buf = append(s.buf, out...)
		return
	}
	start := len(s.buf)
	m := s.strip(msg)
	if msgNeedsQuoting(m) {
		s.buf = textenc.AppendQuoted(s.buf, m)
	} else {
		s.buf = append(s.buf, m...)
	}
	s.msg.put(msg, false, s.buf[start:])
}

// textKey appends " key=" with the dotted group prefix, quoted as a whole if needed.
func (s *state) textKey(key string) {
	s.buf = append(s.buf, ' ')
	switch {
	case len(s.prefix) == 0:
		s.buf = textenc.AppendMaybeQuoted(s.buf, key)
	case !textenc.NeedsQuoting(textenc.String(s.prefix)) && !textenc.NeedsQuoting(key):
		s.buf = append(s.buf, s.prefix...)
		s.buf = append(s.buf, key...)
	default:
		s.tmp = append(append(s.tmp[:0], s.prefix...), key...)
		s.buf = textenc.AppendQuoted(s.buf, textenc.String(s.tmp))
	}
	s.buf = append(s.buf, '=')
}

// appendTextValue appends a resolved value as slog.TextHandler does (strings quoted as needed,
// times in RFC 3339 with milliseconds, []byte quoted, other values by TextMarshaler, Error,
// String or fmt's %+v), except that DEL is escaped too.
func (s *state) appendTextValue(v slog.Value, k slog.Kind) {
	switch k {
	case slog.KindString:
		s.buf = textenc.AppendMaybeQuoted(s.buf, v.String())
	case slog.KindInt64:
		s.buf = strconv.AppendInt(s.buf, v.Int64(), 10)
	case slog.KindUint64:
		s.buf = strconv.AppendUint(s.buf, v.Uint64(), 10)
	case slog.KindFloat64:
		s.buf = strconv.AppendFloat(s.buf, v.Float64(), 'g', -1, 64)
	case slog.KindBool:
		s.buf = strconv.AppendBool(s.buf, v.Bool())
	case slog.KindDuration:
		s.buf = valuefmt.AppendDuration(s.buf, v.Duration())
	case slog.KindTime:
		s.buf = textenc.AppendRFC3339Millis(s.buf, v.Time())
	case slog.KindAny, slog.KindLogValuer:
		s.appendTextAny(v.Any())
	default: // a group used where a value is expected (a replaced built-in)
		s.buf = textenc.AppendMaybeQuoted(s.buf, v.String())
	}
}

// appendTextAny appends an arbitrary value; a panic in its methods is shown as the value.
func (s *state) appendTextAny(x any) {
	pos := len(s.buf)
	defer func() {
		if r := recover(); r != nil {
			s.buf = textenc.AppendMaybeQuoted(s.buf[:pos], textenc.PanicValue(x, r))
		}
	}()
	switch x := x.(type) {
	case nil:
		s.buf = append(s.buf, textenc.NilText...)
	case encoding.TextMarshaler:
		data, err := x.MarshalText()
		if err != nil {
			s.buf = textenc.AppendMaybeQuoted(s.buf, "!ERROR:"+err.Error())
			return
		}
		s.buf = textenc.AppendMaybeQuoted(s.buf, textenc.String(data))
	case []byte:
		s.buf = textenc.AppendQuoted(s.buf, textenc.String(x))
	case fmt.Formatter:
		s.tmp = fmt.Appendf(s.tmp[:0], "%+v", x)
		s.buf = textenc.AppendMaybeQuoted(s.buf, textenc.String(s.tmp))
	case error:
		s.tmp = textenc.AppendError(s.tmp[:0], x) // a join's text without building it
		s.buf = textenc.AppendMaybeQuoted(s.buf, textenc.String(s.tmp))
	case fmt.Stringer:
		s.buf = textenc.AppendMaybeQuoted(s.buf, x.String())
	default:
		if t := reflect.TypeOf(x); t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			s.buf = textenc.AppendQuoted(s.buf, textenc.String(reflect.ValueOf(x).Bytes()))
			return
		}
		s.tmp = valuefmt.AppendPlusV(s.tmp[:0], x) // %+v, safe from cyclic values
		s.buf = textenc.AppendMaybeQuoted(s.buf, textenc.String(s.tmp))
	}
}

// textBuiltins writes time and level when there is a ReplaceAttr.
func (s *state) textBuiltins(r *slog.Record) {
	if !r.Time.IsZero() {
		if a := s.replace(nil, slog.Time(slog.TimeKey, r.Time.Round(0))); a.Key != "" {
			s.space()
			s.textBuiltinValue(a.Value)
		}
	}
	if a := s.replace(nil, slog.Any(slog.LevelKey, r.Level)); a.Key != "" {
		s.space()
		s.textBuiltinValue(a.Value)
	}
}

// textBuiltinValue writes a replaced time or level value in its position.
func (s *state) textBuiltinValue(v slog.Value) {
	v = v.Resolve()
	k := v.Kind()
	switch k {
	case slog.KindTime:
		s.buf = s.appendStamp(s.buf, v.Time())
		return
	case slog.KindAny:
		if l, ok := v.Any().(slog.Level); ok {
			s.buf = append(s.buf, vocab.LevelName(l)...)
			return
		}
	}
	s.appendTextValue(v, k)
}

// textMessage writes the message when there is a ReplaceAttr.
func (s *state) textMessage(msg string) {
	a := s.replace(nil, slog.String(slog.MessageKey, msg))
	if a.Key == "" {
		return
	}
	s.space()
	v := a.Value.Resolve()
	if v.Kind() == slog.KindString {
		s.appendMessage(v.String())
		return
	}
	m := v.String()
	if msgNeedsQuoting(m) {
		s.buf = textenc.AppendQuoted(s.buf, m)
	} else {
		s.buf = append(s.buf, m...)
	}
}

// textSource writes " source=file:line".
func (s *state) textSource(pc uintptr) {
	if s.h.rep == nil {
		if pc == 0 {
			return
		}
		e := textenc.SourceOf(pc)
		s.buf = append(s.buf, " source="...)
		if textenc.NeedsQuoting(e.File) {
			s.tmp = append(s.tmp[:0], e.File...)
			s.tmp = append(s.tmp, ':')
			s.tmp = strconv.AppendInt(s.tmp, int64(e.Line), 10)
			s.buf = textenc.AppendQuoted(s.buf, textenc.String(s.tmp))
		} else {
			s.buf = append(s.buf, e.File...)
			s.buf = append(s.buf, ':')
			s.buf = strconv.AppendInt(s.buf, int64(e.Line), 10)
		}
		return
	}
	a := s.replace(nil, slog.Any(slog.SourceKey, newSource(pc)))
	if src, ok := a.Value.Any().(*slog.Source); ok {
		if src == nil || *src == (slog.Source{}) {
			return
		}
		a.Value = slog.StringValue(src.File + ":" + strconv.Itoa(src.Line))
	}
	s.builtinAttr(a)
}

// appendStamp appends the record timestamp: RFC 3339 with milliseconds, UTC or local.
func (s *state) appendStamp(b []byte, t time.Time) []byte {
	if s.h.localTime {
		_, off := t.Local().Zone()
		return textenc.AppendRFC3339(b, t, off, textenc.Millis)
	}
	return textenc.AppendRFC3339(b, t, 0, textenc.Millis)
}
