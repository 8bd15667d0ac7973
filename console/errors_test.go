package console

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

type loopErr struct{}

func (loopErr) Error() string   { return "loop" }
func (e loopErr) Unwrap() error { return fmt.Errorf("again: %w", e) }

type sameText struct{ err error }

func (e sameText) Error() string { return e.err.Error() }
func (e sameText) Unwrap() error { return e.err }

type panicErr struct{}

func (panicErr) Error() string { panic("bad Error") }
func (panicErr) Unwrap() error { return io.EOF }

func TestErrorChains(t *testing.T) {
	runLayout(t, []layoutCase{
		{
			name: "a chain shows what each error adds, not its causes' text again",
			f: func(l *slog.Logger) {
				l.Error("m", "err", fmt.Errorf("outer: %w", fmt.Errorf("middle: %w", errors.New("root"))))
			},
			want: `14:05:06.789 ERROR    m err="outer: middle: root"` + "\n" +
				"                      err: outer\n" +
				"                           └─ middle\n" +
				"                              └─ root\n",
		},
		{
			name: "a wrapper that writes its cause elsewhere is shown whole",
			f: func(l *slog.Logger) {
				l.Error("m", "err", fmt.Errorf("%w (after 3 tries)", io.EOF))
			},
			want: `14:05:06.789 ERROR    m err="EOF (after 3 tries)"` + "\n" +
				"                      err: EOF (after 3 tries)\n" +
				"                           └─ EOF\n",
		},
		{
			name: "no causes: no extra line",
			f:    func(l *slog.Logger) { l.Error("failed", "err", io.EOF) },
			want: "14:05:06.789 ERROR    failed err=EOF\n",
		},
		{
			name: "wrap chain, one cause per line",
			f: func(l *slog.Logger) {
				l.Error("query failed", "err", fmt.Errorf("query users: %w", fmt.Errorf("dial tcp: %w", io.EOF)))
			},
			want: `14:05:06.789 ERROR    query failed err="query users: dial tcp: EOF"` + "\n" +
				"                      err: query users\n" +
				"                           └─ dial tcp\n" +
				"                              └─ EOF\n",
		},
		{
			name: "joined errors as a tree",
			f: func(l *slog.Logger) {
				l.Error("batch", "err", errors.Join(errors.New("a failed"), fmt.Errorf("b failed: %w", io.ErrUnexpectedEOF)))
			},
			want: `14:05:06.789 ERROR    batch err="a failed\nb failed: unexpected EOF"` + "\n" +
				"                      err: ├─ a failed\n" +
				"                           └─ b failed\n" +
				"                              └─ unexpected EOF\n",
		},
		{
			name: "join inside a wrap",
			f: func(l *slog.Logger) {
				l.Error("m", "err", fmt.Errorf("top: %w", errors.Join(io.EOF, io.ErrClosedPipe)))
			},
			want: `14:05:06.789 ERROR    m err="top: EOF\nio: read/write on closed pipe"` + "\n" +
				"                      err: top\n" +
				"                           ├─ EOF\n" +
				"                           └─ io: read/write on closed pipe\n",
		},
		{
			name: "several errors with causes: a tree for each, under its key",
			f: func(l *slog.Logger) {
				l.With("first", fmt.Errorf("x: %w", io.EOF)).Error("m", "second", fmt.Errorf("y: %w", io.ErrShortWrite), "plain", io.EOF)
			},
			want: `14:05:06.789 ERROR    m first="x: EOF" second="y: short write" plain=EOF` + "\n" +
				"                      first: x\n" +
				"                             └─ EOF\n" +
				"                      second: y\n" +
				"                              └─ short write\n",
		},
		{
			name: "a wrapper with the same text is skipped",
			f: func(l *slog.Logger) {
				l.Error("m", "err", fmt.Errorf("ctx: %w", sameText{fmt.Errorf("inner: %w", io.EOF)}))
			},
			want: `14:05:06.789 ERROR    m err="ctx: inner: EOF"` + "\n" +
				"                      err: ctx\n" +
				"                           └─ inner\n" +
				"                              └─ EOF\n",
		},
		{
			name: "a panicking Error as the value",
			f:    func(l *slog.Logger) { l.Error("m", "err", panicErr{}) },
			want: "14:05:06.789 ERROR    m err=\"!PANIC: bad Error\"\n",
		},
		{
			name: "a panicking Error is shown, not raised",
			f:    func(l *slog.Logger) { l.Error("m", "err", fmt.Errorf("w: %w", panicErr{})) },
			// fmt.Errorf itself catches the panic when it formats; the chain calls Error again.
			want: "14:05:06.789 ERROR    m err=\"w: %!v(PANIC=Error method: bad Error)\"\n" +
				"                      err: w: %!v(PANIC=Error method: bad Error)\n" +
				"                           └─ !PANIC: bad Error\n" +
				"                              └─ EOF\n",
		},
		{
			name: "a panicking Unwrap means no causes",
			f: func(l *slog.Logger) {
				l.Error("m", "err", unwrapPanics{}, "wrapped", fmt.Errorf("w: %w", unwrapPanics{}))
			},
			want: "14:05:06.789 ERROR    m err=unwrap-panics wrapped=\"w: unwrap-panics\"\n" +
				"                      wrapped: w\n" +
				"                               └─ unwrap-panics\n",
		},
	})
}

