package otlpsink_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	collogpb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/protobuf/proto"

	"github.com/logbridge/logbridge/otlpsink"
)

// hangGuard bounds waits that only a bug could make long. It is not a timing figure: the
// tests assert outcomes and counts, and use this only so that a hang fails instead of stalling.
const hangGuard = 30 * time.Second

// funcExporter is an exporter made of a function; it counts what it delivered.
type funcExporter struct {
	export    func(ctx context.Context, n int) error
	delivered atomic.Int64
	calls     atomic.Int64
	maxBatch  atomic.Int64
}

func (e *funcExporter) Export(ctx context.Context, recs []sdklog.Record) error {
	e.calls.Add(1)
	for {
		m := e.maxBatch.Load()
		if int64(len(recs)) <= m || e.maxBatch.CompareAndSwap(m, int64(len(recs))) {
			break
		}
	}
	var err error
	if e.export != nil {
		err = e.export(ctx, len(recs))
	}
	if err == nil {
		e.delivered.Add(int64(len(recs)))
	}
	return err
}
func (*funcExporter) Shutdown(context.Context) error   { return nil }
func (*funcExporter) ForceFlush(context.Context) error { return nil }

// emitter emits records through an sdk/log provider whose only processor is p.
func emitter(t testing.TB, p sdklog.Processor) log.Logger {
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(p), sdklog.WithAllowKeyDuplication())
	t.Cleanup(func() { _ = lp.Shutdown(context.Background()) })
	return lp.Logger("test")
}

func record(i int) log.Record {
	var r log.Record
	r.SetTimestamp(time.Now())
	r.SetBody(attribute.StringValue(fmt.Sprint("record ", i)))
	r.AddAttributes(attribute.Int("i", i))
	return r
}

// checkInvariant asserts that every emitted record is accounted for, exactly.
func checkInvariant(t *testing.T, st otlpsink.Stats) {
	t.Helper()
	if st.Emitted != st.Exported+st.Undelivered()+st.OutcomeUnknown+st.Pending {
		t.Errorf("emitted %d != exported %d + undelivered %d + unknown %d + pending %d (%+v)",
			st.Emitted, st.Exported, st.Undelivered(), st.OutcomeUnknown, st.Pending, st)
	}
}

// TestProcessorSlowExporterNoLoss: a slow but working exporter and a small queue; one
// goroutine emits as fast as it can; every record must be delivered.
func TestProcessorSlowExporterNoLoss(t *testing.T) {
	exp := &funcExporter{export: func(context.Context, int) error {
		time.Sleep(2 * time.Millisecond)
		return nil
	}}
	p := otlpsink.NewProcessor(exp, otlpsink.WithMaxQueueSize(1000), otlpsink.WithMaxExportBatchSize(100),
		otlpsink.WithExportConcurrency(2), otlpsink.WithMaxBlock(hangGuard))
	l := emitter(t, p)
	const n = 20000
	for i := range n {
		l.Emit(context.Background(), record(i))
	}
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	st := p.Stats()
	checkInvariant(t, st)
	if st.Emitted != n || st.Exported != n || exp.delivered.Load() != n || st.Undelivered() != 0 {
		t.Errorf("stats %+v, delivered %d; want all %d delivered", st, exp.delivered.Load(), n)
	}
	if exp.maxBatch.Load() > 100 {
		t.Errorf("batch of %d, want at most 100", exp.maxBatch.Load())
	}
}

