package filelog

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/logbridge/logbridge/internal/textenc"
)

// appendJSONString appends s as a quoted JSON string.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendJSONEscaped(b, s)
	return append(b, '"')
}

// appendJSONEscaped appends s escaped for a JSON string, without quotes. Beyond what JSON
// requires, it escapes DEL, the C1 controls, U+2028/U+2029 and the bidirectional controls so
// that no reader sees a line break, a terminal control or reordered text in a line; invalid
// UTF-8 becomes U+FFFD, as with encoding/json.
func appendJSONEscaped(b []byte, s string) []byte {
	return appendJSONBytes(b, s, textenc.Literal, slogEscapes)
}

// controlEscapes says how appendJSONBytes escapes '\b' and '\f'.
type controlEscapes uint8

const (
	slogEscapes    controlEscapes = iota // \u0008, \u000c: as slog.JSONHandler writes strings
	encoderEscapes                       // \b, \f: as encoding/json writes them
)

// appendJSONBytes appends s with every ASCII byte not in plain and every rune jsonRuneEscaped
// names escaped as in a JSON string.
func appendJSONBytes(b []byte, s string, plain *textenc.ByteSet, esc controlEscapes) []byte {
	start := 0
	for i := plain.SpanWords(s, 0); i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plain.Has(c) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b', '\f':
				switch {
				case esc == slogEscapes:
					b = append(b, '\\', 'u', '0', '0', '0', textenc.HexDigits[c])
				case c == '\b':
					b = append(b, '\\', 'b')
				default:
					b = append(b, '\\', 'f')
				}
			default:
				b = append(b, '\\', 'u', '0', '0', textenc.HexDigits[c>>4], textenc.HexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !jsonRuneEscaped(r, size) {
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		b = appendJSONRuneEscape(b, r, size)
		i += size
		start = i
	}
	return append(b, s[start:]...)
}

// jsonKey appends `,"key":` (the comma when one is due).
func (s *state) jsonKey(key string) {
	if s.sep {
		s.buf = append(s.buf, ',')
	}
	s.buf = appendJSONString(s.buf, key)
	s.buf = append(s.buf, ':')
	s.sep = true
}

// appendJSONValue appends a resolved value as slog.JSONHandler does, except that NaN and
// infinities are the strings "NaN", "+Inf" and "-Inf" instead of an error.
func (s *state) appendJSONValue(v slog.Value, k slog.Kind) {
	switch k {
	case slog.KindString:
		s.buf = appendJSONString(s.buf, v.String())
	case slog.KindInt64:
		s.buf = strconv.AppendInt(s.buf, v.Int64(), 10)
	case slog.KindUint64:
		s.buf = strconv.AppendUint(s.buf, v.Uint64(), 10)
	case slog.KindFloat64:
		s.buf = appendJSONFloat(s.buf, v.Float64())
	case slog.KindBool:
		s.buf = strconv.AppendBool(s.buf, v.Bool())
	case slog.KindDuration:
		// Seconds as a number, as the OTLP sink sends durations (the semantic conventions' unit).
		s.buf = appendJSONFloat(s.buf, v.Duration().Seconds())
	case slog.KindTime:
		t := v.Time()
		_, off := t.Zone()
		s.buf = append(s.buf, '"')
		s.buf = textenc.AppendRFC3339(s.buf, t, off, textenc.Nano)
		s.buf = append(s.buf, '"')
	case slog.KindAny, slog.KindLogValuer:
		s.appendJSONAny(v.Any())
	default: // a group used where a value is expected (a replaced built-in)
		s.buf = appendJSONString(s.buf, v.String())
	}
}

// appendJSONFloat formats f as encoding/json does.
func appendJSONFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		b = append(b, '"')
		b = strconv.AppendFloat(b, f, 'g', -1, 64)
		return append(b, '"')
	}
	return appendJSONNumber(b, f, 64)
}

