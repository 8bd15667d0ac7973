package filelog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/logbridge/logbridge/internal/markup"
	"github.com/logbridge/logbridge/vocab"
	"go.opentelemetry.io/otel/trace"
)

var testTime = time.Date(2026, 11, 23, 18, 57, 2, 123456789, time.UTC)

// fixed wraps a handler so records have testTime and no PC: stable lines for table tests.
type fixed struct{ h slog.Handler }

func (f fixed) Enabled(ctx context.Context, l slog.Level) bool { return f.h.Enabled(ctx, l) }
func (f fixed) Handle(ctx context.Context, r slog.Record) error {
	r.Time, r.PC = testTime, 0
	return f.h.Handle(ctx, r)
}
func (f fixed) WithAttrs(as []slog.Attr) slog.Handler { return fixed{f.h.WithAttrs(as)} }
func (f fixed) WithGroup(name string) slog.Handler    { return fixed{f.h.WithGroup(name)} }

type stringer struct{ s string }

func (s *stringer) String() string { return s.s } // panics on a nil pointer

type panicker struct{}

func (panicker) LogValue() slog.Value         { panic("boom in LogValue") }
func (panicker) String() string               { panic("boom in String") }
func (panicker) MarshalJSON() ([]byte, error) { panic("boom in MarshalJSON") }

type badText struct{}

func (badText) MarshalText() ([]byte, error) { return nil, errors.New("cannot") }

type marshaler struct{}

func (marshaler) MarshalJSON() ([]byte, error) {
	return []byte("{\"a\": \"x\u2028y\u0085z\x7f\"}"), nil
}

type stringPanicker struct{}

func (stringPanicker) String() string { panic("boom in String") }

var traceCtx = trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
	TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
	SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
	TraceFlags: trace.FlagsSampled,
}))

const stamp = "2026-11-23T18:57:02.123Z"