// TestProcessorFailingExporter: with an exporter that fails, a log call never waits for room,
// even with a full queue and a long MaxBlock, and every record is counted as lost once the
// processor is shut down. After its first failure the exporter hangs until cancelled, so a
// call that waited would wait for the whole MaxBlock (hangGuard), where the test sees it.
func TestProcessorFailingExporter(t *testing.T) {
	boom := errors.New("collector down")
	var hang atomic.Bool
	exp := &funcExporter{export: func(ctx context.Context, _ int) error {
		if hang.Load() {
			<-ctx.Done()
		}
		return boom
	}}
	var handled sync.Map
	p := otlpsink.NewProcessor(exp, otlpsink.WithMaxQueueSize(500), otlpsink.WithMaxExportBatchSize(100),
		otlpsink.WithRetryMaxElapsed(50*time.Millisecond), otlpsink.WithMaxBlock(hangGuard),
		otlpsink.WithErrorHandler(func(err error) { handled.Store(fmt.Sprintf("%T", err), err) }))
	l := emitter(t, p)
	// A first batch fails for good: the processor now knows the exporter is failing.
	for i := range 100 {
		l.Emit(context.Background(), record(i))
	}
	for deadline := time.Now().Add(hangGuard); p.Stats().FailedExport == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the first batch never failed: %+v", p.Stats())
		}
	}
	hang.Store(true)
	const n = 50000
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			l.Emit(context.Background(), record(100+i))
		}
	}()
	for deadline := time.Now().Add(hangGuard); ; time.Sleep(time.Millisecond) {
		select {
		case <-done:
		default:
			if st := p.Stats(); st.Waiting > 0 {
				t.Errorf("a log call waits for room from a failing exporter: %+v", st)
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d log calls still running after %v", n, hangGuard)
			}
			continue
		}
		break
	}
	st := p.Stats()
	checkInvariant(t, st)
	if st.Pending > 500 {
		t.Errorf("pending %d, want at most the queue size 500", st.Pending)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := p.Shutdown(ctx) // cuts the hanging export off: its records are lost at shutdown
	<-done                 // woken by Shutdown, had one waited
	st = p.Stats()
	checkInvariant(t, st)
	if st.Exported != 0 || st.Undelivered() != n+100 || st.Pending != 0 {
		t.Errorf("stats %+v, want all %d undelivered", st, n+100)
	}
	if st.DroppedQueueFull == 0 || st.FailedExport == 0 || st.FailedShutdown == 0 {
		t.Errorf("stats %+v, want drops, failed exports and records lost at shutdown", st)
	}
	if st.LastError != boom.Error() {
		t.Errorf("LastError %q", st.LastError)
	}
	var de *otlpsink.DeliveryError
	if !errors.As(err, &de) || de.Records != st.FailedShutdown {
		t.Errorf("Shutdown error %v, want a DeliveryError for %d records", err, st.FailedShutdown)
	}
	if _, ok := handled.Load("*otlpsink.ExportError"); !ok {
		t.Error("error handler did not hear of the failed exports")
	}
	if _, ok := handled.Load("*otlpsink.DropError"); !ok {
		t.Error("error handler did not hear of the drops")
	}
}

// TestProcessorHangingExporter: an exporter that hangs and ignores its context. Log calls
// wait at most once (MaxBlock), then drop at once; Shutdown returns at its deadline and
// counts what it could not deliver.
func TestProcessorHangingExporter(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	exp := &funcExporter{export: func(context.Context, int) error {
		<-release
		return nil
	}}
	// A call that took the whole MaxBlock waited for room; with a bound this long, a call
	// slowed by a loaded machine is not mistaken for one.
	const maxBlock = time.Second
	p := otlpsink.NewProcessor(exp, otlpsink.WithMaxQueueSize(100), otlpsink.WithMaxExportBatchSize(10),
		otlpsink.WithMaxBlock(maxBlock))
	l := emitter(t, p)
	const n = 5000
	var waits int
	start := time.Now()
	for i := range n {
		s := time.Now()
		l.Emit(context.Background(), record(i))
		if time.Since(s) >= maxBlock {
			waits++
		}
		// Checked in the loop: were every call to wait its MaxBlock, the loop would take 83 min.
		if elapsed := time.Since(start); elapsed > hangGuard {
			t.Fatalf("emitting %d records took %v, %d calls waited", i+1, elapsed, waits)
		}
	}
	if waits > 1 {
		t.Errorf("%d log calls waited for room; want at most 1: a stalled exporter makes later calls drop at once", waits)
	}
	st := p.Stats()
	checkInvariant(t, st)
	if st.Pending != 100 || st.DroppedQueueFull != n-100 {
		t.Errorf("stats %+v, want 100 pending and %d dropped", st, n-100)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- p.Shutdown(ctx) }()
	var err error
	select {
	case err = <-done:
	case <-time.After(hangGuard):
		t.Fatal("Shutdown hangs with a hanging exporter")
	}
	var de *otlpsink.DeliveryError
	if !errors.As(err, &de) || de.Records != 100 || !de.Lost || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown error %v, want a DeliveryError for 100 records and the deadline", err)
	}
	st = p.Stats()
	checkInvariant(t, st)
	if st.FailedShutdown != 100 || st.Undelivered() != n || st.Pending != 0 {
		t.Errorf("stats %+v after Shutdown", st)
	}
	if err := p.Shutdown(ctx); err != nil {
		t.Errorf("second Shutdown: %v", err)
	}
}

