package handoff

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gate is a writer whose writes block until open is closed.
type gate struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	open chan struct{}
	n    int
}

func newGate() *gate { return &gate{open: make(chan struct{})} }

func (g *gate) Write(p []byte) (int, error) {
	<-g.open
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n++
	return g.buf.Write(p)
}

func (g *gate) String() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.buf.String()
}

// within fails the test if f has not returned after d (a hang guard, not a timing assertion).
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s: still running after %v", what, d)
	}
}

func TestWritesInOrder(t *testing.T) {
	var out bytes.Buffer
	w := New(&out, Options{MaxQueued: 64}) // small: callers wait for room
	for i := range 1000 {
		if _, err := w.Write([]byte(strconv.Itoa(i) + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	if !w.Flush(context.Background()) {
		t.Fatal("Flush: not everything written")
	}
	w.Close()
	var want bytes.Buffer
	for i := range 1000 {
		want.WriteString(strconv.Itoa(i) + "\n")
	}
	if out.String() != want.String() {
		t.Fatalf("out of order or lost:\n%s", out.String())
	}
	if w.Dropped() != 0 {
		t.Fatalf("dropped %d", w.Dropped())
	}
}

// A writer that blocks forever: callers return, the stall is declared after the bound, later
// records are dropped and counted, and the writer resumes when it moves again.
func TestStallAndResume(t *testing.T) {
	g := newGate()
	var stalls, resumes atomic.Int64
	var lostAtResume atomic.Uint64
	w := New(g, Options{Bound: 100 * time.Millisecond, MaxQueued: 1 << 10,
		OnStall:  func(int) { stalls.Add(1) },
		OnResume: func(n uint64) { resumes.Add(1); lostAtResume.Store(n) },
	})
	defer w.Close()
	rec := bytes.Repeat([]byte("x"), 100)
	within(t, 30*time.Second, "writes to a blocked writer", func() {
		for range 200 {
			w.Write(rec)
		}
	})
	if !w.Stalled() || stalls.Load() != 1 {
		t.Fatalf("stalled %v, OnStall called %d times", w.Stalled(), stalls.Load())
	}
	dropped := w.Dropped()
	if dropped == 0 || dropped >= 200 {
		t.Fatalf("dropped %d of 200 (the queue holds about 10)", dropped)
	}
	close(g.open)
	within(t, 30*time.Second, "Flush after the writer moved", func() {
		for w.Stalled() {
			time.Sleep(time.Millisecond)
		}
		w.Flush(context.Background())
	})
	if resumes.Load() != 1 || lostAtResume.Load() != dropped {
		t.Fatalf("OnResume called %d times with %d, want once with %d", resumes.Load(), lostAtResume.Load(), dropped)
	}
	if got := uint64(g.n); got+dropped != 200 {
		t.Fatalf("written %d + dropped %d != 200", got, dropped)
	}
	w.Write([]byte("after"))
	w.Flush(context.Background())
	if !bytes.HasSuffix([]byte(g.String()), []byte("after")) {
		t.Fatal("a record after the resumption was not written")
	}
}

// Close counts what is still queued and discards later writes without counting them.
func TestCloseCountsQueued(t *testing.T) {
	g := newGate()
	w := New(g, Options{Bound: time.Hour})
	for range 5 {
		w.Write([]byte("r\n"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if w.Flush(ctx) {
		t.Fatal("Flush reported success with a blocked writer")
	}
	if lost := w.Close(); lost != 5 {
		t.Fatalf("Close lost %d, want 5", lost)
	}
	w.Write([]byte("late\n"))
	if w.Dropped() != 6 {
		t.Fatalf("dropped %d after a late write, want 6: a record written after Close without AfterClose counts", w.Dropped())
	}
	close(g.open)
}

// TestAfterClose: records written after Close go to AfterClose, whole and in order, from
// several goroutines at once (a writer not safe for concurrent use); its errors and panics go
// to OnError; nothing counts as dropped.
func TestAfterClose(t *testing.T) {
	var late bytes.Buffer // not safe for concurrent use: the Writer's lock serializes
	var errs atomic.Int64
	w := New(io.Discard, Options{AfterClose: &late, OnError: func(error) { errs.Add(1) }})
	w.Write([]byte("before\n"))
	if !w.Flush(context.Background()) {
		t.Fatal("Flush failed")
	}
	w.Close()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 100 {
				w.Write([]byte("late " + strconv.Itoa(g) + " " + strconv.Itoa(i) + "\n"))
			}
		})
	}
	wg.Wait()
	lines := bytes.Split(bytes.TrimSuffix(late.Bytes(), []byte("\n")), []byte("\n"))
	next := map[string]int{}
	for _, l := range lines {
		f := bytes.Fields(l)
		if len(f) != 3 || string(f[0]) != "late" {
			t.Fatalf("line %q: want whole records written after Close only", l)
		}
		i, _ := strconv.Atoi(string(f[2]))
		if i != next[string(f[1])] {
			t.Fatalf("goroutine %s: record %d after %d: out of order", f[1], i, next[string(f[1])]-1)
		}
		next[string(f[1])]++
	}
	if len(lines) != 400 || w.Dropped() != 0 {
		t.Errorf("%d records after Close written, %d dropped; want 400 and 0", len(lines), w.Dropped())
	}

	p := New(io.Discard, Options{AfterClose: &failing{}, OnError: func(error) { errs.Add(1) }})
	p.Close()
	p.Write([]byte("x\n")) // an error
	p.Write([]byte("y\n")) // a panic
	if errs.Load() != 2 {
		t.Errorf("%d errors reported for a failing and a panicking AfterClose, want 2", errs.Load())
	}
}

type failing struct{ n atomic.Int64 }

func (f *failing) Write(p []byte) (int, error) {
	if f.n.Add(1)%2 == 0 {
		panic("boom")
	}
	return 0, errors.New("disk full")
}

func TestErrorsAndPanicsReported(t *testing.T) {
	var errs atomic.Int64
	w := New(&failing{}, Options{OnError: func(error) { errs.Add(1) }})
	for range 10 {
		w.Write([]byte("r"))
	}
	w.Flush(context.Background())
	w.Close()
	if errs.Load() != 10 {
		t.Fatalf("OnError called %d times, want 10", errs.Load())
	}
}

// BenchmarkWrite: the cost of handing a 150-byte record to the Writer's goroutine, which
// writes it to io.Discard, against writing it directly.
func BenchmarkWrite(b *testing.B) {
	rec := bytes.Repeat([]byte("x"), 150)
	b.Run("direct", func(b *testing.B) {
		var mu sync.Mutex
		b.ReportAllocs()
		for b.Loop() {
			mu.Lock()
			io.Discard.Write(rec)
			mu.Unlock()
		}
	})
	b.Run("handoff", func(b *testing.B) {
		w := New(io.Discard, Options{})
		defer w.Close()
		b.ReportAllocs()
		for b.Loop() {
			w.Write(rec)
		}
		w.Flush(context.Background())
	})
}

// stepGate lets one write through per token.
type stepGate struct{ tokens chan struct{} }

func (s stepGate) Write(p []byte) (int, error) { <-s.tokens; return len(p), nil }

// A writer that moves once after a stall and blocks again within the same batch is declared
// stalled again: no caller waits for ever.
func TestStallAgainAfterResume(t *testing.T) {
	g := stepGate{make(chan struct{})}
	var stalls atomic.Int64
	w := New(g, Options{Bound: 50 * time.Millisecond, MaxQueued: 100, OnStall: func(int) { stalls.Add(1) }})
	defer w.Close()
	rec := bytes.Repeat([]byte("x"), 10)
	for range 10 {
		w.Write(rec)
	}
	within(t, 30*time.Second, "first stall", func() {
		for stalls.Load() < 1 {
			time.Sleep(time.Millisecond)
		}
	})
	g.tokens <- struct{}{} // one write completes: resumed, then blocked again
	within(t, 30*time.Second, "second stall and writes to the full queue", func() {
		for stalls.Load() < 2 {
			time.Sleep(time.Millisecond)
		}
		for range 100 {
			w.Write(rec)
		}
	})
}

// TestSerializes: a Writer, as Target returns it for a plain writer and for a file, takes each
// Write whole under its own lock; other writers, a file among them, do not say so.
func TestSerializes(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	plain, file := New(io.Discard, Options{}), New(f, Options{})
	defer plain.Close()
	defer file.Close()
	for _, c := range []struct {
		name string
		w    io.Writer
		want bool
	}{
		{"Writer", plain, true},
		{"Target of a plain writer", plain.Target(), true},
		{"Target of a file", file.Target(), true},
		{"file", f, false},
		{"buffer", &bytes.Buffer{}, false},
		{"discard", io.Discard, false},
	} {
		if got := Serializes(c.w); got != c.want {
			t.Errorf("%s: Serializes = %v, want %v", c.name, got, c.want)
		}
	}
}
