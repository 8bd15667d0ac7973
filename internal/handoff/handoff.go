// Package handoff keeps a log sink's writer from holding its callers hostage: a [Writer] queues
// each Write (one record) and a goroutine of its own passes the records on, one Write each, in
// order (or a batch of them in one call, to a [BatchWriter] such as filelog.File; or, to a file
// descriptor wrapped by [Chunked], whole records in chunks of up to [PipeBuf] a write). A
// caller waits only when the queue is full, and then at most until the writer is declared
// stalled: when the queue has held records and the writer has completed no Write for the bound
// (default [DefaultBound], 1 s). From then on records are dropped and counted, until a Write
// completes again. A timer watches the writer only while records wait: an idle Writer costs
// nothing.
//
// The queue costs the caller a copy of the record under a mutex; the write system call, and
// whatever blocks in it (an unread pipe, a terminal paused with Ctrl-S, a stuck log driver),
// happens on the Writer's goroutine.
package handoff

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logbridge/logbridge/internal/spinlock"
)

// DefaultBound is how long a writer may go without completing a Write, while records wait,
// before it is declared stalled: the OTLP queue's bound (otlpsink.DefaultMaxBlock).
const DefaultBound = time.Second

// DefaultMaxQueued is how many bytes of records may wait for the writer.
const DefaultMaxQueued = 256 << 10

// Options configure a [Writer]. The callbacks run on the Writer's goroutines (or, for OnStall,
// on a caller's), never with its lock held; they may write to other Writers, not to this one.
type Options struct {
	// Bound is how long the writer may go without completing a Write while records wait;
	// 0 means DefaultBound.
	Bound time.Duration
	// MaxQueued is the most bytes of records that wait; 0 means DefaultMaxQueued. A record
	// larger than that is still taken when the queue is empty.
	MaxQueued int
	// OnStall is called when the writer is declared stalled, with the records still queued.
	OnStall func(queued int)
	// OnResume is called when a stalled writer completes a Write, with the records dropped
	// while it was stalled.
	OnResume func(dropped uint64)
	// OnError is called with each error (or panic) of the underlying Write.
	OnError func(error)
	// AfterClose, if set, is where records written after Close go: synchronously, one Write
	// each, in order, with no bound (as the standard library's default logger writes), so that
	// a record logged after shutdown still shows. Nil: such records are dropped, counted in
	// Dropped.
	AfterClose io.Writer
}

// Writer is an io.Writer that hands each Write to its own goroutine; see the package
// documentation. Its methods are safe for concurrent use.
type Writer struct {
	w     io.Writer
	bound time.Duration
	max   int
	opts  Options

	mu        sync.Mutex
	buf       []byte // queued records, back to back
	ends      []int  // end offset in buf of each queued record
	spare     []byte // the other buffer, reused
	spareEnds []int
	inflight  int             // records of the batch the goroutine took (see inflightLocked)
	inflightB int             // their bytes
	batchAt   uint64          // writes when the batch was taken
	busy      bool            // the goroutine has been woken for work it has not finished
	delayed   bool            // delay is armed to wake it
	stalled   bool            // declared stalled; records are dropped
	closed    bool            // Close ran; records go to Options.AfterClose, or are dropped
	waiters   []chan struct{} // callers waiting for a batch done or a state change (see wait)
	queuedSeq uint64          // records ever queued
	doneSeq   uint64          // records ever written (or given up)
	lostStall uint64          // records dropped since the stall

	watchdog *time.Timer // runs check while records wait; idle otherwise
	watching bool        // watchdog is armed
	seen     uint64      // writes when watchdog was armed or last saw progress

	delay  *time.Timer // wakes the goroutine flushDelay after a record found it idle
	wake   chan struct{}
	quit   chan struct{}
	writes atomic.Uint64 // completed Writes of the underlying writer, watched for progress
	// flagged is set while stalled or once closed: only then does the goroutine take the lock
	// after each record of a batch, else once per batch.
	flagged atomic.Bool
	dropped atomic.Uint64
}

var _ io.Writer = (*Writer)(nil)

// New returns a Writer passing records on to w and starts its goroutines; Close stops them.
func New(w io.Writer, opts Options) *Writer {
	g := &Writer{w: w, opts: opts, bound: opts.Bound, max: opts.MaxQueued,
		wake: make(chan struct{}, 1), quit: make(chan struct{})}
	if g.bound <= 0 {
		g.bound = DefaultBound
	}
	if g.max <= 0 {
		g.max = DefaultMaxQueued
	}
	g.delay = time.NewTimer(time.Hour)
	g.delay.Stop()
	g.watchdog = time.AfterFunc(time.Hour, g.check)
	g.watchdog.Stop()
	go g.run()
	return g
}

