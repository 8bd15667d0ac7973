package reliability

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/logbridge/logbridge/console"
	"github.com/logbridge/logbridge/filelog"
	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/internal/markup"
	"github.com/logbridge/logbridge/internal/testkit"
	"github.com/logbridge/logbridge/otellog"
	"github.com/logbridge/logbridge/vocab"
)

// hostileWait bounds one hostile case on one sink: a hang guard (a case takes well under a
// second even under -race), not a timing figure.
const hostileWait = 2 * time.Minute

// hostileCase logs one record of hostile input.
type hostileCase struct {
	name string
	// logger is the logger's name, when the case is about it (default "svc.hostile").
	logger string
	// msg is the record's message, when checkMsg says the sinks must keep it: the file's text
	// line and the OTLP body must be markup.Strip(msg) exactly.
	msg      string
	checkMsg bool
	log      func(l *slog.Logger)
	// literal must appear verbatim in every sink's output (an attribute value that is data).
	literal string
}

type panicValuer struct{}

func (panicValuer) LogValue() slog.Value { panic("LogValue boom") }

type panicStringer struct{}

func (panicStringer) String() string { panic("String boom") }

type nilErr struct{ msg string }

func (e *nilErr) Error() string { return e.msg } // panics on a nil *nilErr

// node points to itself.
type node struct {
	Name string
	Next *node
}

