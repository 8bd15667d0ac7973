package console

import (
	"bytes"
	"unicode/utf8"

	"github.com/clipperhouse/displaywidth"

	"github.com/logbridge/logbridge/internal/textenc"
)

// displayWidth is the number of terminal columns plain text b takes (East Asian wide
// characters count two, combining marks none).
func displayWidth(b []byte) int {
	if textenc.Printable.Holds(textenc.String(b)) {
		return len(b) // most text: eight bytes a step, where displaywidth takes one
	}
	return displaywidth.Bytes(b)
}

// graphemeAt returns the size in bytes of the grapheme cluster that starts b, and its width.
func graphemeAt(b []byte) (size, width int) {
	g := displaywidth.BytesGraphemes(b)
	if !g.Next() {
		return 1, 0
	}
	return len(g.Value()), g.Width()
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

// wrap re-flows b[start:], text written by this handler (text, its own escape sequences,
// and '\n' + indentation for a message's own lines) that starts at column col, so that no
// line goes past column width: a line too long breaks at its last space (the spaces there
// are dropped), and only a word wider than the whole line breaks where it is. A line made
// here starts with cont (contWidth columns wide); the style in force at a break is closed
// before it and opened again after cont. It returns b, the offset in b of the end of the
// first line and that line's end column.
func (s *state) wrap(b []byte, start, col, width int, cont []byte, contWidth int) ([]byte, int, int) {
	return s.wrapFirst(b, start, col, width, width, cont, contWidth)
}

// wrapFirst is wrap with a first line that ends at firstWidth (beside the right-hand
// column) and the others at width.
func (s *state) wrapFirst(b []byte, start, col, firstWidth, width int, cont []byte, contWidth int) ([]byte, int, int) {
	src := b[start:]
	limit := firstWidth // where the current line ends
	fresh := false      // the line was started here: spaces at its start are dropped
	out := s.wrapBuf[:0]
	firstEnd, firstCol := -1, 0
	lineMin := col       // a space after this column can take a break
	brk, brkCol := -1, 0 // the last such space on the line, in out
	var brkA, brkB int   // the style in force at brk: src[brkA:brkB]
	brkLink := false
	styA, styB := 0, 0 // the style in force: src[styA:styB] (none when equal)
	link := false
	// The last grapheme cluster written, and its width: a cluster that only extends
	// (U+FE0F, a combining mark) and comes after an escape sequence still joins it on the
	// screen ("=" + SGR + U+FE0F is two columns, as "=" + U+FE0F is), so its width is what it
	// adds to that cluster. The line's text before start ends with a space, when it does
	// (styled or not: an error cause's dim "└─ ").
	var last joinable
	last.afterIndent(b[:start])

	// breakLine ends the line at out[:at] (its trailing spaces dropped) and starts the next
	// with cont, closing and reopening the style src[a:b].
	lineStart := 0 // where the line's text starts in out
	breakLine := func(out []byte, at, a, b int, link bool) []byte {
		s.tmp = append(s.tmp[:0], out[at:]...)
		for at > lineStart && out[at-1] == ' ' {
			at--
		}
		out = out[:at]
		if b > a {
			out = append(out, sgrReset...)
			if link {
				out = append(out, sgrLinkClose...)
			}
		}
		if firstEnd < 0 {
			firstEnd = len(out) // firstCol is set by the caller
		}
		limit, fresh = width, len(s.tmp) == 0
		out = append(out, '\n')
		out = append(out, cont...)
		last.afterIndent(cont)
		lineStart = len(out)
		out = append(out, src[a:b]...)
		return append(out, s.tmp...)
	}

	for i := 0; i < len(src); {
		c := src[i]
		kind := c
		if c == ' ' && i+1 < len(src) && src[i+1] >= utf8.RuneSelf {
			if n, _ := graphemeAt(src[i:]); n > 1 {
				kind = 'x' // a space that a combining mark or U+FE0F joins: no place to break
			}
		}
		switch kind {
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
			if firstEnd < 0 {
				firstEnd, firstCol = len(out), col
			}
			out = append(out, c)
			i++
			// The continuation indent after the newline belongs to the line's start: a
			// break later on the line must not trim it away as trailing space.
			n := 0
			for n < contWidth && i < len(src) && src[i] == ' ' {
				n++
				i++
			}
			out = append(out, src[i-n:i]...)
			last.afterIndent(src[i-n : i])
			col, brk, lineMin, lineStart, limit, fresh = n, -1, contWidth, len(out), width, false
			continue
		case nbsp:
			out = append(out, ' ')
			last.setSpace()
			col++
			i++
			continue
		case ' ':
			if fresh {
				i++ // a break here already ends the line
				continue
			}
			if col > lineMin {
				if col >= limit {
					// The space would end past the line: break here.
					if firstEnd < 0 {
						firstCol = col
					}
					out = breakLine(out, len(out), styA, styB, link)
					col, brk, lineMin = contWidth, -1, contWidth
					i++
					continue
				}
				brk, brkCol, brkA, brkB, brkLink = len(out), col, styA, styB, link
			}
			out = append(out, c)
			last.setSpace()
			col++
			i++
			continue
		}
		size, w := 1, 1
		if c >= utf8.RuneSelf || i+1 < len(src) && src[i+1] >= utf8.RuneSelf {
			// A grapheme cluster, measured whole ("0" + U+FE0F is two columns wide).
			size, w = graphemeAt(src[i:])
			if w == 0 && c >= utf8.RuneSelf {
				w = last.extendedBy(src, src[i:i+size])
			}
		}
		last = joinable{i: i, n: size, w: w}
		fresh = false
		if col+w > limit && col > lineMin {
			if brk >= 0 {
				// Break at the last space: the word after it moves to the next line.
				if firstEnd < 0 {
					firstCol = brkCol - trailingSpaces(out[:brk])
				}
				out = breakLine(out, brk+1, brkA, brkB, brkLink)
				col = contWidth + col - brkCol - 1
			} else {
				// A word wider than the line: break it where it is.
				if firstEnd < 0 {
					firstCol = col
				}
				out = breakLine(out, len(out), styA, styB, link)
				col = contWidth
			}
			brk, lineMin = -1, contWidth
		}
		out = append(out, src[i:i+size]...)
		col += w
		i += size
	}
	s.wrapBuf = out
	if firstEnd < 0 {
		firstEnd, firstCol = len(out), col
	}
	return append(b[:start], out...), start + firstEnd, firstCol
}

// joinable is the last grapheme cluster wrap wrote: src[i:i+n], or a space (n 0, w 1, from an
// indentation or a space written for nbsp), and its width. The zero value is none.
type joinable struct {
	i, n, w int
}

func (j *joinable) setSpace() { *j = joinable{w: 1} }

// afterIndent records what a line's indentation (or the text before the wrapped text) leaves
// as the last cluster: a space, when it ends with one before the handler's own SGR sequences
// (none otherwise).
func (j *joinable) afterIndent(indent []byte) {
	indent = trimSGR(indent)
	if len(indent) > 0 && indent[len(indent)-1] == ' ' {
		j.setSpace()
	} else {
		*j = joinable{}
	}
}

// trimSGR returns b without the SGR sequences (ESC '[' parameters 'm') it ends with. Only the
// handler writes an ESC: a record's own are escaped.
func trimSGR(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 'm' {
		k := bytes.LastIndexByte(b, 0x1b)
		if k < 0 || k+1 >= len(b) || b[k+1] != '[' {
			return b
		}
		for _, c := range b[k+2 : len(b)-1] {
			if (c < '0' || c > '9') && c != ';' && c != ':' {
				return b
			}
		}
		b = b[:k]
	}
	return b
}

// extendedBy returns the columns that extender g (a cluster of width 0 by itself) adds to
// the last cluster, in src, which it joins on the screen.
func (j *joinable) extendedBy(src, g []byte) int {
	if j.w == 0 || j.n+len(g) > 64 {
		return 0
	}
	var joined [64]byte
	k := 1
	if j.n == 0 {
		joined[0] = ' '
	} else {
		k = copy(joined[:], src[j.i:j.i+j.n])
	}
	k += copy(joined[k:], g)
	return max(displaywidth.Bytes(joined[:k])-j.w, 0)
}

// nbsp is a space wrap does not break at, written as ' '. Only the handler writes it (text
// from a record has every control byte escaped), and only into text that wrap then reads.
const nbsp = 0

// trailingSpaces counts the spaces at the end of b.
func trailingSpaces(b []byte) int {
	n := 0
	for n < len(b) && b[len(b)-1-n] == ' ' {
		n++
	}
	return n
}
