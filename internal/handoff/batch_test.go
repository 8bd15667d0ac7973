package handoff

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// batcher is a BatchWriter: it keeps what it is given and counts the calls; it fails the
// records from the failFrom-th on (when failFrom > 0), and waits for open (when not nil).
type batcher struct {
	open     chan struct{}
	failFrom int

	mu      sync.Mutex
	out     bytes.Buffer
	calls   int
	records int
	sizes   []int // bytes of each call's batch
}

func (b *batcher) Write([]byte) (int, error) { panic("Write called on a BatchWriter") }

func (b *batcher) WriteBatch(p []byte, ends []int) (int, error) {
	if b.open != nil {
		<-b.open
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls++
	b.sizes = append(b.sizes, len(p))
	failed, start := 0, 0
	for _, end := range ends {
		if b.failFrom > 0 && b.records >= b.failFrom {
			failed++
		} else {
			b.out.Write(p[start:end])
		}
		b.records++
		start = end
	}
	if failed > 0 {
		return failed, errors.New("disk full")
	}
	return 0, nil
}

// TestBatchWriter: a BatchWriter gets the queued records in batches (fewer calls than
// records), whole and in order; the records a batch failed are each passed to OnError.
func TestBatchWriter(t *testing.T) {
	for _, tc := range []struct {
		name     string
		failFrom int
		wantErrs int64
	}{
		{name: "ok"},
		{name: "fails part of a batch", failFrom: 3, wantErrs: 997},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &batcher{failFrom: tc.failFrom}
			var errs atomic.Int64
			w := New(b, Options{OnError: func(error) { errs.Add(1) }})
			defer w.Close()
			var want bytes.Buffer
			for i := range 1000 {
				rec := []byte(strconv.Itoa(i) + "\n")
				want.Write(rec)
				w.Write(rec)
			}
			if !w.Flush(context.Background()) {
				t.Fatal("Flush: not everything written")
			}
			b.mu.Lock()
			defer b.mu.Unlock()
			if b.calls >= 1000 {
				t.Errorf("%d calls for 1000 records: not batched", b.calls)
			}
			if tc.failFrom > 0 {
				want.Truncate(len("0\n1\n2\n"))
			}
			if b.out.String() != want.String() {
				t.Errorf("out of order or lost:\n%s", b.out.String())
			}
			if errs.Load() != tc.wantErrs {
				t.Errorf("OnError called %d times, want %d", errs.Load(), tc.wantErrs)
			}
		})
	}
}

// TestWakesAtHalfTheQueue: records gather until they fill half the queue, and then the
// goroutine is woken at once, before flushDelay: it is not woken for less (each wake-up costs a
// futex call and another core's spinning). An attempt in which flushDelay passed before the
// half was written or seen out (a loaded machine: the timer may have woken the goroutine)
// proves nothing and is tried again.
func TestWakesAtHalfTheQueue(t *testing.T) {
	const maxQueued, recSize = 64 << 10, 1 << 10
	rec := append(bytes.Repeat([]byte("x"), recSize-1), '\n')
	const attempts = 200 // each under 2 ms; one in time is enough
	for range attempts {
		b := &batcher{}
		w := New(b, Options{MaxQueued: maxQueued})
		calls := func() int { b.mu.Lock(); defer b.mu.Unlock(); return b.calls }
		start := time.Now()
		for range maxQueued/recSize/2 - 1 {
			w.Write(rec)
		}
		for time.Since(start) < flushDelay/2 {
			if n := calls(); n > 0 && time.Since(start) < flushDelay {
				t.Fatalf("woken with %d bytes queued, less than half the queue (%d)", maxQueued/2-recSize, maxQueued/2)
			}
			runtime.Gosched()
		}
		w.Write(rec) // half the queue now
		for calls() == 0 && time.Since(start) < flushDelay {
			runtime.Gosched()
		}
		woken := calls() > 0 && time.Since(start) < flushDelay
		if !w.Flush(context.Background()) {
			t.Fatal("Flush: not everything written")
		}
		w.Close()
		if woken {
			return
		}
	}
	t.Fatalf("in %d attempts, half the queue was never written before flushDelay had passed: not woken at half", attempts)
}

// TestBatchWriterStall: a BatchWriter that blocks forever holds no caller longer than the
// bound: the stall is declared and later records are dropped, counted.
func TestBatchWriterStall(t *testing.T) {
	b := &batcher{open: make(chan struct{})}
	stalled := make(chan struct{}, 1)
	w := New(b, Options{Bound: 100 * time.Millisecond, MaxQueued: 64,
		OnStall: func(int) { stalled <- struct{}{} }})
	within(t, 30*time.Second, "writes to a blocked writer", func() {
		for i := range 200 {
			w.Write([]byte(strconv.Itoa(i) + "\n"))
		}
	})
	select {
	case <-stalled:
	case <-time.After(30 * time.Second):
		t.Fatal("hang guard: no stall declared")
	}
	if w.Dropped() == 0 {
		t.Error("nothing dropped while blocked")
	}
	close(b.open)
	w.Close()
}
