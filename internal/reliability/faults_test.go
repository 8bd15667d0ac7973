package reliability

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/internal/testkit"
	"github.com/logbridge/logbridge/otellog"
	"github.com/logbridge/logbridge/otlpsink"
)

// Env vars the parent passes to a child scenario.
const (
	envRecords        = "RELIABILITY_RECORDS"         // records to log
	envRun            = "RELIABILITY_RUN"             // spread them over this long
	envReportInterval = "RELIABILITY_REPORT_INTERVAL" // otellog.WithReportInterval
	envShutdown       = "RELIABILITY_SHUTDOWN"        // Shutdown's deadline
	envInstall        = "RELIABILITY_INSTALL"         // "false": otellog.WithInstallDefault(false)
)

func envInt(name string) int {
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}

func envDuration(name string) time.Duration {
	d, _ := time.ParseDuration(os.Getenv(name))
	return d
}

func init() {
	children["steady"] = childSteady
}

// childSteady is a service that logs RELIABILITY_RECORDS records ("served request", seq=i)
// spread over RELIABILITY_RUN through otellog.Setup configured by the env vars, console on
// stderr, then shuts down with a RELIABILITY_SHUTDOWN deadline.
func childSteady(ctx context.Context) childResult {
	lb, err := otellog.Setup(ctx, otellog.WithEnvPrefix(envPrefix), otellog.WithCategories("core"),
		otellog.WithReportInterval(envDuration(envReportInterval)), otellog.WithInstallDefault(os.Getenv(envInstall) != "false"))
	if err != nil {
		return childResult{SetupErr: err.Error()}
	}
	l := lb.MustLogger("svc.steady", "core")
	n, run := envInt(envRecords), envDuration(envRun)
	start := time.Now()
	for i := range n {
		l.Info("served request", "seq", i)
		if d := time.Until(start.Add(run * time.Duration(i+1) / time.Duration(n))); d > 0 {
			time.Sleep(d)
		}
	}
	res := childResult{Emitted: n, Elapsed: time.Since(start), Deadline: envDuration(envShutdown)}
	sctx, cancel := context.WithTimeout(ctx, res.Deadline)
	defer cancel()
	t0 := time.Now()
	if err := lb.Shutdown(sctx); err != nil {
		res.ShutdownErr = err.Error()
	}
	res.ShutdownTook = time.Since(t0)
	res.Stats = lb.Stats()
	return res
}

// shutdownMargin is what Shutdown may take beyond its deadline before the tests call it a
// failure: closing the file and the scheduling of a loaded machine under -race. A hang guard,
// not a timing figure.
const shutdownMargin = 5 * time.Second

var (
	seqRE          = regexp.MustCompile(`served request seq=([0-9]+)`)
	notDeliveredRE = regexp.MustCompile(`([0-9]+) log records? not delivered at shutdown`)
)

