package reliability

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/logbridge/logbridge/console"
	"github.com/logbridge/logbridge/filelog"
	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/internal/resolve"
	"github.com/logbridge/logbridge/otellog"
	"github.com/logbridge/logbridge/vocab"
)

// fullPipe returns the write end of a pipe nobody reads, its buffer already full: a console
// on an unread stderr pipe, the state in which every further write blocks.
func fullPipe(t *testing.T) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	if err := w.SetWriteDeadline(time.Now().Add(200 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := w.Write(chunk); err != nil {
			break // the deadline: the pipe is full
		}
	}
	if err := w.SetWriteDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestBlockedConsole: the console's writer blocks for good (an unread stderr pipe). Log calls
// still return, the OTLP records reach the real collector, the file keeps everything, the
// console's records are counted as dropped and that is reported in the file, and Shutdown
// returns by its deadline.
func TestBlockedConsole(t *testing.T) {
	const n, deadline = 400, 3 * time.Second
	col := collectortest.Start(t)
	path := filepath.Join(t.TempDir(), "app.log")
	clearEnv(t, map[string]string{
		envPrefix + "_LOG_FILE":       path,
		"OTEL_EXPORTER_OTLP_ENDPOINT": col.HTTPEndpoint(),
		"OTEL_SERVICE_NAME":           "blocked-console",
		"OTEL_BLRP_SCHEDULE_DELAY":    "50",
	})
	lb, err := otellog.Setup(context.Background(), otellog.WithEnvPrefix(envPrefix), otellog.WithCategories("core"),
		otellog.WithConsoleWriter(fullPipe(t)), otellog.WithInstallDefault(false), otellog.WithMaxBlock(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	l := lb.MustLogger("svc.blocked", "core")
	var slowest time.Duration
	logSome := func(from int) {
		within(t, time.Minute, "log calls with a blocked console", func() {
			for i := from; i < from+n/2; i++ {
				t0 := time.Now()
				if i%50 == 49 {
					l.Error("served request", "seq", i) // an ERROR waits for the writers, at most the bound
				} else {
					l.Info("served request", "seq", i)
				}
				slowest = max(slowest, time.Since(t0))
			}
		})
	}
	logSome(0)
	// The console is declared blocked once its writer has not moved for the bound.
	if !waitFor(time.Minute, func() bool {
		data, _ := os.ReadFile(path)
		return strings.Contains(string(data), "console sink's writer is blocked")
	}) {
		t.Fatal("the blocked console was not reported in the file")
	}
	logSome(n / 2)
	col.WaitLogs(t, n, 2*time.Minute)

	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	t0 := time.Now()
	within(t, deadline+shutdownMargin, "Shutdown with a blocked console", func() { _ = lb.Shutdown(ctx) })
	t.Logf("slowest log call %v (bound 200ms); Shutdown took %v (deadline %v)", slowest, time.Since(t0).Round(time.Millisecond), deadline)

	st := lb.Stats()
	var con, file otellog.SinkStats
	for _, s := range st.Sinks {
		switch s.Name {
		case otellog.SinkConsole:
			con = s
		case otellog.SinkFile:
			file = s
		}
	}
	if con.Dropped != n || con.Errors != 0 || file.Dropped != 0 || file.Errors != 0 {
		t.Fatalf("sink stats %+v: want the console's %d records dropped, nothing else lost", st.Sinks, n)
	}
	if st.OTLP.Exported != n {
		t.Fatalf("OTLP stats %+v: want %d exported", st.OTLP, n)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkSeqs(t, "file", string(data), n)
	if !strings.Contains(string(data), "console sink could not write its records before shutdown") ||
		!strings.Contains(string(data), "dropped_total="+strconv.Itoa(n)) {
		t.Fatalf("the file does not report the console's %d dropped records:\n%s", n, tail(string(data)))
	}
}

func init() {
	children["cycle"] = childCycle
	children["stdlog-fatal"] = childStdLogFatal
}

// cycleNode is a LogValuer whose value holds its parent; parents in a loop make a cycle.
type cycleNode struct {
	name   string
	parent *cycleNode
}

func (n *cycleNode) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", n.name), slog.Any("parent", n.parent))
}

// childCycle logs a LogValuer cycle through the whole bridge (console on stderr, file, OTLP)
// and through the console and file handlers used on their own, under a memory limit: the
// process ends with exit status 3 as soon as the heap passes 512 MiB.
func childCycle(ctx context.Context) childResult {
	debug.SetMemoryLimit(256 << 20)
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > 512<<20 {
				fmt.Fprintf(os.Stderr, "heap %d MiB: unbounded\n", m.HeapAlloc>>20)
				os.Exit(3)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	a := &cycleNode{name: "a"}
	a.parent = &cycleNode{name: "b", parent: a}

	lb, err := otellog.Setup(ctx, otellog.WithEnvPrefix(envPrefix), otellog.WithCategories("core"), otellog.WithInstallDefault(false))
	if err != nil {
		return childResult{SetupErr: err.Error()}
	}
	lb.MustLogger("svc.cycle", "core").Info("cycle through the bridge", "node", a)
	lb.MustLogger("svc.cycle", "core").With("node", a).Info("cycle through With")

	f, err := os.OpenFile(os.Getenv("RELIABILITY_STANDALONE_FILE"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return childResult{Note: err.Error()}
	}
	defer f.Close()
	for _, h := range []slog.Handler{
		console.NewHandler(os.Stderr, &console.Options{Color: vocab.ColorNever}),
		filelog.NewHandler(f, nil),
		filelog.NewHandler(f, &filelog.Options{Format: vocab.FormatJSON}),
	} {
		slog.New(h).Info("cycle standalone", "node", a)
		slog.New(h).With("node", a).Info("cycle standalone With")
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	res := childResult{Emitted: 2}
	if err := lb.Shutdown(sctx); err != nil {
		res.ShutdownErr = err.Error()
	}
	res.Stats = lb.Stats()
	return res
}

// TestLogValuerCycle: a LogValuer cycle on every sink, in a child process under a memory limit:
// no crash, bounded output ending in the documented marker at the documented depth, and the
// OTLP record reaches the real collector.
func TestLogValuerCycle(t *testing.T) {
	col := collectortest.Start(t)
	dir := t.TempDir()
	path, standalone := filepath.Join(dir, "app.log"), filepath.Join(dir, "standalone.log")
	res, _, stderr := runChild(t, "cycle", map[string]string{
		envPrefix + "_LOG_FILE":       path,
		envPrefix + "_LOG_COLOR":      "never",
		"RELIABILITY_STANDALONE_FILE": standalone,
		"OTEL_EXPORTER_OTLP_ENDPOINT": col.HTTPEndpoint(),
		"OTEL_SERVICE_NAME":           "cycle",
	})
	if res.SetupErr != "" || res.ShutdownErr != "" || res.Note != "" {
		t.Fatalf("child: %+v", res)
	}
	file, _ := os.ReadFile(path)
	alone, _ := os.ReadFile(standalone)
	for _, out := range []struct {
		name, text string
		records    int
	}{
		{"console", stderr, 4}, {"file", string(file), 2}, {"standalone files", string(alone), 4},
	} {
		if len(out.text) > 64<<10 {
			t.Errorf("%s: %d bytes for a few records: unbounded", out.name, len(out.text))
		}
		if got := strings.Count(out.text, resolve.Marker); got != out.records {
			t.Errorf("%s: %d markers %q, want %d:\n%s", out.name, got, resolve.Marker, out.records, tail(out.text))
		}
		// The marker comes after MaxDepth levels: a.parent.parent...
		if !strings.Contains(out.text, strings.Repeat("parent.", resolve.MaxDepth-1)) &&
			!strings.Contains(out.text, strings.Repeat(`"parent":{`, resolve.MaxDepth-1)) {
			t.Errorf("%s: the cycle is not followed %d levels deep:\n%s", out.name, resolve.MaxDepth, tail(out.text))
		}
	}
	recs := col.WaitLogs(t, 2, 2*time.Minute)
	for _, r := range recs {
		js := fmt.Sprint(r.Attributes)
		if !strings.Contains(js, resolve.Marker) {
			t.Errorf("OTLP record %q lacks the marker: %s", r.Body, js)
		}
	}
}

// childStdLogFatal logs through the standard log package, last with log.Fatal, which exits.
func childStdLogFatal(ctx context.Context) childResult {
	if _, err := otellog.Setup(ctx, otellog.WithEnvPrefix(envPrefix), otellog.WithCategories("core")); err != nil {
		return childResult{SetupErr: err.Error()}
	}
	log.Printf("http: TLS handshake error from 10.0.0.1:1234: EOF")
	for i := range 200 {
		log.Printf("std line %d", i)
	}
	log.Fatalf("cannot listen: %s", "address already in use")
	return childResult{}
}

// TestStdLogFatal: with the default levels (root at warn), lines of the standard log package,
// log.Fatal's last, reach the console and the file before os.Exit ends the process.
func TestStdLogFatal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(cleanEnviron(), childEnv+"=stdlog-fatal", envPrefix+"_LOG_FILE="+path, "OTEL_SDK_DISABLED=true")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatal("child hung")
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("child: %v, want exit status 1 from log.Fatal\n%s", err, tail(string(out)))
	}
	file, _ := os.ReadFile(path)
	for _, o := range []struct{ name, text string }{{"console", string(out)}, {"file", string(file)}} {
		for _, want := range []string{"TLS handshake error", "std line 199", "cannot listen: address already in use"} {
			if !strings.Contains(o.text, want) {
				t.Errorf("%s lacks %q:\n%s", o.name, want, tail(o.text))
			}
		}
		if !strings.Contains(o.text, "ERROR") && !strings.Contains(o.text, "ERR") {
			t.Errorf("%s: log.Fatal's line is not at ERROR:\n%s", o.name, tail(o.text))
		}
	}
}
