package console

import (
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/colorprofile"
	"golang.org/x/term"

	"github.com/logbridge/logbridge/internal/markup"
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

// envLookup returns the value of key in env ("KEY=value" strings; the last one wins, as
// colorprofile reads it).
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

// envWithout returns env without the given keys (a copy).
func envWithout(env []string, keys ...string) []string {
	out := make([]string, 0, len(env))
next:
	for _, kv := range env {
		for _, k := range keys {
			if kv == k || strings.HasPrefix(kv, k+"=") {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}

// forceColor reads FORCE_COLOR (https://force-color.org, with the levels Node's
// supports-color gives it): set means forced, "0"/"false" means color off, "1"/"2"/"3" ask
// for at least 16/256/16M colors. Unset or empty: not set.
func forceColor(env []string) (set, off bool, floor markup.Profile) {
	v, ok := envLookup(env, "FORCE_COLOR")
	if !ok || v == "" {
		return false, false, markup.NoColor
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "0", "false", "no", "off":
		return true, true, markup.NoColor
	case "2":
		return true, false, markup.ANSI256
	case "3":
		return true, false, markup.TrueColor
	}
	return true, false, markup.ANSI16
}

// fromColorprofile maps a colorprofile.Profile to a markup.Profile; NoColor means "no
// depth known" (NoTTY, ASCII, Unknown).
func fromColorprofile(p colorprofile.Profile) markup.Profile {
	switch p {
	case colorprofile.TrueColor:
		return markup.TrueColor
	case colorprofile.ANSI256:
		return markup.ANSI256
	case colorprofile.ANSI:
		return markup.ANSI16
	}
	return markup.NoColor
}

// detectColor decides the color profile of a handler writing to w.
//
// Rules (ColorAuto): NO_COLOR (non-empty) off; FORCE_COLOR=0/false off; FORCE_COLOR or
// CLICOLOR_FORCE (non-empty, not "0") on, at the depth the environment tells, at least 16
// colors or FORCE_COLOR's level; otherwise on only for a terminal whose TERM is set and not
// "dumb", at the depth colorprofile detects (COLORTERM, TERM, terminfo, tmux).
// ColorAlways: on at the detected depth (or FORCE_COLOR's level), 16 colors when unknown.
// ColorNever: off.
func detectColor(w io.Writer, mode ColorMode, env []string) markup.Profile {
	if mode == ColorNever {
		return markup.NoColor
	}
	_, tty := terminalFd(w)
	// The depth: what the terminal (or, for a non-terminal, the environment alone) supports.
	// NO_COLOR is handled here, not by colorprofile (which keeps text decoration under it and
	// lets CLICOLOR_FORCE win over it); the force variables are applied below.
	depthEnv := envWithout(env, "NO_COLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "CLICOLOR")
	depth := func() markup.Profile {
		if tty {
			return fromColorprofile(colorprofile.Detect(w, depthEnv))
		}
		return fromColorprofile(colorprofile.Env(depthEnv))
	}

	forced, off, floor := forceColor(env)
	if mode == ColorAlways {
		return max(depth(), floor, markup.ANSI16)
	}

	if v, _ := envLookup(env, "NO_COLOR"); v != "" {
		return markup.NoColor
	}
	if off {
		return markup.NoColor
	}
	if v, _ := envLookup(env, "CLICOLOR_FORCE"); v != "" && v != "0" {
		forced = true
	}
	if forced {
		return max(depth(), floor, markup.ANSI16)
	}
	if !tty {
		return markup.NoColor
	}
	if t, ok := envLookup(env, "TERM"); !ok || t == "" || t == "dumb" {
		return markup.NoColor
	}
	return depth() // a terminal whose depth is unknown stays uncolored
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
		t.width.Store(int32(w))
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
