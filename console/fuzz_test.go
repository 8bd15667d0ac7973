package console

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/clipperhouse/displaywidth"
	"github.com/logbridge/logbridge/vocab"
)

// FuzzHandle logs arbitrary message, key and value text with color on and off, with and
// without wrapping, and checks the security invariants: nothing that can control a terminal
// is written, a record has exactly the lines its message's newlines (plus its error causes)
// give when it does not wrap, and continuation lines are indented.
func FuzzHandle(f *testing.F) {
	for _, h := range hostile {
		f.Add(h.s, "k", h.s)
	}
	f.Add("[bold red]x[/] 42 \"q\" https://a.b/c 10.0.0.1 ::1", "a b", "v\nw")
	f.Add("[link=http://x\x1b]y[/link]", "", "")
	f.Add("\n\n\n", "=", "\"")
	f.Fuzz(func(t *testing.T, msg, key, val string) {
		for _, color := range []bool{false, true} {
			for _, width := range []int{0, 40} {
				var buf bytes.Buffer
				opts := &Options{Env: noColorEnv, Width: width}
				if color {
					opts = &Options{Color: vocab.ColorAlways, Env: []string{"TERM=xterm", "COLORTERM=truecolor"}, Width: width}
				}
				h := NewHandler(&buf, opts)
				l := slog.New(h.WithLogger(key, val)).With(key, val).WithGroup(key)
				l.Info(msg, key, val, "err", fmt.Errorf("w: %w", errors.New(val)))
				out := buf.String()
				if p := checkTerminalSafe(out); p != "" {
					t.Fatalf("%s in %q", p, out)
				}
				if !strings.HasSuffix(out, "\n") {
					t.Fatalf("no final newline: %q", out)
				}
				lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				if width == 0 {
					want := 1 + strings.Count(strings.TrimRight(msg, "\n"), "\n") + 1 // + the tree: "w"
					if val != "" {
						want++ // and its cause (an empty one adds nothing)
					}
					if len(lines) != want {
						t.Fatalf("%d lines, want %d: %q", len(lines), want, out)
					}
				}
				for _, line := range lines[1:] {
					if !strings.HasPrefix(line, "  ") {
						t.Fatalf("continuation line not indented: %q in %q", line, out)
					}
				}
				for _, line := range lines {
					if w := displaywidth.String(stripSGR(line)); width > 0 && w > width {
						t.Fatalf("line %d columns wide, past the width %d: %q in %q", w, width, line, out)
					}
				}
			}
		}
	})
}

// FuzzHighlight checks that highlighting only adds styles: without them the text is what
// it is unhighlighted, and only the handler's own sequences are added.
func FuzzHighlight(f *testing.F) {
	for _, s := range []string{
		`got 42 and -1.5e3 from "a b" at 10.0.0.1 and 2001:db8::1 see https://x.io/p?q=1. id 123e4567-e89b-12d3-a456-426614174000 True nil x42 0x1F`,
		"'single' \"unterminated", "1.2.3.4.5 1:2:3:4:5:6:7:8 ::1 a::b 12:30:45", "http://", "-5 a-5 _5 5_ 5e 5e+ 0x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h := NewHandler(&bytes.Buffer{}, &Options{Color: vocab.ColorAlways, Env: colorEnv})
		st := newState(h)
		defer st.free()
		st.indent = 4
		hl := string(st.appendHighlighted(nil, s))
		plain := string(st.appendText(nil, s))
		if p := checkTerminalSafe(hl); p != "" {
			t.Fatalf("%s in %q", p, hl)
		}
		if got := stripSGR(hl); got != plain {
			t.Fatalf("highlighting changed the text:\n%q\n%q", got, plain)
		}
	})
}
