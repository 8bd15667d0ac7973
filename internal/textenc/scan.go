package textenc

import (
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Word-at-a-time scanning (the "determine if a word has a byte" tricks): the common case, a
// string with nothing to quote or escape, is checked 8 bytes per step with a few integer
// operations instead of 8 table lookups (BenchmarkSpan: 19 ns against 40 ns for a
// byte-at-a-time loop over a 65-byte text).
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// load8 returns the 8 bytes of s at i (i+8 <= len(s)) as a word in the machine's byte order:
// the predicates ask whether some byte qualifies, which does not depend on the order. (A plain
// load keeps Span within the inlining budget.)
func load8(s string, i int) uint64 {
	return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// load4 is load8 for 4 bytes (i+4 <= len(s)).
func load4(s string, i int) uint32 {
	return *(*uint32)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// zeroHigh is the "has a zero byte" trick before its mask: zeroHigh(y)&msb is nonzero exactly
// when some byte of y is zero.
func zeroHigh(y uint64) uint64 { return (y - lsb) &^ y }

// ByteSet is a set of ASCII bytes: every byte from a lower bound to '~' except two. Its runs are found a word at a time.
type ByteSet struct {
	from uint64 // the lowest byte in the set
	not1 uint64 // two bytes left out
	not2 uint64
	in   [256]bool
}

func newByteSet(from, not1, not2 byte) *ByteSet {
	s := &ByteSet{from: uint64(from), not1: uint64(not1), not2: uint64(not2)}
	for c := int(from); c < 0x7f; c++ {
		s.in[c] = c != int(not1) && c != int(not2)
	}
	return s
}

// The byte sets the sinks use.
var (
	// Printable is the printable ASCII bytes, space to '~': what shown text leaves as it is.
	Printable = newByteSet(' ', '~'+1, '~'+1)
	// Literal is what stands as it is inside a quoted string (Go or JSON): printable ASCII
	// but '"' and '\'.
	Literal = newByteSet(' ', '"', '\\')
	// Unquoted is the ASCII bytes a key or value can hold bare, as in slog.TextHandler:
	// printable but space, '"' and '='. DEL is left out too (slog leaves it bare).
	Unquoted = newByteSet('!', '"', '=')
	// UnquotedSpaced is Unquoted with the space: a bare message of the file sink.
	UnquotedSpaced = newByteSet(' ', '"', '=')
	// BelowDEL is every ASCII byte but DEL: what stands as it is in encoding/json's output.
	BelowDEL = newByteSet(0, '~'+1, '~'+1)
)

// Has reports whether c is in the set.
func (set *ByteSet) Has(c byte) bool { return set.in[c] }

// outside reports whether a byte of the word x is not in the set: below from ("a byte < n"),
// above '~' (x+1 or x itself has the high bit set), or equal to not1 or not2 ("has a zero
// byte" of x^c). The high bits are masked once for all four, which keeps it inlined.
func (set *ByteSet) outside(x uint64) bool {
	return ((x-lsb*set.from)&^x|(x+lsb)|x|zeroHigh(x^(lsb*set.not1))|zeroHigh(x^(lsb*set.not2)))&msb != 0
}

// Span returns the end of the run of bytes in the set that starts at s[i].
func (set *ByteSet) Span(s string, i int) int {
	i = set.SpanWords(s, i)
	// The tail in one word, as in Holds: the last 8 bytes of s, or two overlapping halves
	// (BenchmarkSpanTail: 38 ns against 43-45 ns for the byte loop on five texts).
	if n := len(s); n-i < 8 {
		if n >= 8 {
			if !set.outside(load8(s, n-8)) {
				return n
			}
		} else if n-i >= 4 && !set.outside(uint64(load4(s, i))|uint64(load4(s, n-4))<<32) {
			return n
		}
	}
	for i < len(s) && set.in[s[i]] {
		i++
	}
	return i
}

// SpanWords is the inlined first part of Span, for loops that look at the bytes one by one
// next: the run from s[i] in whole words of 8 bytes, up to the first word holding a byte
// outside the set (or fewer than 8 bytes left).
func (set *ByteSet) SpanWords(s string, i int) int {
	for i+8 <= len(s) && !set.outside(load8(s, i)) {
		i += 8
	}
	return i
}

// Holds reports whether s can be written bare under the set: each ASCII byte is in it and
// each other rune is valid UTF-8, printable and not a space (slog.TextHandler's rule for
// the runes).
func (set *ByteSet) Holds(s string) bool {
	// Short strings and the tail in one word, overlapping what was checked: most keys are 4
	// to 7 bytes long, where the byte loop below took ~10% of the console's Handle on slog's
	// 5-attribute record (BenchmarkHolds: 25 ns against 35 ns for slog's five keys and a value).
	if n := len(s); n >= 8 {
		if i := set.SpanWords(s, 0); i+8 > n && !set.outside(load8(s, n-8)) {
			return true
		}
	} else if n >= 4 && !set.outside(uint64(load4(s, 0))|uint64(load4(s, n-4))<<32) {
		return true
	}
	// Span written out: Holds runs for every key and value, and the call costs.
	for i := 0; ; {
		i = set.SpanWords(s, i)
		for i < len(s) && set.in[s[i]] {
			i++
		}
		if i == len(s) {
			return true
		}
		if s[i] < utf8.RuneSelf {
			return false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return false
		}
		i += size
	}
}

// NeedsQuoting reports whether s must be quoted to be read back unambiguously and shown
// safely: slog.TextHandler's rule (empty, space, '=', '"', control characters, invalid UTF-8,
// non-printing or space runes), with DEL added.
func NeedsQuoting(s string) bool {
	return len(s) == 0 || !Unquoted.Holds(s)
}

// BareShort reports whether s has 4 to 8 bytes, all in Unquoted: a "no" to NeedsQuoting for
// most keys ("time", "status", "duration") that is inlined, where NeedsQuoting is a call
// (its cost for the five keys was ~3% of the console's CPU time on slog's 5-attribute
// record). false says nothing: ask NeedsQuoting.
func BareShort(s string) bool {
	n := len(s)
	if uint(n-4) > 4 {
		return false
	}
	p := unsafe.Pointer(unsafe.StringData(s))
	return !unquotedOutside(uint64(*(*uint32)(p)) | uint64(*(*uint32)(unsafe.Add(p, n-4)))<<32)
}

// unquotedOutside is Unquoted.outside with the set's bounds as constants (which keeps
// BareShort within the inlining budget).
func unquotedOutside(x uint64) bool {
	return ((x-lsb*'!')&^x|(x+lsb)|x|zeroHigh(x^(lsb*'"'))|zeroHigh(x^(lsb*'=')))&msb != 0
}
