package console

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/clipperhouse/displaywidth"
	"github.com/logbridge/logbridge/vocab"
)

func TestWrapLayout(t *testing.T) {
	sp := strings.Repeat(" ", 22) // the message column: time (13) and level (9)
	runLayout(t, []layoutCase{
		{
			name: "wraps at the last space, under the message column",
			opts: Options{Width: 50},
			f: func(l *slog.Logger) {
				l.Info("the quick brown fox jumps over the lazy dog and keeps running", "key", "value", "n", 42)
			},
			want: "14:05:06.789 INFO     the quick brown fox jumps\n" +
				sp + "over the lazy dog and keeps\n" +
				sp + "running key=value n=42\n",
		},
		{
			name: "a word longer than the line breaks where it is",
			opts: Options{Width: 50},
			f:    func(l *slog.Logger) { l.Info("id " + strings.Repeat("x", 40)) },
			want: "14:05:06.789 INFO     id\n" +
				sp + strings.Repeat("x", 28) + "\n" +
				sp + strings.Repeat("x", 12) + "\n",
		},
		{
			name: "a line that fits exactly",
			opts: Options{Width: 50},
			f:    func(l *slog.Logger) { l.Info(strings.Repeat("y", 28)) },
			want: "14:05:06.789 INFO     " + strings.Repeat("y", 28) + "\n",
		},
		{
			name: "short lines are left alone",
			opts: Options{Width: 80},
			f:    func(l *slog.Logger) { l.Info("short", "k", 1) },
			want: "14:05:06.789 INFO     short k=1\n",
		},
		{
			name: "no width, not a terminal: one line",
			f:    func(l *slog.Logger) { l.Info(strings.TrimSpace(strings.Repeat("word ", 40))) },
			want: "14:05:06.789 INFO     " + strings.Repeat("word ", 39) + "word\n",
		},
		{
			name: "negative width: one line",
			opts: Options{Width: -1},
			f:    func(l *slog.Logger) { l.Info(strings.TrimSpace(strings.Repeat("word ", 40))) },
			want: "14:05:06.789 INFO     " + strings.Repeat("word ", 39) + "word\n",
		},
		{
			name: "wide characters count two columns",
			opts: Options{Width: 50},
			f:    func(l *slog.Logger) { l.Info("日本語 日本語 日本語 日本語 日本語") },
			want: "14:05:06.789 INFO     日本語 日本語 日本語 日本語\n" +
				sp + "日本語\n",
		},
		{
			name: "message newlines and wrapping together",
			opts: Options{Width: 50},
			f:    func(l *slog.Logger) { l.Info("one two three four\nfive six seven eight nine ten eleven twelve") },
			want: "14:05:06.789 INFO     one two three four\n" +
				sp + "five six seven eight nine\n" +
				sp + "ten eleven twelve\n",
		},
		{
			name: "narrow terminal: the message on lines of its own",
			opts: Options{Width: 36},
			f: func(l *slog.Logger) {
				l.Info("alpha beta gamma delta epsilon zeta eta theta")
			},
			// Too narrow for a message column: the message goes below the head line.
			want: "14:05:06.789 INFO\n" +
				"  alpha beta gamma delta epsilon\n" +
				"  zeta eta theta\n",
		},
	})
}

// TestWrapColor checks that a style open at a break is closed before it and reopened after
// the indentation, and that no line is wider than the width.
func TestWrapColor(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(fixedTime{NewHandler(&buf, &Options{Color: vocab.ColorAlways, Env: colorEnv, Width: 50, NoHighlight: true})})
	l.Info("plain [red]red words that wrap[/] plain", "q", "a quoted value with spaces")
	const reset = "\x1b[0m"
	sp := strings.Repeat(" ", 22)
	want := "\x1b[2;36m14:05:06.789" + reset + " \x1b[32mINFO" + reset + "     plain \x1b[31mred words that wrap" + reset + "\n" +
		sp + "plain \x1b[2mq=" + reset + "\x1b[32m\"a quoted value with" + reset + "\n" +
		sp + "\x1b[32mspaces\"" + reset + "\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if w := displaywidth.String(stripSGR(line)); w > 50 {
			t.Errorf("line %d wide: %q", w, line)
		}
	}
}

// TestWrapWidthProperty logs many shapes of message at many widths and checks every line
// fits, and that the text is unchanged apart from the breaks.
func TestWrapWidthProperty(t *testing.T) {
	msgs := []string{
		"a b c d e f g h i j k l m n o p q r s t u v w x y z",
		strings.Repeat("longword", 20),
		"mixed 日本語テキスト and ascii words, 中文 too, with [bold]markup[/] in [red]the middle[/] of it",
		"tabs\tand\tmore tabs 42 3.14 \"quoted string here\" https://example.com/a/long/path/to/somewhere",
	}
	for _, color := range []bool{false, true} {
		for width := 30; width <= 100; width += 7 {
			for _, msg := range msgs {
				var buf bytes.Buffer
				opts := &Options{Env: noColorEnv, Width: width}
				if color {
					opts = &Options{Color: vocab.ColorAlways, Env: colorEnv, Width: width}
				}
				l := slog.New(fixedTime{NewHandler(&buf, opts)})
				l.Info(msg, "k", "some value", "n", 12345)
				out := buf.String()
				if p := checkTerminalSafe(out); p != "" {
					t.Fatal(p)
				}
				for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
					// A single character wider than what is left may overflow by one.
					if w := displaywidth.String(stripSGR(line)); w > width {
						t.Errorf("width %d: line %d wide: %q", width, w, line)
					}
				}
				var one bytes.Buffer
				opts.Width = -1
				slog.New(fixedTime{NewHandler(&one, opts)}).Info(msg, "k", "some value", "n", 12345)
				if a, b := words(stripSGR(out)), words(stripSGR(one.String())); a != b {
					t.Errorf("width %d: text changed:\n%s\n%s", width, a, b)
				}
			}
		}
	}
}

// words returns the text without its white space (a hard break splits a word).
func words(s string) string { return strings.Join(strings.Fields(s), "") }
