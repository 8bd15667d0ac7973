package reliability

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/otellog"
	"github.com/logbridge/logbridge/otlpsink"
)

// latencyMargin is what a log call may take beyond otlpsink.DefaultMaxBlock before the test
// calls it blocked: scheduling and GC of a loaded 2-core machine under -race. A hang guard, far
// below the collector's delay, so a call that waited for an export to finish would exceed it.
const latencyMargin = 3 * time.Second

// TestSlowCollectorLatency saturates a real collector that answers slowly (every answer held
// back slowDelay by a proxy): producers log as fast as they can, far faster than it takes
// records, until it has answered twice. It measures and prints the latency of the log calls
// (p50/p99/max) and asserts only that no call blocked past the documented bound,
// otlpsink.DefaultMaxBlock (plus a hang-guard margin), although each export takes slowDelay: a
// call waits for queue room at most that long, then records are dropped, and counted, until
// the collector catches up.
func TestSlowCollectorLatency(t *testing.T) {
	const (
		slowDelay = 5 * time.Second // > DefaultMaxBlock + latencyMargin
		producers = 4
		rounds    = 2 // export rounds (each slowDelay long) to run through
		// Each producer logs burst records, then pauses: at most 4 * 50 / 5ms = 40,000
		// records/s; the collector takes 4 * 512 records per slowDelay, about 400/s.
		burst, pause = 50, 5 * time.Millisecond
	)
	col := collectortest.Start(t)
	px := startProxy(t, col.HTTPEndpoint()[len("http://"):])
	px.delay.Store(int64(slowDelay))
	clearEnv(t, map[string]string{
		envPrefix + "_LOG_CONSOLE":    "false",
		envPrefix + "_LOG_FILE":       filepath.Join(t.TempDir(), "app.log"),
		"OTEL_EXPORTER_OTLP_ENDPOINT": px.URL(),
		"OTEL_SERVICE_NAME":           "slow",
	})
	lb, err := otellog.Setup(context.Background(), otellog.WithEnvPrefix(envPrefix), otellog.WithCategories("core"),
		otellog.WithInstallDefault(false), withExportConcurrency())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lb.Shutdown(context.Background()) }()

	// Run until the collector has answered `rounds` rounds of exports (a full queue's worth
	// each), so that calls meet both a stalled exporter and room freed by a finished export.
	target := uint64(rounds * exportConcurrency * otlpsink.DefaultMaxExportBatchSize)
	hists := make([]histogram, producers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	start := time.Now()
	for g := range producers {
		wg.Go(func() {
			l := lb.MustLogger(fmt.Sprintf("svc.load%d", g), "core")
			h := &hists[g]
			for i := 0; ; i++ {
				if i%burst == 0 {
					// Bursts with pauses: still 10 times what the collector takes, without
					// burning the CPU that other tests, run in parallel, need.
					select {
					case <-stop:
						return
					case <-time.After(pause):
					}
				}
				t0 := time.Now()
				l.Info("load", "g", g, "i", i, "user", "u42", "path", "/api/v1/items", "status", 200)
				h.add(time.Since(t0))
			}
		})
	}
	ok := waitFor(time.Duration(rounds+4)*slowDelay, func() bool { return lb.Stats().OTLP.Exported >= target })
	close(stop)
	within(t, time.Minute, "the producers", wg.Wait)
	took := time.Since(start)
	if !ok {
		t.Fatalf("the collector took only %d records in %v (stats %+v)", lb.Stats().OTLP.Exported, took, lb.Stats().OTLP)
	}
	var all histogram
	for i := range hists {
		all.merge(&hists[i])
	}
	st := lb.Stats().OTLP
	t.Logf("%d log calls in %v against a collector answering after %v: p50 %v, p99 %v, max %v; %d calls over 100ms",
		all.n, took.Round(time.Millisecond), slowDelay, all.percentile(50), all.percentile(99), all.max, all.over(100*time.Millisecond))
	t.Logf("stats while saturated: %+v", st)
	if all.max > otlpsink.DefaultMaxBlock+latencyMargin {
		t.Errorf("a log call blocked %v: more than the documented %v (+%v margin)", all.max, otlpsink.DefaultMaxBlock, latencyMargin)
	}
	if st.DroppedQueueFull == 0 {
		t.Errorf("nothing was dropped: the collector was not saturated, the bound not exercised (stats %+v)", st)
	}
	if st.Emitted != st.Exported+st.Undelivered()+st.OutcomeUnknown+st.Pending {
		t.Errorf("stats do not balance: %+v", st)
	}

	// Shutdown gives up on the slow exports at its deadline, and counts them.
	const deadline = 2 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	t0 := time.Now()
	err = lb.Shutdown(ctx)
	shut := time.Since(t0)
	st = lb.Stats().OTLP
	t.Logf("Shutdown (deadline %v) took %v: %v; stats %+v", deadline, shut.Round(time.Millisecond), err, st)
	if shut > deadline+shutdownMargin {
		t.Errorf("Shutdown took %v with a %v deadline", shut, deadline)
	}
	if st.Pending != 0 || st.Emitted != st.Exported+st.Undelivered()+st.OutcomeUnknown || st.Emitted != all.n {
		t.Errorf("stats after Shutdown %+v: want every one of %d records exported or counted", st, all.n)
	}
	// Every record the bridge counts as exported reached the collector (it may have more: an
	// export whose answer Shutdown's deadline cut off can still land; it is counted as
	// OutcomeUnknown).
	if !waitFor(time.Minute, func() bool { return uint64(len(col.Logs())) >= st.Exported }) {
		t.Errorf("the collector has %d records, the bridge exported %d", len(col.Logs()), st.Exported)
	}
}