func TestHandlerText(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   *Options
		logger [2]string // WithLogger(name, category) when name or category is set
		f      func(*slog.Logger)
		want   string // without the time prefix and the newline
	}{
		{"plain", nil, [2]string{}, func(l *slog.Logger) { l.Info("hello world") }, "INFO hello world"},
		{"below level", nil, [2]string{}, func(l *slog.Logger) { l.Debug("no") }, ""},
		{"debug level", &Options{Level: slog.LevelDebug}, [2]string{}, func(l *slog.Logger) { l.Debug("yes") }, "DEBUG yes"},
		{"warning", nil, [2]string{}, func(l *slog.Logger) { l.Warn("w") }, "WARNING w"},
		{"critical", nil, [2]string{}, func(l *slog.Logger) { l.Log(context.Background(), vocab.LevelCritical, "c") }, "CRITICAL c"},
		{"in between", nil, [2]string{}, func(l *slog.Logger) { l.Log(context.Background(), slog.LevelInfo+2, "c") }, "INFO+2 c"},
		{"above critical", nil, [2]string{}, func(l *slog.Logger) { l.Log(context.Background(), vocab.LevelCritical+2, "c") }, "CRITICAL+2 c"},
		{"logger", nil, [2]string{"app.server", "http"}, func(l *slog.Logger) { l.Info("started") }, "INFO app.server:0 http: started"},
		{"logger quoted", nil, [2]string{"my app", "a b"}, func(l *slog.Logger) { l.Info("started") }, `INFO "my app":0 "a b": started`},
		{"logger escaped", nil, [2]string{"x\ny", "c\x1b[31m"}, func(l *slog.Logger) { l.Info("m") }, `INFO "x\ny":0 "c\x1b[31m": m`},
		{"category with colons", nil, [2]string{"app", "core::db"}, func(l *slog.Logger) { l.Info("m") }, `INFO app:0 core::db: m`},
		{"message like a logger, with one", nil, [2]string{"app", "core"}, func(l *slog.Logger) { l.Info("Error: disk full") }, `INFO app:0 core: Error: disk full`},

		// Message quoting.
		{"message newline", nil, [2]string{}, func(l *slog.Logger) { l.Info("line1\nline2") }, `INFO "line1\nline2"`},
		{"message forged line", nil, [2]string{}, func(l *slog.Logger) {
			l.Info("ok\n2026-11-23T18:57:02.123Z CRITICAL forged")
		}, `INFO "ok\n2026-11-23T18:57:02.123Z CRITICAL forged"`},
		{"message CR tab", nil, [2]string{}, func(l *slog.Logger) { l.Info("a\rb\tc") }, `INFO "a\rb\tc"`},
		{"message ESC", nil, [2]string{}, func(l *slog.Logger) { l.Info("\x1b[31mred\x1b[0m") }, `INFO "\x1b[31mred\x1b[0m"`},
		{"message DEL C1", nil, [2]string{}, func(l *slog.Logger) { l.Info("a\x7fb\u0085c\u009bd") }, `INFO "a\x7fb\u0085c\u009bd"`},
		{"message U+2028", nil, [2]string{}, func(l *slog.Logger) { l.Info("a\u2028b\u2029c") }, `INFO "a\u2028b\u2029c"`},
		{"message invalid UTF-8", nil, [2]string{}, func(l *slog.Logger) { l.Info("a\xffb") }, `INFO "a\xffb"`},
		{"message equals", nil, [2]string{}, func(l *slog.Logger) { l.Info("retry=3 failed") }, `INFO "retry=3 failed"`},
		{"message quote", nil, [2]string{}, func(l *slog.Logger) { l.Info(`say "hi"`) }, `INFO "say \"hi\""`},
		{"message empty", nil, [2]string{}, func(l *slog.Logger) { l.Info("") }, `INFO ""`},
		{"message spaces around", nil, [2]string{}, func(l *slog.Logger) { l.Info(" x ") }, `INFO " x "`},
		{"message first word like name:line", nil, [2]string{}, func(l *slog.Logger) { l.Info("db:5432 unreachable") }, `INFO "db:5432 unreachable"`},
		{"message colon", nil, [2]string{}, func(l *slog.Logger) { l.Info("Error: disk full at 12:30") }, `INFO Error: disk full at 12:30`},
		{"message unicode", nil, [2]string{}, func(l *slog.Logger) { l.Info("größe ✓ 日本") }, `INFO größe ✓ 日本`},
		{"message backslash", nil, [2]string{}, func(l *slog.Logger) { l.Info(`C:\temp dir`) }, `INFO C:\temp dir`},

		// Markup.
		{"markup stripped", nil, [2]string{}, func(l *slog.Logger) { l.Info("[bold red]x[/] done") }, "INFO x done"},
		{"markup not tags", nil, [2]string{}, func(l *slog.Logger) { l.Info("[admin] sees list [1, 2, 3]") }, "INFO [admin] sees list [1, 2, 3]"},
		{"markup list with equals", nil, [2]string{}, func(l *slog.Logger) { l.Info("list=[1, 2, 3]") }, `INFO "list=[1, 2, 3]"`},
		{"markup escaped bracket", nil, [2]string{}, func(l *slog.Logger) { l.Info(`\[bold] is literal`) }, "INFO [bold] is literal"},
		{"markup with control", nil, [2]string{}, func(l *slog.Logger) { l.Info("[red]a\nb[/red]") }, `INFO "a\nb"`},
		{"markup in values kept", nil, [2]string{}, func(l *slog.Logger) { l.Info("m", "v", "[bold]x[/]") }, "INFO m v=[bold]x[/]"},
		{"markup emoji code alone", nil, [2]string{}, func(l *slog.Logger) { l.Info(":rocket: launched at 12:30") }, "INFO \U0001f680 launched at 12:30"},
		{"markup emoji codes as Rich replaces them", nil, [2]string{}, func(l *slog.Logger) { l.Info("launch :rocket: [b]:tada:[/b] :nope: 12:30", "v", ":rocket:") }, "INFO launch \U0001f680 \U0001f389 :nope: 12:30 v=:rocket:"},

		// Values.
		{"values", nil, [2]string{}, func(l *slog.Logger) {
			l.Info("m", "s", "a b", "i", -3, "u", uint64(7), "f", 1.5, "b", true, "d", 1500*time.Millisecond,
				"t", time.Date(2020, 1, 2, 3, 4, 5, 6e6, time.FixedZone("", -5*3600)), "e", errors.New("bad thing"))
		}, `INFO m s="a b" i=-3 u=7 f=1.5 b=true d=1.5s t=2020-01-02T03:04:05.006-05:00 e="bad thing"`},
		{"value kinds", nil, [2]string{}, func(l *slog.Logger) {
			l.Info("m", "nil", nil, "bytes", []byte("a\nb"), "str", &stringer{"x y"}, "nan", math.NaN(), "inf", math.Inf(-1), "empty", "", "d0", time.Duration(0), "dus", 1500*time.Nanosecond)
		}, `INFO m nil=<nil> bytes="a\nb" str="x y" nan=NaN inf=-Inf empty="" d0=0s dus=1.5µs`},
		{"value struct", nil, [2]string{}, func(l *slog.Logger) {
			l.Info("m", "v", struct {
				A int
				B string
			}{1, "x"})
		}, `INFO m v="{A:1 B:x}"`},
		{"value escaping", nil, [2]string{}, func(l *slog.Logger) {
			l.Info("m", "nl", "a\nb", "eq", "a=b", "q", `a"b`, "esc", "\x1b[2J", "del", "a\x7f", "c1", "\u0085", "ls", "\u2028", "bad", "\xfe", "bs", `a\b`)
		}, `INFO m nl="a\nb" eq="a=b" q="a\"b" esc="\x1b[2J" del="a\x7f" c1="\u0085" ls="\u2028" bad="\xfe" bs=a\b`},
		{"key escaping", nil, [2]string{}, func(l *slog.Logger) {
			l.Info("m", "a b", 1, "x\ny", 2, "k=v", 3, "", 4)
		}, `INFO m "a b"=1 "x\ny"=2 "k=v"=3 ""=4`},
		{"panics shown as values", nil, [2]string{}, func(l *slog.Logger) {
			l.Info("m", "lv", panicker{}, "str", stringPanicker{}, "nilptr", (*stringer)(nil), "txt", badText{})
		}, `INFO m lv="LogValue panicked\n`},

		// Groups.
		{"groups", nil, [2]string{}, func(l *slog.Logger) {
			l.WithGroup("req").With("id", 1).Info("m", "a", 2, slog.Group("g", "b", 3), slog.Group("", "inline", 4), slog.Group("empty"))
		}, `INFO m req.id=1 req.a=2 req.g.b=3 req.inline=4`},
		{"group needing quotes", nil, [2]string{}, func(l *slog.Logger) {
			l.WithGroup("a b").Info("m", "k", 1)
		}, `INFO m "a b.k"=1`},
		{"with attrs then record", nil, [2]string{}, func(l *slog.Logger) {
			l.With("a", 1).With("b", "x y").Info("m", "c", 3)
		}, `INFO m a=1 b="x y" c=3`},
		{"with attrs and logger", nil, [2]string{"app", "core"}, func(l *slog.Logger) {
			l.With("a", 1).WithGroup("g").Info("m", "c", 3)
		}, `INFO app:0 core: m a=1 g.c=3`},

		// Trace.
		{"trace", nil, [2]string{}, func(l *slog.Logger) {
			l.InfoContext(traceCtx, "m", "a", 1)
		}, "INFO m a=1 trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7"},
		{"no trace without span", nil, [2]string{}, func(l *slog.Logger) {
			l.InfoContext(context.Background(), "m")
		}, "INFO m"},

		// ReplaceAttr.
		{"replace drops time", &Options{ReplaceAttr: func(g []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(g) == 0 {
				return slog.Attr{}
			}
			return a
		}}, [2]string{}, func(l *slog.Logger) { l.Info("m") }, "!INFO m"},
		{"replace redacts, sees groups", &Options{ReplaceAttr: func(g []string, a slog.Attr) slog.Attr {
			if a.Key == "password" {
				return slog.String(a.Key, strings.Join(g, "/")+":***")
			}
			return a
		}}, [2]string{}, func(l *slog.Logger) {
			l.WithGroup("a").Info("m", slog.Group("b", "password", "hunter2"))
		}, `INFO m a.b.password=a/b:***`},
		{"replace level and message", &Options{ReplaceAttr: func(g []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case slog.LevelKey:
				return slog.Any(a.Key, a.Value.Any().(slog.Level)+4)
			case slog.MessageKey:
				return slog.String(a.Key, "[b]new[/b] "+a.Value.String())
			}
			return a
		}}, [2]string{}, func(l *slog.Logger) { l.Info("old") }, `WARNING new old`},
		{"replace panics", &Options{ReplaceAttr: func(g []string, a slog.Attr) slog.Attr {
			if a.Key == "x" {
				panic("no")
			}
			return a
		}}, [2]string{}, func(l *slog.Logger) { l.Info("m", "x", 1) }, `INFO m x="!PANIC: no"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			h := NewHandler(&buf, tc.opts)
			var sh slog.Handler = h
			if tc.logger != [2]string{} {
				sh = h.WithLogger(tc.logger[0], tc.logger[1])
			}
			tc.f(slog.New(fixed{sh}))
			got := buf.String()
			if tc.want == "" {
				if got != "" {
					t.Fatalf("want no output, got %q", got)
				}
				return
			}
			want := stamp + " " + tc.want + "\n"
			if strings.HasPrefix(tc.want, "!") {
				want = tc.want[1:] + "\n"
			}
			if strings.HasSuffix(tc.want, `\n`) { // a prefix check, for values with stacks
				if !strings.HasPrefix(got, want[:len(want)-1]) {
					t.Fatalf("got  %q\nwant prefix %q", got, want[:len(want)-1])
				}
			} else if got != want {
				t.Fatalf("got  %q\nwant %q", got, want)
			}
			if n := strings.Count(got, "\n"); n != 1 {
				t.Fatalf("%d newlines in %q", n, got)
			}
			l, err := parseTextLine(strings.TrimSuffix(got, "\n"))
			if err != nil {
				t.Fatalf("own line does not parse: %v", err)
			}
			if tc.logger != [2]string{} && (l.Logger != tc.logger[0] || l.Category != tc.logger[1]) {
				t.Errorf("parsed logger %q category %q", l.Logger, l.Category)
			}
		})
	}
}

func TestHandlerTextPanics(t *testing.T) {
	var buf bytes.Buffer
	slog.New(fixed{NewHandler(&buf, nil)}).Info("m", "str", stringPanicker{}, "nilptr", (*stringer)(nil), "txt", badText{},
		"err", unwrapPanics{}, "after", 1)
	// An error whose Unwrap panics is shown by its text (looking for a stack in its chain
	// stops there).
	want := stamp + ` INFO m str="!PANIC: boom in String" nilptr=<nil> txt=!ERROR:cannot err=unwrap-panics after=1` + "\n"
	if buf.String() != want {
		t.Fatalf("got  %q\nwant %q", buf.String(), want)
	}
}

// TestHandlerCyclicValues: values that contain themselves would make fmt's %+v recurse until
// the stack overflows, a fatal error no recover catches. The text line shows "<cycle>" where
// they repeat; JSON reports encoding/json's cycle error as the value.
func TestHandlerCyclicValues(t *testing.T) {
	m := map[string]any{"k": 1}
	m["self"] = m
	s := []any{"x", nil}
	s[1] = s
	var buf bytes.Buffer
	slog.New(fixed{NewHandler(&buf, nil)}).Info("m", "map", m, "slice", s)
	want := stamp + ` INFO m map="map[k:1 self:<cycle>]" slice="[x <cycle>]"` + "\n"
	if buf.String() != want {
		t.Fatalf("got  %q\nwant %q", buf.String(), want)
	}
	buf.Reset()
	slog.New(fixed{NewHandler(&buf, &Options{Format: vocab.FormatJSON})}).Info("m", "map", m, "slice", s)
	var obj map[string]any
	if err := json.Unmarshal(buf.Bytes(), &obj); err != nil || !strings.Contains(buf.String(), "cycle") {
		t.Fatalf("JSON %q: %v", buf.String(), err)
	}
}

func TestHandlerJSON(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   *Options
		logger [2]string
		f      func(*slog.Logger)
		want   string // after `{"time":"...",` and without "}\n"
	}{
		{"plain", nil, [2]string{}, func(l *slog.Logger) { l.Info("hello") }, `"level":"INFO","msg":"hello"`},
		{"logger", nil, [2]string{"app", "core"}, func(l *slog.Logger) { l.Warn("m") }, `"level":"WARNING","logger":"app","log.category":"core","msg":"m"`},
		{"markup", nil, [2]string{}, func(l *slog.Logger) { l.Info("[bold red]x[/] done", "v", "[b]y[/b]") }, `"level":"INFO","msg":"x done","v":"[b]y[/b]"`},
		{"markup emoji code alone", nil, [2]string{}, func(l *slog.Logger) { l.Info(":rocket: up", "v", ":rocket:") }, `"level":"INFO","msg":"🚀 up","v":":rocket:"`},
		{"escaping", nil, [2]string{}, func(l *slog.Logger) {
			l.Info("a\nb\r\t\x1b\x7f\u0085\u2028\u2029\xff\"\\<>&", "k\n", "v\x00")
		}, `"level":"INFO","msg":"a\nb\r\t\u001b\u007f\u0085\u2028\u2029\ufffd\"\\<>&","k\n":"v\u0000"`},
		{"bidi controls", nil, [2]string{}, func(l *slog.Logger) {
			l.Info("a\u202eb\u2066c\u200fd\u061ce", "v\u202a", "x\u2069", "m", map[string]string{"k": "\u202dy\u200e"})
		}, `"level":"INFO","msg":"a\u202eb\u2066c\u200fd\u061ce","v\u202a":"x\u2069","m":{"k":"\u202dy\u200e"}`},
		{"values", nil, [2]string{}, func(l *slog.Logger) {
			l.Info("m", "i", -1, "u", uint64(2), "f", 1e21, "g", 1e-7, "h", 0.5, "nan", math.NaN(), "b", false,
				"d", time.Second, "t", time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC), "e", errors.New("x"), "nil", nil,
				"s", struct{ A []int }{[]int{1}}, "m", marshaler{}, "bytes", []byte("hi"))
		}, `"level":"INFO","msg":"m","i":-1,"u":2,"f":1e+21,"g":1e-7,"h":0.5,"nan":"NaN","b":false,"d":1,"t":"2020-01-02T03:04:05.000000006Z","e":"x","nil":null,"s":{"A":[1]},"m":{"a":"x\u2028y\u0085z\u007f"},"bytes":"aGk="`},
		{"panics", nil, [2]string{}, func(l *slog.Logger) {
			l.Info("m", "p", panicker{}.MarshalJSON, "j", jsonPanicker{}, "nilptr", (*jsonNil)(nil))
		}, `"level":"INFO","msg":"m","p":"!ERROR:json: unsupported type: func() ([]uint8, error)","j":"!PANIC: boom in MarshalJSON","nilptr":null`},
		{"groups", nil, [2]string{}, func(l *slog.Logger) {
			l.WithGroup("req").With("id", 1).WithGroup("sub").Info("m", "a", 2, slog.Group("g", "b", 3), slog.Group("", "in", 4), slog.Group("empty"))
		}, `"level":"INFO","msg":"m","req":{"id":1,"sub":{"a":2,"g":{"b":3},"in":4}}`},
		{"group without record attrs", nil, [2]string{}, func(l *slog.Logger) {
			l.WithGroup("req").With("id", 1).WithGroup("sub").Info("m")
		}, `"level":"INFO","msg":"m","req":{"id":1}`},
		{"empty groups", nil, [2]string{}, func(l *slog.Logger) {
			l.WithGroup("a").WithGroup("b").Info("m")
		}, `"level":"INFO","msg":"m"`},
		{"group of empty attrs", nil, [2]string{}, func(l *slog.Logger) {
			l.Info("m", "a", 1, slog.Group("g", slog.Attr{}), "b", 2)
		}, `"level":"INFO","msg":"m","a":1,"b":2`},
		{"record attrs all dropped in a group", &Options{ReplaceAttr: func(g []string, a slog.Attr) slog.Attr {
			if len(g) > 0 {
				return slog.Attr{}
			}
			return a
		}}, [2]string{}, func(l *slog.Logger) {
			l.WithGroup("g").Info("m", "a", 1)
		}, `"level":"INFO","msg":"m"`},
		{"trace with groups", nil, [2]string{}, func(l *slog.Logger) {
			l.WithGroup("g").InfoContext(traceCtx, "m", "a", 1)
		}, `"level":"INFO","msg":"m","g":{"a":1},"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"`},
		{"replace keys", &Options{ReplaceAttr: func(g []string, a slog.Attr) slog.Attr {
			if len(g) == 0 && a.Key == slog.MessageKey {
				a.Key = "message"
			}
			if len(g) == 0 && a.Key == slog.LevelKey {
				a.Key = "severity"
			}
			return a
		}}, [2]string{}, func(l *slog.Logger) { l.Error("m") }, `"severity":"ERROR","message":"m"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			h := NewHandler(&buf, &Options{Format: vocab.FormatJSON})
			if tc.opts != nil {
				o := *tc.opts
				o.Format = vocab.FormatJSON
				h = NewHandler(&buf, &o)
			}
			var sh slog.Handler = h
			if tc.logger != [2]string{} {
				sh = h.WithLogger(tc.logger[0], tc.logger[1])
			}
			tc.f(slog.New(fixed{sh}))
			want := `{"time":"` + stamp + `",` + tc.want + "}\n"
			if buf.String() != want {
				t.Fatalf("got  %s\nwant %s", buf.String(), want)
			}
			var m map[string]any
			if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
		})
	}
}

