package otellog

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/otlpsink"
)

// waitFor polls cond until it holds or the hang guard passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lineWith returns the first line of out containing s.
func lineWith(out, s string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// TestRecoveryNotice: with the collector killed, records wait; when it is back and the
// backlog is out, a notice says how long the outage was and how many records went out.
func TestRecoveryNotice(t *testing.T) {
	col := collectortest.Start(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", col.HTTPEndpoint())
	b, console := setup(t, WithReportInterval(200*time.Millisecond),
		WithOTLPOptions(otlpsink.WithProcessorOptions(otlpsink.WithScheduleDelay(20*time.Millisecond))))
	log := b.MustLogger("recovery", "core")
	log.Info("before the outage")
	waitFor(t, "the first export", func() bool { return b.Stats().OTLP.Exported == 1 })
	col.Kill()
	for i := range 5 {
		log.Info("during the outage", "i", i)
	}
	waitFor(t, "a failed export", func() bool { return b.Stats().OTLP.ExportErrors > 0 })
	if err := col.Restart(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the recovery notice", func() bool { return strings.Contains(console.String(), "OTLP export recovered") })
	line := lineWith(console.String(), "OTLP export recovered")
	if !strings.Contains(line, "delivered_since=5 ") || !strings.Contains(line, "outage=") || !strings.Contains(line, " logbridge ") {
		t.Errorf("recovery notice %q; want the outage's length and delivered_since=5", line)
	}
	if got := len(col.WaitLogs(t, 6, time.Minute)); got != 6 {
		t.Errorf("the collector has %d records, want 6", got)
	}
}

// TestNoRecoveryNoticeWithoutOutage: exports that never failed give no notice.
func TestNoRecoveryNoticeWithoutOutage(t *testing.T) {
	col := collectortest.Start(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", col.HTTPEndpoint())
	b, console := setup(t, WithReportInterval(100*time.Millisecond),
		WithOTLPOptions(otlpsink.WithProcessorOptions(otlpsink.WithScheduleDelay(20*time.Millisecond))))
	for range 3 {
		b.MustLogger("steady", "core").Info("fine")
		time.Sleep(300 * time.Millisecond) // a few monitor polls between records
	}
	if err := b.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if out := console.String(); strings.Contains(out, "recovered") || strings.Contains(out, "OTLP") {
		t.Errorf("a report without an outage:\n%s", out)
	}
}

// TestSIGHUPNotice: a SIGHUP reopens the log file and says so.
func TestSIGHUPNotice(t *testing.T) {
	t.Setenv("TEST_LOG_OTLP", "false")
	path := filepath.Join(t.TempDir(), "app.log")
	t.Setenv("TEST_LOG_FILE", path)
	b, console := setup(t)
	b.MustLogger("hup", "core").Info("before")
	b.Flush(context.Background()) // the file is written by its hand-off goroutine
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reopen notice", func() bool { return strings.Contains(console.String(), "log file reopened on SIGHUP") })
	b.MustLogger("hup", "core").Info("after")
	if err := b.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), "after") || strings.Contains(string(data), "before") {
		t.Errorf("new file %q, %v; want the record after the reopen only", data, err)
	}
	if line := lineWith(console.String(), "reopened"); !strings.Contains(line, path) {
		t.Errorf("notice %q does not name the path", line)
	}
}

// TestFileFailuresSummary: with the file on a full disk, every failed record is counted and
// Shutdown says how many, through the console.
func TestFileFailuresSummary(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	t.Setenv("TEST_LOG_OTLP", "false")
	t.Setenv("TEST_LOG_FILE", "/dev/full")
	b, console := setup(t)
	for i := range 7 {
		b.MustLogger("full", "core").Info("record", "i", i)
	}
	_ = b.Shutdown(context.Background())
	if st := b.Stats().Sinks; len(st) != 2 || st[1].Name != SinkFile || st[1].Errors != 7 {
		t.Errorf("sink stats %+v, want 7 file errors", st)
	}
	line := lineWith(console.String(), "sink failed to write 7 log records")
	if !strings.Contains(line, "failed=7") || !strings.Contains(line, "no space left") {
		t.Errorf("summary %q; console:\n%s", line, console.String())
	}
}
