package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/logbridge/logbridge/internal/testkit"
	"github.com/logbridge/logbridge/otellog"
	"github.com/logbridge/logbridge/otlpsink"
)

// envPrefix is the application prefix of the scenarios' env vars (RELY_LOG_FILE, ...).
const envPrefix = "RELY"

// exportConcurrency is how many exports the scenarios whose bounds count the exports in flight
// run at once: they set it with withExportConcurrency rather than rely on the Pipeline's own
// choice for OTLP exporters (the same number today).
const exportConcurrency = 4

// withExportConcurrency makes the OTLP pipeline run exportConcurrency exports at once.
func withExportConcurrency() otellog.Option {
	return otellog.WithOTLPOptions(otlpsink.WithProcessorOptions(otlpsink.WithExportConcurrency(exportConcurrency)))
}

// setupReporting sets the bridge up from the environment (envPrefix) with category core, its
// console (and so its reports) in con, not installed as the default, and reports held for
// Shutdown's summary: what a scenario reads its reports from.
func setupReporting(t *testing.T, con *testkit.SyncBuffer) *otellog.Bridge {
	t.Helper()
	lb, err := otellog.Setup(context.Background(), otellog.WithEnvPrefix(envPrefix), otellog.WithCategories("core"),
		otellog.WithConsoleWriter(con), otellog.WithInstallDefault(false), otellog.WithReportInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return lb
}

// clearEnv unsets, for the test, every variable a scenario may set, then sets env.
func clearEnv(t testing.TB, env map[string]string) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if isScenarioVar(k) {
			t.Setenv(k, "") // restored after the test
			_ = os.Unsetenv(k)
		}
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
}

// deadEndpoint returns an http URL on 127.0.0.1 where nothing listens: port 1 (tcpmux), which
// no test binds and unprivileged processes cannot, so no collector of another package can come
// alive there (a port taken from the kernel and released could be handed to one).
func deadEndpoint(*testing.T) string {
	return "http://127.0.0.1:1"
}

// within runs f and fails the test if it has not returned after d: the hang guard of every
// step that could block. d is far above what the step takes; it is no timing assertion.
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s: still running after %v (hang)", what, d)
	}
}

// waitFor polls cond every 20ms until it holds or d passes, and reports whether it held.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// --- the file's text format, parsed by the grammar in the filelog package documentation ---

// fileLine is one text line taken apart by the documented grammar:
//
//	line = [time SP] level [SP name ":" lineno SP category ":"] SP message
//	       [SP "source=" value] *(SP key "=" value) [SP "trace_id=" 32HEX SP "span_id=" 16HEX] LF
type fileLine struct {
	Time     time.Time
	Level    string
	Logger   string
	LineNo   int
	Category string
	Msg      string
	Attrs    [][2]string // key, value (unquoted), in order
}

func (l fileLine) attr(key string) (string, bool) {
	for _, kv := range l.Attrs {
		if kv[0] == key {
			return kv[1], true
		}
	}
	return "", false
}

var levelToken = regexp.MustCompile(`^(DEBUG|INFO|WARNING|ERROR|CRITICAL)([+-][0-9]+)?$`)

