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
	// Most keys and values are plain through: one span over the whole string (its tail in a
	// word, see Span) and one copy, instead of the byte loop below over a key's few bytes.
	i := plain.Span(s, 0)
	if i == len(s) {
		return append(b, s...)
	}
	start := 0
	for i < len(s) {
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
func (s *state) jsonKey(b []byte, key string) []byte {
	if s.sep {
		b = append(b, ',')
	}
	b = appendJSONString(b, key)
	s.sep = true
	return append(b, ':')
}

// appendJSONValue appends a resolved value as slog.JSONHandler does, except that NaN and
// infinities are the strings "NaN", "+Inf" and "-Inf" instead of an error.
func (s *state) appendJSONValue(b []byte, v slog.Value, k slog.Kind) []byte {
	switch k {
	case slog.KindString:
		return appendJSONString(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		return appendJSONFloat(b, v.Float64())
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		// Seconds as a number, as the OTLP sink sends durations (the semantic conventions' unit).
		return appendJSONFloat(b, v.Duration().Seconds())
	case slog.KindTime:
		t := v.Time()
		_, off := t.Zone()
		b = append(b, '"')
		b = textenc.AppendRFC3339(b, t, off, textenc.Nano)
		return append(b, '"')
	case slog.KindAny, slog.KindLogValuer:
		return s.appendJSONAny(b, v.Any())
	default: // a group used where a value is expected (a replaced built-in)
		return appendJSONString(b, v.String())
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
func (s *state) appendJSONAny(b []byte, x any) (out []byte) {
	pos := len(b)
	out = b // what a panic leaves: the value's text is appended to out[:pos]
	defer func() {
		if r := recover(); r != nil {
			out = appendJSONString(out[:pos], textenc.PanicValue(x, r))
		}
	}()
	switch x := x.(type) {
	case nil:
		return append(b, "null"...)
	case json.Marshaler:
	case error:
		keep(&s.tmp, textenc.AppendError(s.tmp[:0], x)) // a join's text without building it
		return appendJSONString(b, textenc.String(s.tmp))
	}
	if b2, ok := appendJSONPlanned(b, x); ok {
		return b2
	}
	if b2, ok := appendJSONMap(b, x); ok {
		return b2
	}
	if err := appendJSONMarshal(&out, x); err != nil {
		return appendJSONString(out[:pos], "!ERROR:"+err.Error())
	}
	return out
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
func (s *state) appendJSONMessage(b []byte, msg string) []byte {
	if out, ok := s.msg.get(msg, true); ok {
		return append(b, out...)
	}
	start := len(b)
	b = appendJSONEscaped(b, s.strip(msg))
	s.msg.put(msg, true, b[start:])
	return b
}

// jsonBuiltins writes time and level when there is a ReplaceAttr.
func (s *state) jsonBuiltins(b []byte, r *slog.Record) []byte {
	if !r.Time.IsZero() {
		if a := s.replace(nil, slog.Time(slog.TimeKey, r.Time.Round(0))); a.Key != "" {
			b = s.jsonBuiltin(b, a)
		}
	}
	if a := s.replace(nil, slog.Any(slog.LevelKey, r.Level)); a.Key != "" {
		b = s.jsonBuiltin(b, a)
	}
	return b
}

func (s *state) jsonBuiltin(b []byte, a slog.Attr) []byte {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindTime:
		b = s.jsonKey(b, a.Key)
		b = append(b, '"')
		b = s.appendStamp(b, v.Time())
		return append(b, '"')
	case slog.KindAny:
		if l, ok := v.Any().(slog.Level); ok {
			if a.Key == slog.LevelKey {
				a.Key = levelKey(s.h.levels) // ReplaceAttr left the key: the style's
			}
			b = s.jsonKey(b, a.Key)
			b = append(b, '"')
			b = appendLevel(b, s.h.levels, l)
			return append(b, '"')
		}
	}
	a.Value = v
	return s.builtinAttr(b, a)
}

// jsonMessage writes the message when there is a ReplaceAttr.
func (s *state) jsonMessage(b []byte, msg string) []byte {
	a := s.replace(nil, slog.String(slog.MessageKey, msg))
	if a.Key == "" {
		return b
	}
	a.Value = a.Value.Resolve()
	if a.Value.Kind() == slog.KindString {
		b = s.jsonKey(b, a.Key)
		b = append(b, '"')
		b = s.appendJSONMessage(b, a.Value.String())
		return append(b, '"')
	}
	return s.builtinAttr(b, a)
}

// jsonSource writes the "source" object.
func (s *state) jsonSource(b []byte, pc uintptr) []byte {
	if s.h.rep == nil {
		if pc == 0 {
			return b
		}
		e := textenc.SourceOf(pc)
		if s.sep {
			b = append(b, ',')
		}
		b = append(b, `"source":{"function":`...)
		b = appendJSONString(b, e.Function)
		b = append(b, `,"file":`...)
		b = appendJSONString(b, e.File)
		b = append(b, `,"line":`...)
		b = strconv.AppendInt(b, int64(e.Line), 10)
		s.sep = true
		return append(b, '}')
	}
	a := s.replace(nil, slog.Any(slog.SourceKey, newSource(pc)))
	if src, ok := a.Value.Any().(*slog.Source); ok {
		if src == nil {
			return b
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
	return s.builtinAttr(b, a)
}
