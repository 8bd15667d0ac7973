package console

import (
	"time"
	"unicode/utf8"

	"github.com/clipperhouse/displaywidth"

	"github.com/logbridge/logbridge/internal/textenc"
)

// The layout, in the spirit of Rich's RichHandler (rich/_log_render.py, a table grid with one
// space between columns):
//
//	14:05:06.789 INFO     engine ready on device cuda:0        core quickstart.engine
//	                      batch_size=32 dtype=bf16
//	^ time       ^ level  ^ message column (fixed)             ^ right-hand column
//
// The time and level columns have fixed widths, so the message starts at the same column in
// every record of a run, and its continuation lines, wrapped lines and error trees start
// there too. The category, the logger name and the source location go in a right-hand
// column beside the first line, as Rich puts its source path: they can never push the
// message around, however long a logger name is, and the record keeps its first line for
// its message. Unlike Rich's table, only the first line gives up that room: the lines below
// it take the full width, so a long URL or value is cut in as few pieces as possible. The column is as wide as its text, but never more than what leaves the
// message its share of the width (minMessageBeside columns, and half the space); a longer text
// loses its start, behind an ellipsis ("…ts.reconciliation server.go:228"), the most
// specific part of a dotted name and the source location staying in view.
//
// The layout degrades as the width shrinks, never to an unreadable sliver:
//   - when the right-hand column would be narrower than minRightWidth, it is dropped and
//     its text follows the body after two spaces, kept in one piece when it is wrapped;
//   - when the message column would be narrower than minMessageWidth, the message goes on
//     lines of its own, indented by minIndent, below a head line with the time, the level
//     and the right-hand text (as Rich's table, out of room, moves content down).
//
// Words break only at spaces; a word is split only when it alone is wider than the message
// column (a long URL on a narrow terminal). With no width in force (a pipe), a record is one
// line and the right-hand text follows the body.
const (
	minMessageWidth  = 24 // narrower than this, the message goes on its own lines
	minMessageBeside = 30 // the message column beside a right-hand column is at least this wide
	minRightWidth    = 10 // a right-hand column narrower than this is dropped
)

// layout is where a record's parts go, for one width.
type layout struct {
	msgCol int  // the message column: the body's first line and every continuation line
	end    int  // the column the body's lines end at (0: no wrapping)
	first  int  // the column the body's first line ends at: end, or before the right-hand column
	right  int  // the right-hand column's width beside the first line; 0 when it has none
	narrow bool // the message goes below the head line
}

// layoutFor returns the layout at width (0 or less: none) of a record whose head (time and
// level) ends at headCol and whose right-hand text is rightWidth wide.
func layoutFor(width, headCol, rightWidth int) layout {
	if width <= 0 {
		return layout{msgCol: max(headCol, minIndent)}
	}
	avail := width - headCol
	if avail < minMessageWidth {
		return layout{msgCol: minIndent, end: width, first: width, narrow: true}
	}
	lay := layout{msgCol: max(headCol, minIndent), end: width, first: width}
	if rightWidth > 0 {
		room := avail - 1 - max(minMessageBeside, (avail-1)/2)
		if room >= minRightWidth {
			lay.right = min(rightWidth, room)
			lay.first = width - lay.right - 1
		}
	}
	return lay
}

// timeColumnWidth is the width of the time column for layout: the widest a time written in
// it can be (the longest month and day names, a two-digit everything).
func timeColumnWidth(layout string) int {
	if layout == DefaultTimeFormat {
		return len(DefaultTimeFormat)
	}
	t := time.Date(2026, time.September, 30, 22, 59, 59, 999999999, time.UTC) // a Wednesday
	return displaywidth.String(t.Format(layout))
}

// rightWidth is the width of the right-hand text: category, logger name and source.
func (h *Handler) rightWidth(src string) int {
	if src == "" {
		return h.logColWidth // most records: no source; the widths were added up in WithLogger
	}
	return h.rightWidthSource(src)
}

// rightWidthSource is rightWidth for a record with a source location.
func (h *Handler) rightWidthSource(src string) int {
	w := h.logColWidth
	if sw := placedWidth(src); sw > 0 {
		if w > 0 {
			w++
		}
		w += sw
	}
	return w
}

// placedWidth is the number of columns text t takes where the console places it: after a
// character of the line (a space, a separator, "…"). A cluster that starts t with no base of
// its own (a combining mark, a variation selector) joins that character on the screen, and
// U+FE0F there asks for an emoji's two columns: the columns it adds are counted as wrap
// counts them for the message (see joinable.extendedBy), the character joined taken to be a
// space.
func placedWidth(t string) int {
	w := displaywidth.String(t)
	if t == "" || t[0] < utf8.RuneSelf {
		return w // an ASCII character is a base
	}
	g := displaywidth.StringGraphemes(t)
	if g.Next() && g.Width() == 0 {
		w += max(displaywidth.String(" "+g.Value())-1, 0) // rare: no cap, unlike extendedBy's
	}
	return w
}

// clipPlaced is clipColumns for text placed after a character of the line (see placedWidth):
// it clips b[start:] to width columns as placed and returns b and the columns it then takes.
func clipPlaced(b []byte, start, width int) ([]byte, int) {
	extra := placedWidth(textenc.String(b[start:])) - displaywidth.Bytes(b[start:])
	b = clipColumns(b, start, width-extra)
	return b, displaywidth.Bytes(b[start:]) + extra
}

