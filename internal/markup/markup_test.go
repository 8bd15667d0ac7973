package markup

import (
	"strings"
	"testing"
	"unsafe"
)

// stripCases are inputs and their plain text. Where a case comes from Rich's own tests
// (tests/test_markup.py) or from a line of Rich's source, the comment says so; "rule" marks
// this package's literal-text rule, where Rich would differ (it treats every tag as markup
// and raises MarkupError on a stray closing tag).
var stripCases = []struct {
	in, want string
	note     string
}{
	// The examples.
	{"[bold red]text[/]", "text", "issue"},
	{"list=[1, 2, 3]", "list=[1, 2, 3]", "issue: '1' cannot start a tag"},
	{`\[bold]x`, "[bold]x", "issue; test_escape_escape"},
	{"[green]X[bold]Y[/green]Z[/bold]", "XYZ", "issue; test_render_overlap"},
	{"[bold red]failed[/] after [dim]3[/dim] tries", "failed after 3 tries", "issue"},

	// tests/test_markup.py.
	{"[bold]FOO[/bold]", "FOO", "test_render"},
	{`[[1], [1,2,3,4], ["hello"], [None], [False], [True]] []`, `[[1], [1,2,3,4], ["hello"], [None], [False], [True]] []`, "test_render_not_tags"},
	{"[link=foo]FOO[/link]", "FOO", "test_render_link"},
	{"[green]X[blue]Y[/blue]Z[/green]", "XYZ", "test_render_combine"},
	{"[red][blue]B[/blue]R[/red]", "BR", "test_adjoint"},
	{"[bold]X[/]Y", "XY", "test_render_close"},
	{"[green]X[bold]Y[/]Z[/]", "XYZ", "test_render_close_ambiguous"},
	{`[dim white]\[url=[/]`, "[url=", "test_markup_escape: '[url=' is no tag (a '[' comes before any ']'), its backslash is dropped"},
	{`\\[bold]FOO`, `\FOO`, "test_escape_escape: 2 backslashes = 1 literal + live tag"},
	{`\[bold]FOO`, "[bold]FOO", "test_escape_escape"},
	{`\\[bold]some text[/]`, `\some text`, "test_escape_escape"},
	{`\\\[bold]some text\[/]`, `\[bold]some text[/]`, "test_escape_escape: 3 = 1 literal + escaped tag"},
	{`\\`, `\\`, "test_escape_escape: backslashes escape only before a tag"},
	{`\\\\`, `\\\\`, "test_escape_escape"},
	{`[red] \[red] \\[red] \\\[red]`, ` [red] \ \[red]`, "test_render_escape's strings, unescaped: live, escaped, 1+live, 1+escaped"},

	// Rich's plain_text.replace("\\[", "[") in render: a backslash before a '[' that is not a
	// tag is dropped, once.
	{`\[1]`, "[1]", "markup.py render: replace"},
	{`\\[1]`, `\[1]`, "markup.py render: replace drops one backslash"},
	{`a\b\[c`, `a\b[c`, "markup.py render: replace; '[c' is unterminated"},
	{`x\[\[`, `x[[`, "markup.py render: replace"},

	// More backslash counts before a live tag (markup.py _parse: divmod(len(escapes), 2)).
	{`\\\\[bold]x`, `\\x`, "_parse: 4 = 2 literal + live"},
	{`\\\\\[bold]x`, `\\[bold]x`, "_parse: 5 = 2 literal + escaped"},
	{`a\\[/]b`, `a\[/]b`, "rule: the live [/] has nothing to close, so it is literal"},

	// Unterminated and non-tags.
	{"[bold", "[bold", "RE_TAGS needs a ']'"},
	{"a[b", "a[b", "RE_TAGS"},
	{"[bold]x[", "x[", "RE_TAGS"},
	{"[red]a [b", "a [b", "RE_TAGS"},
	{"[a[bold]b]", "[ab]", "RE_TAGS: [^[] stops '[a' at the next '['"},
	{"[]", "[]", "test_re_no_match"},
	{"[BOLD]x", "[BOLD]x", "RE_TAGS: tags start with [a-z#/@]"},
	{"[1]x[True]", "[1]x[True]", "test_re_no_match"},
	{"x]y]]", "x]y]]", "']' alone is text"},

	// The literal-text rule.
	{"[admin] user [INFO] [x=1]", "[admin] user [INFO] [x=1]", "rule: not styles"},
	{"[foo]hello[/foo][bar]world[/]\\[escaped]", "[foo]hello[/foo][bar]world[/][escaped]", "rule; Rich's test_parse input, which Rich renders as helloworld[escaped]"},
	{"foo[/]", "foo[/]", "rule; test_markup_error (Rich raises)"},
	{"foo[/bar]", "foo[/bar]", "rule; test_markup_error (Rich raises)"},
	{"[foo]hello[/bar]", "[foo]hello[/bar]", "rule; test_markup_error (Rich raises)"},
	{"[@click]Hello[/@click] [@click='view.toggle', 'left']World[/]", "[@click]Hello[/@click] [@click='view.toggle', 'left']World[/]", "rule; test_events: handlers are not supported"},
	{"[/]", "[/]", "rule: stray [/]"},
	{"[bold]a[/italic]b[/bold]", "a[/italic]b", "rule: mismatched closing tag"},
	{"[bold]x[/red]y", "x[/red]y", "rule"},
	{"[bold]a[/bold][/bold]b", "a[/bold]b", "rule: the second close is stray"},
	{"[link]x", "[link]x", "style.py: URL expected after 'link'"},
	{"[on]x", "[on]x", "style.py: color expected after 'on'"},
	{"[not BOLD]x", "[not BOLD]x", "style.py: the word after 'not' is not lower-cased"},
	{"[rgb(1, 2, 3)]x", "[rgb(1, 2, 3)]x", "style.py: the definition is split on spaces"},
	{"[color(256)]x", "[color(256)]x", "color.py: color number must be <= 255"},
	{"[repr.number]1", "[repr.number]1", "rule: no theme names"},
	{"[bold=x]y", "[bold=x]y", "markup.py: [a=b] is the style 'a b'"},

	// Unclosed tags extend to the end; nesting.
	{"[bold]never closed", "never closed", "markup.py render: pops what is left"},
	{"[bold][red]a[/red]b[/bold]", "ab", "nested"},
	{"[b]x[/bold]", "x", "Style.normalize: b == bold"},
	{"[red bold]x[/bold red]y", "xy", "Style.normalize: canonical order"},
	{"[bold]x[/ bold ]", "x", "markup.py: tag.name[1:].strip()"},
	{"[link=https://a.b/?q=1]x[/link]", "x", "markup.py: partition('=')"},
	{"[bold on=red]x[/bold on]", "x", "markup.py: name 'bold on' does not parse; normalized by strip().lower()"},
	{"[none]x[/none]", "x", "style.py: 'none' is the null style"},
	{"[bOLD]x[/BOLD]", "x", "words are lower-cased; '[/BOLD]' is a tag ('/' starts it) and normalizes to bold"},
	{"[BOLD]x[/bold]", "[BOLD]x[/bold]", "'[BOLD]' is no tag, so '[/bold]' is stray"},
	{"[bold\nred]x", "x", "white space includes newlines"},
	{"[blin\u212a]x", "x", "Python's lower() maps the Kelvin sign to 'k'"},
	{"[#FF8800]x[/#ff8800]", "x", "color.py lower-cases"},
	{"[#ff8800 on rgb(0,0,255)]x[/]", "x", ""},
	{"[dark_orange3]a[/] [grey50]b[/] [deep_sky_blue1]c", "a b c", "ANSI_COLOR_NAMES"},
	{"[link https://x]a[/link https://x]", "a", "Style.normalize of 'link https://x'"},
	{strings.Repeat("[b]", 70) + "x", strings.Repeat("[b]", 6) + "x", "rule: at most 64 open tags"},
}

