package markup

// A reference implementation for the tests: a slow, literal transliteration of Rich's
// rich/markup.py (_parse and render), rich/style.py (Style.parse, Style.__str__ and
// Style.normalize) and the span ordering of rich/text.py (Text.render), built on regexp and
// strings, with this package's one change of rule: a tag that is not a valid style, and a
// closing tag with nothing to close, are literal text (Rich raises MarkupError on the
// latter). The fuzz tests compare the streaming machine against it.

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// reTags is Rich's RE_TAGS, ((\\*)\[([a-z#/@][^[]*?)]), in RE2 syntax. Go's regexp finds the
// same leftmost-first matches as Python's re.finditer for it.
var reTags = regexp.MustCompile(`(\\*)\[([a-z#/@][^\[]*?)\]`)

// reColor is Rich's RE_COLOR (rich/color.py), anchored as re.match anchors it. Rich's \d
// also matches non-ASCII digits; this package (and the reference) accept ASCII digits only.
var reColor = regexp.MustCompile(`^(?:#([0-9a-f]{6})|color\(([0-9]{1,3})\)|rgb\(([0-9\s,]+)\))$`)

type refSpan struct {
	start, end int
	def        string // Rich's str(tag): the style definition of the span
}

type refResult struct {
	plain string
	spans []refSpan // in Rich's order: sorted(spans[::-1], key=start)
	// consumed holds the byte ranges of s that were tags interpreted as markup.
	consumed [][2]int
}

func pyIsSpace(r rune) bool {
	return strings.ContainsRune(" \t\n\v\f\r\x1c\x1d\x1e\x1f", r) || (r > 0x7f && unicode.IsSpace(r))
}

func pySplit(s string) []string { return strings.FieldsFunc(s, pyIsSpace) }
func pyStrip(s string) string   { return strings.TrimFunc(s, pyIsSpace) }