// hostileCases builds the table. Every case logs exactly one record.
func hostileCases() []hostileCase {
	var big strings.Builder
	big.WriteString("[bold]big[/bold] ")
	for big.Len() < 1<<20 {
		big.WriteString("lorem ipsum 42 dolor \"sit\" amet https://example.com/x ")
	}
	bigMsg := big.String()[:1<<20]

	many := make([]slog.Attr, 10_000)
	for i := range many {
		many[i] = slog.Int(fmt.Sprintf("k%05d", i), i)
	}
	deep := slog.String("leaf", "[bold]x[/bold]")
	for i := range 100 {
		deep = slog.Group(fmt.Sprintf("g%d", i), deep)
	}
	self := &node{Name: "self"}
	self.Next = self
	cyclicMap := map[string]any{"k": "v"}
	cyclicMap["self"] = cyclicMap
	cyclicSlice := []any{"x", nil}
	cyclicSlice[1] = cyclicSlice
	mutual := map[string]any{}
	mutual["list"] = []any{mutual}
	var typedNil *nilErr

	const escapes = "\x1b[2J\x1b[H\x1b[31mred\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\ \u009b31mC1\u009d \u202eevil\u202c \x08\x7f"
	const forged = "ok\n2026-01-01T00:00:00.000Z ERROR forged: admin logged in\r\nINFO forged\u2028CRITICAL forged\u0085x"
	return []hostileCase{
		{name: "1 MiB message", msg: bigMsg, checkMsg: true, log: func(l *slog.Logger) { l.Info(bigMsg, "n", 1) }},
		{name: "invalid UTF-8", msg: "bad \xff\xfe msg \xc3", checkMsg: true, log: func(l *slog.Logger) {
			l.Info("bad \xff\xfe msg \xc3", "k\xff", "v\xfe\xfd", slog.Group("g\xff", "x", "\xc3("), "err", errors.New("e\xff"),
				"list", []string{"\xff"}, "bytes", []byte("\xff\x00"))
		}},
		{name: "NUL bytes", msg: "nul\x00in\x00msg", checkMsg: true, log: func(l *slog.Logger) {
			l.Info("nul\x00in\x00msg", "k\x00", "v\x00v", "err", errors.New("\x00"))
		}},
		{name: "ANSI and OSC escapes", msg: escapes, checkMsg: true, log: func(l *slog.Logger) {
			l.Info(escapes, "v", escapes, escapes, 1, "err", errors.New(escapes))
		}},
		{name: "CR/LF injection", msg: forged, checkMsg: true, log: func(l *slog.Logger) {
			l.Warn(forged, "user", "bob\r\n2026-01-01T00:00:00.000Z CRITICAL forged: x=1", "k\nINFO forged", "v",
				"err", errors.New("e\nERROR forged"))
		}},
		{name: "markup in attribute values", msg: "plain message", checkMsg: true, literal: "[bold red]not markup[/]",
			log: func(l *slog.Logger) {
				l.Info("plain message", "v", "[bold red]not markup[/]", "link", "[link=http://evil.example]x[/link]",
					slog.Group("[b]g[/b]", "[i]k[/i]", "[red]"), "err", errors.New("[blink]e[/blink]"))
			}},
		{name: "unbalanced markup", msg: "[bold]open [/italic] close[/] [/] [/] [red unclosed [#zzzzzz]x[/#zzzzzz] \\[escaped] [link=]y[/link] [/bold",
			checkMsg: true, log: func(l *slog.Logger) {
				l.Info("[bold]open [/italic] close[/] [/] [/] [red unclosed [#zzzzzz]x[/#zzzzzz] \\[escaped] [link=]y[/link] [/bold")
			}},
		{name: "10,000 attributes", msg: "many", checkMsg: true, log: func(l *slog.Logger) {
			l.LogAttrs(context.Background(), slog.LevelInfo, "many", many...)
		}},
		{name: "100-deep groups", msg: "deep", checkMsg: true, log: func(l *slog.Logger) {
			for i := range 100 {
				l = l.WithGroup(fmt.Sprintf("w%d", i))
			}
			l.Info("deep", deep)
		}},
		{name: "panicking LogValuer", msg: "panics", checkMsg: true, log: func(l *slog.Logger) {
			l.Info("panics", "valuer", panicValuer{}, "stringer", panicStringer{}, slog.Group("g", "valuer", panicValuer{}))
		}},
		{name: "panicking LogValuer in WithAttrs", msg: "panics later", checkMsg: true, log: func(l *slog.Logger) {
			l.With("valuer", panicValuer{}).Info("panics later")
		}},
		{name: "cyclic values", msg: "cycles", checkMsg: true, log: func(l *slog.Logger) {
			l.Info("cycles", "struct", self, "map", cyclicMap, "slice", cyclicSlice, "mutual", mutual)
		}},
		{name: "nil errors", msg: "nil errors", checkMsg: true, log: func(l *slog.Logger) {
			l.Error("nil errors", "err", error(nil), "typed", error(typedNil), "ptr", typedNil, slog.Any("any", nil))
		}},
		{name: "hostile logger name", logger: "evil\n\x1b[31m[bold]name[/bold]\xff", msg: "from a hostile logger", checkMsg: true,
			log: func(l *slog.Logger) { l.Info("from a hostile logger") }},
	}
}

// standaloneSinks are the sinks, each on its own, as hostile input meets them.
var standaloneSinks = []struct {
	name string
	new  func(w *testkit.SyncBuffer, level slog.Leveler) otellog.NamedHandler
	kind string // "console", "text" or "json": the checks to apply
}{
	{"console", func(w *testkit.SyncBuffer, level slog.Leveler) otellog.NamedHandler {
		return console.NewHandler(w, &console.Options{Level: level, Color: vocab.ColorNever})
	}, "console"},
	{"console color", func(w *testkit.SyncBuffer, level slog.Leveler) otellog.NamedHandler {
		return console.NewHandler(w, &console.Options{Level: level, Color: vocab.ColorAlways,
			Env: []string{"TERM=xterm-256color", "COLORTERM=truecolor"}})
	}, "console"},
	{"file text", func(w *testkit.SyncBuffer, level slog.Leveler) otellog.NamedHandler {
		return filelog.NewHandler(w, &filelog.Options{Level: level})
	}, "text"},
	{"file json", func(w *testkit.SyncBuffer, level slog.Leveler) otellog.NamedHandler {
		return filelog.NewHandler(w, &filelog.Options{Level: level, Format: vocab.FormatJSON})
	}, "json"},
}

