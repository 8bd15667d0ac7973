package markup

import "strconv"

// The escape sequences written here:
//
//	SGR       ESC [ params m          (params joined by ';')
//	reset     ESC [ 0 m
//	OSC 8     ESC ] 8 ; ; URL ESC \   (open a hyperlink)
//	          ESC ] 8 ; ; ESC \       (close it)
const (
	sgrReset  = "\x1b[0m"
	osc8Open  = "\x1b]8;;"
	osc8Close = "\x1b]8;;\x1b\\"
	st        = "\x1b\\"
)

// attrSGR lists, in the order Rich writes them, each attribute's SGR "on" parameter.
var attrSGR = [...]struct {
	a    Attr
	code string
}{
	{Bold, "1"}, {Dim, "2"}, {Italic, "3"}, {Underline, "4"}, {Blink, "5"}, {Blink2, "6"},
	{Reverse, "7"}, {Conceal, "8"}, {Strike, "9"}, {Underline2, "21"}, {Frame, "51"},
	{Encircle, "52"}, {Overline, "53"},
}

// attrOff lists the SGR parameters that switch attributes off; one parameter may switch off
// several attributes (22 ends both bold and dim).
var attrOff = [...]struct {
	a    Attr
	code string
}{
	{Bold | Dim, "22"}, {Italic, "23"}, {Underline | Underline2, "24"}, {Blink | Blink2, "25"},
	{Reverse, "27"}, {Conceal, "28"}, {Strike, "29"}, {Frame | Encircle, "54"}, {Overline, "55"},
}

// AppendSGR appends the escape sequences that switch a terminal in its default state to st
// for profile p: one SGR sequence for st's attributes (those in st.On) and colors, degraded
// to p as Rich degrades them (truecolor to the 256-color palette to the 16 standard colors),
// then, if st.Link is set, an OSC 8 sequence that opens the hyperlink. With NoColor it
// appends nothing, and a style that shows nothing appends nothing.
//
// The link URL is untrusted text: every byte outside printable ASCII (controls such as ESC,
// BEL, C1 controls, DEL, and non-ASCII) is written percent-encoded, so the URL cannot end
// the sequence early or smuggle in other sequences.
//
// A renderer that writes segments one after another should use AppendTransition between
// them and AppendReset once at the end.
func AppendSGR(dst []byte, st Style, p Profile) []byte {
	return AppendTransition(dst, Style{}, st, p)
}

// AppendTransition appends the escape sequences that change a terminal showing style from
// to style to, for profile p: the SGR parameters that switch off what from shows and to does
// not, switch on what to adds and set the colors that differ, and the OSC 8 sequences that
// close from's hyperlink and open to's when they differ. It appends nothing when nothing
// visible changes or p is NoColor. AppendTransition(dst, Style{}, st, p) is AppendSGR.
func AppendTransition(dst []byte, from, to Style, p Profile) []byte {
	if p == NoColor {
		return dst
	}
	if from.Link != to.Link && from.Link != "" {
		dst = append(dst, osc8Close...)
	}
	mark := len(dst)
	dst = append(dst, "\x1b["...)
	start := len(dst)
	on := to.On &^ from.On
	if off := from.On &^ to.On; off != 0 {
		for _, o := range attrOff {
			if off&o.a != 0 {
				dst = appendParam(dst, start, o.code)
				// The parameter may also end attributes that to keeps: they go back on.
				on |= o.a & to.On
			}
		}
	}
	dst = appendAttrs(dst, start, on)
	// An unset color shows as the default one: from default to unset changes nothing.
	if to.FG != from.FG && !(to.FG.Kind == ColorUnset && from.FG.Kind == ColorDefault) {
		dst = appendColor(dst, start, to.FG, true, p)
	}
	if to.BG != from.BG && !(to.BG.Kind == ColorUnset && from.BG.Kind == ColorDefault) {
		dst = appendColor(dst, start, to.BG, false, p)
	}
	if len(dst) == start {
		dst = dst[:mark]
	} else {
		dst = append(dst, 'm')
	}
	if from.Link != to.Link && to.Link != "" {
		dst = append(dst, osc8Open...)
		dst = appendURL(dst, to.Link)
		dst = append(dst, st...)
	}
	return dst
}

