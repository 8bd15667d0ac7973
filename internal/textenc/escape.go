package textenc

import (
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// HexDigits are the lower-case hexadecimal digits.
const HexDigits = "0123456789abcdef"

// String views b as a string without copying; b must not change while the string is used.
func String(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// UnsafeRune reports whether a non-ASCII rune must be escaped in text a person or a program
// reads from a terminal, a file or a JSON line: the C1 control characters (some terminals act
// on them), the bidirectional controls (they reorder what is shown: "Trojan Source") and the
// Unicode line and paragraph separators (a reader may break the line there). This is the one
// copy of the rule; every writer of shown text goes through it.
func UnsafeRune(r rune) bool {
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

// Escaping says how AppendEscaped escapes.
type Escaping uint8

const (
	// Shown is text shown as it is, unquoted (names, causes, messages): every control
	// character (\x1b, \r, \n, ...), invalid byte and unsafe rune (UnsafeRune) is escaped.
	Shown Escaping = iota
	// ShownLines is Shown that stops before a '\n' or '\t', for a caller that lays out
	// lines itself.
	ShownLines
	// Quoted is the inside of a Go string literal, as strconv.Quote writes it: '"' and '\'
	// too, and every rune strconv.IsPrint rejects.
	Quoted
)

// AppendEscaped appends s escaped as e says and returns how much of s it took: all of it,
// but with ShownLines, the length up to the first '\n' or '\t'.
func AppendEscaped(b []byte, s string, e Escaping) ([]byte, int) {
	set := Printable
	if e == Quoted {
		set = Literal
	}
	for i := 0; i < len(s); {
		j := set.Span(s, i)
		b = append(b, s[i:j]...)
		if j == len(s) {
			break
		}
		c := s[j]
		if c < utf8.RuneSelf {
			switch {
			case e == ShownLines && (c == '\n' || c == '\t'):
				return b, j
			case c == '"' || c == '\\':
				b = append(b, '\\', c) // only Quoted stops at these
			default:
				b = appendEscapedByte(b, c)
			}
			i = j + 1
			continue
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = appendEscapedByte(b, c)
		case e == Quoted && !strconv.IsPrint(r), e != Quoted && UnsafeRune(r):
			b = appendEscapedRune(b, r)
		default:
			b = append(b, s[j:j+size]...)
		}
		i = j + size
	}
	return b, len(s)
}

// AppendSafe appends s escaped as Shown.
func AppendSafe(b []byte, s string) []byte {
	b, _ = AppendEscaped(b, s, Shown)
	return b
}

// AppendQuoted appends s as a Go string literal, the bytes strconv.AppendQuote writes: by
// hand because BenchmarkQuote shows it 10 times faster than strconv.AppendQuote on plain text
// (23 ns against 250 ns for 65 bytes: the word-at-a-time scan).
func AppendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	b, _ = AppendEscaped(b, s, Quoted)
	return append(b, '"')
}

// AppendMaybeQuoted appends s, quoted when NeedsQuoting says so.
func AppendMaybeQuoted(b []byte, s string) []byte {
	if !BareShort(s) && NeedsQuoting(s) {
		return AppendQuoted(b, s)
	}
	return append(b, s...)
}

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
	return append(b, '\\', 'x', HexDigits[c>>4], HexDigits[c&0xf])
}

// appendEscapedRune appends r as \uXXXX or \UXXXXXXXX.
func appendEscapedRune(b []byte, r rune) []byte {
	if r > 0xffff {
		b = append(b, '\\', 'U')
		for s := 28; s >= 0; s -= 4 {
			b = append(b, HexDigits[r>>uint(s)&0xf])
		}
		return b
	}
	return AppendU4(append(b, '\\', 'u'), r)
}

// AppendU4 appends the four hex digits of r, a rune of the Basic Multilingual Plane (the
// XXXX of a \uXXXX escape).
func AppendU4(b []byte, r rune) []byte {
	return append(b, HexDigits[r>>12&0xf], HexDigits[r>>8&0xf], HexDigits[r>>4&0xf], HexDigits[r&0xf])
}