// TestHostileInputSinks sends every hostile case to each sink on its own: no panic, no hang,
// no forged line, output parseable, messages kept exactly, attribute values never
// interpreted.
func TestHostileInputSinks(t *testing.T) {
	for _, s := range standaloneSinks {
		t.Run(s.name, func(t *testing.T) {
			for _, c := range hostileCases() {
				t.Run(c.name, func(t *testing.T) {
					var buf testkit.SyncBuffer
					name := c.logger
					if name == "" {
						name = "svc.hostile"
					}
					l := slog.New(s.new(&buf, slog.LevelDebug).WithLogger(name, "core"))
					within(t, hostileWait, c.name, func() { c.log(l) })
					checkSinkOutput(t, s.kind, c, buf.String(), 1)
				})
			}
		})
	}
}

// checkSinkOutput applies the checks of sink kind to the output of n records of case c.
func checkSinkOutput(t *testing.T, kind string, c hostileCase, out string, n int) {
	t.Helper()
	switch kind {
	case "console":
		if _, err := checkConsole(out, n); err != nil {
			t.Fatalf("console: %v\n%s", err, clip(out))
		}
		if c.literal != "" && !strings.Contains(out, c.literal) {
			t.Errorf("console: the value %q is not shown verbatim: %q", c.literal, clip(out))
		}
		if c.literal != "" && strings.Contains(out, "\x1b]8;") {
			t.Errorf("console: a hyperlink from an attribute value: %q", out)
		}
	case "text":
		lines, err := checkFileText(out, n)
		if err != nil {
			t.Fatalf("file text: %v", err)
		}
		for _, l := range lines {
			if want := markup.Strip(c.msg); c.checkMsg && l.Msg != want {
				t.Errorf("file text: message %q, want %q", clip(l.Msg), clip(want))
			}
			if want := c.logger; want != "" && l.Logger != want {
				t.Errorf("file text: logger %q, want %q", l.Logger, want)
			}
		}
		if c.literal != "" && !strings.Contains(out, c.literal) {
			t.Errorf("file text: the value %q is not kept verbatim: %q", c.literal, clip(out))
		}
	case "json":
		objs, err := checkFileJSON(out, n)
		if err != nil {
			t.Fatalf("file json: %v", err)
		}
		for _, o := range objs {
			want := strings.ToValidUTF8(markup.Strip(c.msg), "\uFFFD")
			if got, _ := o["msg"].(string); c.checkMsg && utf8.ValidString(c.msg) && got != want {
				t.Errorf("file json: msg %q, want %q", clip(got), clip(want))
			}
		}
		if c.literal != "" && !strings.Contains(out, c.literal) {
			t.Errorf("file json: the value %q is not kept verbatim: %q", c.literal, clip(out))
		}
	}
}

