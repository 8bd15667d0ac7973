//go:build linux

package console

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/internal/markup"
	"github.com/logbridge/logbridge/internal/richtest"
	"github.com/logbridge/logbridge/vocab"
)

// TestColorSystemLikeRich checks, environment by environment, that the handler picks the
// color system Rich's Console picks for the same environment and the same kind of writer
// (a terminal, a pipe, a forced color mode on a pipe), asking Rich itself
// (testdata/rich_color.py).
func TestColorSystemLikeRich(t *testing.T) {
	py := richtest.Python(t)
	envs := [][]string{
		{},
		{"TERM=xterm"},
		{"TERM=xterm-256color"},
		{"TERM=screen-256color"},
		{"TERM=tmux-256color"},
		{"TERM=xterm-kitty"},
		{"TERM=xterm-16color"},
		{"TERM=xterm-direct"},
		{"TERM=linux"},
		{"TERM=dumb"},
		{"TERM=unknown"},
		{"TERM=XTERM-256COLOR"},
		{"TERM=xterm", "COLORTERM=truecolor"},
		{"TERM=xterm-256color", "COLORTERM=24bit"},
		{"TERM=xterm-256color", "COLORTERM= TrueColor "},
		{"TERM=xterm-256color", "COLORTERM=yes"},
		{"TERM=dumb", "COLORTERM=truecolor"},
		{"TERM=xterm-256color", "NO_COLOR=1"},
		{"FORCE_COLOR=1"},
		{"FORCE_COLOR=0", "TERM=xterm"},
		{"FORCE_COLOR=3", "TERM=xterm-256color"},
		{"FORCE_COLOR=1", "TERM=xterm", "COLORTERM=truecolor"},
		{"FORCE_COLOR=1", "TERM=dumb"},
		{"FORCE_COLOR=1", "NO_COLOR=1", "TERM=xterm-256color"},
	}
	for _, writer := range []string{"terminal", "pipe", "forced pipe"} {
		for _, env := range envs {
			t.Run(writer+"/"+strings.Join(env, ","), func(t *testing.T) {
				if writer == "forced pipe" && (hasKey(env, "NO_COLOR") || termIs(env, "dumb", "unknown")) {
					t.Skip("vocab.ColorAlways is an explicit choice: it keeps color under NO_COLOR and TERM=dumb (see detectColor)")
				}
				var w *os.File
				if writer == "terminal" {
					_, w = openPTY(t, 80)
				} else {
					r, pw, err := os.Pipe()
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { r.Close(); pw.Close() })
					w = pw
				}
				args := []string{"testdata/rich_color.py"}
				mode := vocab.ColorAuto
				if writer == "forced pipe" {
					args, mode = append(args, "--force"), vocab.ColorAlways
				}
				cmd := exec.Command(py, append(args, env...)...)
				cmd.Stdout = w
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Run(); err != nil {
					t.Fatalf("rich_color.py: %v\n%s", err, stderr.String())
				}
				want := richProfile(t, strings.TrimSpace(stderr.String()))
				got := NewHandler(w, &Options{Color: mode, Env: env}).profile
				if got != want {
					t.Errorf("profile %v, Rich picks %v (%s)", got, want, strings.TrimSpace(stderr.String()))
				}
			})
		}
	}
}

// richProfile maps what rich_color.py prints ("<system> <no_color>") to a profile. Under
// NO_COLOR Rich keeps bold and italic but writes no color; logbridge writes nothing.
func richProfile(t *testing.T, out string) markup.Profile {
	system, noColor, _ := strings.Cut(out, " ")
	if noColor == "True" {
		return markup.NoColor
	}
	switch system {
	case "None":
		return markup.NoColor
	case "standard":
		return markup.ANSI16
	case "256":
		return markup.ANSI256
	case "truecolor":
		return markup.TrueColor
	}
	t.Fatalf("unexpected answer from Rich: %q", out)
	return 0
}

func hasKey(env []string, key string) bool {
	_, ok := envLookup(env, key)
	return ok
}

func termIs(env []string, names ...string) bool {
	v, _ := envLookup(env, "TERM")
	for _, n := range names {
		if strings.EqualFold(v, n) {
			return true
		}
	}
	return false
}