// parseFileLine parses one line (without its LF) by the grammar, strictly: every token is bare
// (printable, no space, '=' or '"') or a Go-quoted string that unquotes.
func parseFileLine(line string) (fileLine, error) {
	var l fileLine
	if p := rawControl(line); p != "" {
		return l, fmt.Errorf("%s in the line", p)
	}
	rest := line
	// [time SP]
	if i := strings.IndexByte(rest, ' '); i > 0 {
		if tm, err := time.Parse(time.RFC3339Nano, rest[:i]); err == nil {
			l.Time, rest = tm, rest[i+1:]
		}
	}
	// level
	lvl, after, _ := strings.Cut(rest, " ")
	if !levelToken.MatchString(lvl) {
		return l, fmt.Errorf("bad level %q", lvl)
	}
	l.Level, rest = lvl, after
	// [name ":" lineno SP category ":" SP]
	if name, lineno, r, ok := loggerToken(rest); ok {
		cat, r2, err := categoryToken(r)
		if err != nil {
			return l, err
		}
		l.Logger, l.LineNo, l.Category, rest = name, lineno, cat, r2
	}
	// message
	msg, r, err := messageToken(rest)
	if err != nil {
		return l, err
	}
	l.Msg, rest = msg, r
	// *(SP key "=" value)
	for rest != "" {
		if rest[0] != ' ' {
			return l, fmt.Errorf("want a space before %q", clip(rest))
		}
		rest = rest[1:]
		k, r, err := valueToken(rest, '=')
		if err != nil {
			return l, fmt.Errorf("key: %v", err)
		}
		if !strings.HasPrefix(r, "=") {
			return l, fmt.Errorf("want '=' after key %q at %q", k, clip(r))
		}
		v, r2, err := valueToken(r[1:], ' ')
		if err != nil {
			return l, fmt.Errorf("value of %q: %v", k, err)
		}
		l.Attrs = append(l.Attrs, [2]string{k, v})
		rest = r2
	}
	return l, nil
}

// loggerToken reads `name ":" lineno SP` (name bare or quoted), if rest starts with one.
func loggerToken(rest string) (name string, lineno int, after string, ok bool) {
	var tok string
	if strings.HasPrefix(rest, `"`) {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return "", 0, "", false
		}
		name, _ = strconv.Unquote(q)
		tok = rest[len(q):]
		if !strings.HasPrefix(tok, ":") {
			return "", 0, "", false
		}
		tok = tok[1:]
	} else {
		w, _, _ := strings.Cut(rest, " ")
		j := strings.LastIndexByte(w, ':')
		if j <= 0 {
			return "", 0, "", false
		}
		name, tok = w[:j], rest[j+1:]
	}
	digits, after, found := strings.Cut(tok, " ")
	n, err := strconv.Atoi(digits)
	if !found || err != nil || digits == "" || digits[0] == '+' || digits[0] == '-' {
		return "", 0, "", false
	}
	return name, n, after, true
}

// categoryToken reads `category ":" SP` (bare or quoted).
func categoryToken(rest string) (string, string, error) {
	if strings.HasPrefix(rest, `"`) {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return "", "", fmt.Errorf("bad quoted category: %v", err)
		}
		c, _ := strconv.Unquote(q)
		r, ok := strings.CutPrefix(rest[len(q):], ": ")
		if !ok {
			return "", "", fmt.Errorf("want ': ' after the category at %q", clip(rest))
		}
		return c, r, nil
	}
	w, r, found := strings.Cut(rest, " ")
	if !found || !strings.HasSuffix(w, ":") || len(w) < 2 {
		return "", "", fmt.Errorf("bad category token %q", w)
	}
	return w[:len(w)-1], r, nil
}

// messageToken reads the message: quoted, or bare up to the attributes, which start after the
// last space before the first '=' or at the first '"'.
func messageToken(rest string) (string, string, error) {
	if strings.HasPrefix(rest, `"`) {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return "", "", fmt.Errorf("bad quoted message: %v", err)
		}
		m, _ := strconv.Unquote(q)
		return m, rest[len(q):], nil
	}
	i := strings.IndexAny(rest, `="`)
	if i < 0 {
		if rest == "" {
			return "", "", fmt.Errorf("empty bare message")
		}
		return rest, "", nil
	}
	end := i - 1 // rest[i] is '"': a quoted key starts there, after a space
	if rest[i] == '=' {
		end = strings.LastIndexByte(rest[:i], ' ')
	}
	if end <= 0 || rest[end] != ' ' {
		return "", "", fmt.Errorf("no bare message before the attributes in %q", clip(rest))
	}
	return rest[:end], rest[end:], nil
}