// AppendReset appends what returns a terminal showing st to its default state for profile
// p: the OSC 8 sequence that closes st's hyperlink, if it has one, and an SGR reset
// (ESC [ 0 m). With NoColor it appends nothing. A renderer calls it once, after the last
// styled text of a line, so that nothing leaks into the next line.
func AppendReset(dst []byte, st Style, p Profile) []byte {
	if p == NoColor {
		return dst
	}
	if st.Link != "" {
		dst = append(dst, osc8Close...)
	}
	return append(dst, sgrReset...)
}

func appendParam(dst []byte, start int, code string) []byte {
	if len(dst) > start {
		dst = append(dst, ';')
	}
	return append(dst, code...)
}

func appendAttrs(dst []byte, start int, on Attr) []byte {
	if on == 0 {
		return dst
	}
	for _, a := range attrSGR {
		if on&a.a != 0 {
			dst = appendParam(dst, start, a.code)
		}
	}
	return dst
}

// appendColor appends the SGR parameters for c as a foreground (fg) or background color,
// degraded to profile p as Rich's Color.downgrade and get_ansi_codes do. An unset color is
// written as the default color (39 or 49), which is what switching it off means.
func appendColor(dst []byte, start int, c Color, fg bool, p Profile) []byte {
	if len(dst) > start {
		dst = append(dst, ';')
	}
	switch c.Kind {
	case ColorUnset, ColorDefault:
		if fg {
			return append(dst, "39"...)
		}
		return append(dst, "49"...)
	case ColorStandard:
		return appendStandard(dst, c.N&15, fg)
	case Color256:
		if p == ANSI16 {
			if c.N < 16 { // Rich never makes these: color(n) below 16 is a standard color
				return appendStandard(dst, c.N, fg)
			}
			return appendStandard(dst, eightBitToStandard[c.N], fg)
		}
		dst = appendIntro(dst, fg, "5;")
		return strconv.AppendUint(dst, uint64(c.N), 10)
	default: // ColorRGB
		switch p {
		case ANSI16:
			return appendStandard(dst, matchStandard(c.R, c.G, c.B), fg)
		case ANSI256:
			dst = appendIntro(dst, fg, "5;")
			return strconv.AppendUint(dst, uint64(rgbTo256(c.R, c.G, c.B)), 10)
		}
		dst = appendIntro(dst, fg, "2;")
		dst = strconv.AppendUint(dst, uint64(c.R), 10)
		dst = append(dst, ';')
		dst = strconv.AppendUint(dst, uint64(c.G), 10)
		dst = append(dst, ';')
		return strconv.AppendUint(dst, uint64(c.B), 10)
	}
}

func appendIntro(dst []byte, fg bool, kind string) []byte {
	if fg {
		dst = append(dst, "38;"...)
	} else {
		dst = append(dst, "48;"...)
	}
	return append(dst, kind...)
}

// appendStandard writes standard color n (0-15): 30-37 and 90-97 for the foreground, 40-47
// and 100-107 for the background.
func appendStandard(dst []byte, n uint8, fg bool) []byte {
	base := 30
	if n >= 8 {
		base = 90 - 8
	}
	if !fg {
		base += 10
	}
	return strconv.AppendUint(dst, uint64(base+int(n)), 10)
}

// appendURL writes url with every byte outside printable ASCII (0x21-0x7E) percent-encoded.
func appendURL(dst []byte, url string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(url); i++ {
		c := url[i]
		if c <= ' ' || c >= 0x7f {
			dst = append(dst, '%', hex[c>>4], hex[c&15])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}
