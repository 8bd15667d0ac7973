package otellog

import (
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// countingValuer counts its LogValue calls: side effects a program expects once per record.
type countingValuer struct{ n *atomic.Int64 }

func (v countingValuer) LogValue() slog.Value {
	v.n.Add(1)
	return slog.StringValue("resolved-value")
}

// TestLogValuerResolvedOnce: a LogValuer (in the record, and in With) is called once however
// many sinks get the record: console, file and a caller's sink here.
func TestLogValuerResolvedOnce(t *testing.T) {
	t.Setenv("TEST_LOG_OTLP", "false")
	t.Setenv("TEST_LOG_FILE", filepath.Join(t.TempDir(), "app.log"))
	var extra buffer
	b, console := setup(t, WithSink("extra", slog.NewJSONHandler(&extra, nil)))
	var inRecord, inWith atomic.Int64
	l := b.MustLogger("app", "core")
	l.Info("record", "v", countingValuer{&inRecord})
	l.With("w", countingValuer{&inWith}).Info("with")
	if inRecord.Load() != 1 || inWith.Load() != 1 {
		t.Fatalf("LogValue called %d times for the record and %d for With, want once each", inRecord.Load(), inWith.Load())
	}
	if n := strings.Count(console.String(), "resolved-value"); n != 2 {
		t.Errorf("console shows the value %d times, want 2:\n%s", n, console.String())
	}
	if n := strings.Count(extra.String(), "resolved-value"); n != 2 {
		t.Errorf("the caller's sink shows the value %d times, want 2:\n%s", n, extra.String())
	}
}

// TestNoHandOff: with WithMaxBlock(-1) the console writes on the logging goroutine: what a
// call logged is in the writer when it returns, without Flush.
func TestNoHandOff(t *testing.T) {
	t.Setenv("TEST_LOG_OTLP", "false")
	var con buffer
	b, _ := setup(t, WithConsoleWriter(&con), WithMaxBlock(-1))
	b.MustLogger("app", "core").Info("written at once")
	con.mu.Lock()
	defer con.mu.Unlock()
	if !strings.Contains(con.b.String(), "written at once") {
		t.Fatalf("console: %q", con.b.String())
	}
	if st := b.Stats().Sinks[0]; st.Name != SinkConsole || st.Dropped != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// TestDiagnosticSink: a WithDiagnosticSink sink gets logbridge's own reports (here the warning
// about a bad level spec) besides the application's records; a WithSink sink gets only the
// application's.
func TestDiagnosticSink(t *testing.T) {
	t.Setenv("TEST_LOG_OTLP", "false")
	var plain, diag buffer
	b, _ := setup(t, WithLevels("core=loud"),
		WithSink("plain", slog.NewJSONHandler(&plain, nil)), WithDiagnosticSink("diag", slog.NewJSONHandler(&diag, nil)))
	b.MustLogger("app", "core").Warn("from the app")
	for _, c := range []struct {
		name       string
		buf        *buffer
		wantReport bool
	}{{"WithSink", &plain, false}, {"WithDiagnosticSink", &diag, true}} {
		out := c.buf.String()
		if !strings.Contains(out, "from the app") {
			t.Errorf("%s: the application's record is missing:\n%s", c.name, out)
		}
		if got := strings.Contains(out, "loud"); got != c.wantReport {
			t.Errorf("%s: the report about core=loud is there: %v, want %v:\n%s", c.name, got, c.wantReport, out)
		}
	}
}