// Write queues a copy of p as one record and returns len(p) and nil: a failure of the
// underlying writer goes to Options.OnError. When the queue is full it waits for room, or until
// the writer is declared stalled; a stalled Writer drops p (counted in Dropped). A closed one
// writes p to Options.AfterClose, or drops it (counted) without one.
func (g *Writer) Write(p []byte) (int, error) {
	spinlock.Lock(&g.mu) // log calls on other goroutines contend for it (see spinlock)
	for {
		if g.closed {
			g.writeAfterClose(p) // unlocks g.mu
			return len(p), nil
		}
		if g.stalled {
			g.lostStall++
			g.mu.Unlock()
			g.dropped.Add(1)
			return len(p), nil
		}
		queued := len(g.buf) + g.inflightB
		if queued == 0 || queued+len(p) <= g.max {
			break
		}
		g.waitLocked(nil, nil) // a batch done, a stall declared or Close: look again
	}
	g.buf = append(g.buf, p...)
	g.ends = append(g.ends, len(g.buf))
	g.queuedSeq++
	// Waking an idle goroutine costs a futex call and scheduler spinning on another core, more
	// than formatting a record: records are left to gather for up to flushDelay, unless they
	// fill half the queue already (see flushDelay).
	wake := !g.busy && len(g.buf) >= g.max/2
	if wake {
		g.busy = true
	} else if !g.busy && !g.delayed {
		g.delayed = true
		g.delay.Reset(flushDelay)
	}
	g.mu.Unlock()
	if wake {
		g.signal()
	}
	return len(p), nil
}

// Records gather while the goroutine is idle until they fill half the queue (MaxQueued / 2,
// the other half being the callers' room while that batch is written) or flushDelay has passed
// since the first. Each wake-up costs the process a futex call and another core's scheduler
// spinning: at GOMAXPROCS 2 the fan-out's CPU per record, request record, measured 7.2 us
// waking at 16 KiB, 6.8 us at 64 KiB and 6.1 us at 128 KiB (half the default queue; at the
// rates of that benchmark flushDelay comes first).
const flushDelay = time.Millisecond

// signal wakes the goroutine.
func (g *Writer) signal() {
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// kick wakes the goroutine now if it is idle with records waiting.
func (g *Writer) kick() {
	g.mu.Lock()
	wake := !g.busy && len(g.ends) > 0
	if wake {
		g.busy = true
	}
	g.mu.Unlock()
	if wake {
		g.signal()
	}
}

// notifyLocked wakes everyone waiting for a change. g.mu is held.
func (g *Writer) notifyLocked() {
	for _, ch := range g.waiters {
		ch <- struct{}{} // each waiter's own channel, buffered, sent to once: never blocks
	}
	clear(g.waiters)
	g.waiters = g.waiters[:0]
}

// waitChans are the channels of waitLocked, reused: a Sync after every error record would
// otherwise allocate one per record (as a shared channel closed and replaced per batch did).
var waitChans = sync.Pool{New: func() any { return make(chan struct{}, 1) }}

// waitLocked waits for the next notifyLocked, or until stop is closed or timeout fires
// (either may be nil), and reports whether it was notified. g.mu is held on entry and on
// return, released while waiting.
func (g *Writer) waitLocked(stop <-chan struct{}, timeout <-chan time.Time) bool {
	ch := waitChans.Get().(chan struct{})
	g.waiters = append(g.waiters, ch)
	g.mu.Unlock()
	notified := true
	select {
	case <-ch:
	case <-stop:
		notified = false
	case <-timeout:
		notified = false
	}
	g.mu.Lock()
	if !notified {
		if i := slices.Index(g.waiters, ch); i >= 0 {
			g.waiters = slices.Delete(g.waiters, i, i+1)
		} else {
			<-ch // notifyLocked took it off the list, and so sent to it, meanwhile
		}
	}
	waitChans.Put(ch) // empty again
	return notified
}

// run is the goroutine writing the queued records.
func (g *Writer) run() {
	for {
		select {
		case <-g.wake:
		case <-g.delay.C:
		case <-g.quit:
			return
		}
		g.mu.Lock()
		g.busy, g.delayed = true, false
		g.mu.Unlock()
		for g.drain() {
		}
	}
}

// drain writes one batch of queued records and reports whether there may be more.
func (g *Writer) drain() bool {
	g.mu.Lock()
	if len(g.ends) == 0 || g.closed {
		g.busy = false
		g.mu.Unlock()
		return false
	}
	if !g.watching {
		g.watching, g.seen = true, g.writes.Load()
		g.watchdog.Reset(g.bound)
	}
	buf, ends := g.buf, g.ends
	g.buf, g.ends = g.spare[:0], g.spareEnds[:0]
	g.spare, g.spareEnds = nil, nil
	g.inflight, g.inflightB, g.batchAt = len(ends), len(buf), g.writes.Load()
	g.mu.Unlock()

	if bw, ok := g.w.(BatchWriter); ok {
		g.writeBatch(bw, buf, ends)
		return g.settle(buf, ends, true)
	}
	if _, ok := g.w.(chunked); ok {
		g.writeChunks(buf, ends)
		return g.settle(buf, ends, true)
	}
	start := 0
	for i, end := range ends {
		_, err := g.write(buf[start:end])
		start = end
		g.writes.Add(1)
		if err != nil && g.opts.OnError != nil {
			g.opts.OnError(err) // before the batch is done: a Flush returns after it
		}
		last := i == len(ends)-1
		if !last && !g.flagged.Load() {
			// Neither stalled nor closed (if that changes now, the next record sees it): the
			// lock per record cost as much as the write(2) to /dev/null.
			continue
		}
		if !g.settle(buf, ends, last) {
			return false
		}
	}
	return true
}

// settle takes note of the writes of the batch buf, ends so far: it ends a stall, and, when
// last, accounts for the batch. It reports false when the Writer was closed (Close counted what
// was left).
func (g *Writer) settle(buf []byte, ends []int, last bool) bool {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return false
	}
	resumed, lost := g.stalled, g.lostStall
	if resumed {
		g.stalled, g.lostStall = false, 0
		g.flagged.Store(false)
		g.notifyLocked()
		if !g.watching { // it may block again within this batch
			g.watching, g.seen = true, g.writes.Load()
			g.watchdog.Reset(g.bound)
		}
	}
	if last {
		g.doneSeq += uint64(len(ends))
		g.inflight, g.inflightB, g.batchAt = 0, 0, g.writes.Load()
		if cap(buf) <= 2*g.max {
			g.spare, g.spareEnds = buf[:0], ends[:0]
		}
		g.notifyLocked()
	}
	g.mu.Unlock()
	if resumed && g.opts.OnResume != nil {
		g.opts.OnResume(lost)
	}
	return true
}