type jsonPanicker struct{}

func (jsonPanicker) MarshalJSON() ([]byte, error) { panic("boom in MarshalJSON") }

type jsonNil struct{ a int }

func (j *jsonNil) MarshalJSON() ([]byte, error) { return []byte(strconv.Itoa(j.a)), nil }

// TestLineNumber checks that name:line shows the caller's line without AddSource, and that
// AddSource adds source=file:line.
func TestLineNumber(t *testing.T) {
	for _, addSource := range []bool{false, true} {
		var buf bytes.Buffer
		l := slog.New(NewHandler(&buf, &Options{AddSource: addSource}).WithLogger("app", "core"))
		_, file, line, _ := runtime.Caller(0)
		l.Info("here") // must stay on the line after runtime.Caller
		got, err := parseTextLine(strings.TrimSuffix(buf.String(), "\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got.Line != line+1 {
			t.Errorf("AddSource=%v: line %d, want %d: %s", addSource, got.Line, line+1, buf.String())
		}
		src, ok := got.attr("source")
		if want := file + ":" + strconv.Itoa(line+1); addSource && src != want {
			t.Errorf("source=%q, want %q", src, want)
		} else if !addSource && ok {
			t.Errorf("source without AddSource: %s", buf.String())
		}
	}
	var buf bytes.Buffer
	l := slog.New(NewHandler(&buf, &Options{AddSource: true, Format: vocab.FormatJSON}))
	_, file, line, _ := runtime.Caller(0)
	l.Info("here")
	var m struct{ Source slog.Source }
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m.Source.File != file || m.Source.Line != line+1 || !strings.HasSuffix(m.Source.Function, "TestLineNumber") {
		t.Errorf("source %+v, want %s:%d", m.Source, file, line+1)
	}
}

func TestLocalTime(t *testing.T) {
	old := time.Local
	time.Local = time.FixedZone("TEST", 90*60)
	defer func() { time.Local = old }()
	var buf bytes.Buffer
	slog.New(fixed{NewHandler(&buf, &Options{LocalTime: true})}).Info("m")
	if want := "2026-11-23T20:27:02.123+01:30 INFO m\n"; buf.String() != want {
		t.Fatalf("got %q, want %q", buf.String(), want)
	}
}

// TestRecordUntouched checks that Handle neither changes the record nor keeps it: the same
// record goes to several handlers in the fan-out.
func TestRecordUntouched(t *testing.T) {
	r := slog.NewRecord(testTime, slog.LevelInfo, "[b]m[/b]", 0)
	r.AddAttrs(slog.String("a", "x"), slog.Group("g", slog.Int("b", 1)))
	before := fmt.Sprint(r)
	for _, f := range []vocab.Format{vocab.FormatText, vocab.FormatJSON} {
		h := NewHandler(&bytes.Buffer{}, &Options{Format: f, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			a.Key += "!"
			return a
		}})
		if err := h.WithGroup("w").Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	if after := fmt.Sprint(r); after != before {
		t.Fatalf("record changed: %s -> %s", before, after)
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func TestHandleReturnsWriteError(t *testing.T) {
	want := errors.New("disk on fire")
	err := NewHandler(failWriter{want}, nil).Handle(context.Background(), slog.NewRecord(testTime, slog.LevelInfo, "m", 0))
	if !errors.Is(err, want) {
		t.Fatalf("got %v, want %v", err, want)
	}
}

// TestConcurrentClones logs from many goroutines through clones of one handler (WithAttrs,
// WithGroup, WithLogger made concurrently too) and checks every line is whole and parses.
func TestConcurrentClones(t *testing.T) {
	for _, format := range []vocab.Format{vocab.FormatText, vocab.FormatJSON} {
		t.Run(string(format), func(t *testing.T) {
			var buf bytes.Buffer
			root := slog.New(NewHandler(&buf, &Options{Format: format}).WithLogger("app", "core")).With("base", 1)
			const goroutines, perG = 16, 200
			var wg sync.WaitGroup
			for g := range goroutines {
				wg.Go(func() {
					l := root.With("g", g).WithGroup("grp")
					for i := range perG {
						l.With("i", i).Info("msg\nwith newline", "k", strings.Repeat("x", i%50), "n", i)
					}
				})
			}
			wg.Wait()
			ls := lines(t, buf.Bytes())
			if len(ls) != goroutines*perG {
				t.Fatalf("%d lines, want %d", len(ls), goroutines*perG)
			}
			seen := map[string]bool{}
			for _, line := range ls {
				var g, i string
				if format == vocab.FormatJSON {
					var m struct {
						G   int `json:"g"`
						Grp struct {
							I, N int
						} `json:"grp"`
					}
					if err := json.Unmarshal([]byte(line), &m); err != nil {
						t.Fatalf("%v: %s", err, line)
					}
					g, i = strconv.Itoa(m.G), strconv.Itoa(m.Grp.I)
				} else {
					l, err := parseTextLine(line)
					if err != nil {
						t.Fatal(err)
					}
					g, _ = l.attr("g")
					i, _ = l.attr("grp.i")
					if n, _ := l.attr("grp.n"); n != i || l.Msg != "msg\nwith newline" {
						t.Fatalf("mixed up line: %s", line)
					}
				}
				if seen[g+"/"+i] {
					t.Fatalf("duplicate %s/%s", g, i)
				}
				seen[g+"/"+i] = true
			}
		})
	}
}

// FuzzTextLine checks that any message, key and value give exactly one line that parses back
// to them (the message after markup stripping), also as a logger name and category.
func FuzzTextLine(f *testing.F) {
	f.Add("hello world", "k", "v")
	f.Add("a\nb", "x y", "\x1b[31m")
	f.Add("db:5432 down", "", "")
	f.Add(":a: no tag", "", "0")
	f.Add("[bold]x[/] y=1", "k=v", `"q"`)
	f.Add(" \u2028\xff", "a.b", "\x7f\u0085")
	f.Fuzz(func(t *testing.T, msg, key, val string) {
		var buf bytes.Buffer
		l := slog.New(fixed{NewHandler(&buf, nil).WithLogger("app", "core")})
		l.Info(msg, key, val)
		out := buf.String()
		if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
			t.Fatalf("not one line: %q", out)
		}
		if strings.ContainsAny(out[:len(out)-1], "\r\x1b\x00\x7f\u0085\u2028\u2029") || !utf8Valid(out) {
			t.Fatalf("raw control or invalid UTF-8 in %q", out)
		}
		p, err := parseTextLine(out[:len(out)-1])
		if err != nil {
			t.Fatal(err)
		}
		wantMsg := stripForTest(msg)
		if p.Msg != wantMsg || p.Logger != "app" || p.Category != "core" || len(p.Attrs) != 1 ||
			p.Attrs[0] != (kv{key, val}) {
			t.Fatalf("line %q parsed as %+v; want msg %q attr %q=%q", out, p, wantMsg, key, val)
		}

		// The logger name and category are data too: the key and value as them.
		buf.Reset()
		slog.New(fixed{NewHandler(&buf, nil).WithLogger(key, val)}).Info(msg)
		out = buf.String()
		if p, err = parseTextLine(strings.TrimSuffix(out, "\n")); err != nil || p.Logger != key || p.Category != val || p.Msg != wantMsg {
			t.Fatalf("line %q parsed as %+v (%v); want logger %q category %q msg %q", out, p, err, key, val, wantMsg)
		}

		buf.Reset()
		slog.New(fixed{NewHandler(&buf, &Options{Format: vocab.FormatJSON})}).Info(msg, key, val)
		out = buf.String()
		if strings.Count(out, "\n") != 1 || strings.ContainsAny(out[:len(out)-1], "\r\x1b\x00\x7f\u0085\u2028\u2029") {
			t.Fatalf("JSON not one clean line: %q", out)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
	})
}

func utf8Valid(s string) bool { return utf8.ValidString(s) }

func stripForTest(s string) string { return markup.Strip(s) }

type countingWriter struct {
	writes int
	buf    bytes.Buffer
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.buf.Write(p)
}

// TestOneWritePerRecord checks that each record is one Write of one whole line, also for
// records larger than the pooled buffers.
func TestOneWritePerRecord(t *testing.T) {
	for _, format := range []vocab.Format{vocab.FormatText, vocab.FormatJSON} {
		var w countingWriter
		l := slog.New(NewHandler(&w, &Options{Format: format}))
		sizes := []int{0, 10, 1 << 10, 20 << 10, 100 << 10, 10}
		for _, n := range sizes {
			l.Info("m", "big", strings.Repeat("y\n", n))
		}
		if w.writes != len(sizes) {
			t.Fatalf("%s: %d writes for %d records", format, w.writes, len(sizes))
		}
		if got := lines(t, w.buf.Bytes()); len(got) != len(sizes) {
			t.Fatalf("%s: %d lines for %d records", format, len(got), len(sizes))
		}
	}
}

// unwrapPanics is an error whose Unwrap panics.
type unwrapPanics struct{}

func (unwrapPanics) Error() string { return "unwrap-panics" }
func (unwrapPanics) Unwrap() error { panic("bad Unwrap") }
