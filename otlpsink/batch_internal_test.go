//go:build !race

// Allocation tests (the race detector allocates): run by `make test`'s non-race step.

package otlpsink

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"
	"unsafe"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// gateExporter holds every Export until the current gate is closed.
type gateExporter struct {
	mu   sync.Mutex
	gate chan struct{}
}

func (e *gateExporter) Export(ctx context.Context, _ []sdklog.Record) error {
	e.mu.Lock()
	g := e.gate
	e.mu.Unlock()
	select {
	case <-g:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// set makes Export wait (open false) or return at once (open true).
func (e *gateExporter) set(open bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if open {
		close(e.gate)
	} else {
		e.gate = make(chan struct{})
	}
}

func (*gateExporter) Shutdown(context.Context) error   { return nil }
func (*gateExporter) ForceFlush(context.Context) error { return nil }

// TestRefillAllocatesNoBuffers: a queue that fills and drains again and again (bursts, or log
// calls outpacing the exports on one core) reuses its batch buffers: after the first fill, a
// fill allocates less than one buffer.
func TestRefillAllocatesNoBuffers(t *testing.T) {
	const queue, batchSize = 4096, 512
	exp := &gateExporter{gate: make(chan struct{})}
	p := NewProcessor(exp, WithMaxQueueSize(queue), WithMaxExportBatchSize(batchSize), WithMaxBlock(0),
		WithScheduleDelay(time.Hour))
	defer func() { _ = p.Shutdown(context.Background()) }()
	var rec sdklog.Record
	rec.SetBody(attribute.StringValue("burst"))
	ctx := context.Background()
	fill := func() {
		for range queue {
			_ = p.OnEmit(ctx, &rec)
		}
		exp.set(true)
		defer exp.set(false)
		fctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := p.ForceFlush(fctx); err != nil {
			t.Fatal(err)
		}
	}
	fill()
	const fills = 3
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range fills {
		fill()
	}
	runtime.ReadMemStats(&after)
	if st := p.Stats(); st.DroppedQueueFull != 0 || st.Exported != (fills+1)*queue {
		t.Fatalf("stats %+v: want every record exported", st)
	}
	buffer := uint64(batchSize * unsafe.Sizeof(sdklog.Record{}))
	if per := (after.TotalAlloc - before.TotalAlloc) / fills; per >= buffer {
		t.Errorf("%d bytes allocated per fill of the queue, a batch buffer is %d: buffers are not reused", per, buffer)
	}
}
