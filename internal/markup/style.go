package markup

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseStyle reports whether s, the content of a tag (the text between '[' and ']'), is a
// valid Rich style, and which.
//
// It follows Rich's Style.parse on the style definition Rich builds from a tag: a tag "a=b"
// stands for the definition "a b" (so "link=URL" is "link URL"). The definition is a list of
// words separated by white space; keywords and color names are case-insensitive:
//
//   - an attribute switches it on: bold/b, dim/d, italic/i, underline/u, underline2/uu,
//     strike/s, reverse/r, blink, blink2, conceal/c, overline/o, frame, encircle;
//   - "not" + an attribute (lower case, as in Rich) switches it off;
//   - a color sets the foreground: one of Rich's color names (the 16 standard names such as
//     "red" and "bright_cyan", and the 256-color names such as "dark_orange3", "grey50",
//     "deep_sky_blue1"), "#rrggbb", "rgb(r,g,b)" (no spaces), "color(n)" (n <= 255), or
//     "default";
//   - "on" + a color sets the background;
//   - "link" + a URL sets a hyperlink;
//   - the definition "none" is the empty style.
//
// Later words override earlier ones ("red blue" is blue). Anything else, such as "admin",
// "INFO", "1, 2, 3", "x=1" or Rich's "@click" event handlers, is not a style: ParseStyle
// then returns the zero Style and false. Style.Link is a substring of s and is not
// sanitized here (AppendSGR neutralizes it when writing).
func ParseStyle(s string) (Style, bool) {
	var st Style
	if !parseDef(&st, nil, s, strings.IndexByte(s, '=')) {
		return Style{}, false
	}
	return st, true
}

// words iterates over the words of Rich's style definition for a tag: the white-space
// separated words of s, where the byte at eq (the tag's first '=', or -1) separates words
// too, since Rich turns the tag "name=params" into the definition "name params".
type words struct {
	s  string
	eq int
	i  int
}

