package console

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/logbridge/logbridge/internal/textenc"
)

// t0 is the time of every record in layout tests: its time column is "14:05:06.789".
var t0 = time.Date(2024, 3, 9, 14, 5, 6, 789e6, time.UTC)

// noColorEnv is an environment in which vocab.ColorAuto gives no color.
var noColorEnv = []string{}

// colorEnv is an environment with a 256-color terminal, for vocab.ColorAlways.
var colorEnv = []string{"TERM=xterm-256color"}

// fixedTime is a handler wrapper that sets every record's time to t0 (when it has one), so
// the handler under test runs its ordinary path (no ReplaceAttr).
type fixedTime struct{ h slog.Handler }

func (f fixedTime) Enabled(ctx context.Context, l slog.Level) bool { return f.h.Enabled(ctx, l) }
func (f fixedTime) Handle(ctx context.Context, r slog.Record) error {
	if !r.Time.IsZero() {
		r.Time = t0
	}
	return f.h.Handle(ctx, r)
}
func (f fixedTime) WithAttrs(as []slog.Attr) slog.Handler { return fixedTime{f.h.WithAttrs(as)} }
func (f fixedTime) WithGroup(name string) slog.Handler    { return fixedTime{f.h.WithGroup(name)} }

// parseLine reads back one line written with color off into the map slogtest wants: time,
// level, msg, and the attributes with dotted keys split into nested maps.
func parseLine(line string) (map[string]any, error) {
	m := map[string]any{}
	rest := line
	if len(rest) >= 13 && rest[2] == ':' && rest[5] == ':' && rest[8] == '.' && rest[12] == ' ' {
		m[slog.TimeKey] = rest[:12]
		rest = rest[13:]
	}
	if len(rest) < levelWidth+1 {
		return nil, fmt.Errorf("no level column in %q", line)
	}
	m[slog.LevelKey] = strings.TrimSpace(rest[:levelWidth])
	rest = rest[levelWidth+1:]
	toks, err := tokens(rest)
	if err != nil {
		return nil, fmt.Errorf("%v in %q", err, line)
	}
	i := 0
	for i < len(toks) && !isAttrToken(toks[i]) {
		i++
	}
	m[slog.MessageKey] = strings.Join(toks[:i], " ")
	for _, tok := range toks[i:] {
		k, v, err := splitAttr(tok)
		if err != nil {
			return nil, fmt.Errorf("%v in %q", err, line)
		}
		dst := m
		parts := strings.Split(k, ".")
		for _, g := range parts[:len(parts)-1] {
			sub, ok := dst[g].(map[string]any)
			if !ok {
				sub = map[string]any{}
				dst[g] = sub
			}
			dst = sub
		}
		dst[parts[len(parts)-1]] = v
	}
	return m, nil
}

// tokens splits s at spaces outside double quotes.
func tokens(s string) ([]string, error) {
	var out []string
	for s != "" {
		if s[0] == ' ' {
			s = s[1:]
			continue
		}
		i, inQuote := 0, false
		for ; i < len(s); i++ {
			c := s[i]
			if c == '\\' && inQuote {
				i++
				continue
			}
			if c == '"' {
				inQuote = !inQuote
			}
			if c == ' ' && !inQuote {
				break
			}
		}
		if inQuote {
			return nil, fmt.Errorf("unterminated quote")
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out, nil
}

func isAttrToken(tok string) bool {
	if strings.HasPrefix(tok, `"`) {
		if k, err := strconv.QuotedPrefix(tok); err == nil {
			return strings.HasPrefix(tok[len(k):], "=")
		}
		return false
	}
	i := strings.IndexByte(tok, '=')
	return i > 0
}

func splitAttr(tok string) (string, string, error) {
	var k string
	if strings.HasPrefix(tok, `"`) {
		q, err := strconv.QuotedPrefix(tok)
		if err != nil {
			return "", "", err
		}
		k, _ = strconv.Unquote(q)
		tok = tok[len(q):]
	} else {
		i := strings.IndexByte(tok, '=')
		k, tok = tok[:i], tok[i:]
	}
	v := tok[1:]
	if strings.HasPrefix(v, `"`) {
		u, err := strconv.Unquote(v)
		if err != nil {
			return "", "", err
		}
		v = u
	}
	return k, v, nil
}

// checkTerminalSafe returns a description of the first thing in out that could control a
// terminal other than the handler's own SGR sequences and OSC 8 hyperlinks with printable
// ASCII targets: any other escape sequence, a control byte other than '\n', DEL, a C1
// control, a bidirectional control, or invalid UTF-8.
func checkTerminalSafe(out string) string {
	for i := 0; i < len(out); {
		c := out[i]
		switch {
		case c == 0x1b:
			n := ownSequence(out[i:])
			if n == 0 {
				return fmt.Sprintf("foreign escape sequence at %d: %q", i, out[i:min(i+12, len(out))])
			}
			i += n
			continue
		case c == '\n':
		case c < 0x20 || c == 0x7f:
			return fmt.Sprintf("control byte %#x at %d", c, i)
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(out[i:])
			if r == utf8.RuneError && size == 1 {
				return fmt.Sprintf("invalid UTF-8 at %d", i)
			}
			if textenc.UnsafeRune(r) {
				return fmt.Sprintf("unsafe rune %U at %d", r, i)
			}
			i += size
			continue
		}
		i++
	}
	return ""
}

// ownSequence returns the length of the handler's own escape sequence at the start of s:
// ESC [ digits and ';' m, or ESC ] 8 ; ; URL ESC \ with a printable ASCII URL; 0 otherwise.
func ownSequence(s string) int {
	if strings.HasPrefix(s, "\x1b[") {
		for j := 2; j < len(s); j++ {
			c := s[j]
			if c == 'm' {
				return j + 1
			}
			if (c < '0' || c > '9') && c != ';' {
				return 0
			}
		}
		return 0
	}
	if strings.HasPrefix(s, "\x1b]8;;") {
		for j := 5; j < len(s); j++ {
			c := s[j]
			if c == 0x1b {
				if j+1 < len(s) && s[j+1] == '\\' {
					return j + 2
				}
				return 0
			}
			if c <= ' ' || c >= 0x7f {
				return 0
			}
		}
	}
	return 0
}
