package console

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/clipperhouse/displaywidth"
	"go.opentelemetry.io/otel/trace"

	"github.com/logbridge/logbridge/vocab"
)

type layoutCase struct {
	name string
	opts Options
	f    func(*slog.Logger)
	want string
}

// runLayout logs with f through a handler made with opts (records at time t0) and compares
// the output with want.
func runLayout(t *testing.T, cases []layoutCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			opts := c.opts
			if opts.Env == nil {
				opts.Env = noColorEnv
			}
			if opts.Level == nil {
				opts.Level = slog.LevelDebug
			}
			c.f(slog.New(fixedTime{NewHandler(&buf, &opts)}))
			if got := buf.String(); got != c.want {
				t.Errorf("got\n%s\nwant\n%s\n(got %q)", got, c.want, got)
			}
		})
	}
}

type stringer struct{}

func (stringer) String() string { return "stringer!" }

type textMarshaler struct{}

func (textMarshaler) MarshalText() ([]byte, error) { return []byte("text marshaled"), nil }

type panicker struct{}

func (panicker) String() string { panic("boom") }

type point struct {
	X, Y int
	Name string
	ok   bool
}

func withLogger(name, category string) func(*slog.Logger) *slog.Logger {
	return func(l *slog.Logger) *slog.Logger {
		return slog.New(fixedTime{l.Handler().(fixedTime).h.(*Handler).WithLogger(name, category)})
	}
}

var spanCtx = trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
	TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
	SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
	TraceFlags: trace.FlagsSampled,
}))

