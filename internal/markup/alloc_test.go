package markup

import "testing"

// The hot-path functions must not allocate: Strip on text without '[' (and on text whose
// plain form is a prefix of it, or seen before), and AppendStrip, Parse, AppendSGR and AppendANSI when the
// destination has room.
func TestAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	const plain = "GET /api/v1/users 200 in 3.2ms from 10.0.0.1"
	const marked = "[bold red]failed[/] after [dim]3[/dim] tries: [link=https://example.com/x]details[/link]"
	const overlap = "[red][blue]X[/red]Y[/blue] and [b]z" // exact mode (a second pass)
	buf := make([]byte, 0, 1024)
	segs := make([]Segment, 0, 32)
	st := Style{On: Bold | Underline, FG: Color{Kind: ColorRGB, R: 10, G: 20, B: 30}, BG: Color{Kind: Color256, N: 200}, Link: "https://x"}
	for _, tc := range []struct {
		name string
		f    func()
		want float64
	}{
		{"Strip/plain", func() { _ = Strip(plain) }, 0},
		{"Strip/literal-tags", func() { _ = Strip("[INFO] user [admin] ok") }, 0},
		{"Strip/markup", func() { _ = Strip(marked) }, 0}, // from the cache after the second call
		{"Strip/markup-uncached", func() { _ = strip(marked) }, 1},
		{"AppendStrip/plain", func() { buf = AppendStrip(buf[:0], plain) }, 0},
		{"AppendStrip/markup", func() { buf = AppendStrip(buf[:0], marked) }, 0},
		{"AppendStrip/markup-uncached", func() { buf = appendStrip(buf[:0], marked) }, 0},
		{"Parse/plain", func() { segs = Parse(segs[:0], plain) }, 0},
		{"Parse/markup", func() { segs = Parse(segs[:0], marked) }, 0},
		{"Parse/overlap", func() { segs = Parse(segs[:0], overlap) }, 0},
		{"AppendSGR", func() { buf = AppendSGR(buf[:0], st, ANSI256) }, 0},
		{"AppendTransition", func() { buf = AppendTransition(buf[:0], st, Style{On: Dim}, TrueColor) }, 0},
		{"AppendANSI/plain", func() { buf = AppendANSI(buf[:0], plain, TrueColor) }, 0},
		{"AppendANSI/markup", func() { buf = AppendANSI(buf[:0], marked, ANSI16) }, 0},
		{"AppendANSI/overlap", func() { buf = AppendANSI(buf[:0], overlap, TrueColor) }, 0},
		{"AppendANSI/NoColor", func() { buf = AppendANSI(buf[:0], marked, NoColor) }, 0},
		{"ParseStyle/upper", func() { _, _ = ParseStyle("BOLD Dark_Orange3 ON Grey50") }, 0},
	} {
		if got := testing.AllocsPerRun(100, tc.f); got != tc.want {
			t.Errorf("%s: %v allocs per run, want %v", tc.name, got, tc.want)
		}
	}
}
