package filelog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/logbridge/logbridge/vocab"
)

// textLine is a text line taken apart by the grammar in the package documentation.
type textLine struct {
	Time     time.Time
	HasTime  bool
	Level    string
	Logger   string // "" when absent
	Line     int
	Category string
	HasLog   bool
	Msg      string
	Attrs    []kv // in order, keys dotted
}

type kv struct{ K, V string }

// parseTextLine parses one line (without its newline) using only the documented grammar.
func parseTextLine(line string) (textLine, error) {
	var l textLine
	if strings.ContainsAny(line, "\n\r") {
		return l, fmt.Errorf("line break inside a line: %q", line)
	}
	rest := line
	word := func() string {
		i := strings.IndexByte(rest, ' ')
		if i < 0 {
			w := rest
			rest = ""
			return w
		}
		w := rest[:i]
		rest = rest[i+1:]
		return w
	}
	if i := strings.IndexByte(rest, ' '); i > 0 {
		if t, err := time.Parse(time.RFC3339Nano, rest[:i]); err == nil {
			l.Time, l.HasTime = t, true
			rest = rest[i+1:]
		}
	}
	l.Level = word()
	// Logger: a quoted string followed by ":digits", or a bare word ending in ":digits".
	if strings.HasPrefix(rest, `"`) {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return l, fmt.Errorf("bad quoted token in %q: %v", rest, err)
		}
		if after := rest[len(q):]; strings.HasPrefix(after, ":") {
			name, _ := strconv.Unquote(q)
			rest = after[1:]
			n, err := strconv.Atoi(word())
			if err != nil {
				return l, fmt.Errorf("bad line number: %v", err)
			}
			l.Logger, l.Line, l.HasLog = name, n, true
		}
	} else {
		w, _, _ := strings.Cut(rest, " ")
		if j := strings.LastIndexByte(w, ':'); j > 0 && j < len(w)-1 {
			if n, err := strconv.Atoi(w[j+1:]); err == nil && w[j+1] != '+' && w[j+1] != '-' {
				word()
				l.Logger, l.Line, l.HasLog = w[:j], n, true
			}
		}
	}
	if l.HasLog {
		if strings.HasPrefix(rest, `"`) {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return l, err
			}
			l.Category, _ = strconv.Unquote(q)
			rest = rest[len(q):]
			if !strings.HasPrefix(rest, ": ") && rest != ":" {
				return l, fmt.Errorf("category not followed by ':' in %q", line)
			}
			rest = strings.TrimPrefix(strings.TrimPrefix(rest, ":"), " ")
		} else {
			c := word()
			if !strings.HasSuffix(c, ":") {
				return l, fmt.Errorf("category %q does not end in ':'", c)
			}
			l.Category = c[:len(c)-1]
		}
	}
	// Message.
	if strings.HasPrefix(rest, `"`) {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return l, fmt.Errorf("bad quoted message in %q: %v", line, err)
		}
		l.Msg, _ = strconv.Unquote(q)
		rest = rest[len(q):]
	} else {
		end := len(rest)
		if i := strings.IndexAny(rest, `"=`); i >= 0 {
			if rest[i] == '"' {
				end = i - 1
			} else {
				end = strings.LastIndexByte(rest[:i], ' ')
			}
			if end < 0 {
				return l, fmt.Errorf("no message before attributes in %q", line)
			}
		}
		l.Msg, rest = rest[:end], rest[end:]
	}
	// Attributes.
	for rest != "" {
		if rest[0] != ' ' {
			return l, fmt.Errorf("no space before attribute at %q in %q", rest, line)
		}
		rest = rest[1:]
		var k, v string
		var err error
		k, rest, err = textToken(rest, '=')
		if err != nil {
			return l, err
		}
		if !strings.HasPrefix(rest, "=") {
			return l, fmt.Errorf("no '=' after key %q in %q", k, line)
		}
		v, rest, err = textToken(rest[1:], ' ')
		if err != nil {
			return l, err
		}
		l.Attrs = append(l.Attrs, kv{k, v})
	}
	return l, nil
}

// textToken reads a quoted string or a bare token up to stop.
func textToken(s string, stop byte) (tok, rest string, err error) {
	if strings.HasPrefix(s, `"`) {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return "", "", fmt.Errorf("bad quoted token %q: %v", s, err)
		}
		u, _ := strconv.Unquote(q)
		return u, s[len(q):], nil
	}
	i := strings.IndexByte(s, stop)
	if stop == '=' {
		if j := strings.IndexByte(s, ' '); j >= 0 && (i < 0 || j < i) {
			return "", "", fmt.Errorf("bare key with a space in %q", s)
		}
	}
	if i < 0 {
		return s, "", nil
	}
	return s[:i], s[i:], nil
}

// attr returns the value of key, and whether it is there.
func (l textLine) attr(key string) (string, bool) {
	for _, a := range l.Attrs {
		if a.K == key {
			return a.V, true
		}
	}
	return "", false
}

// lines splits output into lines, checking that it ends in a newline.
func lines(t testing.TB, out []byte) []string {
	t.Helper()
	if len(out) == 0 {
		return nil
	}
	if out[len(out)-1] != '\n' {
		t.Fatalf("output does not end in a newline: %q", out)
	}
	return strings.Split(string(out[:len(out)-1]), "\n")
}

// textToMap turns a text line into slogtest's shape: built-ins under their keys, dotted keys
// as nested maps.
func textToMap(l textLine) map[string]any {
	m := map[string]any{}
	if l.HasTime {
		m[slog.TimeKey] = l.Time
	}
	m[slog.LevelKey] = l.Level
	m[slog.MessageKey] = l.Msg
	for _, a := range l.Attrs {
		cur := m
		keys := strings.Split(a.K, ".")
		for _, k := range keys[:len(keys)-1] {
			sub, ok := cur[k].(map[string]any)
			if !ok {
				sub = map[string]any{}
				cur[k] = sub
			}
			cur = sub
		}
		cur[keys[len(keys)-1]] = a.V
	}
	return m
}

func TestSlogtest(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format vocab.Format
		logger bool
	}{
		{"text", vocab.FormatText, false},
		{"text-logger", vocab.FormatText, true},
		{"json", vocab.FormatJSON, false},
		{"json-logger", vocab.FormatJSON, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf *bytes.Buffer
			slogtest.Run(t, func(*testing.T) slog.Handler {
				buf = new(bytes.Buffer)
				h := NewHandler(buf, &Options{Format: tc.format})
				if tc.logger {
					return h.WithLogger("app", "core")
				}
				return h
			}, func(t *testing.T) map[string]any {
				ls := lines(t, buf.Bytes())
				if len(ls) != 1 {
					t.Fatalf("want 1 line, got %q", buf.String())
				}
				if tc.format == vocab.FormatJSON {
					var m map[string]any
					if err := json.Unmarshal([]byte(ls[0]), &m); err != nil {
						t.Fatalf("%v: %s", err, ls[0])
					}
					if tc.logger && (m["logger"] != "app" || m["log.category"] != "core") {
						t.Errorf("logger/category missing: %s", ls[0])
					}
					return m
				}
				l, err := parseTextLine(ls[0])
				if err != nil {
					t.Fatal(err)
				}
				if tc.logger && (l.Logger != "app" || l.Category != "core" || (l.Line == 0) != strings.HasSuffix(t.Name(), "empty-PC")) {
					t.Errorf("logger/category/line missing: %s", ls[0])
				}
				return textToMap(l)
			})
		})
	}
}
