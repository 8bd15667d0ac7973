package filelog

import (
	"encoding/binary"
	"unsafe"
)

// Word-at-a-time scanning (the "determine if a word has a byte" tricks): the common case, a
// string with nothing to quote or escape, is checked 8 bytes per step. Each predicate is
// nonzero exactly when some byte of x qualifies.

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// load8 returns the 8 bytes of s at i (i+8 <= len(s)) as a little-endian word.
func load8(s string, i int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
}

func hasLess(x uint64, n uint64) uint64 { return (x - lsb*n) &^ x & msb }      // a byte < n (n <= 128)
func hasMore(x uint64, n uint64) uint64 { return (x + lsb*(127-n) | x) & msb } // a byte > n (n <= 127)
func hasByte(x uint64, c uint64) uint64 { y := x ^ (lsb * c); return (y - lsb) &^ y & msb }

// textPlain8 is the number of leading bytes of s, a multiple of 8, that have no control
// character, space, '"', '=', DEL or non-ASCII byte (withSpace: space allowed).
func textPlain8(s string, withSpace bool) int {
	limit := uint64(0x21)
	if withSpace {
		limit = 0x20
	}
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := load8(s, i)
		if hasLess(x, limit)|hasByte(x, '"')|hasByte(x, '=')|hasMore(x, 0x7e) != 0 {
			break
		}
	}
	return i
}

// jsonPlain8 is the number of leading bytes of s, a multiple of 8, that need no escaping in a
// JSON string (no control character, '"', '\', DEL or non-ASCII byte).
func jsonPlain8(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := load8(s, i)
		if hasLess(x, 0x20)|hasByte(x, '"')|hasByte(x, '\\')|hasMore(x, 0x7e) != 0 {
			break
		}
	}
	return i
}