// TestHostileInputFanout sends every hostile case through the whole pipeline, otellog.Setup
// with the console (color on), the file (text, then JSON) and OTLP to a real collector: each
// sink's output passes its checks, and the collector receives each record exactly once, with
// its body kept and valid UTF-8, nothing lost (Stats).
func TestHostileInputFanout(t *testing.T) {
	col := collectortest.Start(t)
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "app.log")
			service := "hostile-" + format
			clearEnv(t, map[string]string{
				envPrefix + "_LOGGING":        "all=debug",
				envPrefix + "_LOG_FILE":       path,
				envPrefix + "_LOG_FORMAT":     format,
				envPrefix + "_LOG_COLOR":      "always",
				"TERM":                        "xterm-256color",
				"OTEL_EXPORTER_OTLP_ENDPOINT": col.HTTPEndpoint(),
				"OTEL_SERVICE_NAME":           service,
				"OTEL_BLRP_SCHEDULE_DELAY":    "100",
			})
			var con testkit.SyncBuffer
			lb, err := otellog.Setup(context.Background(), otellog.WithEnvPrefix(envPrefix), otellog.WithCategories("core"),
				otellog.WithConsoleWriter(&con), otellog.WithInstallDefault(false))
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = lb.Shutdown(context.Background()) }()
			var fileOff int
			fileNew := func() string {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				s := string(b[fileOff:])
				fileOff = len(b)
				return s
			}
			cases := hostileCases()
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					con.Reset()
					name := c.logger
					if name == "" {
						name = "svc.hostile"
					}
					l := lb.MustLogger(name, "core").With("case", c.name)
					within(t, hostileWait, c.name, func() { c.log(l); lb.Flush(context.Background()) })
					checkSinkOutput(t, "console", c, con.String(), 1)
					checkSinkOutput(t, format, c, fileNew(), 1)
				})
			}
			// Concurrent SetLevels while logging: every record a logger let through reaches every
			// sink, whole; the counts agree.
			con.Reset()
			var logged atomic.Int64
			within(t, hostileWait, "concurrent SetLevels", func() {
				logged.Store(int64(setLevelsWhileLogging(t, lb)))
				lb.Flush(context.Background()) // the console and file write through goroutines of their own
			})
			conRecs, fileRecs := countConsoleRecords(t, con.String()), strings.Count(fileNew(), "\n")
			t.Logf("concurrent SetLevels: %d calls let through; console %d records, file %d", logged.Load(), conRecs, fileRecs)
			if conRecs != int(logged.Load()) || fileRecs != int(logged.Load()) {
				t.Errorf("console %d, file %d records; want %d each", conRecs, fileRecs, logged.Load())
			}

			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := lb.Shutdown(ctx); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			st := lb.Stats().OTLP
			want := len(cases) + int(logged.Load())
			if st.Emitted != uint64(want) || st.Exported != uint64(want) || st.Undelivered() != 0 {
				t.Fatalf("OTLP stats %+v (last error %q), want all %d records exported", st, st.LastError, want)
			}
			checkCollector(t, col, service, cases, int(logged.Load()))
		})
	}
}

// setLevelsWhileLogging logs from several goroutines while another changes the levels, and
// returns how many calls were let through (Enabled true at the time of the call).
func setLevelsWhileLogging(t *testing.T, lb *otellog.Bridge) int {
	const loggers, perLogger, changes = 4, 300, 400
	var wg sync.WaitGroup
	var through atomic.Int64
	stop := make(chan struct{})
	wg.Go(func() {
		specs := []string{"all=debug", "core=error", "core::db=debug,core=warn", "all=critical", "core=info", "bogus=loud,core=debug"}
		for i := 0; i < changes; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_ = lb.SetLevels(specs[i%len(specs)])
		}
	})
	for g := range loggers {
		wg.Go(func() {
			cat := "core"
			if g%2 == 1 {
				cat = "core::db"
			}
			l := lb.MustLogger(fmt.Sprintf("svc.levels%d", g), cat).With("case", "concurrent SetLevels")
			for i := range perLogger {
				lvl := []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError}[i%4]
				ctx := context.Background()
				// Count exactly the calls the logger lets through: Enabled, then Handle, as
				// slog.Logger.Log does.
				if !l.Handler().Enabled(ctx, lvl) {
					continue
				}
				through.Add(1)
				r := slog.NewRecord(time.Now(), lvl, "level race \x1b[31m\n[bold]x[/bold]", 0)
				r.AddAttrs(slog.Int("i", i), slog.String("v", "\r\nforged"))
				_ = l.Handler().Handle(ctx, r)
			}
		})
	}
	wg.Wait()
	close(stop)
	_ = lb.SetLevels("all=debug")
	return int(through.Load())
}

func countConsoleRecords(t *testing.T, out string) int {
	t.Helper()
	plain := consoleSeq.ReplaceAllString(out, "")
	n := 0
	for line := range strings.SplitSeq(strings.TrimSuffix(plain, "\n"), "\n") {
		if p := rawControl(line); p != "" {
			t.Errorf("console: %s: %q", p, clip(line))
		}
		if line != "" && !strings.HasPrefix(line, " ") {
			n++
		}
	}
	return n
}