// TestProcessorRetry: a batch that fails twice is delivered on the third attempt.
func TestProcessorRetry(t *testing.T) {
	var attempts atomic.Int32
	exp := &funcExporter{export: func(context.Context, int) error {
		if attempts.Add(1) <= 2 {
			return errors.New("transient")
		}
		return nil
	}}
	var retrying atomic.Int32
	p := otlpsink.NewProcessor(exp, otlpsink.WithErrorHandler(func(err error) {
		var ee *otlpsink.ExportError
		if errors.As(err, &ee) && ee.Retrying {
			retrying.Add(1)
		}
	}))
	l := emitter(t, p)
	for i := range 10 {
		l.Emit(context.Background(), record(i))
	}
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	if err := p.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	st := p.Stats()
	checkInvariant(t, st)
	if st.Exported != 10 || st.Retries != 2 || st.ExportErrors != 2 || st.ExportAttempts != 3 || retrying.Load() != 2 {
		t.Errorf("stats %+v, retry reports %d", st, retrying.Load())
	}
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestProcessorForceFlushDeadline: ForceFlush reports what is still queued and keeps it.
func TestProcessorForceFlushDeadline(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	exp := &funcExporter{export: func(context.Context, int) error {
		if fail.Load() {
			return errors.New("down")
		}
		return nil
	}}
	p := otlpsink.NewProcessor(exp)
	l := emitter(t, p)
	for i := range 7 {
		l.Emit(context.Background(), record(i))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := p.ForceFlush(ctx)
	var de *otlpsink.DeliveryError
	if !errors.As(err, &de) || de.Records != 7 || de.Lost {
		t.Fatalf("ForceFlush: %v, want 7 records still queued", err)
	}
	fail.Store(false)
	ctx, cancel = context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Exported != 7 {
		t.Errorf("stats %+v, want the 7 records delivered once the exporter recovered", st)
	}
}

// TestProcessorPartialSuccess runs the real otlploghttp exporter against a receiver that
// rejects some records in a partial-success response.
func TestProcessorPartialSuccess(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		body, _ := proto.Marshal(&collogpb.ExportLogsServiceResponse{
			PartialSuccess: &collogpb.ExportLogsPartialSuccess{RejectedLogRecords: 2, ErrorMessage: "too old"},
		})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	ctx := context.Background()
	exp, err := otlploghttp.New(ctx, otlploghttp.WithEndpointURL(srv.URL+"/v1/logs"))
	if err != nil {
		t.Fatal(err)
	}
	var rejected atomic.Int64
	p := otlpsink.NewProcessor(exp, otlpsink.WithErrorHandler(func(err error) {
		var ee *otlpsink.ExportError
		if errors.As(err, &ee) {
			rejected.Add(ee.Rejected)
		}
	}))
	l := emitter(t, p)
	for i := range 5 {
		l.Emit(ctx, record(i))
	}
	sctx, cancel := context.WithTimeout(ctx, hangGuard)
	defer cancel()
	if err := p.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	st := p.Stats()
	checkInvariant(t, st)
	if st.Exported != 3 || st.FailedRejected != 2 || rejected.Load() != 2 || st.Retries != 0 {
		t.Errorf("stats %+v, handler saw %d rejected; want 3 exported, 2 rejected", st, rejected.Load())
	}
}

// TestProcessorConcurrent emits from many goroutines while flushing and reading counters.
func TestProcessorConcurrent(t *testing.T) {
	rec := &recorder{}
	p := otlpsink.NewProcessor(rec, otlpsink.WithMaxQueueSize(256), otlpsink.WithMaxExportBatchSize(32),
		otlpsink.WithMaxBlock(hangGuard))
	l := emitter(t, p)
	const goroutines, each = 8, 2000
	var wg sync.WaitGroup
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				checkInvariant(t, p.Stats())
				_ = p.ForceFlush(context.Background())
			}
		}
	}()
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				l.Emit(context.Background(), record(g*each+i))
			}
		}()
	}
	wg.Wait()
	close(stop)
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	st := p.Stats()
	checkInvariant(t, st)
	if st.Exported != goroutines*each || len(rec.records()) != goroutines*each {
		t.Errorf("stats %+v, recorded %d", st, len(rec.records()))
	}
	seen := map[string]bool{}
	for _, r := range rec.records() {
		seen[r.Body().AsString()] = true
	}
	if len(seen) != goroutines*each {
		t.Errorf("%d distinct records, want %d", len(seen), goroutines*each)
	}
}