// TestCollectorAbsentAtStart runs a service whose collector is not there, in a process of its
// own: it logs normally to the console and the file, says once, after one report interval,
// that no collector is reachable (not once per record, nor per failed attempt), and Shutdown
// returns at once (no export ever succeeded), reporting every record as kept local.
func TestCollectorAbsentAtStart(t *testing.T) {
	for _, proto := range []string{"http/protobuf", "grpc"} {
		t.Run(strings.ReplaceAll(proto, "/", "-"), func(t *testing.T) {
			t.Parallel() // separate processes
			const n, interval, run, deadline = 3000, time.Second, 3 * time.Second, 2 * time.Second
			path := filepath.Join(t.TempDir(), "app.log")
			res, _, stderr := runChild(t, "steady", map[string]string{
				envRecords: strconv.Itoa(n), envRun: run.String(), envReportInterval: interval.String(),
				envShutdown:                   deadline.String(),
				envPrefix + "_LOG_FILE":       path,
				"OTEL_EXPORTER_OTLP_ENDPOINT": deadEndpoint(t),
				"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
				"OTEL_BLRP_SCHEDULE_DELAY":    "100", // many export attempts, so many failures
			})
			if res.SetupErr != "" {
				t.Fatalf("Setup: %s", res.SetupErr)
			}
			file, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			st := res.Stats.OTLP
			t.Logf("%d records over %v; Shutdown (deadline %v) took %v: %s; stats %+v",
				n, res.Elapsed.Round(time.Millisecond), deadline, res.ShutdownTook.Round(time.Millisecond), res.ShutdownErr, st)

			// The service logs normally: every record on the console and in the file, once.
			checkSeqs(t, "console", stderr, n)
			checkSeqs(t, "file", string(file), n)
			lines, err := checkFileText(string(file), strings.Count(string(file), "\n"))
			if err != nil {
				t.Fatalf("file: %v", err)
			}

			// The failure is reported once: no export ever succeeded, so failed attempts are not
			// reported one by one; after one interval a single warning says no collector is there.
			const noCollector = "OTLP: no collector reachable yet"
			bound := int((res.Elapsed+res.ShutdownTook)/interval) + 1
			var fileReports int
			for _, l := range lines {
				if strings.HasPrefix(l.Msg, noCollector) || l.Msg == "OTLP export failed" {
					fileReports++
				}
			}
			conReports := strings.Count(stderr, noCollector) + strings.Count(stderr, "OTLP export failed")
			t.Logf("export failures: %d attempts failed; reported %d times on the console, %d in the file",
				st.ExportErrors, conReports, fileReports)
			if conReports != 1 || fileReports != 1 {
				t.Errorf("reported %d times on the console, %d in the file; want once on each", conReports, fileReports)
			}
			if st.ExportErrors <= uint64(bound) {
				t.Errorf("only %d failed attempts: the test did not exercise the rate limit", st.ExportErrors)
			}

			// Shutdown is bounded and says what it could not deliver, exactly.
			if res.ShutdownTook > deadline+shutdownMargin {
				t.Errorf("Shutdown took %v with a %v deadline", res.ShutdownTook, deadline)
			}
			// Its error names every record lost at shutdown (the count Stats keeps), not only those
			// no retrying export had counted yet.
			if m := notDeliveredRE.FindStringSubmatch(res.ShutdownErr); m == nil || m[1] != strconv.FormatUint(st.FailedShutdown, 10) {
				t.Errorf("Shutdown's error %q; want it to name the %d records lost at shutdown", res.ShutdownErr, st.FailedShutdown)
			}
			// And why it stopped before its deadline, not a "context canceled" nobody asked for.
			if !strings.Contains(res.ShutdownErr, "no export ever succeeded") || strings.Contains(res.ShutdownErr, "context canceled") {
				t.Errorf("Shutdown's error %q; want it to say no export ever succeeded", res.ShutdownErr)
			}
			if st.Emitted != n || st.Exported != 0 || st.Undelivered() != n || st.Pending != 0 {
				t.Errorf("stats %+v, want all %d records undelivered", st, n)
			}
			const neverReached = "OTLP collector never reached: "
			final := 0
			for _, l := range lines {
				if strings.HasPrefix(l.Msg, neverReached) {
					final++
					if v, _ := l.attr("records"); v != strconv.Itoa(n) {
						t.Errorf("final report says records=%s, want %d", v, n)
					}
				}
			}
			if final != 1 || strings.Count(stderr, neverReached) != 1 {
				t.Errorf("final report: %d in the file, %d on the console; want 1 each", final, strings.Count(stderr, neverReached))
			}
		})
	}
}

// checkSeqs checks that out holds the records seq=0..n-1, each exactly once.
func checkSeqs(t *testing.T, where, out string, n int) {
	t.Helper()
	seen := make([]int, n)
	for _, m := range seqRE.FindAllStringSubmatch(out, -1) {
		i, _ := strconv.Atoi(m[1])
		if i >= n {
			t.Fatalf("%s: unknown seq %d", where, i)
		}
		seen[i]++
	}
	for i, c := range seen {
		if c != 1 {
			t.Fatalf("%s: seq %d appears %d times, want once", where, i, c)
		}
	}
}

