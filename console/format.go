package console

import (
	"encoding"
	"fmt"
	"log/slog"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/logbridge/logbridge/internal/stacktrace"
	"github.com/logbridge/logbridge/internal/valuefmt"
)

// plainByte marks the ASCII bytes a message or a safe text can show as they are: the
// printable ones (space to '~'). Everything else is looked at closely.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	return t
}()

// quoteByte marks the ASCII bytes that make a key or value need quotes, as in
// slog.TextHandler (space, '=', '"', control characters), plus DEL.
var quoteByte = func() (t [utf8.RuneSelf]bool) {
	for c := 0; c < 0x21; c++ {
		t[c] = true
	}
	t['"'], t['='], t[0x7f] = true, true, true
	return t
}()

// needsQuoting reports whether s must be quoted to be read back unambiguously and shown
// safely: slog.TextHandler's rule (empty, space, '=', '"', control characters, invalid UTF-8,
// non-printing or space runes), with DEL added.
func needsQuoting(s string) bool {
	if len(s) == 0 {
		return true
	}
	for i := 0; ; {
		i = quietPrefix(s, i)
		if i == len(s) {
			return false
		}
		if s[i] < utf8.RuneSelf {
			return true
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
}

// appendQuoted appends s as a Go string literal, as strconv.Quote writes it: every control
// character, invalid byte and non-printing rune is escaped, so the result is safe to show
// on a terminal.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendQuotedInner(b, s)
	return append(b, '"')
}

// appendQuotedInner appends s escaped as inside a Go string literal, without the quotes.
func appendQuotedInner(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		j := plainPrefix(s, i)
		// Copy the printable ASCII run, escaping '"' and '\\' in it.
		for k := i; k < j; k++ {
			if c := s[k]; c == '"' || c == '\\' {
				b = append(b, s[i:k]...)
				b = append(b, '\\', c)
				i = k + 1
			}
		}
		b = append(b, s[i:j]...)
		if j == len(s) {
			break
		}
		c := s[j]
		if c < utf8.RuneSelf {
			b = appendEscapedByte(b, c)
			i = j + 1
			continue
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = appendEscapedByte(b, c)
		case strconv.IsPrint(r):
			b = append(b, s[j:j+size]...)
		default:
			b = appendEscapedRune(b, r)
		}
		i = j + size
	}
	return b
}

// appendMaybeQuoted appends s, quoted when needsQuoting says so.
func appendMaybeQuoted(b []byte, s string) []byte {
	if needsQuoting(s) {
		return appendQuoted(b, s)
	}
	return append(b, s...)
}

