package console

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/vocab"
)

// hostile are strings that try to control a terminal or forge a line.
var hostile = []struct {
	name, s, shown string // shown: how the dangerous part must appear
}{
	{"clear screen", "a\x1b[2J\x1b[Hb", `a\x1b[2J\x1b[Hb`},
	{"SGR", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
	{"cursor up and erase line", "x\x1b[1A\x1b[2Ky", `x\x1b[1A\x1b[2Ky`},
	{"OSC title BEL", "\x1b]0;pwned\x07", `\x1b]0;pwned\a`},
	{"OSC title ST", "\x1b]2;pwned\x1b\\", `\x1b]2;pwned\x1b\`},
	{"OSC 8 hyperlink", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", `\x1b]8;;http://evil\x1b\click\x1b]8;;\x1b\`},
	{"DCS", "\x1bP1$r\x1b\\", `\x1bP1$r\x1b\`},
	{"BEL", "ding\x07", `ding\a`},
	{"backspace", "secret\b\b\b\b\b\bpublic", `secret\b\b\b\b\b\bpublic`},
	{"carriage return", "ok\rFAKE", `ok\rFAKE`},
	{"CRLF forged record", "x\r\n12:00:00.000 ERROR    forged", `x\r`},
	{"NUL", "a\x00b", `a\x00b`},
	{"vertical tab and form feed", "a\vb\fc", `a\vb\fc`},
	{"DEL", "a\x7fb", `a\x7fb`},
	{"C1 CSI as UTF-8", "a\u009b31mb", `a\u009b31mb`},
	{"C1 NEL", "a\u0085b", `a\u0085b`},
	{"raw C1 byte", "a\x9b31mb", `a\x9b31mb`},
	{"invalid UTF-8", "a\xff\xfeb", `a\xff\xfeb`},
	{"RTL override", "abc\u202edcba", `abc\u202edcba`},
	{"bidi isolate", "a\u2066b\u2069", `a\u2066b\u2069`},
	{"line separator", "a\u2028b", `a\u2028b`},
	{"markup in data", "[bold red]x[/]", `[bold red]x[/]`},
}

// TestInjection logs each hostile string as the message, a key, a value, a group name, a
// logger name and an error text (plain and with causes), with color on and off, and checks
// that no byte that could control the terminal is written (only the handler's own SGR and
// OSC 8 sequences), that the record has exactly the lines it should, and that the
// dangerous text is shown escaped.
func TestInjection(t *testing.T) {
	for _, color := range []bool{false, true} {
		for _, hc := range hostile {
			t.Run(fmt.Sprintf("color=%v/%s", color, hc.name), func(t *testing.T) {
				opts := &Options{Env: noColorEnv}
				if color {
					opts = &Options{Color: vocab.ColorAlways, Env: colorEnv}
				}
				var buf bytes.Buffer
				h := NewHandler(&buf, opts)
				l := slog.New(h)
				s := hc.s
				// msgLines: the message's own newlines (trailing ones dropped) make
				// continuation lines.
				msgLines := 1 + strings.Count(strings.TrimRight(s, "\n"), "\n")
				logs := []struct {
					what  string
					f     func()
					lines int
				}{
					{"message", func() { l.Info(s) }, msgLines},
					{"message with attrs", func() { l.Info("m: "+s, "k", 1) }, msgLines},
					{"key", func() { l.Info("m", s, 1) }, 1},
					{"value", func() { l.Info("m", "k", s) }, 1},
					{"value in WithAttrs", func() { l.With("k", s).Info("m") }, 1},
					{"group", func() { l.WithGroup(s).Info("m", "k", 1) }, 1},
					{"inline group", func() { l.Info("m", slog.Group(s, "k", 1)) }, 1},
					{"logger", func() { slog.New(h.WithLogger(s, s)).Info("m") }, 1},
					{"error", func() { l.Info("m", "err", errors.New(s)) }, 1},
					{"error causes", func() { l.Info("m", "err", fmt.Errorf("w: %w", errors.New(s))) }, 3},
					{"joined errors", func() { l.Info("m", "err", errors.Join(errors.New(s), errors.New(s+"2"))) }, 3},
					{"Stringer", func() { l.Info("m", "k", textStringer(s)) }, 1},
					{"struct", func() { l.Info("m", "k", struct{ A string }{s}) }, 1},
				}
				for _, lg := range logs {
					buf.Reset()
					lg.f()
					out := buf.String()
					if p := checkTerminalSafe(out); p != "" {
						t.Errorf("%s: %s in %q", lg.what, p, out)
					}
					lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
					if len(lines) != lg.lines || !strings.HasSuffix(out, "\n") {
						t.Errorf("%s: %d lines, want %d: %q", lg.what, len(lines), lg.lines, out)
					}
					// Only the first line may start at column 0.
					for _, line := range lines[1:] {
						if !strings.HasPrefix(line, "  ") {
							t.Errorf("%s: continuation line not indented: %q", lg.what, line)
						}
					}
				}
				// The dangerous text is visible, escaped, in a value and (markup aside, which
				// messages interpret) in the message.
				buf.Reset()
				l.Info("m", "k", s)
				if q := strconv.Quote(s); !strings.Contains(stripSGR(buf.String()), "k="+q) {
					t.Errorf("value: %s not shown in %q", q, buf.String())
				}
				if !strings.Contains(s, "[") {
					buf.Reset()
					l.Info(s)
					if plain := stripSGR(buf.String()); !strings.Contains(plain, hc.shown) {
						t.Errorf("message: %q not shown in %q", hc.shown, plain)
					}
				}
			})
		}
	}
}

type textStringer string

func (s textStringer) String() string { return string(s) }

// TestInjectionMarkupLink checks that a link=URL target in a message's markup cannot carry
// an escape sequence out of the OSC 8 sequence.
func TestInjectionMarkupLink(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(NewHandler(&buf, &Options{Color: vocab.ColorAlways, Env: colorEnv}))
	for _, msg := range []string{
		"[link=http://x\x1b]0;pwned\x07]click[/link]",
		"[link=http://x\x1b\\\x1b[2J]click[/link]",
		"[link=http://x/\u009b31m]click[/link]",
		"[link=http://a b\x07c]click[/]",
		"[link=https://ok.example/p?q=1]fine[/link] and [link=javascript:alert(1)]x[/link]",
	} {
		buf.Reset()
		l.Info(msg)
		out := buf.String()
		if p := checkTerminalSafe(out); p != "" {
			t.Errorf("%q: %s in %q", msg, p, out)
		}
		if n := strings.Count(out, "\n"); n != 1 {
			t.Errorf("%q: %d lines: %q", msg, n, out)
		}
	}
	buf.Reset()
	l.Info("[link=https://ok.example/p?q=1]fine[/link]")
	if want := "\x1b]8;;https://ok.example/p?q=1\x1b\\fine"; !strings.Contains(buf.String(), want) {
		t.Errorf("a good link is written as a hyperlink: %q", buf.String())
	}
}