// histogram records durations in buckets 5% wide, and the exact maximum.
type histogram struct {
	buckets [histBuckets]uint64
	n       uint64
	max     time.Duration
}

const (
	histBuckets = 700 // 1.05^700 ns is far beyond any call
	histGrowth  = 1.05
)

func (h *histogram) add(d time.Duration) {
	h.n++
	h.max = max(h.max, d)
	i := 0
	if d > 1 {
		i = min(int(math.Log(float64(d))/math.Log(histGrowth))+1, histBuckets-1)
	}
	h.buckets[i]++
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.buckets {
		h.buckets[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// percentile returns the upper bound of the bucket holding the p-th percentile (within 5%).
func (h *histogram) percentile(p float64) time.Duration {
	want := uint64(math.Ceil(float64(h.n) * p / 100))
	var seen uint64
	for i, c := range h.buckets {
		seen += c
		if seen >= want && c > 0 {
			return min(time.Duration(math.Pow(histGrowth, float64(i))), h.max).Round(100 * time.Nanosecond)
		}
	}
	return h.max
}

// over returns how many durations exceeded d (to bucket precision).
func (h *histogram) over(d time.Duration) uint64 {
	var n uint64
	for i, c := range h.buckets {
		if time.Duration(math.Pow(histGrowth, float64(i-1))) > d {
			n += c
		}
	}
	return n
}

// TestMemoryBoundedDeadEndpoint emits 1,000,000 records through the whole pipeline to an
// endpoint where nothing listens, measuring the heap (after a GC) every 100,000: it stays
// under a bound derived from the queue size, however many records are emitted, and every
// record is counted.
func TestMemoryBoundedDeadEndpoint(t *testing.T) {
	const n, every = 1_000_000, 100_000
	// The bound: the queue full of records, plus a fixed slack for the batch buffers, the HTTP
	// client and the runtime. A queued record is its encoded protobuf (about 290 bytes measured
	// with the request being retried; as an SDK record, with an exporter of the caller's, a slot
	// of about 600 bytes plus its overflow attributes and strings, about 820 in all, and, while
	// its batch is being tried, about as much again in the exporter's protobuf copy): 2 KiB a
	// record is generous.
	// 1,000,000 records leaking even 30 bytes each would break it.
	const perRecord, slack = 2 << 10, 8 << 20
	limit := uint64(otlpsink.DefaultMaxQueueSize*perRecord + slack)
	clearEnv(t, map[string]string{
		envPrefix + "_LOG_CONSOLE":    "false",
		"OTEL_EXPORTER_OTLP_ENDPOINT": deadEndpoint(t),
		"OTEL_SERVICE_NAME":           "dead",
	})
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	base := heap()
	lb, err := otellog.Setup(context.Background(), otellog.WithEnvPrefix(envPrefix), otellog.WithCategories("core"),
		otellog.WithInstallDefault(false))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lb.Shutdown(context.Background()) }()
	// One goroutine logs every 100,000 records (one, to leave a core to the tests running in
	// parallel), then stops while the heap is measured: a GC with nothing allocating beside
	// it, so what it leaves is what the pipeline holds.
	var samples []uint64
	start := time.Now()
	within(t, childTimeout, "1,000,000 records", func() {
		const workers = 1
		for from := 0; from < n; from += every {
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					l := lb.MustLogger("svc.dead", "core")
					for i := from + w; i < from+every; i += workers {
						l.Info("a record that will not be delivered", "i", i, "user", "someone", "path", "/api/v1/things",
							"status", 503, "took", time.Millisecond, "note", fmt.Sprint("allocated per record ", i))
					}
				})
			}
			wg.Wait()
			samples = append(samples, heap())
		}
	})
	took := time.Since(start)
	st := lb.Stats().OTLP
	var peak uint64
	for _, s := range samples {
		peak = max(peak, s)
	}
	growth := int64(peak) - int64(base)
	t.Logf("%d records to a dead endpoint in %v; heap before %d KiB, %d samples, peak %d KiB (+%d KiB), bound +%d KiB; stats %+v",
		n, took.Round(time.Millisecond), base>>10, len(samples), peak>>10, growth>>10, limit>>10, st)
	kib := make([]uint64, len(samples))
	for i, s := range samples {
		kib[i] = s >> 10
	}
	t.Logf("heap samples (KiB): %v", kib)
	for i, s := range samples {
		if g := int64(s) - int64(base); g > int64(limit) {
			t.Errorf("sample %d: heap grew %d KiB, over the %d KiB bound", i, g>>10, limit>>10)
		}
	}
	// The rest are dropped at the full queue, or, for batches whose retry budget (1 minute) ran
	// out while the loop ran (a slow run: -race on a loaded machine), failed exports.
	if st.Emitted != n || st.Pending > uint64(otlpsink.DefaultMaxQueueSize) || st.DroppedQueueFull+st.FailedExport < n-uint64(otlpsink.DefaultMaxQueueSize) {
		t.Errorf("stats %+v: want %d emitted, at most the queue pending, the rest dropped or failed", st, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = lb.Shutdown(ctx)
	if st := lb.Stats().OTLP; st.Undelivered() != n || st.Exported != 0 {
		t.Errorf("after Shutdown: stats %+v, want all %d undelivered", st, n)
	}
}