// TestProcessorMemoryBounded emits many records to a dead exporter and measures the heap:
// it stays within the queue's bound however many records are emitted.
func TestProcessorMemoryBounded(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	exp := &funcExporter{export: func(ctx context.Context, _ int) error { return errors.New("dead") }}
	pl, err := otlpsink.NewPipeline(context.Background(), otlpsink.WithExporter(exp))
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(otlpsink.NewHandler(pl.Provider(), nil))
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	base := heap()
	var peak uint64
	for i := range n {
		logger.Info("a record that will not be delivered", "i", i, "user", "someone", "path", "/api/v1/things",
			"status", 503, "took", time.Millisecond)
		if i%(n/10) == 0 {
			peak = max(peak, heap())
		}
	}
	peak = max(peak, heap())
	st := pl.Stats()
	checkInvariant(t, st)
	growth := int64(peak) - int64(base)
	t.Logf("%d records to a dead exporter: heap %d KiB before, peak %d KiB (+%d KiB); pending %d, dropped %d, failed %d",
		n, base>>10, peak>>10, growth>>10, st.Pending, st.DroppedQueueFull, st.FailedExport)
	// The bound: a full queue of records (~600 B of slot plus a few hundred of attribute
	// overflow and strings each); generous, as it guards against growth with n, not bytes.
	if limit := int64(otlpsink.DefaultMaxQueueSize) * 2048; growth > limit {
		t.Errorf("heap grew %d KiB, more than the %d KiB bound", growth>>10, limit>>10)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = pl.Shutdown(ctx)
	if st := pl.Stats(); st.Undelivered() != uint64(n) {
		t.Errorf("undelivered %d, want %d", st.Undelivered(), n)
	}
}

// TestProcessorShutdownWakesWaiters: a log call waiting for room when Shutdown begins returns
// at once, its record counted as dropped at shutdown, and does not hold Shutdown up.
func TestProcessorShutdownWakesWaiters(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	started := make(chan struct{}, 1)
	exp := &funcExporter{export: func(context.Context, int) error {
		select {
		case started <- struct{}{}:
		default:
		}
		<-release
		return nil
	}}
	ctx := context.Background()
	p, err := otlpsink.NewPipeline(ctx, otlpsink.WithExporter(exp), otlpsink.WithProcessorOptions(
		otlpsink.WithMaxQueueSize(10), otlpsink.WithMaxExportBatchSize(10), otlpsink.WithMaxBlock(hangGuard)))
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(struct{ slog.Handler }{otlpsink.NewHandler(p.Provider(), nil)}) // the SDK path
	for range 10 {
		logger.Info("fills the queue")
	}
	select {
	case <-started: // the batch is being exported (and hangs): the queue is full
	case <-time.After(hangGuard):
		t.Fatal("the export never started")
	}
	waiting := make(chan struct{})
	go func() {
		defer close(waiting)
		logger.Info("waits for room")
	}()
	for deadline := time.Now().Add(hangGuard); p.Stats().Waiting < 1; runtime.Gosched() {
		if time.Now().After(deadline) {
			t.Fatalf("the log call never waited for room: %+v", p.Stats())
		}
	}
	sctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_ = p.Shutdown(sctx)
	select {
	case <-waiting:
	case <-time.After(hangGuard):
		t.Fatal("the waiting log call was not woken by Shutdown")
	}
	st := p.Stats()
	checkInvariant(t, st)
	if st.Emitted != 11 || st.DroppedShutdown != 1 || st.FailedShutdown != 10 {
		t.Errorf("stats %+v, want 10 lost at shutdown and the waiting record dropped", st)
	}
}