func TestLayoutPlain(t *testing.T) {
	runLayout(t, []layoutCase{
		{
			name: "message",
			f:    func(l *slog.Logger) { l.Info("hello world") },
			want: "14:05:06.789 INFO     hello world\n",
		},
		{
			name: "levels",
			f: func(l *slog.Logger) {
				l.Debug("d")
				l.Warn("w")
				l.Error("e")
				l.Log(context.Background(), vocab.LevelCritical, "c")
				l.Log(context.Background(), slog.LevelInfo+2, "i2")
				l.Log(context.Background(), vocab.LevelCritical+4, "c4")
			},
			want: "14:05:06.789 DEBUG    d\n" +
				"14:05:06.789 WARNING  w\n" +
				"14:05:06.789 ERROR    e\n" +
				"14:05:06.789 CRITICAL c\n" +
				"14:05:06.789 INFO+2   i2\n" +
				"14:05:06.789 CRIT+4   c4\n", // the column keeps its width
		},
		{
			name: "value kinds",
			f: func(l *slog.Logger) {
				l.Info("m", "s", "x", "q", "a b", "empty", "", "i", -3, "u", uint64(7), "f", 1.5,
					"yes", true, "no", false, "d", 90*time.Second, "us", 1500*time.Nanosecond,
					"t", time.Date(2024, 1, 2, 3, 4, 5, 6e6, time.UTC), "nil", nil, "e", errors.New("boom"))
			},
			want: `14:05:06.789 INFO     m s=x q="a b" empty="" i=-3 u=7 f=1.5 yes=true no=false d=1m30s us=1.5µs t=2024-01-02T03:04:05.006Z nil=<nil> e=boom` + "\n",
		},
		{
			name: "any values",
			f: func(l *slog.Logger) {
				l.Info("m", "str", stringer{}, "text", textMarshaler{}, "bytes", []byte("b y"),
					"pt", point{1, 2, "p", true}, "addr", netip.MustParseAddr("10.0.0.1"),
					"ptr", &point{X: 1}, "panic", panicker{}, "lvl", slog.LevelWarn)
			},
			want: `14:05:06.789 INFO     m str=stringer! text="text marshaled" bytes="b y" pt="{X:1 Y:2 Name:p ok:true}" addr=10.0.0.1 ptr="&{X:1 Y:0 Name: ok:false}" panic="!PANIC: boom" lvl=WARN` + "\n",
		},
		{
			name: "quoted keys",
			f:    func(l *slog.Logger) { l.Info("m", "a b", 1, "", 2, "k=v", 3, `q"`, 4) },
			want: `14:05:06.789 INFO     m "a b"=1 ""=2 "k=v"=3 "q\""=4` + "\n",
		},
		{
			name: "groups",
			f: func(l *slog.Logger) {
				l.WithGroup("req").With("id", 7).WithGroup("").Info("m",
					slog.Group("h", "a", 1, slog.Group("deep", "b", 2)), slog.Group("", "inl", 3), slog.Group("empty"))
			},
			want: "14:05:06.789 INFO     m req.id=7 req.h.a=1 req.h.deep.b=2 req.inl=3\n",
		},
		{
			name: "group names quoted with the key",
			f:    func(l *slog.Logger) { l.WithGroup("my group").Info("m", "k", 1) },
			want: `14:05:06.789 INFO     m "my group.k"=1` + "\n",
		},
		{
			name: "WithAttrs before the record's own",
			f: func(l *slog.Logger) {
				l.With("a", 1).With("b", "two").Info("m", "c", 3)
			},
			want: "14:05:06.789 INFO     m a=1 b=two c=3\n",
		},
		{
			name: "empty message",
			f: func(l *slog.Logger) {
				l.Info("", "k", 1)
				l.With("w", 2).Info("")
			},
			want: "14:05:06.789 INFO     k=1\n" +
				"14:05:06.789 INFO     w=2\n",
		},
		{
			name: "logger column",
			f: func(l *slog.Logger) {
				withLogger("myapp.db", "core")(l).Info("m", "k", 1)
				withLogger("myapp.http.server", "server")(l).Info("m")
				withLogger("", "core")(l).Info("m")
				withLogger("name", "")(l).Info("m")
				withLogger("", "")(l).Info("m")
			},
			// No width: the right-hand text follows the body (see layout.go).
			want: "14:05:06.789 INFO     m k=1  core myapp.db\n" +
				"14:05:06.789 INFO     m  server myapp.http.server\n" +
				"14:05:06.789 INFO     m  core\n" +
				"14:05:06.789 INFO     m  name\n" +
				"14:05:06.789 INFO     m\n",
		},
		{
			name: "trace id",
			f: func(l *slog.Logger) {
				l.InfoContext(spanCtx, "m", "k", 1)
				l.InfoContext(spanCtx, "")
				l.InfoContext(context.Background(), "no span")
			},
			want: "14:05:06.789 INFO     m k=1 trace=4bf92f35\n" +
				"14:05:06.789 INFO     trace=4bf92f35\n" +
				"14:05:06.789 INFO     no span\n",
		},
		{
			name: "markup stripped when color is off",
			f: func(l *slog.Logger) {
				l.Warn("[bold red]failed[/] after [dim]3[/dim] tries [admin] \\[x]", "v", "[bold]data[/]")
			},
			want: "14:05:06.789 WARNING  failed after 3 tries [admin] [x] v=[bold]data[/]\n",
		},
		{
			name: "emoji codes replaced as Rich replaces them",
			f: func(l *slog.Logger) {
				l.Info("launch :rocket: now :no_such: [bold]:tada:[/] 12:30:45", "v", ":rocket:")
			},
			want: "14:05:06.789 INFO     launch \U0001f680 now :no_such: \U0001f389 12:30:45 v=:rocket:\n",
		},
		{
			name: "level filter",
			opts: Options{Level: slog.LevelWarn},
			f: func(l *slog.Logger) {
				l.Info("dropped")
				l.Warn("kept")
			},
			want: "14:05:06.789 WARNING  kept\n",
		},
		{
			name: "time format",
			opts: Options{TimeFormat: time.DateTime},
			f:    func(l *slog.Logger) { l.Info("m") },
			want: "2024-03-09 14:05:06 INFO     m\n",
		},
		{
			name: "message newline continues under the message column",
			f: func(l *slog.Logger) {
				withLogger("db", "core")(l).Info("first\nsecond\n", "k", 1)
			},
			want: "14:05:06.789 INFO     first\n" +
				"                      second k=1  core db\n",
		},
	})
}

