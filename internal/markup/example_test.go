package markup_test

import (
	"fmt"

	"github.com/logbridge/logbridge/internal/markup"
)

func ExampleStrip() {
	fmt.Println(markup.Strip("[bold red]failed[/] after [dim]3[/dim] tries"))
	// Tags that are not styles are text; a backslash escapes a tag.
	fmt.Println(markup.Strip("[INFO] user [admin] got list=[1, 2, 3]"))
	fmt.Println(markup.Strip(`\[bold] is how you write [bold]bold[/bold]`))
	// A closing tag with nothing to close is kept, never an error.
	fmt.Println(markup.Strip("done[/]"))
	// Output:
	// failed after 3 tries
	// [INFO] user [admin] got list=[1, 2, 3]
	// [bold] is how you write bold
	// done[/]
}

func ExampleAppendANSI() {
	const msg = "[bold red]failed[/] after [dim]3[/dim] tries"
	fmt.Printf("%q\n", markup.AppendANSI(nil, msg, markup.ANSI16))
	fmt.Printf("%q\n", markup.AppendANSI(nil, "[#ff8800]orange[/]", markup.TrueColor))
	fmt.Printf("%q\n", markup.AppendANSI(nil, "[#ff8800]orange[/]", markup.ANSI256))
	fmt.Printf("%q\n", markup.AppendANSI(nil, "[link=https://example.com]site[/link]", markup.ANSI16))
	fmt.Printf("%q\n", markup.AppendANSI(nil, msg, markup.NoColor))
	// Output:
	// "\x1b[1;31mfailed\x1b[22;39m after \x1b[2m3\x1b[22m tries\x1b[0m"
	// "\x1b[38;2;255;136;0morange\x1b[0m"
	// "\x1b[38;5;208morange\x1b[0m"
	// "\x1b]8;;https://example.com\x1b\\site\x1b]8;;\x1b\\\x1b[0m"
	// "failed after 3 tries"
}

func ExampleParse() {
	for _, seg := range markup.Parse(nil, "[green]ok[/green] [bold]3[/bold] files") {
		fmt.Printf("%q on=%v fg=%v\n", seg.Text, seg.Style.On, seg.Style.FG)
	}
	// Output:
	// "ok" on=0 fg={2 2 0 0 0}
	// " " on=0 fg={0 0 0 0 0}
	// "3" on=1 fg={0 0 0 0 0}
	// " files" on=0 fg={0 0 0 0 0}
}

// A renderer of untrusted messages writes each segment's text itself (neutralizing control
// characters) between the style changes.
func ExampleAppendTransition() {
	var out []byte
	var cur markup.Style
	for _, seg := range markup.Parse(nil, "[bold]a[/bold] b") {
		out = markup.AppendTransition(out, cur, seg.Style, markup.ANSI16)
		out = append(out, seg.Text...) // a real renderer sanitizes here
		cur = seg.Style
	}
	out = markup.AppendReset(out, cur, markup.ANSI16)
	fmt.Printf("%q\n", out)
	// Output:
	// "\x1b[1ma\x1b[22m b\x1b[0m"
}

func ExampleParseStyle() {
	for _, s := range []string{"bold red on white", "link=https://example.com", "admin", "1, 2, 3"} {
		_, ok := markup.ParseStyle(s)
		fmt.Println(s, ok)
	}
	// Output:
	// bold red on white true
	// link=https://example.com true
	// admin false
	// 1, 2, 3 false
}

func ExampleEscape() {
	user := `[admin] C:\temp\`
	msg := "[bold]" + markup.Escape(user) + "[/bold] logged in"
	fmt.Println(msg)
	fmt.Println(markup.Strip(msg))
	// Output:
	// [bold]\[admin] C:\temp\\[none][/none][/bold] logged in
	// [admin] C:\temp\ logged in
}
