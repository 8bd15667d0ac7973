package markup

import (
	"bytes"
	"strings"
	"testing"
)

func TestAppendANSI(t *testing.T) {
	const msg = "[bold red]failed[/] after [dim]3[/dim] tries"
	tests := []struct {
		in   string
		p    Profile
		want string
	}{
		{msg, NoColor, "failed after 3 tries"},
		{msg, ANSI16, "\x1b[1;31mfailed\x1b[22;39m after \x1b[2m3\x1b[22m tries\x1b[0m"},
		{msg, TrueColor, "\x1b[1;31mfailed\x1b[22;39m after \x1b[2m3\x1b[22m tries\x1b[0m"},
		{"plain [admin] text", TrueColor, "plain [admin] text"},
		{"no tags at all", ANSI256, "no tags at all"},
		{"[none]x[/none] [not bold]y", ANSI16, "x y"},

		// Degradation, as Rich's Color.downgrade (values checked against rich/color.py's
		// algorithm with Python's colorsys).
		{"[#ff8800]x", TrueColor, "\x1b[38;2;255;136;0mx\x1b[0m"},
		{"[#ff8800]x", ANSI256, "\x1b[38;5;208mx\x1b[0m"},
		{"[#ff8800]x", ANSI16, "\x1b[91mx\x1b[0m"},
		{"[#ff8800]x", NoColor, "x"},
		{"[on rgb(128,128,128)]x", ANSI256, "\x1b[48;5;244mx\x1b[0m"},
		{"[on grey50]x", TrueColor, "\x1b[48;5;244mx\x1b[0m"},
		{"[on grey50]x", ANSI16, "\x1b[47mx\x1b[0m"},
		{"[color(9) on color(12)]x", ANSI256, "\x1b[91;104mx\x1b[0m"},
		{"[bright_cyan on bright_black]x", ANSI16, "\x1b[96;100mx\x1b[0m"},
		{"[red]a[default]b[/default]c", ANSI16, "\x1b[31ma\x1b[39mb\x1b[31mc\x1b[0m"},

		// Attributes: every Rich attribute has its SGR code; switching one off keeps the rest.
		{"[b i u s r blink conceal o]x", ANSI16, "\x1b[1;3;4;5;7;8;9;53mx\x1b[0m"},
		{"[uu blink2 frame encircle]x", ANSI16, "\x1b[6;21;51;52mx\x1b[0m"},
		{"[bold]a[dim]b[/dim]c", ANSI16, "\x1b[1ma\x1b[2mb\x1b[22;1mc\x1b[0m"},
		{"[u]a[uu]b[/uu]c", ANSI16, "\x1b[4ma\x1b[21mb\x1b[24;4mc\x1b[0m"},
		{"[bold]a[not bold]b[/]c", ANSI16, "\x1b[1ma\x1b[22mb\x1b[1mc\x1b[0m"},
		{"[reverse]a[/] b", ANSI16, "\x1b[7ma\x1b[27m b\x1b[0m"},

		// Links: OSC 8, kept open across style changes, closed before the single reset.
		{"[link=https://example.com]site[/link]", TrueColor, "\x1b]8;;https://example.com\x1b\\site\x1b]8;;\x1b\\\x1b[0m"},
		{"[link=https://e.com]a[b]b[/b][/link]c", ANSI16, "\x1b]8;;https://e.com\x1b\\a\x1b[1mb\x1b]8;;\x1b\\\x1b[22mc\x1b[0m"},
		{"[link=https://e.com]open to the end", ANSI16, "\x1b]8;;https://e.com\x1b\\open to the end\x1b]8;;\x1b\\\x1b[0m"},
		{"[link=https://e.com]no links without color", NoColor, "no links without color"},

		// Rich's combination order (see TestParse).
		{"[red][blue]X[/red]Y[/blue]", ANSI16, "\x1b[31mX\x1b[34mY\x1b[0m"},
	}
	for _, tc := range tests {
		got := string(AppendANSI([]byte("pre"), tc.in, tc.p))
		if got != "pre"+tc.want {
			t.Errorf("AppendANSI(%q, %v)\n got %q\nwant %q", tc.in, tc.p, got[min(3, len(got)):], tc.want)
		}
	}
}

func TestAppendSGR(t *testing.T) {
	st := Style{On: Bold | Italic, FG: Color{Kind: ColorRGB, R: 1, G: 2, B: 3}, BG: Color{Kind: Color256, N: 17}}
	tests := []struct {
		st   Style
		p    Profile
		want string
	}{
		{st, TrueColor, "\x1b[1;3;38;2;1;2;3;48;5;17m"},
		{st, ANSI256, "\x1b[1;3;38;5;16;48;5;17m"},
		{st, ANSI16, "\x1b[1;3;30;44m"},
		{Style{FG: Color{Kind: Color256, N: 8}}, ANSI16, "\x1b[90m"},
		{st, NoColor, ""},
		{Style{}, TrueColor, ""},
		{Style{Off: Bold}, TrueColor, ""},
		{Style{FG: Color{Kind: ColorDefault}}, ANSI16, "\x1b[39m"},
		{Style{Link: "https://x"}, ANSI16, "\x1b]8;;https://x\x1b\\"},
		{Style{On: Bold, Link: "https://x"}, NoColor, ""},
	}
	for _, tc := range tests {
		if got := string(AppendSGR(nil, tc.st, tc.p)); got != tc.want {
			t.Errorf("AppendSGR(%+v, %v) = %q, want %q", tc.st, tc.p, got, tc.want)
		}
	}
}