// TestCollectorKilledAndRestarted kills the collector (SIGKILL) while a service logs, lets
// records pile up while it is down, restarts it on the same ports, twice. Records emitted during
// each outage fit the queue and are delivered once it returns; over the whole run, records
// received (distinct, by seq) + records reported undelivered = records emitted, exactly. A
// record the collector wrote just before it was killed, whose answer never came, is sent
// again: those duplicates are counted and shown, and bounded by what was in flight.
func TestCollectorKilledAndRestarted(t *testing.T) {
	const (
		outageBudget = 3000 // records emitted during an outage: well within the queue (16384)
		batch        = 256
		kills        = 2
		wait         = 2 * time.Minute // hang guard of each wait
	)
	col := collectortest.Start(t)
	path := filepath.Join(t.TempDir(), "app.log")
	clearEnv(t, map[string]string{
		envPrefix + "_LOG_FILE":           path,
		"OTEL_EXPORTER_OTLP_ENDPOINT":     col.HTTPEndpoint(),
		"OTEL_SERVICE_NAME":               "restart",
		"OTEL_BLRP_SCHEDULE_DELAY":        "50",
		"OTEL_BLRP_MAX_EXPORT_BATCH_SIZE": strconv.Itoa(batch),
	})
	var con testkit.SyncBuffer
	lb, err := otellog.Setup(context.Background(), otellog.WithEnvPrefix(envPrefix), otellog.WithCategories("core"),
		otellog.WithConsoleWriter(&con), otellog.WithInstallDefault(false), otellog.WithReportInterval(time.Second), withExportConcurrency())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lb.Shutdown(context.Background()) }()
	l := lb.MustLogger("svc.restart", "core")

	// The service: ~2000 records/s, steadily, from its own goroutine; during an outage it
	// stops after outageBudget records, so that what it emits then fits the queue.
	var emitted, outage atomic.Int64
	var down atomic.Bool
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if down.Load() && outage.Load() >= outageBudget {
				continue
			}
			for range 20 {
				l.Info("served request", "seq", emitted.Load())
				emitted.Add(1)
			}
			if down.Load() {
				outage.Add(20)
			}
		}
	})
	received := func() int { return len(col.Logs()) }
	type window struct{ from, to int64 } // seqs emitted while the collector was down
	var outages []window
	for k := range kills {
		if !waitFor(wait, func() bool { return received() >= 1000*(k+1) }) {
			t.Fatalf("the collector received only %d records", received())
		}
		col.Kill() // mid-stream: the service is logging, exports are in flight
		down.Store(true)
		w := window{from: emitted.Load()}
		if !waitFor(wait, func() bool { return outage.Load() >= outageBudget }) {
			t.Fatalf("only %d records emitted during the outage", outage.Load())
		}
		w.to = emitted.Load()
		outages = append(outages, w)
		if err := col.Restart(); err != nil {
			t.Fatal(err)
		}
		down.Store(false)
		outage.Store(0)
	}
	if !waitFor(wait, func() bool { return int64(received()) >= outages[len(outages)-1].to }) {
		t.Fatalf("after the last restart the collector received only %d records", received())
	}
	close(stop)
	wg.Wait()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := lb.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	st := lb.Stats().OTLP
	n := emitted.Load()
	var recs []collectortest.LogRecord
	if !waitFor(wait, func() bool { recs = col.Logs(); return uint64(len(recs)) >= st.Exported }) {
		t.Fatalf("collector has %d records, the bridge exported %d", len(recs), st.Exported)
	}
	seen := make([]int, n)
	for _, r := range recs {
		// Every record is the service's: logbridge's own reports of the outage ("OTLP export
		// failed") go to the console and file only, never to OTLP.
		s, ok := r.Attributes["seq"].(int64)
		if !ok || s < 0 || s >= n || r.Scope != "svc.restart" {
			t.Fatalf("a record that is not the service's reached the collector: %+v", r)
		}
		seen[s]++
	}
	distinct, dups := 0, 0
	for _, c := range seen {
		if c > 0 {
			distinct++
			dups += c - 1
		}
	}
	t.Logf("emitted %d; received %d records, %d distinct (%d duplicates); undelivered %d; outages %v; stats %+v",
		n, len(recs), distinct, dups, st.Undelivered(), outages, st)
	if uint64(distinct)+st.Undelivered() != uint64(n) {
		t.Errorf("received %d + undelivered %d != emitted %d", distinct, st.Undelivered(), n)
	}
	if st.Emitted != uint64(n) || st.Undelivered() != 0 {
		t.Errorf("stats %+v: want all %d records delivered (each outage fits the queue)", st, n)
	}
	for _, w := range outages {
		for s := w.from; s < w.to; s++ {
			if seen[s] == 0 {
				t.Errorf("seq %d, emitted during the outage %v, never arrived", s, w)
				break
			}
		}
	}
	// A duplicate is a request the collector wrote, then died before answering: at most the
	// exports in flight at each kill.
	if limit := kills * exportConcurrency * batch; dups > limit {
		t.Errorf("%d duplicates, more than the %d records in flight at %d kills", dups, limit, kills)
	}
	// The failures during the outages were reported, rate-limited.
	if c := strings.Count(con.String(), "OTLP export failed"); c == 0 {
		t.Errorf("the outages were not reported on the console:\n%s", tail(con.String()))
	}
}