// inflightLocked returns how many records of the batch the goroutine took are not yet
// written (the batch is accounted for at its end). g.mu is held.
func (g *Writer) inflightLocked() int {
	return g.inflight - int(g.writes.Load()-g.batchAt)
}

// write passes p on (one record, or a chunk of them), turning a panic of the writer into an
// error.
func (g *Writer) write(p []byte) (n int, err error) { return safeWrite(g.w, p) }

// safeWrite is w.Write(p) with a panic of w turned into an error.
func safeWrite(w io.Writer, p []byte) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError(r)
		}
	}()
	return w.Write(p)
}

// writeAfterClose passes p, written after Close, to Options.AfterClose under g.mu (whole
// records, in order, also for a writer that is not safe for concurrent use), or counts it as
// dropped; it unlocks g.mu.
func (g *Writer) writeAfterClose(p []byte) {
	w := g.opts.AfterClose
	if w == nil {
		g.mu.Unlock()
		g.dropped.Add(1)
		return
	}
	_, err := safeWrite(w, p)
	g.mu.Unlock()
	if err != nil && g.opts.OnError != nil {
		g.opts.OnError(err)
	}
}

// panicError is the error a panic of the underlying writer becomes.
func panicError(r any) error { return fmt.Errorf("writer panicked: %v", r) }

// BatchWriter is an underlying writer that takes many records in one call, such as
// filelog.File: the Writer passes each batch of queued records on with one WriteBatch instead
// of one Write per record, saving a system call per record.
type BatchWriter interface {
	// WriteBatch writes the records of p, record i ending at offset ends[i] (the last end is
	// len(p)), each whole or not at all as far as it can, and returns how many did not reach
	// the writer and the last error (nil when none failed).
	WriteBatch(p []byte, ends []int) (failed int, err error)
}

// writeBatch passes a batch on to w, counts its records as written (attempted), and passes
// each failed record's error to OnError; a panic of w fails the whole batch.
func (g *Writer) writeBatch(w BatchWriter, p []byte, ends []int) {
	failed, err := func() (failed int, err error) {
		defer func() {
			if r := recover(); r != nil {
				failed, err = len(ends), panicError(r)
			}
		}()
		return w.WriteBatch(p, ends)
	}()
	g.writes.Add(uint64(len(ends)))
	g.reportFailed(failed, err)
}

// reportFailed passes err to OnError once for each of the failed records of a batch, as Write's
// errors are passed on one per record.
func (g *Writer) reportFailed(failed int, err error) {
	if err != nil && g.opts.OnError != nil {
		for range failed {
			g.opts.OnError(err)
		}
	}
}

