package markup

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzSeeds are the seed corpus of every fuzz test: the table cases plus some that reach
// the less common paths (exact mode, deep nesting, Unicode white space, hostile bytes).
func fuzzSeeds() []string {
	seeds := stripInputs()
	seeds = append(seeds,
		// Emoji codes, across pieces and tags.
		":rocket:", "go :rocket: now :ROCKET-text: :thumbs_up-emoji:", "a:b:rocket:", "::rocket:",
		":x\\[y:rocket:", ":rocket\\[x]:", "[bold]:rocket:[/] :rock[i]et:[/i]", "\\[b :rocket:]",
		"[x:rocket:]", ":rocket :tada:", ":rocket:tada:", ":piñata: :PIÑATA:", ":rocket\t:",
		":a\x1c:rocket:", ":rocket\\:", "\\\\[b]:rocket:[/b]",
		"[bold][red][blue]X[/bold]Y[/red]Z",
		"[a][b][c]x[/a]y[/b]z[/c]w",
		"[b][i]x[/b][u]y[/i]z",
		strings.Repeat("[red][blue]x[/red]", 20)+"end",
		"[bold\u00a0red]x[/bold\u2003red]",
		"[bold\x1cred]x",
		"[link=https://e.com/\x1b\\\x07]x[/link]",
		"[on]x[on=red]y[/on]z",
		"[not=bold]x[/not]",
		"\\\\\\[b]\\\\[/b]\\[",
		"[K\u212aa]",
		"[b]\xff\xfe[/b]",
		// Styles laid over others: an attribute switched off then on again and back, colors
		// and links replaced (the cases that tell Style.Combine from refCombine).
		"[not bold][bold]x[/bold]y[/not bold]z",
		"[bold][not bold]x[/not bold]y[/bold]",
		"[i not u][u]x[not i]y[/not i][/u]z",
		"[red on blue][green]x[on white]y[/on white][/green]z",
		"[link=https://a.example/][link=https://b.example/]x[/link]y",
		// A closing name that does not parse ("Bold" after "not" is looked up as written)
		// but spells, lower-cased, the normal form of an open tag's.
		"[not bold][b]0[/not Bold]0", "[bold not italic]x[/Bold Not Italic]y", "[not italic bold]x[/not Italic bold]y",
		"[red on rgb(1,2,3)]x[/not Bold red on #010203]y", "[not bold red on rgb(1,2,3)]x[/not Bold red on rgb(1,2,3)]y",
	)
	return seeds
}