// TestLostAnswerIsSentAgain pins down when a record can arrive twice: the collector took an
// export request (and wrote it) but its answer never reached the service (a crash or a network
// cut at that moment; here a proxy swallows the answer and closes the connection). The service
// cannot tell this from a request that never arrived, so, as OTLP's retry rules say, it sends
// the batch again: the collector holds that batch twice. Nothing else is duplicated, and the
// accounting by distinct record stays exact.
func TestLostAnswerIsSentAgain(t *testing.T) {
	const first, second = 100, 100
	col := collectortest.Start(t)
	px := startProxy(t, col.HTTPEndpoint()[len("http://"):])
	clearEnv(t, map[string]string{
		envPrefix + "_LOG_CONSOLE":    "false",
		"OTEL_EXPORTER_OTLP_ENDPOINT": px.URL(),
		"OTEL_SERVICE_NAME":           "lost-answer",
		"OTEL_BLRP_SCHEDULE_DELAY":    "50",
	})
	lb, err := otellog.Setup(context.Background(), otellog.WithEnvPrefix(envPrefix), otellog.WithCategories("core"),
		otellog.WithInstallDefault(false))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lb.Shutdown(context.Background()) }()
	l := lb.MustLogger("svc.lost", "core")
	for i := range first {
		l.Info("served request", "seq", i)
	}
	// Wait until the exporter has the collector's answer, not just until the collector has the
	// records: an answer still on its way through the proxy would be the one cut.
	if !waitFor(time.Minute, func() bool { return len(col.Logs()) >= first && lb.Stats().OTLP.Exported >= first }) {
		t.Fatalf("collector has %d records, %d exported", len(col.Logs()), lb.Stats().OTLP.Exported)
	}
	px.cut.Store(1) // the next answer is lost
	for i := first; i < first+second; i++ {
		l.Info("served request", "seq", i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := lb.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	st := lb.Stats().OTLP
	if px.cutN.Load() != 1 {
		t.Fatalf("%d answers cut, want 1", px.cutN.Load())
	}
	seen := make([]int, first+second)
	var recs []collectortest.LogRecord
	waitFor(time.Minute, func() bool { recs = col.Logs(); return len(recs) >= first+second })
	for _, r := range recs {
		seen[r.Attributes["seq"].(int64)]++
	}
	distinct, dups := 0, 0
	for i, c := range seen {
		if c > 0 {
			distinct++
			dups += c - 1
		}
		if c > 1 && i < first {
			t.Errorf("seq %d, sent before the lost answer, arrived %d times", i, c)
		}
	}
	t.Logf("emitted %d; received %d, %d distinct, %d duplicates (the batch whose answer was lost); stats %+v",
		first+second, len(recs), distinct, dups, st)
	if uint64(distinct)+st.Undelivered() != first+second || st.Exported != first+second {
		t.Errorf("received %d distinct + undelivered %d != emitted %d (stats %+v)", distinct, st.Undelivered(), first+second, st)
	}
	if dups == 0 || dups > second || st.ExportErrors != 1 || st.Retries != 1 {
		t.Errorf("%d duplicates, %d failed attempts, %d retries: want the one batch whose answer was lost sent again", dups, st.ExportErrors, st.Retries)
	}
}

// TestFileWriteErrorsCounted: a log file whose writes fail (/dev/full: "no space left on
// device") loses no record silently: every failed write is counted in Stats, and reported on
// the console, rate-limited, while the console keeps every record.
func TestFileWriteErrorsCounted(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here") // Linux has it; CI runs Linux
	}
	const n = 500
	clearEnv(t, map[string]string{envPrefix + "_LOG_FILE": "/dev/full", envPrefix + "_LOG_OTLP": "false"})
	var con testkit.SyncBuffer
	lb := setupReporting(t, &con)
	l := lb.MustLogger("svc.disk", "core")
	for i := range n {
		l.Info("served request", "seq", i)
	}
	_ = lb.Shutdown(context.Background())
	var fileErrors uint64
	for _, s := range lb.Stats().Sinks {
		if s.Name == otellog.SinkFile {
			fileErrors = s.Errors
		}
	}
	out := con.String()
	reports := strings.Count(out, "the file sink failed to write a record")
	t.Logf("%d records: %d file write errors counted, %d reports on the console", n, fileErrors, reports)
	if fileErrors != n || reports != 1 || !strings.Contains(out, "no space left on device") {
		t.Errorf("file errors %d (want %d), %d reports (want 1 per interval):\n%s", fileErrors, n, reports, tail(out))
	}
	checkSeqs(t, "console", out, n)
}