func TestLayoutZeroTime(t *testing.T) {
	var buf bytes.Buffer
	h := NewHandler(&buf, &Options{Env: noColorEnv})
	r := slog.NewRecord(time.Time{}, slog.LevelInfo, "m", 0)
	r.AddAttrs(slog.Int("k", 1))
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	// A blank time column, as Rich writes a repeated time: the message keeps its column.
	if got, want := buf.String(), "             INFO     m k=1\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLayoutColor(t *testing.T) {
	const (
		tm    = "\x1b[2;36m14:05:06.789\x1b[0m "
		info  = "\x1b[32mINFO\x1b[0m     "
		reset = "\x1b[0m"
	)
	runLayout(t, []layoutCase{
		{
			name: "message and values",
			opts: Options{Color: vocab.ColorAlways, Env: colorEnv},
			f: func(l *slog.Logger) {
				l.Info("plain", "s", "x", "n", 1, "f", 2.5, "yes", true, "no", false, "d", time.Second,
					"t", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "nil", nil, "e", errors.New("boom"), "q", "a b")
			},
			want: tm + info + "plain" +
				" \x1b[2ms=" + reset + "\x1b[32mx" + reset +
				" \x1b[2mn=" + reset + "\x1b[36m1" + reset +
				" \x1b[2mf=" + reset + "\x1b[36m2.5" + reset +
				" \x1b[2myes=" + reset + "\x1b[3;92mtrue" + reset +
				" \x1b[2mno=" + reset + "\x1b[3;91mfalse" + reset +
				" \x1b[2md=" + reset + "\x1b[95m1s" + reset +
				" \x1b[2mt=" + reset + "\x1b[34m2024-01-02T03:04:05.000Z" + reset +
				" \x1b[2mnil=" + reset + "\x1b[3;35m<nil>" + reset +
				" \x1b[2me=" + reset + "\x1b[31mboom" + reset +
				" \x1b[2mq=" + reset + "\x1b[32m\"a b\"" + reset + "\n",
		},
		{
			name: "levels",
			opts: Options{Color: vocab.ColorAlways, Env: colorEnv},
			f: func(l *slog.Logger) {
				l.Debug("d")
				l.Warn("w")
				l.Error("e")
				l.Log(context.Background(), vocab.LevelCritical, "c")
				l.Log(context.Background(), slog.LevelWarn+1, "w1")
			},
			want: tm + "\x1b[2;34mDEBUG" + reset + "    d\n" +
				tm + "\x1b[33mWARNING" + reset + "  w\n" +
				tm + "\x1b[31mERROR" + reset + "    e\n" +
				tm + "\x1b[1;7;31mCRITICAL" + reset + " c\n" +
				tm + "\x1b[33mWARN+1" + reset + "   w1\n",
		},
		{
			name: "markup rendered",
			opts: Options{Color: vocab.ColorAlways, Env: colorEnv},
			f:    func(l *slog.Logger) { l.Info("[bold red]failed[/] ok [admin]") },
			want: tm + info + "\x1b[1;31mfailed" + reset + " ok [admin]\n",
		},
		{
			name: "markup colors follow the profile",
			opts: Options{Color: vocab.ColorAlways, Env: []string{"TERM=xterm", "COLORTERM=truecolor"}},
			f:    func(l *slog.Logger) { l.Info("[#ff8000]orange[/] [on color(17)]bg[/]") },
			want: tm + info + "\x1b[38;2;255;128;0morange" + reset + " \x1b[48;5;17mbg" + reset + "\n",
		},
		{
			name: "markup colors degraded to 16",
			opts: Options{Color: vocab.ColorAlways, Env: []string{"TERM=xterm"}},
			f:    func(l *slog.Logger) { l.Info("[#ff0000]red[/]") },
			want: tm + info + "\x1b[31mred" + reset + "\n", // as markup degrades it
		},
		{
			name: "highlighting",
			opts: Options{Color: vocab.ColorAlways, Env: colorEnv},
			f: func(l *slog.Logger) {
				l.Info(`got 42 and -1.5e3 from "a b" at 10.0.0.1 and 2001:db8::1 see https://x.io/p?q=1. id 123e4567-e89b-12d3-a456-426614174000 True nil x42 0x1F`)
			},
			want: tm + info + "got \x1b[1;36m42" + reset + " and \x1b[1;36m-1.5e3" + reset +
				" from \x1b[32m\"a b\"" + reset + " at \x1b[1;92m10.0.0.1" + reset +
				" and \x1b[1;92m2001:db8::1" + reset + " see \x1b[4;94mhttps://x.io/p?q=1" + reset +
				". id \x1b[93m123e4567-e89b-12d3-a456-426614174000" + reset + " \x1b[3;92mTrue" + reset +
				" \x1b[3;35mnil" + reset + " x42 \x1b[1;36m0x1F" + reset + "\n",
		},
		{
			name: "markup styled text is not highlighted",
			opts: Options{Color: vocab.ColorAlways, Env: colorEnv},
			f:    func(l *slog.Logger) { l.Info("[bold]42[/] 42") },
			want: tm + info + "\x1b[1m42" + reset + " \x1b[1;36m42" + reset + "\n",
		},
		{
			name: "NoHighlight",
			opts: Options{Color: vocab.ColorAlways, Env: colorEnv, NoHighlight: true},
			f:    func(l *slog.Logger) { l.Info("got 42 [bold]x[/]") },
			want: tm + info + "got 42 \x1b[1mx" + reset + "\n",
		},
		{
			name: "logger column and trace",
			opts: Options{Color: vocab.ColorAlways, Env: colorEnv},
			f: func(l *slog.Logger) {
				withLogger("myapp.db", "core")(l).InfoContext(spanCtx, "m")
			},
			want: tm + info + "m \x1b[2mtrace=4bf92f35" + reset + "  \x1b[35mcore" + reset + " \x1b[94mmyapp.db" + reset + "\n",
		},
		{
			name: "styled message newline",
			opts: Options{Color: vocab.ColorAlways, Env: colorEnv, NoHighlight: true},
			f:    func(l *slog.Logger) { l.Info("[red]a\nb[/] c") },
			want: tm + info + "\x1b[31ma" + reset + "\n                      \x1b[31mb" + reset + " c\n",
		},
	})
}

