package otellog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/vocab"
)

// buffer is a goroutine-safe bytes.Buffer for sinks under test.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
	// bridge, when set (by setup), is flushed before the buffer is read: the console writes
	// through a goroutine of its own.
	bridge *Bridge
}

// flush waits until the bridge's console has written what was logged.
func (b *buffer) flush() {
	if b.bridge != nil {
		b.bridge.Flush(context.Background())
	}
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// records parses the JSON lines written so far.
func (b *buffer) records(t testing.TB) []map[string]any {
	t.Helper()
	b.flush()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(b.b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func (b *buffer) messages(t testing.TB) []string {
	var out []string
	for _, r := range b.records(t) {
		out = append(out, fmt.Sprint(r["msg"]))
	}
	return out
}

// testCore builds a core with the given sinks, categories core and server, and a spec applied.
func testCore(t testing.TB, spec string, sinks ...*sink) *core {
	t.Helper()
	settings := config.DefaultLevelSettings()
	levels, diags := config.ParseLevels(spec, "test")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	settings.Apply(levels)
	reg, diags, err := newRegistry([]string{"core", "server"}, settings)
	if err != nil || len(diags) > 0 {
		t.Fatal(err, diags)
	}
	return newCore(reg, sinks, time.Hour)
}

func jsonSink(name string, w *buffer, level slog.Leveler, diagnostics bool) *sink {
	return &sink{name: name, handler: slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}), foreign: true, diagnostics: diagnostics}
}

func mustLogger(t testing.TB, c *core, name, category string) *slog.Logger {
	t.Helper()
	l, err := c.logger(name, category)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestRouting(t *testing.T) {
	tests := []struct {
		name string
		spec string
		f    func(t *testing.T, c *core)
		want []string // messages that reach the sink, in order
	}{
		{"category levels", "core=debug,server=info,all=warn", func(t *testing.T, c *core) {
			core, server := mustLogger(t, c, "app.core", "core"), mustLogger(t, c, "app.server", "server")
			core.Debug("core debug")
			server.Debug("server debug")
			server.Info("server info")
			slog.New(c.handlerFor("", c.reg.root, false)).Info("root info")
			slog.New(c.handlerFor("", c.reg.root, false)).Warn("root warn")
		}, []string{"core debug", "server info", "root warn"}},
		{"sub-category inherits", "core=debug,all=warn", func(t *testing.T, c *core) {
			mustLogger(t, c, "db", "core::db").Debug("db debug")
			mustLogger(t, c, "pool", "core::db::pool").Debug("pool debug")
		}, []string{"db debug", "pool debug"}},
		{"sub-category set itself", "core=debug,core::db=error", func(t *testing.T, c *core) {
			mustLogger(t, c, "db", "core::db").Warn("db warn")
			mustLogger(t, c, "db", "core::db").Error("db error")
			mustLogger(t, c, "c", "core").Debug("core debug")
		}, []string{"db error", "core debug"}},
		{"defaults: categories info, root warn", "", func(t *testing.T, c *core) {
			mustLogger(t, c, "c", "core").Debug("core debug")
			mustLogger(t, c, "c", "core").Info("core info")
			mustLogger(t, c, "x", "").Info("uncategorized info")
			mustLogger(t, c, "x", Uncategorized).Warn("uncategorized warn")
		}, []string{"core info", "uncategorized warn"}},
		{"runtime change reaches earlier loggers", "all=warn", func(t *testing.T, c *core) {
			l := mustLogger(t, c, "c", "core").With("k", 1).WithGroup("g")
			sub := mustLogger(t, c, "d", "core::db")
			l.Info("before")
			if err := c.setLevels("core=debug", "test"); err != nil {
				t.Fatal(err)
			}
			l.Debug("after")
			sub.Debug("sub after")
			if err := c.setLevels("core::db=error", "test"); err != nil {
				t.Fatal(err)
			}
			sub.Warn("sub hidden")
			l.Debug("core still debug")
		}, []string{"after", "sub after", "core still debug"}},
		{"critical", "all=critical", func(t *testing.T, c *core) {
			l := mustLogger(t, c, "c", "core")
			l.Error("error")
			l.Log(context.Background(), vocab.LevelCritical, "critical")
		}, []string{"critical"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf buffer
			c := testCore(t, tt.spec, jsonSink("json", &buf, slog.LevelDebug-8, true))
			tt.f(t, c)
			got := buf.messages(t)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("messages = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLoggerAttributes(t *testing.T) {
	var buf buffer
	c := testCore(t, "all=debug", jsonSink("json", &buf, slog.LevelDebug, true))
	mustLogger(t, c, "app.db", "core::db").WithGroup("req").Info("hello", "id", 7)
	recs := buf.records(t)
	if len(recs) != 1 {
		t.Fatalf("records = %v", recs)
	}
	r := recs[0]
	if r[vocab.AttrLogger] != "app.db" || r[vocab.AttrCategory] != "core::db" || fmt.Sprint(r["req"]) != "map[id:7]" {
		t.Errorf("record = %v", r)
	}
}

func TestUnknownCategory(t *testing.T) {
	c := testCore(t, "")
	for _, cat := range []string{"nope", "nope::sub", "co re", "Core::"} {
		_, err := c.logger("x", cat)
		if !errors.Is(err, ErrUnknownCategory) || !strings.Contains(err.Error(), "declared: core, server") {
			t.Errorf("logger(%q) error = %v", cat, err)
		}
	}
	// Case-insensitive and cached.
	a, err1 := c.logger("x", "CORE")
	b, err2 := c.logger("x", "CORE")
	if err1 != nil || err2 != nil || a != b {
		t.Errorf("CORE: %v %v same=%v", err1, err2, a == b)
	}
	err := c.setLevels("nope=debug,core=error,server=loud", "SetLevels")
	if err == nil || !strings.Contains(err.Error(), "unknown category nope") || !strings.Contains(err.Error(), `unknown level "loud"`) {
		t.Errorf("setLevels error = %v", err)
	}
	if got := slog.Level(mustLogger(t, c, "x", "core").Handler().(*fanout).cat.level.Load()); got != slog.LevelError {
		t.Errorf("valid pair did not apply: core = %v", got)
	}
}

func TestNewRegistryErrors(t *testing.T) {
	for _, cats := range [][]string{{"all"}, {"root"}, {"uncategorized"}, {"core::db"}, {"a b"}} {
		if _, _, err := newRegistry(cats, config.DefaultLevelSettings()); err == nil {
			t.Errorf("newRegistry(%q) accepted", cats)
		}
	}
	settings := config.DefaultLevelSettings()
	levels, _ := config.ParseLevels("core=debug,ghost=error", "DEMO_LOGGING")
	settings.Apply(levels)
	reg, diags, err := newRegistry([]string{"core"}, settings)
	if err != nil || len(diags) != 1 || !strings.Contains(diags[0].Error(), "DEMO_LOGGING") || !strings.Contains(diags[0].Error(), "unknown category ghost") {
		t.Fatalf("diags = %v, err = %v", diags, err)
	}
	if got := reg.settings.Spec(); got != "all=info,root=warn,core=debug" {
		t.Errorf("settings = %s", got)
	}
}

func TestSinkLevels(t *testing.T) {
	var all, warn buffer
	c := testCore(t, "all=debug", jsonSink("all", &all, slog.LevelDebug, true), jsonSink("warn", &warn, slog.LevelWarn, true))
	l := mustLogger(t, c, "x", "core")
	l.Debug("d")
	l.Warn("w")
	if got := strings.Join(all.messages(t), ","); got != "d,w" {
		t.Errorf("all sink = %s", got)
	}
	if got := strings.Join(warn.messages(t), ","); got != "w" {
		t.Errorf("warn sink = %s", got)
	}
	// Enabled is false when no sink wants the level, so the record is never built.
	var none buffer
	c = testCore(t, "all=debug", jsonSink("err", &none, slog.LevelError, true))
	if mustLogger(t, c, "x", "core").Enabled(context.Background(), slog.LevelWarn) {
		t.Error("Enabled with no sink wanting warn")
	}
}

// failingHandler fails (or panics) on every record.
type failingHandler struct {
	panics bool
	calls  atomic.Int64
}

func (h *failingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *failingHandler) Handle(context.Context, slog.Record) error {
	h.calls.Add(1)
	if h.panics {
		panic("boom")
	}
	return errors.New("disk full")
}
func (h *failingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *failingHandler) WithGroup(string) slog.Handler      { return h }

func TestFailingSink(t *testing.T) {
	for _, panics := range []bool{false, true} {
		t.Run(fmt.Sprintf("panics=%v", panics), func(t *testing.T) {
			var good buffer
			bad := &failingHandler{panics: panics}
			c := testCore(t, "all=info",
				&sink{name: "bad", handler: bad, foreign: true, diagnostics: true},
				jsonSink("good", &good, slog.LevelInfo, true))
			now := time.Unix(1000, 0)
			c.rep.now = func() time.Time { return now }
			c.rep.interval = 10 * time.Second
			l := mustLogger(t, c, "x", "core")
			for i := range 5 {
				err := l.Handler().Handle(context.Background(), slog.NewRecord(now, slog.LevelInfo, fmt.Sprint("m", i), 0))
				if err == nil {
					t.Error("Handle returned no error for a failing sink")
				}
			}
			now = now.Add(11 * time.Second)
			l.Info("m5")

			msgs := good.messages(t)
			var records, reports []string
			for _, m := range msgs {
				if strings.Contains(m, "sink failed") {
					reports = append(reports, m)
				} else {
					records = append(records, m)
				}
			}
			if strings.Join(records, ",") != "m0,m1,m2,m3,m4,m5" {
				t.Errorf("good sink records = %v", records)
			}
			// One report at the first failure, one after the interval (with the 4 held back).
			if len(reports) != 2 {
				t.Fatalf("reports = %v", reports)
			}
			var last map[string]any
			for _, r := range good.records(t) {
				if r[vocab.AttrLogger] == reportLogger {
					last = r
				}
			}
			if last["similar_reports_suppressed"] != 4.0 || last["failures_total"] != 6.0 || !strings.Contains(fmt.Sprint(last["error"]), map[bool]string{false: "disk full", true: "panicked: boom"}[panics]) {
				t.Errorf("last report = %v", last)
			}
			if st := c.sinkStats(); st[0].Errors != 6 || st[1].Errors != 0 {
				t.Errorf("stats = %+v", st)
			}
			if bad.calls.Load() != 6 {
				t.Errorf("bad sink calls = %d (reports must not go to the failing sink)", bad.calls.Load())
			}
		})
	}
}

func TestFanoutSlogtest(t *testing.T) {
	var buf buffer
	c := testCore(t, "all=debug", jsonSink("json", &buf, slog.LevelDebug, true))
	h := c.handlerFor("", c.reg.root, false)
	err := slogtest.TestHandler(h, func() []map[string]any {
		recs := buf.records(t)
		for _, r := range recs {
			delete(r, vocab.AttrCategory) // the fan-out's own attribute
		}
		return recs
	})
	if err != nil {
		t.Error(err)
	}
}

// TestConcurrentLevelChanges: 32 goroutines log through cloned loggers while levels change; run
// with -race. A record reaches the sink only if a level in force allowed it: debug records of
// the "server" category, which no spec used allows, never arrive, while every error record
// (allowed under every spec) does; none is torn.
func TestConcurrentLevelChanges(t *testing.T) {
	var buf buffer
	c := testCore(t, "core=debug", jsonSink("json", &buf, slog.LevelDebug, true))
	base := mustLogger(t, c, "x", "core")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var sent, serverDebugSent atomic.Int64
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := base.With("g", g).WithGroup("grp")
			server := g%4 == 3
			switch {
			case server:
				l = mustLogger(t, c, fmt.Sprint("srv", g), "server").With("server", true)
			case g%2 == 0:
				l = mustLogger(t, c, fmt.Sprint("sub", g), "core::sub")
			}
			for i := 0; i < 200; i++ {
				l.Debug("debug", "i", i)
				l.Error("error", "i", i)
				sent.Add(1)
				if server {
					serverDebugSent.Add(1)
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// server is at info (the default) or warn under each of these.
		specs := []string{"core=error", "core=debug", "all=warn", "core::sub=debug", "core=debug,all=info"}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_ = c.setLevels(specs[i%len(specs)], "test")
		}
	}()
	wg.Wait()
	close(stop)
	<-done
	errorsSeen := 0
	for _, r := range buf.records(t) {
		if r["msg"] == "error" {
			errorsSeen++
		}
		if r["msg"] == "debug" && r["server"] == true {
			t.Fatalf("a server debug record arrived, which no level in force allowed: %v", r)
		}
	}
	if int64(errorsSeen) != sent.Load() {
		t.Errorf("error records = %d, want %d (error is enabled under every spec used)", errorsSeen, sent.Load())
	}
	if serverDebugSent.Load() == 0 {
		t.Error("no server logger ran")
	}
}
