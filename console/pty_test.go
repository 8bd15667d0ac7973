//go:build linux

package console

import (
	"bufio"
	"context"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/logbridge/logbridge/internal/markup"
	"github.com/logbridge/logbridge/vocab"
)

// openPTY opens a pseudo-terminal of the given width and returns its controlling side
// (read what was written) and its terminal side (the writer under test).
func openPTY(t *testing.T, cols int) (ptm, pts *os.File) {
	t.Helper()
	ptm, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { ptm.Close() })
	if err := unix.IoctlSetPointerInt(int(ptm.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(int(ptm.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("ptsname: %v", err)
	}
	pts, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pts: %v", err)
	}
	t.Cleanup(func() { pts.Close() })
	setCols(t, pts, cols)
	return ptm, pts
}

func setCols(t *testing.T, pts *os.File, cols int) {
	t.Helper()
	if err := unix.IoctlSetWinsize(int(pts.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: uint16(cols)}); err != nil {
		t.Fatal(err)
	}
}

// readLines reads n lines from the terminal's controlling side (the line discipline turns
// "\n" into "\r\n"; the "\r" is removed).
func readLines(t *testing.T, r *bufio.Reader, n int) []string {
	t.Helper()
	var lines []string
	for range n {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.TrimSuffix(line, "\r\n"))
	}
	return lines
}

func TestTerminalColorRules(t *testing.T) {
	cases := []struct {
		name string
		mode vocab.ColorMode
		env  []string
		want markup.Profile
	}{
		{"terminal", vocab.ColorAuto, []string{"TERM=xterm"}, markup.ANSI16},
		{"256-color terminal", vocab.ColorAuto, []string{"TERM=xterm-256color"}, markup.ANSI256},
		{"truecolor terminal", vocab.ColorAuto, []string{"TERM=xterm-256color", "COLORTERM=truecolor"}, markup.TrueColor},
		{"TERM=dumb", vocab.ColorAuto, []string{"TERM=dumb"}, markup.NoColor},
		{"no TERM", vocab.ColorAuto, []string{}, markup.ANSI16}, // as Rich: any TERM but dumb gets color
		{"NO_COLOR", vocab.ColorAuto, []string{"TERM=xterm-256color", "NO_COLOR=1"}, markup.NoColor},
		{"FORCE_COLOR=0 forces, as in Rich", vocab.ColorAuto, []string{"TERM=xterm-256color", "FORCE_COLOR=0"}, markup.ANSI256},
		{"TERM=unknown", vocab.ColorAuto, []string{"TERM=unknown"}, markup.NoColor},
		{"vocab.ColorNever", vocab.ColorNever, []string{"TERM=xterm-256color"}, markup.NoColor},
		{"vocab.ColorAlways, TERM=dumb", vocab.ColorAlways, []string{"TERM=dumb"}, markup.ANSI16},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, pts := openPTY(t, 80)
			h := NewHandler(pts, &Options{Color: c.mode, Env: c.env})
			if h.profile != c.want {
				t.Errorf("profile %d, want %d", h.profile, c.want)
			}
		})
	}
}

// TestTerminalWidth checks that on a terminal lines wrap at its width, and follow a resize.
func TestTerminalWidth(t *testing.T) {
	ptm, pts := openPTY(t, 50)
	h := NewHandler(pts, &Options{Env: []string{"TERM=dumb"}})
	if h.tw == nil {
		t.Fatal("terminal width not tracked")
	}
	msg := strings.Repeat("word ", 20)
	rd := bufio.NewReader(ptm)

	r := slog.NewRecord(t0, slog.LevelInfo, msg, 0)
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, rd, 4)
	for _, l := range lines {
		if len(l) > 50 {
			t.Errorf("line wider than 50: %q", l)
		}
	}
	if !strings.HasPrefix(lines[1], strings.Repeat(" ", 22)+"word") {
		t.Errorf("continuation not under the message: %q", lines[1])
	}

	// Resized: the next record more than a second later sees the new width.
	setCols(t, pts, 70)
	r = slog.NewRecord(t0.Add(2*time.Second), slog.LevelInfo, msg, 0)
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	lines = readLines(t, rd, 3)
	if len(lines[0]) > 70 || len(lines[0]) <= 50 {
		t.Errorf("after resize to 70, first line is %d wide: %q", len(lines[0]), lines[0])
	}
}

// TestTerminalWidthBounded: a terminal set wider than any screen (stty cols 65535) counts as
// vocab.MaxWidth columns, as Options.Width does.
func TestTerminalWidthBounded(t *testing.T) {
	_, pts := openPTY(t, 65535)
	h := NewHandler(pts, &Options{Env: []string{"TERM=dumb"}})
	if h.tw == nil {
		t.Fatal("terminal width not tracked")
	}
	if w := h.tw.get(0); w != vocab.MaxWidth {
		t.Errorf("width %d for a 65535-column terminal, want vocab.MaxWidth (%d)", w, vocab.MaxWidth)
	}
}

// TestTerminalTruecolor writes to a real terminal under COLORTERM=truecolor (and no color
// option at all): a hex color in markup comes out as a 24-bit color, as Rich writes it there.
func TestTerminalTruecolor(t *testing.T) {
	ptm, pts := openPTY(t, 100)
	h := NewHandler(pts, &Options{Env: []string{"TERM=xterm-256color", "COLORTERM=truecolor"}})
	r := slog.NewRecord(t0, slog.LevelInfo, "cache [#ff8800]80% full[/]", 0)
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	line := readLines(t, bufio.NewReader(ptm), 1)[0]
	if !strings.Contains(line, "\x1b[38;2;255;136;0m80% full\x1b[0m") {
		t.Errorf("no 24-bit color in %q", line)
	}
}
