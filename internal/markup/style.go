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
// "INFO" as a color, "1, 2, 3", "x=1" or Rich's "@click" event handlers, is not a style and
// ParseStyle reports false. Style.Link is a substring of s and is not sanitized here
// (AppendSGR neutralizes it when writing).
func ParseStyle(s string) (Style, bool) {
	name, params, hasParams := strings.Cut(s, "=")
	st, _, _, ok := parseDef(name, params, hasParams)
	return st, ok
}

// words iterates over the white-space separated words of a, then of b (when hasB): the words
// of Rich's definition a + " " + b.
type words struct {
	a, b   string
	i      int
	hasB   bool
	inB    bool
	peeked bool
}

func (w *words) next() string {
	for {
		s := w.a
		if w.inB {
			s = w.b
		}
		i := skipSpace(s, w.i)
		if i == len(s) {
			if w.hasB && !w.inB {
				w.inB, w.i = true, 0
				continue
			}
			w.i = i
			return ""
		}
		j := skipWord(s, i)
		w.i = j
		return s[i:j]
	}
}

// parseDef parses Rich's style definition name + " " + params (params only when hasParams).
// It returns the style and the foreground and background color words as written (for
// comparing definitions the way Rich's Style.normalize does).
func parseDef(name, params string, hasParams bool) (st Style, fgWord, bgWord string, ok bool) {
	w := words{a: name, b: params, hasB: hasParams}
	// Rich: `if style_definition.strip() == "none" or not style_definition: return null`.
	probe := w
	if first := probe.next(); first == "none" && probe.next() == "" {
		return Style{}, "", "", true
	}
	for word := w.next(); word != ""; word = w.next() {
		switch {
		case eqFold(word, "on"):
			arg := w.next()
			if arg == "" {
				return Style{}, "", "", false
			}
			c, ok := parseColor(arg)
			if !ok {
				return Style{}, "", "", false
			}
			st.BG, bgWord = c, arg
		case eqFold(word, "not"):
			// Rich looks the word after "not" up as written, without lower-casing it.
			a, ok := attrNamed(w.next())
			if !ok {
				return Style{}, "", "", false
			}
			st.On &^= a
			st.Off |= a
		case eqFold(word, "link"):
			arg := w.next()
			if arg == "" {
				return Style{}, "", "", false
			}
			st.Link = arg
		default:
			if a, ok := attrFold(word); ok {
				st.On |= a
				st.Off &^= a
				continue
			}
			c, ok := parseColor(word)
			if !ok {
				return Style{}, "", "", false
			}
			st.FG, fgWord = c, word
		}
	}
	return st, fgWord, bgWord, true
}

// attrNamed maps Rich's attribute names (exact, lower case) to an Attr.
func attrNamed(w string) (Attr, bool) {
	switch w {
	case "bold", "b":
		return Bold, true
	case "dim", "d":
		return Dim, true
	case "italic", "i":
		return Italic, true
	case "underline", "u":
		return Underline, true
	case "blink":
		return Blink, true
	case "blink2":
		return Blink2, true
	case "reverse", "r":
		return Reverse, true
	case "conceal", "c":
		return Conceal, true
	case "strike", "s":
		return Strike, true
	case "underline2", "uu":
		return Underline2, true
	case "frame":
		return Frame, true
	case "encircle":
		return Encircle, true
	case "overline", "o":
		return Overline, true
	}
	return 0, false
}

// maxName bounds the length of a keyword or color name ("medium_spring_green" is 19 bytes).
const maxName = 24

// attrFold is attrNamed on the lower-cased word.
func attrFold(w string) (Attr, bool) {
	if isLowerASCII(w) {
		return attrNamed(w)
	}
	var buf [maxName]byte
	b, ok := lowerInto(&buf, w)
	if !ok {
		return 0, false
	}
	return attrNamed(string(b))
}

// parseColor follows Rich's Color.parse on one word (no white space inside).
func parseColor(w string) (Color, bool) {
	if eqFold(w, "default") {
		return Color{Kind: ColorDefault}, true
	}
	if len(w) <= maxName {
		var n uint8
		var found bool
		if isLowerASCII(w) {
			n, found = colorNames[w]
		} else {
			var buf [maxName]byte
			if b, ok := lowerInto(&buf, w); ok {
				n, found = colorNames[string(b)]
			}
		}
		if found {
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
		return r == ' ' || ('\t' <= r && r <= '\r') || (0x1c <= r && r <= 0x1f)
	}
	return unicode.IsSpace(r)
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if !isPySpace(rune(c)) {
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

func skipWord(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if isPySpace(rune(c)) {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isPySpace(r) {
			return i
		}
		i += n
	}
	return i
}

// trimPy is Python's str.strip().
func trimPy(s string) string {
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

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// kelvin is the one non-ASCII character whose lower case (in Python and Go) is ASCII: 'k'.
const kelvin = '\u212a'

// lowerInto writes Python's s.lower() into buf when the result is ASCII and fits, and reports
// whether it did. Results with other characters cannot be keywords or color names.
func lowerInto(buf *[maxName]byte, s string) ([]byte, bool) {
	n := 0
	for _, r := range s {
		if n == len(buf) {
			return nil, false
		}
		switch {
		case 'A' <= r && r <= 'Z':
			buf[n] = byte(r) + 'a' - 'A'
		case r < utf8.RuneSelf:
			buf[n] = byte(r)
		case r == kelvin:
			buf[n] = 'k'
		default:
			return nil, false
		}
		n++
	}
	return buf[:n], true
}

// eqFold reports whether Python's w.lower() equals the lower-case ASCII keyword kw.
func eqFold(w, kw string) bool {
	if len(w) == len(kw) && hasPrefixFold(w, kw) {
		return true
	}
	if isASCII(w) {
		return false
	}
	// Only the Kelvin sign can still lower-case to an ASCII keyword.
	var buf [maxName]byte
	b, ok := lowerInto(&buf, w)
	return ok && string(b) == kw
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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