// checkCollector checks what the collector received from service: each case's record
// exactly once (by its "case" attribute), body valid UTF-8 and equal to the stripped message.
func checkCollector(t *testing.T, col *collectortest.Collector, service string, cases []hostileCase, levelRace int) {
	t.Helper()
	want := len(cases) + levelRace
	var mine []collectortest.LogRecord
	if !waitFor(time.Minute, func() bool {
		mine = mine[:0]
		for _, r := range col.Logs() {
			if r.Resource["service.name"] == service {
				mine = append(mine, r)
			}
		}
		return len(mine) >= want
	}) {
		t.Fatalf("collector received %d records from %s, want %d", len(mine), service, want)
	}
	byCase := map[string][]collectortest.LogRecord{}
	for _, r := range mine {
		c, _ := r.Attributes["case"].(string)
		byCase[c] = append(byCase[c], r)
		if !utf8.ValidString(r.Body) {
			t.Errorf("record of %q: body not valid UTF-8", c)
		}
	}
	for _, c := range cases {
		recs := byCase[c.name]
		if len(recs) != 1 {
			t.Errorf("%s: collector received %d records, want 1", c.name, len(recs))
			continue
		}
		if want := markup.Strip(c.msg); c.checkMsg && utf8.ValidString(want) && recs[0].Body != want {
			t.Errorf("%s: body %q, want %q", c.name, clip(recs[0].Body), clip(want))
		}
		if c.literal != "" && recs[0].Attributes["v"] != c.literal {
			t.Errorf("%s: attribute v = %v, want %q verbatim", c.name, recs[0].Attributes["v"], c.literal)
		}
	}
	if n := len(byCase["concurrent SetLevels"]); n != levelRace {
		t.Errorf("concurrent SetLevels: collector received %d records, want %d", n, levelRace)
	}
	if len(mine) != want {
		t.Errorf("collector received %d records, want %d", len(mine), want)
	}
}

// TestHostileConcurrentLevelsSinks changes each sink's own level (a slog.LevelVar) while
// goroutines log hostile text through clones: no race, every line whole and parseable.
func TestHostileConcurrentLevelsSinks(t *testing.T) {
	for _, s := range standaloneSinks {
		t.Run(s.name, func(t *testing.T) {
			var buf testkit.SyncBuffer
			var lv slog.LevelVar
			base := slog.New(s.new(&buf, &lv).WithLogger("svc.race", "core"))
			var wg sync.WaitGroup
			var through atomic.Int64
			within(t, hostileWait, "logging while the level changes", func() {
				stop := make(chan struct{})
				var setter sync.WaitGroup
				setter.Go(func() {
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						lv.Set([]slog.Level{slog.LevelDebug, slog.LevelError, slog.LevelInfo}[i%3])
						runtime.Gosched()
					}
				})
				defer setter.Wait()
				defer close(stop)
				for g := range 4 {
					wg.Go(func() {
						l := base.With("g", g).WithGroup("grp")
						for i := range 300 {
							l.Warn("race \x1b[2J\n[bold]x", "i", i, "v", "\r\n[red]data[/red]")
							through.Add(1)
						}
					})
				}
				wg.Wait()
			})
			// One record at a level every setting lets through, so the output is never empty
			// by the luck of the interleaving.
			lv.Set(slog.LevelDebug)
			base.Warn("after the race")
			through.Add(1)
			out := buf.String()
			n := strings.Count(out, "\n")
			if s.kind == "console" {
				n = countConsoleRecords(t, out)
			}
			if n == 0 || n > int(through.Load()) {
				t.Fatalf("%d records written for %d calls", n, through.Load())
			}
			checkSinkOutput(t, s.kind, hostileCase{name: "race"}, out, n)
		})
	}
}