// check runs a bound after the watchdog was armed (by a batch starting): it declares the writer
// stalled when records wait and no Write has completed since, looks again a bound later when
// one has, and goes idle when nothing waits.
func (g *Writer) check() {
	n := g.writes.Load()
	g.mu.Lock()
	waiting := len(g.ends) > 0 || g.inflightLocked() > 0
	if !waiting || g.stalled || g.closed {
		g.watching = false
		g.mu.Unlock()
		return
	}
	if n != g.seen {
		g.seen = n
		g.watchdog.Reset(g.bound)
		g.mu.Unlock()
		return
	}
	g.stalled, g.watching = true, false
	g.flagged.Store(true)
	queued := len(g.ends) + g.inflightLocked()
	g.mu.Unlock()
	if g.opts.OnStall != nil {
		g.opts.OnStall(queued)
	}
	// The waiting callers learn of the stall after OnStall has run: their records are dropped
	// once the stall is reported.
	g.mu.Lock()
	g.notifyLocked()
	g.mu.Unlock()
}

// Flush waits until every record queued before it was called has been written, or the writer
// is stalled or closed, or ctx is done. It reports whether everything was written.
func (g *Writer) Flush(ctx context.Context) bool { return g.flush(ctx.Done(), nil) }

// flush is Flush until stop is closed or timeout fires (either may be nil).
func (g *Writer) flush(stop <-chan struct{}, timeout <-chan time.Time) bool {
	g.kick()
	g.mu.Lock()
	defer g.mu.Unlock()
	target := g.queuedSeq
	for g.doneSeq < target && !g.stalled && !g.closed {
		if !g.waitLocked(stop, timeout) {
			return false
		}
	}
	return g.doneSeq >= target
}

// Close stops the Writer: the records still queued are dropped (counted in Dropped and
// returned) and later Writes are discarded, uncounted. A Write in progress on the underlying
// writer is not interrupted; its goroutine ends when it returns. Closing again returns 0.
func (g *Writer) Close() (lost uint64) {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return 0
	}
	g.closed = true
	g.flagged.Store(true)
	lost = uint64(len(g.ends) + g.inflightLocked())
	g.buf, g.ends, g.inflight, g.inflightB = nil, nil, 0, 0
	g.notifyLocked()
	g.watchdog.Stop()
	g.delay.Stop()
	g.mu.Unlock()
	close(g.quit)
	g.dropped.Add(lost)
	return lost
}

// Dropped returns how many records were dropped: while the writer was stalled, and those
// still queued at Close.
func (g *Writer) Dropped() uint64 { return g.dropped.Load() }

// Stalled reports whether the writer is declared stalled now.
func (g *Writer) Stalled() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.stalled
}

// fdWriter is a writer backed by a file descriptor, such as *os.File.
type fdWriter interface{ Fd() uintptr }

// fdGuard is a Writer whose underlying writer has a file descriptor. It shows that descriptor,
// so that a handler given it still detects a terminal (its width, its colors).
type fdGuard struct {
	*Writer
	f fdWriter
}

// Fd returns the underlying writer's file descriptor.
func (g fdGuard) Fd() uintptr { return g.f.Fd() }

// Target returns g as the io.Writer to give a handler: g itself, or, when the underlying
// writer has a file descriptor (an *os.File), g with an Fd method returning it.
func (g *Writer) Target() io.Writer {
	if f, ok := g.w.(fdWriter); ok {
		return fdGuard{g, f}
	}
	return g
}

// Serializes reports whether w is a Writer, as Target returns it: one whose Write takes each
// call whole, in order, under its own lock, so that a handler writing to it needs no lock of
// its own (a second lock per record, and a second one the logging goroutines contend for).
func Serializes(w io.Writer) bool {
	switch w.(type) {
	case *Writer, fdGuard:
		return true
	}
	return false
}

// Sync is Flush waiting at most the bound: for a record that must be out before the caller
// goes on (one logged just before the program exits).
func (g *Writer) Sync() bool {
	g.mu.Lock()
	idle := g.doneSeq >= g.queuedSeq
	g.mu.Unlock()
	if idle {
		return true
	}
	t := syncTimers.Get().(*time.Timer)
	t.Reset(g.bound)
	ok := g.flush(nil, t.C)
	t.Stop() // a stopped timer's channel holds nothing (Go 1.23 timers): ready for reuse
	syncTimers.Put(t)
	return ok
}

// syncTimers are Sync's timers, stopped, reused: Sync runs after every error record.
var syncTimers = sync.Pool{New: func() any {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}}
