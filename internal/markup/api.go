package markup

// Profile is how many colors an output can show.
type Profile uint8

// Color profiles, from none to most.
const (
	NoColor   Profile = iota // no escape sequences at all
	ANSI16                   // the 16 standard and bright colors (SGR 30-37, 90-97)
	ANSI256                  // the xterm 256-color palette (SGR 38;5;n)
	TrueColor                // 24-bit color (SGR 38;2;r;g;b)
)

// Attr is a set of text attributes.
type Attr uint16

// Text attributes a style can switch on or off. The first nine are the common ones; the last
// four are Rich's rarer attributes (blink2, underline2, frame, encircle), kept so that every
// Rich style has an exact Style value.
const (
	Bold       Attr = 1 << iota // SGR 1; "bold", "b"
	Dim                         // SGR 2; "dim", "d"
	Italic                      // SGR 3; "italic", "i"
	Underline                   // SGR 4; "underline", "u"
	Strike                      // SGR 9; "strike", "s"
	Reverse                     // SGR 7; "reverse", "r"
	Blink                       // SGR 5; "blink"
	Conceal                     // SGR 8; "conceal", "c"
	Overline                    // SGR 53; "overline", "o"
	Blink2                      // SGR 6 (fast blink); "blink2"
	Underline2                  // SGR 21 (double underline); "underline2", "uu"
	Frame                       // SGR 51; "frame"
	Encircle                    // SGR 52; "encircle"
)

// ColorKind says how a Color is given.
type ColorKind uint8

// Color kinds.
const (
	ColorUnset    ColorKind = iota // the style does not set this color
	ColorDefault                   // the terminal's default color
	ColorStandard                  // one of the 16 standard colors, in N (0-15)
	Color256                       // an xterm 256-color palette index, in N
	ColorRGB                       // a 24-bit color, in R, G, B
)

// Color is a foreground or background color.
type Color struct {
	Kind    ColorKind
	N       uint8
	R, G, B uint8
}

// Style is what a markup tag (or a stack of open tags) asks for.
//
// On and Off are disjoint: On holds the attributes switched on, Off those explicitly switched
// off ("not bold"). Off matters only when styles are combined (see Style.Combine); rendering
// shows the attributes in On.
type Style struct {
	On, Off Attr // attributes switched on, and explicitly off ("not bold")
	FG, BG  Color
	Link    string // hyperlink target from "link=URL", empty if none
}

// IsZero reports whether st sets nothing at all.
func (st Style) IsZero() bool { return st == Style{} }

// Combine returns st with top laid over it, as Rich adds styles (base + top): every attribute
// top sets (on or off) replaces st's, and top's colors and link replace st's where top has
// them.
func (st Style) Combine(top Style) Style {
	set := top.On | top.Off
	st.On = st.On&^set | top.On
	st.Off = st.Off&^set | top.Off
	if top.FG.Kind != ColorUnset {
		st.FG = top.FG
	}
	if top.BG.Kind != ColorUnset {
		st.BG = top.BG
	}
	if top.Link != "" {
		st.Link = top.Link
	}
	return st
}

// Segment is a run of plain text and the style in force over it.
type Segment struct {
	Text  string
	Style Style
}