func TestStrip(t *testing.T) {
	for _, tc := range stripCases {
		if got := Strip(tc.in); got != tc.want {
			t.Errorf("Strip(%q) = %q, want %q (%s)", tc.in, got, tc.want, tc.note)
		}
		if got := string(AppendStrip([]byte("pre:"), tc.in)); got != "pre:"+tc.want {
			t.Errorf("AppendStrip(%q) = %q", tc.in, got)
		}
		if got := string(AppendANSI(nil, tc.in, NoColor)); got != tc.want {
			t.Errorf("AppendANSI(%q, NoColor) = %q", tc.in, got)
		}
		// The reference implementation agrees with every expectation above.
		if ref := refRender(tc.in).plain; ref != tc.want {
			t.Errorf("reference(%q) = %q, want %q", tc.in, ref, tc.want)
		}
	}
}

func TestStripReturnsInput(t *testing.T) {
	for _, s := range []string{"", "plain text", "list=[1, 2, 3]", "[admin] [INFO]", "a[b"} {
		for i := range 3 { // the third call takes the result from the cache
			if got := Strip(s); unsafe.StringData(got) != unsafe.StringData(s) || got != s {
				t.Errorf("Strip(%q) call %d made a copy", s, i)
			}
		}
	}
}

var (
	red    = Color{Kind: ColorStandard, N: 1}
	green  = Color{Kind: ColorStandard, N: 2}
	blue   = Color{Kind: ColorStandard, N: 4}
	white  = Color{Kind: ColorStandard, N: 7}
	orange = Color{Kind: ColorRGB, R: 0xff, G: 0x88}
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want []Segment
		note string
	}{
		{"", nil, ""},
		{"plain", []Segment{{"plain", Style{}}}, ""},
		{"[green]X[bold]Y[/green]Z[/bold]", []Segment{
			{"X", Style{FG: green}}, {"Y", Style{On: Bold, FG: green}}, {"Z", Style{On: Bold}},
		}, "test_render_overlap"},
		{"[green]X[blue]Y[/blue]Z[/green]", []Segment{
			{"X", Style{FG: green}}, {"Y", Style{FG: blue}}, {"Z", Style{FG: green}},
		}, "test_render_combine"},
		{"[red][blue]B[/blue]R[/red]", []Segment{
			{"B", Style{FG: blue}}, {"R", Style{FG: red}},
		}, "test_adjoint"},
		{"[green]X[bold]Y[/]Z[/]", []Segment{
			{"X", Style{FG: green}}, {"Y", Style{On: Bold, FG: green}}, {"Z", Style{FG: green}},
		}, "test_render_close_ambiguous"},
		{"[red][blue]X[/red]Y[/blue]", []Segment{
			{"X", Style{FG: red}}, {"Y", Style{FG: blue}},
		}, "text.py Text.render: spans sorted by start, then reversed closing order: red, closed first, wins"},
		{"[bold][red][blue]X[/bold]Y[/red]Z", []Segment{
			{"X", Style{On: Bold, FG: red}}, {"Y", Style{FG: red}}, {"Z", Style{FG: blue}},
		}, "text.py: spans bold(0,1), red(0,2), blue(0,3) combine as blue, red, bold"},
		{"[bold]a[not bold]b[/]c", []Segment{
			{"a", Style{On: Bold}}, {"b", Style{Off: Bold}}, {"c", Style{On: Bold}},
		}, "style.py: not"},
		{"[link=https://x]a[b]b[/b][/link]c", []Segment{
			{"a", Style{Link: "https://x"}}, {"b", Style{On: Bold, Link: "https://x"}}, {"c", Style{}},
		}, ""},
		{"[#ff8800 on color(200)]x", []Segment{
			{"x", Style{FG: orange, BG: Color{Kind: Color256, N: 200}}},
		}, ""},
		{"[dim white]\\[url=[/]", []Segment{{"[url=", Style{On: Dim, FG: white}}}, "test_markup_escape"},
		{"[bold]a [admin] b", []Segment{{"a [admin] b", Style{On: Bold}}}, "literal tag inside a run"},
		{`[bold]a\[1]b`, []Segment{{"a", Style{On: Bold}}, {"[1]b", Style{On: Bold}}}, "a dropped backslash splits the run"},
		{`\\[bold]x`, []Segment{{`\`, Style{}}, {"x", Style{On: Bold}}}, ""},
	}
	for _, tc := range tests {
		got := Parse(nil, tc.in)
		if !segmentsEqual(got, tc.want) {
			t.Errorf("Parse(%q) (%s)\n got %+v\nwant %+v", tc.in, tc.note, got, tc.want)
		}
		checkSubstrings(t, tc.in, got)
		// Appending keeps what dst holds.
		pre := []Segment{{Text: "keep"}}
		if got := Parse(pre, tc.in); len(got) != 1+len(tc.want) || got[0].Text != "keep" {
			t.Errorf("Parse(pre, %q) lost dst", tc.in)
		}
	}
}

func segmentsEqual(a, b []Segment) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// offsetIn returns the offset of sub, a substring of s, in s.
func offsetIn(s, sub string) int {
	return int(uintptr(unsafe.Pointer(unsafe.StringData(sub))) - uintptr(unsafe.Pointer(unsafe.StringData(s))))
}

// inside reports whether sub lies inside s (shares its memory).
func inside(s, sub string) bool {
	base := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	p := uintptr(unsafe.Pointer(unsafe.StringData(sub)))
	return p >= base && p+uintptr(len(sub)) <= base+uintptr(len(s))
}

// isEmojiText reports whether t is an emoji of the table or a variant selector: the texts
// Parse puts in place of emoji codes.
func isEmojiText(t string) bool {
	if t == variantText || t == variantEmoji {
		return true
	}
	for _, c := range emojiCodes {
		if c.emoji == t {
			return true
		}
	}
	return false
}

// checkSubstrings checks that every segment's text is non-empty and lies inside s, or is
// the emoji of a code.
func checkSubstrings(t *testing.T, s string, segs []Segment) {
	t.Helper()
	for _, sg := range segs {
		if sg.Text == "" || !inside(s, sg.Text) && !isEmojiText(sg.Text) {
			t.Fatalf("Parse(%q): segment %q is not a non-empty substring of the input", s, sg.Text)
		}
	}
}

func TestParseStyle(t *testing.T) {
	valid := []struct {
		in   string
		want Style
	}{
		{"bold", Style{On: Bold}},
		{"b", Style{On: Bold}},
		{"bold red", Style{On: Bold, FG: red}},
		{"red on white", Style{FG: red, BG: white}},
		{"on blue", Style{BG: blue}},
		{"not bold", Style{Off: Bold}},
		{"bold not bold", Style{Off: Bold}},
		{"red blue", Style{FG: blue}},
		{"#FF8800", Style{FG: orange}},
		{"rgb(255,136,0)", Style{FG: orange}},
		{"rgb(0255,136,000)", Style{FG: orange}},
		{"color(9)", Style{FG: Color{Kind: ColorStandard, N: 9}}},
		{"color(200)", Style{FG: Color{Kind: Color256, N: 200}}},
		{"default on default", Style{FG: Color{Kind: ColorDefault}, BG: Color{Kind: ColorDefault}}},
		{"link=https://x.y/?a=b", Style{Link: "https://x.y/?a=b"}},
		{"link https://x", Style{Link: "https://x"}},
		{"bold link=https://x", Style{On: Bold, Link: "https://x"}},
		{"dark_orange3", Style{FG: Color{Kind: Color256, N: 166}}},
		{"grey50", Style{FG: Color{Kind: Color256, N: 244}}},
		{"gray50", Style{FG: Color{Kind: Color256, N: 244}}},
		{"deep_sky_blue1", Style{FG: Color{Kind: Color256, N: 39}}},
		{"bright_cyan", Style{FG: Color{Kind: ColorStandard, N: 14}}},
		{"Bright_Cyan", Style{FG: Color{Kind: ColorStandard, N: 14}}},
		{"none", Style{}},
		{"  none ", Style{}},
		{"none=", Style{}},
		{"italic underline strike reverse blink conceal overline dim", Style{On: Italic | Underline | Strike | Reverse | Blink | Conceal | Overline | Dim}},
		{"i u s r c o d", Style{On: Italic | Underline | Strike | Reverse | Conceal | Overline | Dim}},
		{"uu blink2 frame encircle", Style{On: Underline2 | Blink2 | Frame | Encircle}},
		{"not uu", Style{Off: Underline2}},
		{"on=red", Style{BG: red}},
		{"BOLD On Red", Style{On: Bold, BG: red}},
		{"link LINK", Style{Link: "LINK"}},
	}
	for _, tc := range valid {
		got, ok := ParseStyle(tc.in)
		if !ok || got != tc.want {
			t.Errorf("ParseStyle(%q) = %+v, %v; want %+v, true", tc.in, got, ok, tc.want)
		}
	}
	for _, in := range []string{
		"admin", "INFO", "1, 2, 3", "x=1", "@click", "@click=close", "link", "link=", "on", "not",
		"not BOLD", "not red", "on nocolor", "color(256)", "color(1000)", "color()", "rgb(1,2)",
		"rgb(1,,2)", "rgb(1,2,3,)", "rgb(1, 2, 3)", "rgb(256,0,0)", "#ff00", "#gg0000", "#ff00000",
		"bold=x", "none none", "NONE", "/bold", "repr.number", "red on", "bold,red",
	} {
		if st, ok := ParseStyle(in); ok {
			t.Errorf("ParseStyle(%q) = %+v, true; want false", in, st)
		}
	}
}

func TestStyleCombine(t *testing.T) {
	base := Style{On: Bold | Italic, FG: red, Link: "a"}
	got := base.Combine(Style{Off: Bold, BG: blue})
	want := Style{On: Italic, Off: Bold, FG: red, BG: blue, Link: "a"}
	if got != want {
		t.Errorf("Combine = %+v, want %+v", got, want)
	}
	if !(Style{}).IsZero() || want.IsZero() {
		t.Error("IsZero")
	}
}

func TestEscape(t *testing.T) {
	// Rich's tests/test_markup.py test_escape, where this Escape agrees with Rich's.
	for in, want := range map[string]string{
		"foo[bar]":     `foo\[bar]`,
		`foo\[bar]`:    `foo\\\[bar]`,
		"[5]":          "[5]",
		"[@foo]":       `\[@foo]`,
		"[@]":          `\[@]`,
		"[nil, [nil]]": `[nil, \[nil]]`,
		"plain":        "plain",
		// Where it goes further than Rich's escape (which Rich's own parser does not invert).
		`\[5]`: `\\[5]`,
		`C:\`:  `C:\\[none][/none]`,
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
	for _, s := range []string{
		"[red]", `\[red]`, `\\[red]`, `\\\[red]`, `a\`, `\\`, `[x\`, `\[1]`, "[bold]x[/]", "[", `C:\dir\`,
	} {
		if got := Strip(Escape(s)); got != s {
			t.Errorf("Strip(Escape(%q)) = %q", s, got)
		}
		if got := Parse(nil, "[bold]"+Escape(s)+"[/bold]after"); Strip("[bold]"+Escape(s)+"[/bold]after") != s+"after" || got[len(got)-1].Style != (Style{}) {
			t.Errorf("Escape(%q) inside markup: %+v", s, got)
		}
	}
}

// An invalid style comes back as the zero Style, never half-parsed (found by FuzzParseStyle).
func TestParseStyleInvalidIsZero(t *testing.T) {
	for _, in := range []string{"B 0", "bold red nocolor", "on red x", "link u not X"} {
		if st, ok := ParseStyle(in); ok || st != (Style{}) {
			t.Errorf("ParseStyle(%q) = %+v, %v", in, st, ok)
		}
	}
}