// FuzzStrip compares Strip with the reference implementation and checks its properties: no
// panic; AppendStrip and AppendANSI with NoColor agree; escaping the output and stripping
// again gives the output back (Strip is idempotent on its escaped form); and every character
// outside a tag read as markup survives (backslashes aside, which escapes consume).
func FuzzStrip(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Strip(s)
		ref := refRender(s)
		if got != ref.plain {
			t.Fatalf("Strip(%q) = %q, reference %q", s, got, ref.plain)
		}
		if a := string(AppendStrip(nil, s)); a != got {
			t.Fatalf("AppendStrip(%q) = %q, Strip %q", s, a, got)
		}
		if IsPlain(s) && ref.plain != s {
			t.Fatalf("IsPlain(%q), but its plain text is %q", s, ref.plain)
		}
		// Seen twice: the next calls come from the cache.
		if again := Strip(s); again != got {
			t.Fatalf("Strip(%q) from the cache = %q, first %q", s, again, got)
		}
		if a := string(AppendStrip([]byte("x"), s)); a != "x"+got {
			t.Fatalf("AppendStrip(%q) from the cache = %q, Strip %q", s, a, got)
		}
		if a := string(AppendANSI(nil, s, NoColor)); a != got {
			t.Fatalf("AppendANSI(%q, NoColor) = %q, Strip %q", s, a, got)
		}
		if again := Strip(Escape(got)); again != got {
			t.Fatalf("Strip(Escape(Strip(%q))) = %q, want %q", s, again, got)
		}
		if back := Strip(Escape(s)); back != s {
			t.Fatalf("Strip(Escape(%q)) = %q", s, back)
		}
		// Every character outside the tags read as markup survives, in order (emoji codes
		// aside: those are replaced).
		var outside strings.Builder
		last := 0
		for _, c := range ref.consumed {
			outside.WriteString(s[last:c[0]])
			last = c[1]
		}
		outside.WriteString(s[last:])
		noBackslash := func(x string) string { return strings.ReplaceAll(x, `\`, "") }
		if strings.IndexByte(s, ':') < 0 && noBackslash(outside.String()) != noBackslash(got) {
			t.Fatalf("Strip(%q) = %q lost text outside tags (%q)", s, got, outside.String())
		}
	})
}

// sgrOrOSC matches the escape sequences AppendANSI writes.
var sgrOrOSC = regexp.MustCompile("\x1b\\[[0-9;]*m|\x1b\\]8;;[\x21-\x7e]*\x1b\\\\")

// FuzzParse compares Parse with the reference implementation, style by style, and checks
// that AppendANSI writes the same text with well-formed sequences and a single final reset.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(checkParse)
}

// checkParse compares Parse and AppendANSI on s with the reference implementation.
func checkParse(t *testing.T, s string) {
	segs := Parse(nil, s)
	checkSubstrings(t, s, segs)
	ref := refRender(s)
	want := ref.styles()
	var text strings.Builder
	var styles []Style
	for i, sg := range segs {
		text.WriteString(sg.Text)
		for range len(sg.Text) {
			styles = append(styles, sg.Style)
		}
		if i > 0 && segs[i-1].Style == sg.Style && inside(s, segs[i-1].Text) && inside(s, sg.Text) &&
			offsetIn(s, segs[i-1].Text)+len(segs[i-1].Text) == offsetIn(s, sg.Text) {
			t.Fatalf("Parse(%q): segments %d and %d should be one", s, i-1, i)
		}
	}
	if text.String() != ref.plain {
		t.Fatalf("Parse(%q) text = %q, reference %q", s, text.String(), ref.plain)
	}
	for i := range want {
		if styles[i] != want[i] {
			t.Fatalf("Parse(%q): style at byte %d = %+v, reference %+v\nsegments %+v", s, i, styles[i], want[i], segs)
		}
	}
	if strings.IndexByte(s, 0x1b) >= 0 {
		return
	}
	for _, p := range []Profile{ANSI16, ANSI256, TrueColor} {
		out := string(AppendANSI(nil, s, p))
		if plain := sgrOrOSC.ReplaceAllString(out, ""); plain != ref.plain {
			t.Fatalf("AppendANSI(%q, %v) = %q: text %q, want %q", s, p, out, plain, ref.plain)
		}
		if n := strings.Count(out, sgrReset); strings.Contains(out, "\x1b") && (n != 1 || !strings.HasSuffix(out, sgrReset)) {
			t.Fatalf("AppendANSI(%q, %v) = %q: want one reset, at the end", s, p, out)
		}
	}
}

// markupTokens is the vocabulary of FuzzTokens: tags that nest, overlap, close by name or
// by [/], normalize to each other, and literal look-alikes.
var markupTokens = []string{
	"[bold]", "[/bold]", "[b]", "[red]", "[/red]", "[blue]", "[/blue]", "[/]", "[/]",
	"[red bold]", "[/bold red]", "[not bold]", "[on blue]", "[/on blue]", "[i]", "[/i]",
	"[link=u]", "[link=v]", "[/link]", "[none]", "[/none]", "[#ff0000]", "[dim]", "[/dim]",
	"[admin]", "[/admin]", "[x=1]", "x", "y", "zz", " ", `\`, `\`, "[", "]", "[bold",
	"[u]", "[/u]", "[uu]", "[on=red]", "[/on]", "[/BOLD]", "[default]", "[color(9)]",
}

// FuzzTokens builds markup from tokens, so that most inputs are deep, overlapping and valid
// markup, and checks Strip and Parse against the reference implementation.
func FuzzTokens(f *testing.F) {
	f.Add([]byte{3, 5, 27, 4, 28, 6})
	f.Add([]byte{0, 3, 5, 27, 1, 28, 4, 29, 6})
	f.Add([]byte{3, 5, 27, 4, 35, 28, 6, 7})
	f.Fuzz(func(t *testing.T, data []byte) {
		var b strings.Builder
		for _, c := range data {
			b.WriteString(markupTokens[int(c)%len(markupTokens)])
		}
		s := b.String()
		if got, ref := Strip(s), refRender(s).plain; got != ref {
			t.Fatalf("Strip(%q) = %q, reference %q", s, got, ref)
		}
		checkParse(t, s)
	})
}

// FuzzParseStyle compares ParseStyle with the reference Style.parse.
func FuzzParseStyle(f *testing.F) {
	for _, s := range []string{
		"bold red on white", "not bold", "link=https://x", "#FF8800", "rgb(1,2,3)", "rgb(1,,3)",
		"color(255)", "color(256)", "none", "none=", "on", "dark_orange3", "grey50 on grey3",
		"BLIN\u212a", "b\u00a0i", "on=red", "not BOLD", "uu blink2", "@click", "x=1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // the reference splits on runes; tags are compared byte for byte elsewhere
		}
		got, ok := ParseStyle(s)
		name, params, eq := strings.Cut(s, "=")
		def := name
		if eq {
			def = name + " " + params
		}
		want, _, wantOK := refParseStyle(def)
		if ok != wantOK || got != want {
			t.Fatalf("ParseStyle(%q) = %+v, %v; reference %+v, %v", s, got, ok, want, wantOK)
		}
	})
}

// FuzzEscape checks that Escape makes any text come through Strip unchanged, alone and
// inside other markup.
func FuzzEscape(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := Escape(s)
		if got := Strip(e); got != s {
			t.Fatalf("Strip(Escape(%q)) = %q (escaped %q)", s, got, e)
		}
		m := "[bold]" + e + "[/bold]!"
		if got := Strip(m); got != s+"!" {
			t.Fatalf("Strip(%q) = %q", m, got)
		}
		segs := Parse(nil, m)
		for _, sg := range segs[:len(segs)-1] {
			if sg.Style != (Style{On: Bold}) {
				t.Fatalf("Parse(%q) = %+v: escaped text changed the style", m, segs)
			}
		}
	})
}