// unsafeRune reports whether a non-ASCII rune must be escaped in shown text: C1 control
// characters (some terminals act on them), bidirectional controls (they reorder what is
// shown, "Trojan Source"), and the Unicode line and paragraph separators.
func unsafeRune(r rune) bool {
	switch {
	case r < 0xa0:
		return true // C1 controls 0x80-0x9f (and anything below, never passed here)
	case r == 0x2028, r == 0x2029:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

const hexDigits = "0123456789abcdef"

// appendEscapedByte appends the visible escape of an ASCII control byte or an invalid one.
func appendEscapedByte(b []byte, c byte) []byte {
	switch c {
	case '\a':
		return append(b, `\a`...)
	case '\b':
		return append(b, `\b`...)
	case '\f':
		return append(b, `\f`...)
	case '\n':
		return append(b, `\n`...)
	case '\r':
		return append(b, `\r`...)
	case '\t':
		return append(b, `\t`...)
	case '\v':
		return append(b, `\v`...)
	}
	return append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
}

// appendEscapedRune appends r as \uXXXX or \UXXXXXXXX.
func appendEscapedRune(b []byte, r rune) []byte {
	if r > 0xffff {
		b = append(b, '\\', 'U')
		for s := 28; s >= 0; s -= 4 {
			b = append(b, hexDigits[r>>uint(s)&0xf])
		}
		return b
	}
	b = append(b, '\\', 'u')
	for s := 12; s >= 0; s -= 4 {
		b = append(b, hexDigits[r>>uint(s)&0xf])
	}
	return b
}

// appendSafe appends s with every control character, escape sequence, invalid byte and
// unsafe rune shown escaped (\x1b, \r, \n, \u202e, ...). It is for text that is not quoted:
// names, error causes.
func appendSafe(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		j := plainPrefix(s, i)
		b = append(b, s[i:j]...)
		if j == len(s) {
			break
		}
		c := s[j]
		if c < utf8.RuneSelf {
			b = appendEscapedByte(b, c)
			i = j + 1
			continue
		}
		var size int
		b, size = appendRuneSafe(b, s, j)
		i = j + size
	}
	return b
}

// appendRuneSafe appends the non-ASCII rune at s[j], escaped when it is invalid UTF-8 or
// unsafe to show (see unsafeRune), and returns its size in s.
func appendRuneSafe(b []byte, s string, j int) ([]byte, int) {
	r, size := utf8.DecodeRuneInString(s[j:])
	switch {
	case r == utf8.RuneError && size == 1:
		b = appendEscapedByte(b, s[j])
	case unsafeRune(r):
		b = appendEscapedRune(b, r)
	default:
		b = append(b, s[j:j+size]...)
	}
	return b, size
}

// appendClockMillis appends t in the default layout "15:04:05.000", by hand. The clock of
// the last second seen comes from lastClock, sparing the zone lookup and divisions for every
// record of the same second.
func appendClockMillis(b []byte, t time.Time) []byte {
	sec, loc := t.Unix(), t.Location()
	e := lastClock.Load()
	if e == nil || e.sec != sec || e.loc != loc {
		h, m, s := t.Clock()
		e = &clockEntry{sec: sec, loc: loc, hms: [8]byte{
			byte('0' + h/10), byte('0' + h%10), ':',
			byte('0' + m/10), byte('0' + m%10), ':',
			byte('0' + s/10), byte('0' + s%10)}}
		lastClock.Store(e) // once a second; the entry is never modified
	}
	ms := t.Nanosecond() / 1e6
	b = append(b, e.hms[:]...)
	return append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
}

// clockEntry is "15:04:05" for one Unix second in one location (a pure function of both).
type clockEntry struct {
	sec int64
	loc *time.Location
	hms [8]byte
}

var lastClock atomic.Pointer[clockEntry]

// appendRFC3339Millis appends t as slog.TextHandler shows a time value:
// "2006-01-02T15:04:05.000Z07:00". The date and clock come from one zone lookup, or from
// lastStamp when the last time value shown, twice in a row, was of the same second.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	sec, loc := t.Unix(), t.Location()
	ms := t.Nanosecond() / 1e6
	if e := lastStamp.Load(); e != nil && e.sec == sec && e.loc == loc {
		b = append(b, e.text[:19]...)
		b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
		return append(b, e.text[19:e.n]...)
	}
	start := len(b)
	b = appendRFC3339MillisSlow(b, t)
	// Only the usual layout (years 0-9999, a 4-digit year) is cached.
	if n := len(b) - start; n >= 24 && n <= 29 && b[start+4] == '-' && b[start+19] == '.' && lastStampSeen.Swap(sec) == sec {
		e := &stampEntry{sec: sec, loc: loc}
		copy(e.text[:19], b[start:start+19])
		e.n = uint8(19 + copy(e.text[19:], b[start+23:]))
		lastStamp.Store(e) // never modified after this
	}
	return b
}

// stampEntry is a time value of one Unix second in one location as appendRFC3339Millis shows
// it, without the milliseconds: "2006-01-02T15:04:05" then the zone ("Z" or "+01:00").
type stampEntry struct {
	sec  int64
	loc  *time.Location
	text [25]byte
	n    uint8
}

var (
	lastStamp     atomic.Pointer[stampEntry]
	lastStampSeen atomic.Int64 // the second of the last time value not found in lastStamp
)