// TestShutdownErrorCountsEveryLostRecord: when Shutdown's deadline cuts off batches that are
// being retried, its error names every record lost at shutdown (DeliveryError.Records ==
// Stats.FailedShutdown), and is never nil when records were lost. (This suite found it
// counting only what no retrying export had counted yet: 200 of 3000, or nil with 5 of 5 lost.)
func TestShutdownErrorCountsEveryLostRecord(t *testing.T) {
	for run := range 3 {
		clearEnv(t, map[string]string{
			envPrefix + "_LOG_CONSOLE":    "false",
			"OTEL_EXPORTER_OTLP_ENDPOINT": deadEndpoint(t),
			"OTEL_BLRP_SCHEDULE_DELAY":    "50",
		})
		lb, err := otellog.Setup(context.Background(), otellog.WithEnvPrefix(envPrefix), otellog.WithCategories("core"),
			otellog.WithInstallDefault(false))
		if err != nil {
			t.Fatal(err)
		}
		l := lb.MustLogger("svc", "core")
		for i := range 2000 {
			l.Info("x", "i", i)
			if i%200 == 0 {
				time.Sleep(20 * time.Millisecond) // several batches, each being retried
			}
		}
		time.Sleep(300 * time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		err = lb.Shutdown(ctx)
		cancel()
		st := lb.Stats().OTLP
		var de *otlpsink.DeliveryError
		switch {
		case st.FailedShutdown == 0:
			t.Fatalf("run %d: nothing lost at shutdown, the test did not exercise the case (stats %+v)", run, st)
		case !errors.As(err, &de):
			t.Errorf("run %d: Shutdown returned %v with %d records lost at shutdown", run, err, st.FailedShutdown)
		case de.Records != st.FailedShutdown || !de.Lost:
			t.Errorf("run %d: Shutdown's error says %d records (%v); Stats.FailedShutdown is %d", run, de.Records, err, st.FailedShutdown)
		}
	}
}