// valueToken reads a bare token up to stop (or the end), or a quoted one.
func valueToken(rest string, stop byte) (string, string, error) {
	if strings.HasPrefix(rest, `"`) {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return "", "", fmt.Errorf("bad quoted token at %q: %v", clip(rest), err)
		}
		v, _ := strconv.Unquote(q)
		return v, rest[len(q):], nil
	}
	i := strings.IndexByte(rest, stop)
	if i < 0 {
		i = len(rest)
	}
	tok := rest[:i]
	if tok == "" || strings.ContainsAny(tok, `"= `) {
		return "", "", fmt.Errorf("bad bare token %q", clip(tok))
	}
	return tok, rest[i:], nil
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// rawControl names the first raw character in s that could control a terminal or break a
// line: C0 controls (LF included), DEL, C1 controls, line and paragraph separators,
// bidirectional overrides and isolates, invalid UTF-8. "" if there is none.
func rawControl(s string) string {
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return fmt.Sprintf("invalid UTF-8 at byte %d", i)
			}
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r == 0x2028, r == 0x2029,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return fmt.Sprintf("raw %U at byte %d", r, i)
		}
	}
	return ""
}

// checkFileText checks text-format output: exactly one line per record, each parsing by the
// grammar. It returns the parsed lines.
func checkFileText(out string, records int) ([]fileLine, error) {
	if n := strings.Count(out, "\n"); n != records || (records > 0 && !strings.HasSuffix(out, "\n")) {
		return nil, fmt.Errorf("%d lines for %d records", n, records)
	}
	var lines []fileLine
	for i, s := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if records == 0 {
			break
		}
		l, err := parseFileLine(s)
		if err != nil {
			return nil, fmt.Errorf("line %d does not parse: %v: %q", i+1, err, clip(s))
		}
		lines = append(lines, l)
	}
	return lines, nil
}

// checkFileJSON checks JSON-format output: exactly one line per record, each a JSON object
// encoding/json parses, with no raw control character.
func checkFileJSON(out string, records int) ([]map[string]any, error) {
	if n := strings.Count(out, "\n"); n != records || (records > 0 && !strings.HasSuffix(out, "\n")) {
		return nil, fmt.Errorf("%d lines for %d records", n, records)
	}
	var objs []map[string]any
	for i, s := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if records == 0 {
			break
		}
		if p := rawControl(s); p != "" {
			return nil, fmt.Errorf("line %d: %s: %q", i+1, p, clip(s))
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			return nil, fmt.Errorf("line %d is not JSON: %v: %q", i+1, err, clip(s))
		}
		objs = append(objs, m)
	}
	return objs, nil
}

// consoleSeq matches the escape sequences the console handler writes itself: SGR styles and
// OSC 8 hyperlinks from link=URL markup in messages (targets sanitized by the markup package).
var consoleSeq = regexp.MustCompile("\x1b\\[[0-9;]*m|\x1b\\]8;[\x20-\x7e]*\x1b\\\\")

// checkConsole checks console output against the console's rules: after the handler's own
// escape sequences are removed, nothing can control the terminal, and the records are
// exactly the lines that start at column 0 (continuation lines, from newlines in a message,
// wrapping or error causes, are indented by at least two spaces). It returns the plain text.
func checkConsole(out string, records int) (string, error) {
	plain := consoleSeq.ReplaceAllString(out, "")
	if records > 0 && !strings.HasSuffix(plain, "\n") {
		return plain, fmt.Errorf("no final newline")
	}
	starts := 0
	for i, line := range strings.Split(strings.TrimSuffix(plain, "\n"), "\n") {
		if records == 0 {
			break
		}
		if p := rawControl(line); p != "" {
			return plain, fmt.Errorf("line %d: %s: %q", i+1, p, clip(line))
		}
		switch {
		case !strings.HasPrefix(line, " "):
			starts++
		case !strings.HasPrefix(line, "  "):
			return plain, fmt.Errorf("line %d: continuation indented by one space: %q", i+1, clip(line))
		}
	}
	if starts != records {
		return plain, fmt.Errorf("%d lines start a record, want %d", starts, records)
	}
	return plain, nil
}
