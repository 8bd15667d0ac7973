package console

import (
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/logbridge/logbridge/internal/markup"
	"github.com/logbridge/logbridge/vocab"
)

// fdWriter is a writer backed by a file descriptor, such as *os.File.
type fdWriter interface {
	Fd() uintptr
}

// terminalFd reports whether w is a terminal, and its descriptor.
func terminalFd(w io.Writer) (int, bool) {
	f, ok := w.(fdWriter)
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// envLookup returns the value of key in env ("KEY=value" strings; the last one wins, as in a
// process environment built by appending).
func envLookup(env []string, key string) (string, bool) {
	val, found := "", false
	for _, kv := range env {
		if len(kv) > len(key) && kv[len(key)] == '=' && strings.HasPrefix(kv, key) {
			val, found = kv[len(key)+1:], true
		} else if kv == key {
			val, found = "", true
		}
	}
	return val, found
}

// nonEmpty reports whether key is set in env to something other than "" (no-color.org and
// force-color.org both say an empty value counts as unset).
func nonEmpty(env []string, key string) bool {
	v, _ := envLookup(env, key)
	return v != ""
}

// detectColor decides the color profile of a handler writing to w, as Rich's Console decides
// its color system for the same environment (rich/console.py: Console.__init__,
// is_terminal, is_dumb_terminal and _detect_color_system):
//
//   - NO_COLOR set: no color. (Rich then still writes bold, italic and the like; logbridge
//     writes no escape sequence at all.)
//   - FORCE_COLOR set, whatever its value (Rich sets force_terminal), or CLICOLOR_FORCE set
//     and not "0" (not Rich's; the same meaning), or vocab.ColorAlways: the writer counts as a
//     terminal.
//   - Not a terminal: no color. A terminal whose TERM is "dumb" or "unknown": no color.
//   - Otherwise COLORTERM "truecolor" or "24bit" gives 24-bit color; else the part of TERM
//     after its last '-' gives 256 colors when it is "256color" or "kitty", and 16 colors
//     for anything else, an unset TERM included.
//
// Where the standards and Rich 13.3 differ, the standards win: an empty NO_COLOR or
// FORCE_COLOR counts as unset (as in later Rich releases). vocab.ColorAlways is an explicit choice
// and keeps color under NO_COLOR and TERM=dumb (16 colors there). vocab.ColorNever: no color.
func detectColor(w io.Writer, mode vocab.ColorMode, env []string) markup.Profile {
	switch mode {
	case vocab.ColorNever:
		return markup.NoColor
	case vocab.ColorAlways:
		return max(richColorSystem(env), markup.ANSI16)
	}
	if nonEmpty(env, "NO_COLOR") {
		return markup.NoColor
	}
	forced := nonEmpty(env, "FORCE_COLOR")
	if v, _ := envLookup(env, "CLICOLOR_FORCE"); v != "" && v != "0" {
		forced = true
	}
	if _, tty := terminalFd(w); !tty && !forced {
		return markup.NoColor
	}
	if t, _ := envLookup(env, "TERM"); strings.EqualFold(t, "dumb") || strings.EqualFold(t, "unknown") {
		return markup.NoColor
	}
	return richColorSystem(env)
}

// richColorSystem is the color depth Rich's _detect_color_system reads from COLORTERM and
// TERM, for a terminal that is not dumb.
func richColorSystem(env []string) markup.Profile {
	ct, _ := envLookup(env, "COLORTERM")
	switch strings.ToLower(strings.TrimSpace(ct)) {
	case "truecolor", "24bit":
		return markup.TrueColor
	}
	t, _ := envLookup(env, "TERM")
	t = strings.ToLower(strings.TrimSpace(t))
	switch t[strings.LastIndexByte(t, '-')+1:] {
	case "256color", "kitty":
		return markup.ANSI256
	}
	return markup.ANSI16
}

// termWidth tracks the width of a terminal, re-reading it at most once a second so a
// resized window is followed without a system call per record.
type termWidth struct {
	fd      int
	width   atomic.Int32
	checked atomic.Int64 // unix nanoseconds of the last read
}

func newTermWidth(fd int) *termWidth {
	t := &termWidth{fd: fd}
	t.refresh(time.Now().UnixNano())
	return t
}

func (t *termWidth) refresh(now int64) {
	t.checked.Store(now)
	if w, _, err := term.GetSize(t.fd); err == nil && w > 0 {
		t.width.Store(int32(min(w, vocab.MaxWidth))) // as Options.Width
	}
}

// get returns the terminal's width as of now (unix nanoseconds; 0 means "don't re-read").
func (t *termWidth) get(now int64) int {
	if now != 0 {
		// More than a second either way (records from several goroutines arrive a little
		// out of order; that alone must not cost a system call each).
		if last := t.checked.Load(); now-last > int64(time.Second) || last-now > int64(time.Second) {
			if t.checked.CompareAndSwap(last, now) {
				t.refresh(now)
			}
		}
	}
	return int(t.width.Load())
}

// environ returns opts.Env, or the process environment when it is nil.
func environ(env []string) []string {
	if env == nil {
		return os.Environ()
	}
	return env
}
