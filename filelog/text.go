package filelog

import (
	"encoding"
	"fmt"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/internal/markup"
	"github.com/logbridge/logbridge/internal/valuefmt"
)

// textAttention marks the bytes that make a text value need a closer look: ASCII bytes that
// force quoting (controls, space, '"', '=', DEL) and every non-ASCII byte (the rune decides).
var textAttention = func() (t [256]bool) {
	for b := range 256 {
		t[b] = b < 0x20 || b == ' ' || b == '"' || b == '=' || b >= 0x7f
	}
	return t
}()

// needsQuoting reports whether s must be written quoted in the text format. These are
// slog.TextHandler's rules (empty, space, '=', '"', control characters, invalid UTF-8,
// non-printable or space runes), plus DEL, which slog leaves bare.
func needsQuoting(s string) bool {
	if len(s) == 0 {
		return true
	}
	for i := textPlain8(s, false); i < len(s); {
		b := s[i]
		if !textAttention[b] {
			i++
			continue
		}
		if b < utf8.RuneSelf {
			return true
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}

// appendTextString appends s, quoted (Go syntax, strconv.Quote's escapes) if it needs quoting.
func appendTextString(b []byte, s string) []byte {
	if needsQuoting(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

// msgNeedsQuoting reports whether a message must be quoted to keep the line parseable: a bare
// message is non-empty, has no leading or trailing space, no '"' or '=', only printable
// characters and ASCII spaces, and a first word that does not look like a "name:line" token.
func msgNeedsQuoting(m string) bool {
	if len(m) == 0 || m[0] == ' ' || m[len(m)-1] == ' ' {
		return true
	}
	for i := textPlain8(m, true); i < len(m); {
		b := m[i]
		if !textAttention[b] || b == ' ' {
			i++
			continue
		}
		if b < utf8.RuneSelf {
			return true
		}
		r, size := utf8.DecodeRuneInString(m[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
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

// bytesToString returns a string that shares b's memory; b must not change while it is used.
func bytesToString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// strip returns msg without its markup: msg itself when it has no '[' (no tag, no escape),
// else the text appended to the scratch buffer.
func (s *state) strip(msg string) string {
	if strings.IndexByte(msg, '[') < 0 {
		return msg
	}
	s.tmp = appendStripped(s.tmp[:0], msg)
	return bytesToString(s.tmp)
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
	m := s.strip(msg)
	if msgNeedsQuoting(m) {
		s.buf = strconv.AppendQuote(s.buf, m)
	} else {
		s.buf = append(s.buf, m...)
	}
}

// textKey appends " key=" with the dotted group prefix, quoted as a whole if needed.
func (s *state) textKey(key string) {
	s.buf = append(s.buf, ' ')
	switch {
	case len(s.prefix) == 0:
		s.buf = appendTextString(s.buf, key)
	case !needsQuoting(bytesToString(s.prefix)) && !needsQuoting(key):
		s.buf = append(s.buf, s.prefix...)
		s.buf = append(s.buf, key...)
	default:
		s.tmp = append(append(s.tmp[:0], s.prefix...), key...)
		s.buf = strconv.AppendQuote(s.buf, bytesToString(s.tmp))
	}
	s.buf = append(s.buf, '=')
}

// appendTextValue appends a resolved value as slog.TextHandler does (strings quoted as needed,
// times in RFC 3339 with milliseconds, []byte quoted, other values by TextMarshaler, Error,
// String or fmt's %+v), except that DEL is escaped too.
func (s *state) appendTextValue(v slog.Value, k slog.Kind) {
	switch k {
	case slog.KindString:
		s.buf = appendTextString(s.buf, v.String())
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
		s.buf = appendRFC3339Millis(s.buf, v.Time())
	case slog.KindAny, slog.KindLogValuer:
		s.appendTextAny(v.Any())
	default: // a group used where a value is expected (a replaced built-in)
		s.buf = appendTextString(s.buf, v.String())
	}
}

// appendTextAny appends an arbitrary value; a panic in its methods is shown as the value.
func (s *state) appendTextAny(x any) {
	pos := len(s.buf)
	defer func() {
		if r := recover(); r != nil {
			s.buf = appendTextString(s.buf[:pos], panicValue(x, r))
		}
	}()
	switch x := x.(type) {
	case nil:
		s.buf = append(s.buf, "<nil>"...)
	case encoding.TextMarshaler:
		data, err := x.MarshalText()
		if err != nil {
			s.buf = appendTextString(s.buf, "!ERROR:"+err.Error())
			return
		}
		s.buf = appendTextString(s.buf, bytesToString(data))
	case []byte:
		s.buf = strconv.AppendQuote(s.buf, bytesToString(x))
	case fmt.Formatter:
		s.tmp = fmt.Appendf(s.tmp[:0], "%+v", x)
		s.buf = appendTextString(s.buf, bytesToString(s.tmp))
	case error:
		s.buf = appendTextString(s.buf, x.Error())
	case fmt.Stringer:
		s.buf = appendTextString(s.buf, x.String())
	default:
		if t := reflect.TypeOf(x); t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			s.buf = strconv.AppendQuote(s.buf, bytesToString(reflect.ValueOf(x).Bytes()))
			return
		}
		s.tmp = valuefmt.AppendPlusV(s.tmp[:0], x) // %+v, safe from cyclic values
		s.buf = appendTextString(s.buf, bytesToString(s.tmp))
	}
}

// panicValue is what a value whose method panicked shows: "<nil>" for a nil pointer (the
// likely cause), like fmt and slog, else "!PANIC: " and the panic value.
func panicValue(x any, r any) string {
	if v := reflect.ValueOf(x); v.Kind() == reflect.Pointer && v.IsNil() {
		return "<nil>"
	}
	return panicText(r)
}

func panicText(r any) (s string) {
	defer func() {
		if recover() != nil {
			s = "!PANIC: (panic value panicked when printed)"
		}
	}()
	return fmt.Sprintf("!PANIC: %v", r)
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
			s.buf = appendLevel(s.buf, l)
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
		s.buf = strconv.AppendQuote(s.buf, m)
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
		e := sourceOf(pc)
		s.buf = append(s.buf, " source="...)
		if needsQuoting(e.file) {
			s.tmp = append(s.tmp[:0], e.file...)
			s.tmp = append(s.tmp, ':')
			s.tmp = strconv.AppendInt(s.tmp, int64(e.line), 10)
			s.buf = strconv.AppendQuote(s.buf, bytesToString(s.tmp))
		} else {
			s.buf = append(s.buf, e.file...)
			s.buf = append(s.buf, ':')
			s.buf = strconv.AppendInt(s.buf, int64(e.line), 10)
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
		return appendMillis(b, t, off)
	}
	return appendMillis(b, t, 0)
}

// appendRFC3339Millis appends t in its own zone as "2006-01-02T15:04:05.000Z07:00" (truncated
// to the millisecond, as slog does).
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	_, off := t.Zone()
	return appendMillis(b, t, off)
}

// appendMillis formats t at the UTC offset off (seconds) with milliseconds.
func appendMillis(b []byte, t time.Time, off int) []byte {
	return appendTime(b, t, off, false)
}

// digitPairs holds "00" to "99".
var digitPairs = func() (p [200]byte) {
	for i := range 100 {
		p[2*i], p[2*i+1] = byte('0'+i/10), byte('0'+i%10)
	}
	return p
}()

// civilCache remembers recent days' dates, packed as uint32(days)<<32 | year<<9 | month<<5 |
// day, so most timestamps skip the division chain of civil-from-days. No allocation.
var civilCache [16]atomic.Uint64

// civil returns the date of the day days after 1970-01-01.
func civil(days int64) (year int64, month, day uint) {
	slot := &civilCache[uint64(days)%uint64(len(civilCache))]
	if c := slot.Load(); c>>32 == uint64(uint32(days)) && c != 0 && days >= 0 && days < 1<<31 {
		return int64(c >> 9 & 0x3fff), uint(c >> 5 & 0xf), uint(c & 0x1f)
	}
	// civil_from_days, H. Hinnant.
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := uint(z - era*146097)
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	year = int64(yoe) + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = doy - (153*mp+2)/5 + 1
	month = mp + 3
	if mp >= 10 {
		month = mp - 9
	}
	if month <= 2 {
		year++
	}
	if days >= 0 && days < 1<<31 && year >= 0 && year <= 9999 {
		slot.Store(uint64(days)<<32 | uint64(year)<<9 | uint64(month)<<5 | uint64(day))
	}
	return year, month, day
}

// appendTime formats t at the UTC offset off (seconds) as RFC 3339 with milliseconds, or
// (nano) with as many fractional digits as needed like time.RFC3339Nano. It works by hand, with
// the civil-from-days algorithm (H. Hinnant): much cheaper than t.Date, t.Clock and Format.
func appendTime(b []byte, t time.Time, off int, nano bool) []byte {
	sec := t.Unix() + int64(off)
	days := sec / 86400
	if sec%86400 < 0 {
		days--
	}
	sod := uint(sec - days*86400)
	year, month, day := civil(days)
	if year < 0 || year > 9999 {
		layout := "2006-01-02T15:04:05.000Z07:00"
		if nano {
			layout = time.RFC3339Nano
		}
		return t.In(time.FixedZone("", off)).AppendFormat(b, layout)
	}
	y := uint(year)
	hour, minute, s := sod/3600, sod/60%60, sod%60
	p := &digitPairs
	b = append(b,
		p[y/100*2], p[y/100*2+1], p[y%100*2], p[y%100*2+1], '-',
		p[month*2], p[month*2+1], '-',
		p[day*2], p[day*2+1], 'T',
		p[hour*2], p[hour*2+1], ':',
		p[minute*2], p[minute*2+1], ':',
		p[s*2], p[s*2+1])
	ns := uint(t.Nanosecond())
	if !nano {
		ms := ns / 1e6
		b = append(b, '.', byte('0'+ms/100), p[ms%100*2], p[ms%100*2+1])
	} else if ns != 0 {
		var frac [10]byte
		frac[0] = '.'
		for i := 9; i >= 1; i-- {
			frac[i] = byte('0' + ns%10)
			ns /= 10
		}
		n := 10
		for frac[n-1] == '0' {
			n--
		}
		b = append(b, frac[:n]...)
	}
	if off == 0 {
		return append(b, 'Z')
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	m := uint(off / 60)
	return append(b, sign, p[m/60*2], p[m/60*2+1], ':', p[m%60*2], p[m%60*2+1])
}

// appendLevel appends the level's name (config.LevelName) without allocating for the usual ones.
func appendLevel(b []byte, l slog.Level) []byte {
	switch l {
	case slog.LevelDebug:
		return append(b, "DEBUG"...)
	case slog.LevelInfo:
		return append(b, "INFO"...)
	case slog.LevelWarn:
		return append(b, "WARNING"...)
	case slog.LevelError:
		return append(b, "ERROR"...)
	case config.LevelCritical:
		return append(b, "CRITICAL"...)
	}
	return append(b, config.LevelName(l)...)
}
