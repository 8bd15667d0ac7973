package markup

import "strings"

// AppendANSI appends s rendered for profile p and returns the extended buffer: the plain
// text of s (see Strip) with the escape sequences of AppendTransition wherever the style in
// force changes (SGR attributes and colors degraded to p, OSC 8 hyperlinks), and, if any of
// it was styled, exactly one AppendReset at the end, so that nothing leaks past the text.
// With NoColor it equals AppendStrip. It does not allocate when dst has room.
//
// AppendANSI does not sanitize the text: control characters and escape sequences in s
// (outside link URLs, which are always neutralized) are copied as they are. Use it only for
// trusted text. A renderer of untrusted messages, such as the console sink, uses Parse,
// neutralizes each segment's text itself and writes the styles with AppendTransition and
// AppendReset.
func AppendANSI(dst []byte, s string, p Profile) []byte {
	if p == NoColor || strings.IndexByte(s, '[') < 0 {
		return AppendStrip(dst, s)
	}
	base := len(dst)
	var cur Style
	styled, open := false, false
	var m machine
	m.init(s, true)
	for {
		a, b, st := m.next()
		switch st {
		case done:
			if styled {
				dst = AppendReset(dst, cur, p)
			}
			return dst
		case restart:
			dst, cur, styled, open = dst[:base], Style{}, false, false
			continue
		}
		if next := m.style(); next != cur {
			n := len(dst)
			dst = AppendTransition(dst, cur, next, p)
			styled = styled || len(dst) > n
			cur = next
		}
		dst = m.appendPiece(dst, s[a:b], &open)
	}
}