// logColWidth returns the width of "category name" for layout: the widths of the parts that
// take columns, one apart.
func logColWidth(categoryWidth, nameWidth int) int {
	w := categoryWidth + nameWidth
	if categoryWidth > 0 && nameWidth > 0 {
		w++
	}
	return w
}

// appendRight appends the right-hand text in at most width columns: the category, the logger
// name and src, the start of the text behind an ellipsis when it is wider (the logger name
// loses its start first; the source location only when it does not fit alone).
//
// sep is what separates its parts: ' ', or nbsp where the text is to be wrapped whole.
func (s *state) appendRight(b []byte, src string, width int, sep byte) []byte {
	h := s.h
	srcW := placedWidth(src)
	logW := h.logColWidth
	total := logW + srcW
	if logW > 0 && srcW > 0 {
		total++
	}
	if width <= 0 {
		return b
	}
	if total > width {
		switch {
		case logW > 0 && srcW > 0 && width-srcW-1 >= 2:
			logW = width - srcW - 1 // "…" and the end of the logger name
		case srcW > 0:
			return s.appendClipped(b, src, srcW, width, sgrDim)
		default:
			logW = width
		}
	}
	if logW > 0 {
		b = s.appendLoggerText(b, logW, sep)
		if srcW > 0 {
			b = append(b, sep)
		}
	}
	if srcW > 0 {
		b = appendStyled(b, sgrDim, src, h.color)
	}
	return b
}

// appendLoggerText appends "category name" in width columns, its start replaced by "…"
// when it is wider.
func (s *state) appendLoggerText(b []byte, width int, sep byte) []byte {
	h := s.h
	if sep == ' ' && width >= h.loggerWidth {
		return append(b, h.loggerText...) // whole: pre-rendered (see Handler.loggerText)
	}
	return h.appendLoggerText(b, width, sep)
}

// appendLoggerText is state.appendLoggerText without the pre-rendered text.
func (h *Handler) appendLoggerText(b []byte, width int, sep byte) []byte {
	cat, name := h.category, h.name
	full := h.loggerWidth
	if full > width {
		b = append(b, "…"...)
		cut := full - (width - 1) // columns to drop from the start
		switch {
		case cat == "":
			name = skipColumns(name, cut)
		case cut <= h.categoryWidth:
			cat = skipColumns(cat, cut)
		default:
			cat, name = "", skipColumns(name, cut-h.categoryWidth-1)
		}
	}
	if cat != "" {
		b = appendStyled(b, sgrCategory, cat, h.color)
		if name != "" {
			b = append(b, sep)
		}
	}
	if name != "" {
		b = appendStyled(b, sgrName, name, h.color)
	}
	return b
}

// appendClipped appends t (w columns wide) in width columns: its end behind "…" when wider.
func (s *state) appendClipped(b []byte, t string, w, width int, sgr string) []byte {
	if w > width {
		b = append(b, "…"...)
		t = skipColumns(t, w-(width-1))
	}
	return appendStyled(b, sgr, t, s.h.color)
}

// skipColumns returns t without its first n columns (a wide character cut in two goes
// whole).
func skipColumns(t string, n int) string {
	g := displaywidth.StringGraphemes(t)
	i := 0
	for n > 0 && g.Next() {
		n -= g.Width()
		i += len(g.Value())
	}
	return t[i:]
}

// clipColumns shortens the plain text b[start:] to width columns, its end replaced by "…".
func clipColumns(b []byte, start, width int) []byte {
	if displaywidth.Bytes(b[start:]) <= width {
		return b
	}
	col, i := 0, start
	for g := displaywidth.BytesGraphemes(b[start:]); g.Next(); {
		if col+g.Width() > width-1 {
			break
		}
		col += g.Width()
		i += len(g.Value())
	}
	return append(b[:i], "…"...)
}

// appendNarrowHead ends the head line of a narrow layout: the right-hand text, right-aligned,
// when some of it fits, then the line break before the message.
func (s *state) appendNarrowHead(b []byte, headCol int, src string, lay layout, width int) []byte {
	if w := s.h.rightWidth(src); w > 0 {
		if room := width - headCol; room >= minRightWidth {
			w = min(w, room)
			b = appendSpaces(b, room-w)
			b = s.appendRight(b, src, w, ' ')
		}
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1] // the level column's padding
	}
	b = append(b, '\n')
	return appendSpaces(b, lay.msgCol)
}

// wrapBody wraps the body b[start:] into the message column and returns b, the offset of the
// end of its first line and that line's width in columns.
func (s *state) wrapBody(b []byte, start int, lay layout) ([]byte, int, int) {
	s.cont = appendSpaces(s.cont[:0], lay.msgCol)
	return s.wrapFirst(b, start, lay.msgCol, lay.first, lay.end, s.cont, lay.msgCol)
}

// insertRight puts the right-hand text, pad columns after the first line of the body (which
// ends at b[at]), in width columns.
func (s *state) insertRight(b []byte, at, pad int, src string, width int) []byte {
	s.tmp = append(s.tmp[:0], b[at:]...)
	b = appendSpaces(b[:at], pad)
	b = s.appendRight(b, src, width, ' ')
	return append(b, s.tmp...)
}