func (w *words) next() string {
	s, i := w.s, w.i
	for i < len(s) { // skip white space
		c := s[i]
		if c < utf8.RuneSelf {
			if i != w.eq && (c >= 64 || asciiSpace&(1<<c) == 0) {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	j := i
	for j < len(s) { // the word
		c := s[j]
		if c < utf8.RuneSelf {
			if j == w.eq || (c < 64 && asciiSpace&(1<<c) != 0) {
				break
			}
			j++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[j:])
		if unicode.IsSpace(r) {
			break
		}
		j += n
	}
	w.i = j
	return s[i:j]
}

// parseDef parses into *st Rich's style definition for the tag content s whose first '='
// is at eq (-1 if none), and reports whether it is valid. When words is not nil it also
// records the foreground and background color words as written (for comparing definitions
// the way Rich's Style.normalize does). *st is only meaningful when parseDef reports true.
func parseDef(st *Style, colorWords *[2]string, s string, eq int) bool {
	*st = Style{}
	w := words{s: s, eq: eq}
	first := true
	for word := w.next(); word != ""; word = w.next() {
		var buf [maxName]byte
		lw := lowerWord(&buf, word)
		kind, a := classify(lw)
		switch kind {
		case kwOn:
			arg := w.next()
			if arg == "" {
				return false
			}
			c, ok := parseColor(arg)
			if !ok {
				return false
			}
			st.BG = c
			if colorWords != nil {
				colorWords[1] = arg
			}
		case kwNot:
			// Rich looks the word after "not" up as written, without lower-casing it.
			a, ok := attrNamed(w.next())
			if !ok {
				return false
			}
			st.On &^= a
			st.Off |= a
		case kwLink:
			arg := w.next()
			if arg == "" {
				return false
			}
			st.Link = arg
		case kwAttr:
			st.On |= a
			st.Off &^= a
		default:
			c, ok := parseColorLower(lw, word)
			if !ok {
				// Rich: `if style_definition.strip() == "none": return null style`.
				if first && word == "none" && w.next() == "" {
					*st = Style{}
					return true
				}
				return false
			}
			st.FG = c
			if colorWords != nil {
				colorWords[0] = word
			}
		}
		first = false
	}
	return true
}

// Kinds of words in a style definition.
const (
	kwOther = iota // a color, or not valid
	kwOn
	kwNot
	kwLink
	kwAttr
)

// classify tells what the lower-cased word lw is, and for an attribute which. It dispatches
// on the length first: this runs for every word of every tag.
func classify(lw []byte) (int, Attr) {
	w := string(lw) // no allocation: compared only
	switch len(w) {
	case 1:
		switch w[0] {
		case 'b':
			return kwAttr, Bold
		case 'd':
			return kwAttr, Dim
		case 'i':
			return kwAttr, Italic
		case 'u':
			return kwAttr, Underline
		case 'r':
			return kwAttr, Reverse
		case 'c':
			return kwAttr, Conceal
		case 's':
			return kwAttr, Strike
		case 'o':
			return kwAttr, Overline
		}
	case 2:
		switch w {
		case "on":
			return kwOn, 0
		case "uu":
			return kwAttr, Underline2
		}
	case 3:
		switch w {
		case "not":
			return kwNot, 0
		case "dim":
			return kwAttr, Dim
		}
	case 4:
		switch w {
		case "bold":
			return kwAttr, Bold
		case "link":
			return kwLink, 0
		}
	case 5:
		switch w {
		case "blink":
			return kwAttr, Blink
		case "frame":
			return kwAttr, Frame
		}
	case 6:
		switch w {
		case "italic":
			return kwAttr, Italic
		case "strike":
			return kwAttr, Strike
		case "blink2":
			return kwAttr, Blink2
		}
	case 7:
		switch w {
		case "reverse":
			return kwAttr, Reverse
		case "conceal":
			return kwAttr, Conceal
		}
	case 8:
		switch w {
		case "overline":
			return kwAttr, Overline
		case "encircle":
			return kwAttr, Encircle
		}
	case 9:
		if w == "underline" {
			return kwAttr, Underline
		}
	case 10:
		if w == "underline2" {
			return kwAttr, Underline2
		}
	}
	return kwOther, 0
}

// attrNamed maps Rich's attribute names (exact, lower case) to an Attr.
func attrNamed(w string) (Attr, bool) {
	if len(w) > len("underline2") {
		return 0, false
	}
	var buf [maxName]byte
	kind, a := classify(append(buf[:0], w...))
	return a, kind == kwAttr
}

// maxName bounds the length of a keyword or color name ("medium_spring_green" is 19 bytes).
const maxName = 24

// parseColor follows Rich's Color.parse on one word (no white space inside).
func parseColor(w string) (Color, bool) {
	var buf [maxName]byte
	return parseColorLower(lowerWord(&buf, w), w)
}

// parseColorLower is parseColor with lw, the lower-cased w from lowerWord.
func parseColorLower(lw []byte, w string) (Color, bool) {
	if lw != nil {
		if string(lw) == "default" {
			return Color{Kind: ColorDefault}, true
		}
		if n, ok := colorNames[string(lw)]; ok {
			return numbered(n), true
		}
	}
	// Rich's RE_COLOR, on the lower-cased word:
	//   ^\#([0-9a-f]{6})$ | color\(([0-9]{1,3})\)$ | rgb\(([\d\s,]+)\)$
	switch {
	case len(w) == 7 && w[0] == '#':
		var rgb [3]uint8
		for i := range 3 {
			hi, ok1 := hexVal(w[1+2*i])
			lo, ok2 := hexVal(w[2+2*i])
			if !ok1 || !ok2 {
				return Color{}, false
			}
			rgb[i] = hi<<4 | lo
		}
		return Color{Kind: ColorRGB, R: rgb[0], G: rgb[1], B: rgb[2]}, true
	case hasPrefixFold(w, "color(") && w[len(w)-1] == ')':
		digits := w[len("color(") : len(w)-1]
		if len(digits) < 1 || len(digits) > 3 {
			return Color{}, false
		}
		n, ok := atoi255(digits)
		if !ok {
			return Color{}, false
		}
		return numbered(n), true
	case hasPrefixFold(w, "rgb(") && w[len(w)-1] == ')':
		// Rich splits on "," and needs exactly three components, each an int <= 255
		// (int("") fails, so empty components are not valid either).
		rest := w[len("rgb(") : len(w)-1]
		var rgb [3]uint8
		for i := range 3 {
			part := rest
			if i < 2 {
				var found bool
				part, rest, found = strings.Cut(rest, ",")
				if !found {
					return Color{}, false
				}
			}
			n, ok := atoi255(part)
			if !ok {
				return Color{}, false
			}
			rgb[i] = n
		}
		return Color{Kind: ColorRGB, R: rgb[0], G: rgb[1], B: rgb[2]}, true
	}
	return Color{}, false
}

// numbered is Rich's color for palette number n: standard below 16, else 256-color.
func numbered(n uint8) Color {
	if n < 16 {
		return Color{Kind: ColorStandard, N: n}
	}
	return Color{Kind: Color256, N: n}
}

// atoi255 parses a non-empty run of ASCII digits (leading zeros allowed) no greater than 255.
func atoi255(s string) (uint8, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
		if n > 255 {
			return 0, false
		}
	}
	return uint8(n), true
}

func hexVal(c byte) (uint8, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// isPySpace reports whether r is white space for Python's str.split and str.strip: the ASCII
// white space, the separators U+001C..U+001F, and Unicode white space.
func isPySpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r < 64 && asciiSpace&(1<<r) != 0
	}
	return unicode.IsSpace(r)
}

// asciiSpace has bit c set for the ASCII white space c (all below 64).
const asciiSpace = 1<<' ' | 1<<'\t' | 1<<'\n' | 1<<'\v' | 1<<'\f' | 1<<'\r' | 1<<0x1c | 1<<0x1d | 1<<0x1e | 1<<0x1f

func skipSpace(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 64 || asciiSpace&(1<<c) == 0 {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isPySpace(r) {
			return i
		}
		i += n
	}
	return i
}

// trimPy is Python's str.strip().
func trimPy(s string) string {
	if s == "" {
		return s
	}
	if first, last := s[0], s[len(s)-1]; first < utf8.RuneSelf && last < utf8.RuneSelf &&
		!isPySpace(rune(first)) && !isPySpace(rune(last)) {
		return s // the common case: nothing to trim
	}
	s = s[skipSpace(s, 0):]
	for len(s) > 0 {
		r, n := utf8.DecodeLastRuneInString(s)
		if !isPySpace(r) {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

// kelvin is the one non-ASCII character whose lower case (in Python and Go) is ASCII: 'k'.
const kelvin = '\u212a'

// lowerWord writes Python's w.lower() into buf and returns it, when the result is ASCII and
// fits; else it returns nil (such a word cannot be a keyword or a color name).
func lowerWord(buf *[maxName]byte, w string) []byte {
	if len(w) > len(buf) {
		return nil
	}
	n := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return lowerWordSlow(buf, w)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return buf[:n]
}

func lowerWordSlow(buf *[maxName]byte, w string) []byte {
	n := 0
	for _, r := range w {
		switch {
		case 'A' <= r && r <= 'Z':
			buf[n] = byte(r) + 'a' - 'A'
		case r < utf8.RuneSelf:
			buf[n] = byte(r)
		case r == kelvin:
			buf[n] = 'k'
		default:
			return nil
		}
		n++
	}
	return buf[:n]
}

// hasPrefixFold reports whether w starts with the lower-case ASCII prefix (which has no 'k').
func hasPrefixFold(w, prefix string) bool {
	if len(w) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// foldEq compares two strings as Python's a.lower() == b.lower() does for the names that
// occur in tags (simple Unicode case mapping).
func foldEq(a, b string) bool {
	if a == b {
		return true
	}
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb && unicode.ToLower(ra) != unicode.ToLower(rb) {
			return false
		}
		a, b = a[na:], b[nb:]
	}
	return a == "" && b == ""
}
