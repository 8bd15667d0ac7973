package console

import (
	"unicode/utf8"

	"github.com/clipperhouse/displaywidth"
)

// displayWidth is the number of terminal columns plain text b takes (East Asian wide
// characters count two, combining marks none).
func displayWidth(b []byte) int {
	return displaywidth.Bytes(b)
}

// runeWidth is the number of columns r takes.
func runeWidth(r rune) int {
	return displaywidth.Rune(r)
}

// seqEnd returns the end of the escape sequence that starts at b[i] (an ESC): a CSI
// sequence up to its final byte, an OSC sequence up to BEL or ST, or ESC and one byte.
func seqEnd(b []byte, i int) int {
	j := i + 1
	if j >= len(b) {
		return j
	}
	switch b[j] {
	case '[':
		for j++; j < len(b); j++ {
			if c := b[j]; c >= 0x40 && c <= 0x7e {
				return j + 1
			}
		}
		return j
	case ']':
		for j++; j < len(b); j++ {
			if b[j] == '\a' {
				return j + 1
			}
			if b[j] == 0x1b && j+1 < len(b) && b[j+1] == '\\' {
				return j + 2
			}
		}
		return j
	}
	return j + 1
}

// isReset reports whether seq is an SGR reset; isLinkClose whether it ends a hyperlink.
func isReset(seq []byte) bool { return string(seq) == "\x1b[0m" || string(seq) == "\x1b[m" }
func isLinkClose(seq []byte) bool {
	return string(seq) == "\x1b]8;;\x1b\\" || string(seq) == "\x1b]8;;\a"
}
func isLinkOpen(seq []byte) bool { return len(seq) > 4 && string(seq[:4]) == "\x1b]8;" }

// wrap re-flows b[start:], the record's body written by this handler (text, its own escape
// sequences, and '\n' + indentation for the message's own lines), so that no line is wider
// than width: a line too long breaks at its last space, or where it is when it has none,
// and goes on after s.indent spaces. The style in force at a break is closed before it and
// opened again after the indentation. col is the column at start. It returns b and the
// column at its end.
func (s *state) wrap(b []byte, start, col, width int) ([]byte, int) {
	src := b[start:]
	out := s.wrapBuf[:0]
	indent := s.indent
	lineStart := 0
	brk, brkCol := -1, 0 // the last space of the line that can take a break, in out
	var brkA, brkB int   // the style in force at brk: src[brkA:brkB]
	brkLink := false
	styA, styB := 0, 0 // the style in force: src[styA:styB] (none when equal)
	link := false

	// breakLine appends a line break and the indentation, closing and reopening the style
	// src[a:b].
	breakLine := func(out []byte, a, b int, link bool) []byte {
		if b > a {
			out = append(out, sgrReset...)
			if link {
				out = append(out, sgrLinkClose...)
			}
		}
		out = append(out, '\n')
		out = appendSpaces(out, indent)
		return append(out, src[a:b]...)
	}

	for i := 0; i < len(src); {
		c := src[i]
		switch c {
		case 0x1b:
			j := seqEnd(src, i)
			seq := src[i:j]
			out = append(out, seq...)
			switch {
			case isReset(seq):
				styA, styB = 0, 0
			case isLinkClose(seq):
				link = false
			default:
				if isLinkOpen(seq) {
					link = true
				}
				if styB > styA && styB == i {
					styB = j // sequences in a row make one style
				} else {
					styA, styB = i, j
				}
			}
			i = j
			continue
		case '\n':
			out = append(out, c)
			col, brk, lineStart = 0, -1, len(out)
			i++
			continue
		case ' ':
			if col > indent {
				brk, brkCol, brkA, brkB, brkLink = len(out), col, styA, styB, link
			}
			out = append(out, c)
			col++
			i++
			continue
		}
		size, w := 1, 1
		if c >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRune(src[i:])
			w = runeWidth(r)
		}
		if col+w > width && col > indent {
			if brk >= lineStart {
				// Break at the last space: the text after it moves to the next line.
				s.tmp = append(s.tmp[:0], out[brk+1:]...)
				out = breakLine(out[:brk], brkA, brkB, brkLink)
				lineStart = len(out) - (brkB - brkA) - indent
				out = append(out, s.tmp...)
				col = indent + col - brkCol - 1
				brk = -1
			}
			if col+w > width && col > indent {
				// No space to break at, or the word is longer than a line: break here.
				out = breakLine(out, styA, styB, link)
				lineStart = len(out) - (styB - styA) - indent
				col = indent
				brk = -1
			}
		}
		out = append(out, src[i:i+size]...)
		col += w
		i += size
	}
	s.wrapBuf = out
	return append(b[:start], out...), col
}