// appendRFC3339MillisSlow is appendRFC3339Millis without lastStamp.
func appendRFC3339MillisSlow(b []byte, t time.Time) []byte {
	_, off := t.Zone()
	sec := t.Unix() + int64(off)
	days := sec / 86400
	if sec%86400 < 0 {
		days--
	}
	secOfDay := int(sec - days*86400)
	year, month, day := cachedDate(days)
	if year < 0 || year > 9999 {
		return t.Truncate(time.Millisecond).AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	}
	h, m, s := secOfDay/3600, secOfDay/60%60, secOfDay%60
	ms := t.Nanosecond() / 1e6
	b = append(b,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+month/10), byte('0'+month%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':',
		byte('0'+m/10), byte('0'+m%10), ':',
		byte('0'+s/10), byte('0'+s%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	if off == 0 {
		return append(b, 'Z')
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	off /= 60
	hh, mm := off/60, off%60
	return append(b, sign, byte('0'+hh/10), byte('0'+hh%10), ':', byte('0'+mm/10), byte('0'+mm%10))
}

// lastDate caches the date of the last day converted, packed in one word so it is read and
// written without a lock or an allocation: days+2^24 (25 bits), year (14), month (4), day (5).
var lastDate atomic.Uint64

// cachedDate is civilDate with lastDate in front.
func cachedDate(days int64) (year, month, day int) {
	if days < -1<<24 || days >= 1<<24 {
		return civilDate(days)
	}
	key := uint64(days + 1<<24)
	if w := lastDate.Load(); w>>23 == key && w != 0 {
		return int(w >> 9 & (1<<14 - 1)), int(w >> 5 & 15), int(w & 31)
	}
	year, month, day = civilDate(days)
	if year >= 0 && year < 1<<14 {
		lastDate.Store(key<<23 | uint64(year)<<9 | uint64(month)<<5 | uint64(day))
	}
	return year, month, day
}

// civilDate converts days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
// days_from_civil inverse).
func civilDate(days int64) (year, month, day int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return int(y), int(m), int(d)
}

func appendInt(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }

// appendAnyText appends the text of a KindAny value as slog.TextHandler shows it (%+v,
// MarshalText, []byte as a string), without fmt for the common shapes, and tells the style.
// A panic in the value's methods is caught and shown as the value.
func (s *state) appendAnyText(b []byte, v any) (out []byte, sgr string) {
	start := len(b)
	defer func() {
		if p := recover(); p != nil {
			out, sgr = append(b[:start], "!PANIC: "...), sgrErr
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
				out, sgr = append(b[:start], "<nil>"...), sgrNil
				return
			}
			out = fmt.Appendf(out, "%v", p)
		}
	}()
	switch x := v.(type) {
	case nil:
		return append(b, "<nil>"...), sgrNil
	case error:
		b = append(b, x.Error()...)
		if s.keyed && (hasCausesUnguarded(x) || stacktrace.Has(x)) {
			s.errs = append(s.errs, keyedErr{key: s.key, err: x})
		}
		return b, sgrErr
	case encoding.TextMarshaler:
		t, err := x.MarshalText()
		if err != nil {
			return append(append(b, "!ERROR:"...), err.Error()...), sgrErr
		}
		return append(b, t...), sgrString
	case []byte:
		return append(b, x...), sgrString
	case fmt.Stringer:
		// %+v calls String too; fmt.Formatter implementations keep their own %+v.
		if _, ok := v.(fmt.Formatter); !ok {
			return append(b, x.String()...), sgrAny
		}
	case *slog.Source:
		return appendSourceText(b, x), sgrDim
	}
	rv := reflect.ValueOf(v)
	if bs, ok := byteSliceOf(rv); ok {
		return append(b, bs...), sgrString
	}
	if rv.Kind() == reflect.Struct {
		if _, ok := v.(fmt.Formatter); !ok {
			if p := planFor(rv.Type()); p.ok {
				return appendPlainStruct(b, rv, p), sgrAny
			}
		}
	}
	s.scratch = valuefmt.AppendPlusV(s.scratch[:0], v) // %+v, safe from cyclic values
	return append(b, s.scratch...), sgrAny
}

// byteSliceOf returns rv's bytes when its type is a (possibly named) []byte.
func byteSliceOf(rv reflect.Value) ([]byte, bool) {
	if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
		return rv.Bytes(), true
	}
	return nil, false
}

// structPlan says how to print a struct type the way %+v does, when that needs no method
// calls and only basic fields; ok is false otherwise. Plans are built once per type.
type structPlan struct {
	ok     bool
	fields []fieldPlan
}

type fieldPlan struct {
	label string // "Name:", with a leading space for all fields but the first
	kind  reflect.Kind
	sub   *structPlan
}

var structPlans sync.Map // reflect.Type -> *structPlan

func planFor(t reflect.Type) *structPlan {
	if p, ok := structPlans.Load(t); ok {
		return p.(*structPlan)
	}
	p := buildPlan(t, 0)
	structPlans.Store(t, p)
	return p
}

func buildPlan(t reflect.Type, depth int) *structPlan {
	p := &structPlan{}
	if depth > 3 {
		return p
	}
	for i := range t.NumField() {
		f := t.Field(i)
		ft := f.Type
		if f.IsExported() && ft.NumMethod() > 0 {
			return p // fmt would call its String, Error or Format
		}
		fp := fieldPlan{label: f.Name + ":", kind: ft.Kind()}
		if i > 0 {
			fp.label = " " + fp.label
		}
		switch fp.kind {
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
			reflect.Float32, reflect.Float64, reflect.String:
		case reflect.Struct:
			if fp.sub = buildPlan(ft, depth+1); !fp.sub.ok {
				return p
			}
		default:
			return p
		}
		p.fields = append(p.fields, fp)
	}
	p.ok = true
	return p
}

// appendPlainStruct appends %+v of struct value rv by its plan: {A:1 B:x}.
func appendPlainStruct(b []byte, rv reflect.Value, p *structPlan) []byte {
	b = append(b, '{')
	for i := range p.fields {
		fp := &p.fields[i]
		b = append(b, fp.label...)
		f := rv.Field(i)
		switch fp.kind {
		case reflect.Bool:
			b = strconv.AppendBool(b, f.Bool())
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			b = strconv.AppendInt(b, f.Int(), 10)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			b = strconv.AppendUint(b, f.Uint(), 10)
		case reflect.Float32:
			b = strconv.AppendFloat(b, f.Float(), 'g', -1, 32)
		case reflect.Float64:
			b = strconv.AppendFloat(b, f.Float(), 'g', -1, 64)
		case reflect.String:
			b = append(b, f.String()...)
		case reflect.Struct:
			b = appendPlainStruct(b, f, fp.sub)
		}
	}
	return append(b, '}')
}