// appendJSONNumber formats the finite f as encoding/json does for a float of the given bits.
func appendJSONNumber(b []byte, f float64, bits int) []byte {
	if bits == 64 && f == math.Trunc(f) && f != 0 && math.Abs(f) < 1e15 {
		// A whole number (durations in seconds mostly are): below 2^53 every integer is a
		// float64 and its shortest form is all its digits, which AppendInt writes at a
		// fraction of AppendFloat's cost (~6% of a 5-attribute JSON line). Not for 0 (-0 keeps
		// its sign) nor float32 (whose shortest form may round the digits).
		return strconv.AppendInt(b, int64(f), 10)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		// clean up e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendJSONAny appends an arbitrary value: an error (that is not a json.Marshaler) by its
// Error text, anything else as encoding/json marshals it. Marshaling errors and panics are
// shown as the value.
func (s *state) appendJSONAny(x any) {
	pos := len(s.buf)
	defer func() {
		if r := recover(); r != nil {
			s.buf = appendJSONString(s.buf[:pos], textenc.PanicValue(x, r))
		}
	}()
	switch x := x.(type) {
	case nil:
		s.buf = append(s.buf, "null"...)
		return
	case json.Marshaler:
	case error:
		s.tmp = textenc.AppendError(s.tmp[:0], x) // a join's text without building it
		s.buf = appendJSONString(s.buf, textenc.String(s.tmp))
		return
	}
	if b, ok := appendJSONPlanned(s.buf, x); ok {
		s.buf = b
		return
	}
	if err := appendJSONMarshal(&s.buf, x); err != nil {
		s.buf = appendJSONString(s.buf[:pos], "!ERROR:"+err.Error())
	}
}

type jsonEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var jsonEncoderPool = sync.Pool{New: func() any {
	e := new(jsonEncoder)
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}}

// appendJSONMarshal appends x as encoding/json encodes it (HTML left alone), with the extra
// escapes of appendJSONEscaped applied to what the encoder (or a MarshalJSON) left raw.
func appendJSONMarshal(dst *[]byte, x any) error {
	e := jsonEncoderPool.Get().(*jsonEncoder)
	defer func() {
		if e.buf.Cap() <= bufMax {
			e.buf.Reset()
			jsonEncoderPool.Put(e)
		}
	}()
	if err := e.enc.Encode(x); err != nil {
		return err
	}
	out := bytes.TrimSuffix(e.buf.Bytes(), []byte{'\n'})
	*dst = appendJSONSanitized(*dst, out)
	return nil
}

// jsonRuneEscaped reports whether the non-ASCII rune r (size bytes long in the input) is
// escaped in a line: invalid UTF-8 or a rune textenc.UnsafeRune names.
func jsonRuneEscaped(r rune, size int) bool {
	return r == utf8.RuneError && size == 1 || textenc.UnsafeRune(r)
}

// appendJSONRuneEscape appends the escape of a rune jsonRuneEscaped says is escaped.
func appendJSONRuneEscape(b []byte, r rune, size int) []byte {
	switch {
	case r == utf8.RuneError && size == 1:
		return append(b, `\ufffd`...)
	case r < 0xa0: // C1 controls
		return append(b, '\\', 'u', '0', '0', textenc.HexDigits[r>>4], textenc.HexDigits[r&0xf])
	}
	return textenc.AppendU4(append(b, '\\', 'u'), r) // in the BMP: U+2028, U+2029, bidi controls
}

// appendJSONSanitized appends valid JSON src, escaping DEL, C1 controls, U+2028, U+2029,
// bidirectional controls and invalid UTF-8 (as U+FFFD). Those can only occur inside strings,
// where the escapes are valid; the rest of src is left as the encoder wrote it.
func appendJSONSanitized(b, src []byte) []byte {
	return appendJSONBytes(b, textenc.String(src), textenc.BelowDEL, slogEscapes)
}

// appendJSONMessage appends the message's markup-stripped text, escaped, without quotes.
func (s *state) appendJSONMessage(msg string) {
	if out, ok := s.msg.get(msg, true); ok {
		s.buf = append(s.buf, out...)
		return
	}
	start := len(s.buf)
	s.buf = appendJSONEscaped(s.buf, s.strip(msg))
	s.msg.put(msg, true, s.buf[start:])
}

// jsonBuiltins writes time and level when there is a ReplaceAttr.
func (s *state) jsonBuiltins(r *slog.Record) {
	if !r.Time.IsZero() {
		if a := s.replace(nil, slog.Time(slog.TimeKey, r.Time.Round(0))); a.Key != "" {
			s.jsonBuiltin(a)
		}
	}
	if a := s.replace(nil, slog.Any(slog.LevelKey, r.Level)); a.Key != "" {
		s.jsonBuiltin(a)
	}
}

func (s *state) jsonBuiltin(a slog.Attr) {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindTime:
		s.jsonKey(a.Key)
		s.buf = append(s.buf, '"')
		s.buf = s.appendStamp(s.buf, v.Time())
		s.buf = append(s.buf, '"')
		return
	case slog.KindAny:
		if l, ok := v.Any().(slog.Level); ok {
			if a.Key == slog.LevelKey {
				a.Key = levelKey(s.h.levels) // ReplaceAttr left the key: the style's
			}
			s.jsonKey(a.Key)
			s.buf = append(s.buf, '"')
			s.buf = appendLevel(s.buf, s.h.levels, l)
			s.buf = append(s.buf, '"')
			return
		}
	}
	a.Value = v
	s.builtinAttr(a)
}

// jsonMessage writes the message when there is a ReplaceAttr.
func (s *state) jsonMessage(msg string) {
	a := s.replace(nil, slog.String(slog.MessageKey, msg))
	if a.Key == "" {
		return
	}
	a.Value = a.Value.Resolve()
	if a.Value.Kind() == slog.KindString {
		s.jsonKey(a.Key)
		s.buf = append(s.buf, '"')
		s.appendJSONMessage(a.Value.String())
		s.buf = append(s.buf, '"')
		return
	}
	s.builtinAttr(a)
}

// jsonSource writes the "source" object.
func (s *state) jsonSource(pc uintptr) {
	if s.h.rep == nil {
		if pc == 0 {
			return
		}
		e := textenc.SourceOf(pc)
		if s.sep {
			s.buf = append(s.buf, ',')
		}
		s.buf = append(s.buf, `"source":{"function":`...)
		s.buf = appendJSONString(s.buf, e.Function)
		s.buf = append(s.buf, `,"file":`...)
		s.buf = appendJSONString(s.buf, e.File)
		s.buf = append(s.buf, `,"line":`...)
		s.buf = strconv.AppendInt(s.buf, int64(e.Line), 10)
		s.buf = append(s.buf, '}')
		s.sep = true
		return
	}
	a := s.replace(nil, slog.Any(slog.SourceKey, newSource(pc)))
	if src, ok := a.Value.Any().(*slog.Source); ok {
		if src == nil {
			return
		}
		var as []slog.Attr
		if src.Function != "" {
			as = append(as, slog.String("function", src.Function))
		}
		if src.File != "" {
			as = append(as, slog.String("file", src.File))
		}
		if src.Line != 0 {
			as = append(as, slog.Int("line", src.Line))
		}
		a.Value = slog.GroupValue(as...)
	}
	s.builtinAttr(a)
}
