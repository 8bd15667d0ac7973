package markup

import "strings"

// Parse appends the segments of s to dst and returns the extended slice: the plain text of
// s (see Strip) cut into runs, each with the style in force over it, the combination of the
// styles of all open tags, combined as Rich does (a tag opened later overrides one opened
// earlier; see Style.Combine).
//
// Every Segment.Text is a non-empty substring of s. Neighbouring pieces with the same style
// are one segment when they are adjacent in s; where an escape removed a backslash between
// them they stay two segments with equal styles. Parse allocates nothing when dst has room
// for the segments (at most one per tag or escape, plus one).
//
// Segment texts are the message's own text: they may hold control characters and escape
// sequences, which a terminal renderer must neutralize.
func Parse(dst []Segment, s string) []Segment {
	if s == "" {
		return dst
	}
	if strings.IndexByte(s, '[') < 0 {
		return append(dst, Segment{Text: s})
	}
	base := len(dst)
	lastEnd := -1
	var m machine
	m.init(s, true)
	for {
		a, b, st := m.next()
		switch st {
		case done:
			return dst
		case restart:
			clear(dst[base:])
			dst, lastEnd = dst[:base], -1
			continue
		}
		style := m.style()
		if n := len(dst); n > base && lastEnd == a && dst[n-1].Style == style {
			dst[n-1].Text = s[a-len(dst[n-1].Text) : b]
		} else {
			dst = append(dst, Segment{Text: s[a:b], Style: style})
		}
		lastEnd = b
	}
}