func TestAddSource(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(NewHandler(&buf, &Options{Env: noColorEnv, AddSource: true}))
	l.Info("m", "k", 1)
	got := buf.String()
	if !strings.HasSuffix(got, " k=1  console/layout_test.go:"+lineOf(t, "l.Info(\"m\", \"k\", 1)")+"\n") {
		t.Errorf("got %q", got)
	}

	// Right-aligned at the width.
	buf.Reset()
	l = slog.New(NewHandler(&buf, &Options{Env: noColorEnv, AddSource: true, Width: 80}))
	l.Info("m")
	got = strings.TrimSuffix(buf.String(), "\n")
	if len(got) != 80 || !strings.Contains(got, "m       ") || !strings.HasSuffix(got, "console/layout_test.go:"+lineOf(t, "\tl.Info(\"m\")")) {
		t.Errorf("got %q (%d columns)", got, len(got))
	}
}

// lineOf returns the line number of the first line of this file containing s.
func lineOf(t *testing.T, s string) string {
	t.Helper()
	src, err := readFile("layout_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(src, "\n") {
		if strings.Contains(line, s) {
			return itoa(i + 1)
		}
	}
	t.Fatalf("no line with %q", s)
	return ""
}

func TestReplaceAttr(t *testing.T) {
	runLayout(t, []layoutCase{
		{
			name: "a panicking ReplaceAttr is shown as the value, the record written",
			opts: Options{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if a.Key == "bad" || a.Key == slog.MessageKey {
					panic("rep " + a.Key)
				}
				return a
			}},
			f:    func(l *slog.Logger) { l.Info("m", "bad", 1, "good", 2) },
			want: "14:05:06.789 INFO     !PANIC: rep msg bad=\"!PANIC: rep bad\" good=2\n",
		},
		{
			name: "drop time, rename level, change message and attrs",
			opts: Options{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				switch {
				case a.Key == slog.TimeKey && groups == nil:
					return slog.Attr{}
				case a.Key == slog.LevelKey && groups == nil:
					return slog.String(a.Key, "LVL")
				case a.Key == slog.MessageKey && groups == nil:
					return slog.String(a.Key, a.Value.String()+"!")
				case a.Key == "secret":
					return slog.String(a.Key, "***")
				case a.Key == "drop":
					return slog.Attr{}
				case len(groups) > 0:
					return slog.String(a.Key, strings.Join(groups, "/"))
				}
				return a
			}},
			f: func(l *slog.Logger) {
				l.With("secret", "pw").WithGroup("g").Info("m", "drop", 1, slog.Group("h", "x", 1))
			},
			want: "LVL      m! secret=*** g.h.x=g/h\n",
		},
		{
			name: "time and level dropped: the line starts with the message",
			opts: Options{Width: 40, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if (a.Key == slog.TimeKey || a.Key == slog.LevelKey) && groups == nil {
					return slog.Attr{}
				}
				return a
			}},
			f: func(l *slog.Logger) { l.Info("a message long enough to wrap at forty columns", "k", 1) },
			want: "a message long enough to wrap at forty\n" +
				"  columns k=1\n",
		},
		{
			// U+FE0F joins the space before it and makes it two columns: the level text is
			// clipped one column shorter, so that the line keeps to the width.
			name: "level text starting with U+FE0F",
			opts: Options{Width: 40, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if a.Key == slog.LevelKey && groups == nil {
					return slog.String(a.Key, "\ufe0fLONGLEVEL")
				}
				return a
			}},
			f:    func(l *slog.Logger) { withLogger("engine", "core")(l).Info("ready") },
			want: "14:05:06.789 \ufe0fLONGLE…        core engine\n  ready\n", // 40 columns: 13 + 1 + 7 + 8 + 11
		},
		{
			name: "time kept and reformatted",
			opts: Options{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Time(a.Key, a.Value.Time().Add(time.Hour))
				}
				return a
			}},
			f:    func(l *slog.Logger) { l.Info("m") },
			want: "15:05:06.789 INFO     m\n",
		},
		{
			name: "message replaced by a non-string",
			opts: Options{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if a.Key == slog.MessageKey {
					return slog.Int(a.Key, 42)
				}
				return a
			}},
			f:    func(l *slog.Logger) { l.Info("m") },
			want: "14:05:06.789 INFO     42\n",
		},
	})
}

// TestWidthBounded: a width past any terminal counts as vocab.MaxWidth, so that no line is
// padded out to it (an env value of 99999999999 columns made the right-hand column's padding
// take all the memory there was).
func TestWidthBounded(t *testing.T) {
	var buf strings.Builder
	h := NewHandler(&buf, &Options{Env: noColorEnv, Width: 1 << 40, AddSource: true})
	slog.New(h.WithLogger("svc", "core")).Info("m", "k", strings.Repeat("v ", 5000))
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if w := displaywidth.String(line); w > vocab.MaxWidth {
			t.Fatalf("a line %d columns wide, past vocab.MaxWidth", w)
		}
	}
	if !strings.Contains(buf.String(), "layout_test.go:") {
		t.Errorf("no source column:\n%.300s", buf.String())
	}
}