// unwrapPanics is an error whose Unwrap panics.
type unwrapPanics struct{}

func (unwrapPanics) Error() string { return "unwrap-panics" }
func (unwrapPanics) Unwrap() error { panic("bad Unwrap") }

func TestErrorChainLimits(t *testing.T) {
	var buf strings.Builder
	l := slog.New(NewHandler(&buf, &Options{Env: noColorEnv}))
	l.Error("m", "err", loopErr{})
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) > maxCauseDepth+2 {
		t.Errorf("a cycle gives %d lines", len(lines))
	}
	buf.Reset()
	var errs []error
	for i := range 200 {
		errs = append(errs, fmt.Errorf("e%d: %w", i, io.EOF))
	}
	l.Error("m", "err", errors.Join(errs...))
	lines = strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != maxCauseLines+1 || !strings.HasSuffix(lines[len(lines)-1], "└─ …") {
		t.Errorf("a big join gives %d lines, last %q", len(lines), lines[len(lines)-1])
	}
}

type panicValuer struct{}

func (panicValuer) LogValue() slog.Value { panic("no value") }

type panicText struct{}

func (panicText) MarshalText() ([]byte, error) { panic("no text") }

// TestPanickingValues checks that values whose methods panic are shown, on one line, and
// never make Handle panic.
func TestPanickingValues(t *testing.T) {
	var buf strings.Builder
	l := slog.New(NewHandler(&buf, &Options{Env: noColorEnv}))
	l.Info("m", "v", panicValuer{}, "t", panicText{}, "s", panicker{}, "nilptr", (*point)(nil), "nilerr", (*nilErr)(nil),
		"nilleaf", reflect.Zero(reflect.TypeOf(errors.New(""))).Interface()) // a nil *errors.errorString
	out := buf.String()
	for _, want := range []string{"LogValue panicked", `t="!PANIC: no text"`, `s="!PANIC: boom"`, "nilptr=<nil>", "nilerr=<nil>", "nilleaf=<nil>"} {
		if !strings.Contains(out, want) {
			t.Errorf("%q not in %q", want, out)
		}
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("not one line: %q", out)
	}
}

type nilErr struct{ msg string }

func (e *nilErr) Error() string { return e.msg }

// TestCyclicValues: values that contain themselves (a map or a slice of any holding itself)
// would make fmt's %+v recurse until the stack overflows, a fatal error no recover catches.
// They are shown with "<cycle>" where they repeat, on one line.
func TestCyclicValues(t *testing.T) {
	m := map[string]any{"k": 1}
	m["self"] = m
	s := []any{"x", nil}
	s[1] = s
	var buf strings.Builder
	l := slog.New(NewHandler(&buf, &Options{Env: noColorEnv}))
	l.Info("m", "map", m, "slice", s)
	out := buf.String()
	for _, want := range []string{`map="map[k:1 self:<cycle>]"`, `slice="[x <cycle>]"`} {
		if !strings.Contains(out, want) {
			t.Errorf("%q not in %q", want, out)
		}
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("not one line: %q", out)
	}
}
