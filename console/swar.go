package console

import (
	"encoding/binary"
	"unsafe"
)

// Word-at-a-time scanning: eight bytes are checked with a few integer operations instead
// of eight table lookups. The tricks are the classic "has a zero byte" / "has a byte less
// than n" ones; they are exact about whether such a byte exists.
const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// hasLess reports whether a byte of x is below n (n <= 128).
func hasLess(x, n uint64) bool { return (x-lo8*n)&^x&hi8 != 0 }

// hasByte reports whether a byte of x equals c.
func hasByte(x uint64, c byte) bool {
	v := x ^ (lo8 * uint64(c))
	return (v-lo8)&^v&hi8 != 0
}

// load8 reads s[i:i+8] as a little-endian word.
func load8(s string, i int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
}

// plainPrefix returns the length of the longest prefix of s[i:] made of printable ASCII
// bytes (space to '~'), starting the count at i.
func plainPrefix(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		x := load8(s, i)
		if x&hi8 != 0 || hasLess(x, 0x20) || hasByte(x, 0x7f) {
			break
		}
	}
	for i < len(s) && plainByte[s[i]] {
		i++
	}
	return i
}

// quietPrefix returns the end of the longest run from s[i] of ASCII bytes that need no
// quoting: printable, not space, '=', '"' or DEL.
func quietPrefix(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		x := load8(s, i)
		if x&hi8 != 0 || hasLess(x, 0x21) || hasByte(x, '"') || hasByte(x, '=') || hasByte(x, 0x7f) {
			break
		}
	}
	for i < len(s) && s[i] < 0x80 && !quoteByte[s[i]] {
		i++
	}
	return i
}
