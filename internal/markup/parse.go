package markup

import "strings"

// Parse appends the segments of s to dst and returns the extended slice: the plain text of
// s (see Strip) cut into runs, each with the style in force over it, the combination of the
// styles of all open tags, combined as Rich does (a tag opened later overrides one opened
// earlier; see Style.Combine).
//
// Every Segment.Text is a non-empty substring of s, or the emoji (or variant selector) that
// replaces one of Rich's emoji codes (":rocket:"; see Strip). Neighbouring pieces with the
// same style are one segment when they are adjacent in s; where an escape removed a
// backslash between them, or an emoji stands between them, they stay several segments with
// equal styles. Parse allocates nothing when dst has room for the segments (at most one per
// tag, escape or emoji code, plus one).
//
// Segment texts are the message's own text: they may hold control characters and escape
// sequences, which a terminal renderer must neutralize.
func Parse(dst []Segment, s string) []Segment {
	if s == "" {
		return dst
	}
	if IsPlain(s) {
		return append(dst, Segment{Text: s})
	}
	if strings.IndexByte(s, '[') < 0 {
		open, lastEnd := false, -1
		return appendPieceSegments(dst, s, 0, len(s), Style{}, &open, &lastEnd)
	}
	base := len(dst)
	lastEnd := -1
	open := false // an emoji code runs on into the next piece
	var m machine
	m.init(s, true)
	for {
		a, b, st := m.next()
		switch st {
		case done:
			return dst
		case restart:
			clear(dst[base:])
			dst, lastEnd, open = dst[:base], -1, false
			continue
		}
		if !m.cont {
			open = false
		}
		style := m.style()
		if m.raw {
			dst = appendSegment(dst, s, a, b, style, &lastEnd)
			continue
		}
		dst = appendPieceSegments(dst, s, a, b, style, &open, &lastEnd)
	}
}

// appendPieceSegments appends the piece s[a:b] in style: its text, and the emoji of the codes
// in it as segments of their own. lastEnd is the end in s of the last segment appended when
// it is a substring of s, -1 otherwise.
func appendPieceSegments(dst []Segment, s string, a, b int, style Style, open *bool, lastEnd *int) []Segment {
	t := s[a:b]
	for from := 0; ; {
		i, j, e, v := nextEmoji(t, from, open)
		if i < 0 {
			if from < len(t) {
				dst = appendSegment(dst, s, a+from, b, style, lastEnd)
			}
			return dst
		}
		if i > from {
			dst = appendSegment(dst, s, a+from, a+i, style, lastEnd)
		}
		dst = append(dst, Segment{Text: e, Style: style})
		if v != "" {
			dst = append(dst, Segment{Text: v, Style: style})
		}
		*lastEnd = -1
		from = j
	}
}

// appendSegment appends s[a:b] in style, joined to the last segment when that one ends at a
// in s and has the same style.
func appendSegment(dst []Segment, s string, a, b int, style Style, lastEnd *int) []Segment {
	if n := len(dst); n > 0 && *lastEnd == a && dst[n-1].Style == style {
		dst[n-1].Text = s[a-len(dst[n-1].Text) : b]
	} else {
		dst = append(dst, Segment{Text: s[a:b], Style: style})
	}
	*lastEnd = b
	return dst
}
