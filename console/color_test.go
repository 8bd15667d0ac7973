package console

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/internal/markup"
	"github.com/logbridge/logbridge/vocab"
)

// TestColorRules checks the color decision for a writer that is not a terminal (a buffer),
// for each rule, with the environment given through Options.Env.
func TestColorRules(t *testing.T) {
	cases := []struct {
		name string
		mode vocab.ColorMode
		env  []string
		want markup.Profile
	}{
		{"plain non-terminal", vocab.ColorAuto, nil, markup.NoColor},
		{"non-terminal with a color TERM", vocab.ColorAuto, []string{"TERM=xterm-256color", "COLORTERM=truecolor"}, markup.NoColor},
		{"FORCE_COLOR", vocab.ColorAuto, []string{"FORCE_COLOR=1"}, markup.ANSI16},
		{"FORCE_COLOR=true", vocab.ColorAuto, []string{"FORCE_COLOR=true"}, markup.ANSI16},
		{"FORCE_COLOR with 256-color TERM", vocab.ColorAuto, []string{"FORCE_COLOR=1", "TERM=xterm-256color"}, markup.ANSI256},
		{"FORCE_COLOR with COLORTERM", vocab.ColorAuto, []string{"FORCE_COLOR=1", "TERM=xterm", "COLORTERM=truecolor"}, markup.TrueColor},
		{"FORCE_COLOR's value does not set the depth", vocab.ColorAuto, []string{"FORCE_COLOR=3", "TERM=xterm"}, markup.ANSI16},
		{"FORCE_COLOR=0 forces too, as in Rich", vocab.ColorAuto, []string{"FORCE_COLOR=0"}, markup.ANSI16},
		{"FORCE_COLOR with TERM=dumb", vocab.ColorAuto, []string{"FORCE_COLOR=1", "TERM=dumb"}, markup.NoColor},
		{"FORCE_COLOR with TERM=xterm-kitty", vocab.ColorAuto, []string{"FORCE_COLOR=1", "TERM=xterm-kitty"}, markup.ANSI256},
		{"FORCE_COLOR with COLORTERM=24bit", vocab.ColorAuto, []string{"FORCE_COLOR=1", "COLORTERM=24bit"}, markup.TrueColor},
		{"FORCE_COLOR empty is unset", vocab.ColorAuto, []string{"FORCE_COLOR="}, markup.NoColor},
		{"CLICOLOR_FORCE", vocab.ColorAuto, []string{"CLICOLOR_FORCE=1"}, markup.ANSI16},
		{"CLICOLOR_FORCE=0", vocab.ColorAuto, []string{"CLICOLOR_FORCE=0"}, markup.NoColor},
		{"CLICOLOR alone needs a terminal", vocab.ColorAuto, []string{"CLICOLOR=1", "TERM=xterm"}, markup.NoColor},
		{"CLICOLOR_FORCE with TERM=dumb", vocab.ColorAuto, []string{"CLICOLOR_FORCE=1", "TERM=dumb"}, markup.NoColor},
		{"NO_COLOR", vocab.ColorAuto, []string{"NO_COLOR=1"}, markup.NoColor},
		{"NO_COLOR wins over FORCE_COLOR", vocab.ColorAuto, []string{"NO_COLOR=1", "FORCE_COLOR=3"}, markup.NoColor},
		{"NO_COLOR wins over CLICOLOR_FORCE", vocab.ColorAuto, []string{"NO_COLOR=yes", "CLICOLOR_FORCE=1"}, markup.NoColor},
		{"NO_COLOR empty is unset", vocab.ColorAuto, []string{"NO_COLOR=", "FORCE_COLOR=1"}, markup.ANSI16},
		{"vocab.ColorNever", vocab.ColorNever, []string{"FORCE_COLOR=3", "CLICOLOR_FORCE=1", "TERM=xterm-256color"}, markup.NoColor},
		{"vocab.ColorAlways", vocab.ColorAlways, nil, markup.ANSI16},
		{"vocab.ColorAlways overrides NO_COLOR", vocab.ColorAlways, []string{"NO_COLOR=1"}, markup.ANSI16},
		{"vocab.ColorAlways with TERM=dumb", vocab.ColorAlways, []string{"TERM=dumb"}, markup.ANSI16},
		{"vocab.ColorAlways at the TERM's depth", vocab.ColorAlways, []string{"TERM=xterm-256color"}, markup.ANSI256},
		{"vocab.ColorAlways at COLORTERM's depth", vocab.ColorAlways, []string{"TERM=xterm", "COLORTERM=truecolor"}, markup.TrueColor},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := c.env
			if env == nil {
				env = []string{}
			}
			var buf bytes.Buffer
			h := NewHandler(&buf, &Options{Color: c.mode, Env: env})
			if h.profile != c.want {
				t.Fatalf("profile %d, want %d", h.profile, c.want)
			}
			// What is written follows: escape sequences exactly when color is on, and markup
			// is never shown raw.
			slog.New(h).Info("[bold]x[/] 1", "k", "v")
			out := buf.String()
			if got := strings.Contains(out, "\x1b["); got != (c.want != markup.NoColor) {
				t.Errorf("escape sequences written: %v, want %v: %q", got, c.want != markup.NoColor, out)
			}
			if strings.Contains(out, "[bold]") {
				t.Errorf("markup shown raw: %q", out)
			}
		})
	}
}