func TestAppendTransitionAndReset(t *testing.T) {
	from := Style{On: Bold, FG: red, Link: "a"}
	to := Style{On: Italic, Link: "b"}
	if got, want := string(AppendTransition(nil, from, to, ANSI16)), "\x1b]8;;\x1b\\\x1b[22;3;39m\x1b]8;;b\x1b\\"; got != want {
		t.Errorf("AppendTransition = %q, want %q", got, want)
	}
	if got := AppendTransition(nil, from, from, TrueColor); len(got) != 0 {
		t.Errorf("AppendTransition(same) = %q", got)
	}
	if got := AppendTransition(nil, Style{FG: Color{Kind: ColorDefault}}, Style{}, TrueColor); len(got) != 0 {
		t.Errorf("default to unset = %q", got)
	}
	if got := AppendReset(nil, to, ANSI256); string(got) != "\x1b]8;;\x1b\\\x1b[0m" {
		t.Errorf("AppendReset(link) = %q", got)
	}
	if got := AppendReset(nil, Style{On: Bold}, ANSI16); string(got) != "\x1b[0m" {
		t.Errorf("AppendReset = %q", got)
	}
	if got := AppendReset(nil, to, NoColor); len(got) != 0 {
		t.Errorf("AppendReset(NoColor) = %q", got)
	}
}

// TestHostileLink checks that a link URL from an untrusted message cannot end the OSC 8
// sequence early or inject other sequences: every byte outside printable ASCII is
// percent-encoded.
func TestHostileLink(t *testing.T) {
	url := "https://e.com/\x1b]8;;https://evil\x1b\\\a\x07\x9b\u009b\u0085\x7f x"
	got := string(AppendSGR(nil, Style{Link: url}, TrueColor))
	want := "\x1b]8;;https://e.com/%1B]8;;https://evil%1B\\%07%07%9B%C2%9B%C2%85%7F%20x\x1b\\"
	if got != want {
		t.Errorf("AppendSGR(hostile link)\n got %q\nwant %q", got, want)
	}
	// Through markup: the tag ends at the first ']', everything else is the URL.
	msg := "[link=https://e.com/\x1b\\\x07\u009c\x00]click[/link] after"
	out := AppendANSI(nil, msg, ANSI256)
	inner := strings.TrimPrefix(string(out), "\x1b]8;;")
	inner = inner[:strings.Index(inner, "\x1b\\")]
	if inner != "https://e.com/%1B\\%07%C2%9C%00" {
		t.Errorf("link URL written as %q", inner)
	}
	if !bytes.HasSuffix(out, []byte("click\x1b]8;;\x1b\\ after\x1b[0m")) {
		t.Errorf("AppendANSI(hostile link) = %q", out)
	}
}

// TestOneReset checks that rendered markup holds exactly one reset, at the very end, and
// only when something was styled.
func TestOneReset(t *testing.T) {
	for _, s := range append([]string{"[bold]a[/bold] b [red]c[/red] d [link=u]e[/link]"}, stripInputs()...) {
		for _, p := range []Profile{ANSI16, ANSI256, TrueColor} {
			out := string(AppendANSI(nil, s, p))
			if strings.Contains(s, "\x1b") {
				continue
			}
			n := strings.Count(out, sgrReset)
			styled := strings.Contains(out, "\x1b")
			switch {
			case styled && (n != 1 || !strings.HasSuffix(out, sgrReset)):
				t.Errorf("AppendANSI(%q, %v) = %q: want exactly one reset, at the end", s, p, out)
			case !styled && n != 0:
				t.Errorf("AppendANSI(%q, %v) = %q: reset without style", s, p, out)
			}
		}
	}
}

func stripInputs() []string {
	var out []string
	for _, tc := range stripCases {
		out = append(out, tc.in)
	}
	return out
}

// TestColorGolden checks the color degradation against values computed with Rich's
// algorithm (rich/color.py Color.downgrade, rich/palette.py Palette.match) in Python 3.11
// with colorsys; Python's round() rounds half to even (155 -> 2.5 -> 2, 115 -> 1.5 -> 2).
func TestColorGolden(t *testing.T) {
	for _, g := range [][5]int{
		{255, 0, 0, 196, 1}, {255, 136, 0, 208, 9}, {18, 52, 86, 23, 8}, {128, 128, 128, 244, 7},
		{200, 200, 201, 251, 7}, {1, 1, 1, 16, 0}, {250, 250, 250, 231, 15}, {100, 149, 237, 69, 12},
		{255, 165, 0, 214, 9}, {0, 0, 0, 16, 0}, {255, 255, 255, 231, 15}, {127, 127, 127, 243, 8},
		{12, 200, 100, 41, 6}, {178, 34, 34, 124, 1}, {115, 0, 200, 92, 5}, {155, 0, 0, 88, 1},
		{195, 0, 255, 165, 5}, {235, 20, 20, 160, 1}, {30, 30, 40, 234, 0}, {240, 230, 140, 222, 11},
		{75, 0, 130, 54, 4},
	} {
		r, gr, b := uint8(g[0]), uint8(g[1]), uint8(g[2])
		if got := rgbTo256(r, gr, b); int(got) != g[3] {
			t.Errorf("rgbTo256(%v) = %d, want %d", g[:3], got, g[3])
		}
		if got := matchStandard(r, gr, b); int(got) != g[4] {
			t.Errorf("matchStandard(%v) = %d, want %d", g[:3], got, g[4])
		}
	}
	// Rich's 256-color palette entries 0-15 are not its STANDARD_PALETTE: entry 8, (128,
	// 128, 128), matches standard 7.
	if eightBitToStandard[8] != 7 || eightBitToStandard[244] != 7 || eightBitToStandard[17] != 4 {
		t.Errorf("eightBitToStandard[8, 244, 17] = %d, %d, %d", eightBitToStandard[8], eightBitToStandard[244], eightBitToStandard[17])
	}
}