// pyLower is Python's str.lower for the characters that matter here: like Go's, except that
// 'İ' (U+0130) becomes "i̇" (two characters), so that it never turns into an ASCII 'i'.
func pyLower(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == 'İ' {
			b.WriteString("i\u0307")
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// refStyleAttributes is Style.STYLE_ATTRIBUTES.
var refStyleAttributes = map[string]string{
	"dim": "dim", "d": "dim", "bold": "bold", "b": "bold", "italic": "italic", "i": "italic",
	"underline": "underline", "u": "underline", "blink": "blink", "blink2": "blink2",
	"reverse": "reverse", "r": "reverse", "conceal": "conceal", "c": "conceal",
	"strike": "strike", "s": "strike", "underline2": "underline2", "uu": "underline2",
	"frame": "frame", "encircle": "encircle", "overline": "overline", "o": "overline",
}

// refAttrOrder is the bit order of Rich's Style, which Style.__str__ follows.
var refAttrOrder = []struct {
	name string
	a    Attr
}{
	{"bold", Bold}, {"dim", Dim}, {"italic", Italic}, {"underline", Underline}, {"blink", Blink},
	{"blink2", Blink2}, {"reverse", Reverse}, {"conceal", Conceal}, {"strike", Strike},
	{"underline2", Underline2}, {"frame", Frame}, {"encircle", Encircle}, {"overline", Overline},
}

// refParseColor is Color.parse; it also returns Color.name.
func refParseColor(word string) (Color, string, bool) {
	c := pyStrip(pyLower(word))
	if c == "default" {
		return Color{Kind: ColorDefault}, c, true
	}
	if n, ok := colorNames[c]; ok {
		if n < 16 {
			return Color{Kind: ColorStandard, N: n}, c, true
		}
		return Color{Kind: Color256, N: n}, c, true
	}
	m := reColor.FindStringSubmatch(c)
	if m == nil {
		return Color{}, "", false
	}
	switch {
	case m[1] != "":
		v := func(h string) uint8 {
			var x uint8
			for _, ch := range h {
				x = x*16 + uint8(strings.IndexRune("0123456789abcdef", ch))
			}
			return x
		}
		return Color{Kind: ColorRGB, R: v(m[1][0:2]), G: v(m[1][2:4]), B: v(m[1][4:6])}, c, true
	case m[2] != "":
		n := 0
		for _, ch := range m[2] {
			n = n*10 + int(ch-'0')
		}
		if n > 255 {
			return Color{}, "", false
		}
		if n < 16 {
			return Color{Kind: ColorStandard, N: uint8(n)}, c, true
		}
		return Color{Kind: Color256, N: uint8(n)}, c, true
	default:
		parts := strings.Split(m[3], ",")
		if len(parts) != 3 {
			return Color{}, "", false
		}
		var rgb [3]uint8
		for i, p := range parts {
			p = pyStrip(p) // Python's int() ignores surrounding white space
			if p == "" {
				return Color{}, "", false // int("") raises ValueError
			}
			n := 0
			for _, ch := range p {
				if ch < '0' || ch > '9' {
					return Color{}, "", false
				}
				n = n*10 + int(ch-'0')
				if n > 255 {
					return Color{}, "", false
				}
			}
			rgb[i] = uint8(n)
		}
		return Color{Kind: ColorRGB, R: rgb[0], G: rgb[1], B: rgb[2]}, c, true
	}
}

// refParseStyle is Style.parse; it also returns str(style), Rich's normal form.
func refParseStyle(def string) (Style, string, bool) {
	if pyStrip(def) == "none" || def == "" {
		return Style{}, "none", true
	}
	var st Style
	var fgName, bgName string
	hasFG, hasBG := false, false
	attrs := map[string]bool{}
	words := pySplit(def)
	for i := 0; i < len(words); i++ {
		word := pyLower(words[i])
		nextWord := func() string {
			if i+1 < len(words) {
				i++
				return words[i]
			}
			return ""
		}
		switch {
		case word == "on":
			w := nextWord()
			if w == "" {
				return Style{}, "", false
			}
			c, name, ok := refParseColor(w)
			if !ok {
				return Style{}, "", false
			}
			st.BG, bgName, hasBG = c, name, true
		case word == "not":
			a, ok := refStyleAttributes[nextWord()]
			if !ok {
				return Style{}, "", false
			}
			attrs[a] = false
		case word == "link":
			w := nextWord()
			if w == "" {
				return Style{}, "", false
			}
			st.Link = w
		case refStyleAttributes[word] != "":
			attrs[refStyleAttributes[word]] = true
		default:
			c, name, ok := refParseColor(word)
			if !ok {
				return Style{}, "", false
			}
			st.FG, fgName, hasFG = c, name, true
		}
	}
	var parts []string
	for _, a := range refAttrOrder {
		if on, set := attrs[a.name]; set {
			if on {
				st.On |= a.a
				parts = append(parts, a.name)
			} else {
				st.Off |= a.a
				parts = append(parts, "not "+a.name)
			}
		}
	}
	if hasFG {
		parts = append(parts, fgName)
	}
	if hasBG {
		parts = append(parts, "on", bgName)
	}
	if st.Link != "" {
		parts = append(parts, "link", st.Link)
	}
	if len(parts) == 0 {
		return st, "none", true
	}
	return st, strings.Join(parts, " "), true
}

// refNormalize is Style.normalize.
func refNormalize(s string) string {
	if _, norm, ok := refParseStyle(s); ok {
		return norm
	}
	return pyLower(pyStrip(s))
}

// reEmoji is the pattern of Rich's _emoji_replace (rich/_emoji_replace.py), Python's \S
// spelled out: not str.isspace, which is Go's unicode.IsSpace and U+001C..U+001F.
var reEmoji = regexp.MustCompile(`(:([^\t\n\v\f\r\x1c-\x1f\x{85}\p{Z}]*?)(?:(?:\-)(emoji|text))?:)`)

// refEmojiReplace is Rich's _emoji_replace with no default variant.
func refEmojiReplace(text string) string {
	return reEmoji.ReplaceAllStringFunc(text, func(code string) string {
		m := reEmoji.FindStringSubmatch(code)
		e, ok := lookupEmoji(m[2])
		if !ok {
			return code
		}
		switch m[3] {
		case "text":
			return e + "\ufe0e"
		case "emoji":
			return e + "\ufe0f"
		}
		return e
	})
}

// refRender is rich.markup.render with the literal-text rule; it returns the plain text and
// the spans in Rich's order.
func refRender(markup string) refResult {
	var res refResult
	if !strings.Contains(markup, "[") {
		res.plain = refEmojiReplace(markup)
		return res
	}
	var text strings.Builder
	type open struct {
		start     int
		name, def string // normalized name (for closing), str(tag) (the style)
	}
	var stack []open
	var spans []refSpan
	appendPlain := func(p string) { text.WriteString(refEmojiReplace(strings.ReplaceAll(p, `\[`, "["))) }
	position := 0
	for _, m := range reTags.FindAllStringSubmatchIndex(markup, -1) {
		start, end := m[0], m[1]
		escapes := m[3] - m[2]
		tagText := markup[m[4]:m[5]]
		if start > position {
			appendPlain(markup[position:start])
		}
		position = end
		backslashes, escaped := escapes/2, escapes%2
		if backslashes > 0 {
			appendPlain(strings.Repeat(`\`, backslashes))
		}
		bracket := m[4] - 1
		if escaped == 1 {
			appendPlain(markup[bracket:end])
			continue
		}
		name, params, equals := strings.Cut(tagText, "=")
		if strings.HasPrefix(name, "/") {
			styleName := pyStrip(name[1:])
			idx := len(stack) - 1
			if styleName != "" {
				styleName = refNormalize(styleName)
				idx = -1
				for i := len(stack) - 1; i >= 0; i-- {
					if stack[i].name == styleName {
						idx = i
						break
					}
				}
			}
			if idx < 0 {
				text.WriteString(markup[bracket:end]) // literal: nothing to close
				continue
			}
			o := stack[idx]
			stack = slices.Delete(stack, idx, idx+1)
			spans = append(spans, refSpan{o.start, text.Len(), o.def})
			res.consumed = append(res.consumed, [2]int{bracket, end})
			continue
		}
		def := name // str(Tag(name, parameters))
		if equals {
			def = name + " " + params
		}
		if _, _, ok := refParseStyle(def); !ok || len(stack) >= maxOpen {
			text.WriteString(markup[bracket:end]) // literal: not a style
			continue
		}
		stack = append(stack, open{start: text.Len(), name: refNormalize(name), def: def})
		res.consumed = append(res.consumed, [2]int{bracket, end})
	}
	if position < len(markup) {
		appendPlain(markup[position:])
	}
	res.plain = text.String()
	for i := len(stack) - 1; i >= 0; i-- {
		spans = append(spans, refSpan{stack[i].start, len(res.plain), stack[i].def})
	}
	slices.Reverse(spans)
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	res.spans = spans
	return res
}

// refCombine is Style.__add__ (rich/style.py), written from Rich's representation rather
// than from Style.Combine, which it checks: Rich keeps per attribute whether the style sets it
// (_set_attributes) and its value (_attributes); the sum takes, attribute by attribute, other's
// value where other sets it and base's otherwise, and each of color, bgcolor and link from
// other when other has one ("style.color or self.color").
func refCombine(base, other Style) Style {
	var out Style
	for bit := Attr(1); bit != 0 && bit <= Encircle; bit <<= 1 {
		from := base
		if other.On&bit != 0 || other.Off&bit != 0 {
			from = other
		}
		switch {
		case from.On&bit != 0:
			out.On |= bit
		case from.Off&bit != 0:
			out.Off |= bit
		}
	}
	out.FG, out.BG, out.Link = base.FG, base.BG, base.Link
	if other.FG != (Color{}) {
		out.FG = other.FG
	}
	if other.BG != (Color{}) {
		out.BG = other.BG
	}
	if other.Link != "" {
		out.Link = other.Link
	}
	return out
}

// styles returns, for every byte of the plain text, the style Text.render gives it: the
// combination of the spans over it in span order.
func (r refResult) styles() []Style {
	parsed := make([]Style, len(r.spans))
	for i, sp := range r.spans {
		parsed[i], _, _ = refParseStyle(sp.def)
	}
	out := make([]Style, len(r.plain))
	for i := range out {
		var st Style
		for j, sp := range r.spans {
			if sp.start <= i && i < sp.end {
				st = refCombine(st, parsed[j])
			}
		}
		out[i] = st
	}
	return out
}
