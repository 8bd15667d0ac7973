// Package markup parses Rich console markup ("[bold red]failed[/] after [dim]3[/dim] tries"),
// renders it to ANSI escape sequences for a color profile, and strips it to plain text.
//
// PLACEHOLDER API (being implemented by the markup work; the types and signatures below are the
// agreed contract the console and file sinks build against; bodies are temporary).
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

// Text attributes a style can switch on or off.
const (
	Bold Attr = 1 << iota
	Dim
	Italic
	Underline
	Strike
	Reverse
	Blink
	Conceal
	Overline
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
type Style struct {
	On, Off Attr // attributes switched on, and explicitly off ("not bold")
	FG, BG  Color
	Link    string // hyperlink target from "link=URL", empty if none
}

// Segment is a run of plain text and the style in force over it.
type Segment struct {
	Text  string
	Style Style
}

// Parse appends the segments of s to dst and returns it.
func Parse(dst []Segment, s string) []Segment { return append(dst, Segment{Text: s}) }

// Strip returns the plain text of s: Rich's Text.from_markup(s).plain.
func Strip(s string) string { return s }

// AppendStrip appends Strip(s) to dst.
func AppendStrip(dst []byte, s string) []byte { return append(dst, s...) }

// AppendSGR appends the escape sequence(s) that switch the terminal to st for profile p.
func AppendSGR(dst []byte, st Style, p Profile) []byte { return dst }

// AppendANSI appends s rendered for profile p.
func AppendANSI(dst []byte, s string, p Profile) []byte { return append(dst, s...) }
