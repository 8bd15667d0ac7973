// Package spinlock takes a sync.Mutex the way a log call should under contention: it spins,
// then yields, before it parks.
//
// sync.Mutex spins only while the caller's run queue is empty, and a log call has often just
// woken a sink's goroutine (a hand-off writer, the OTLP worker) onto it: under contention it
// parks at once, and the unlock wakes it onto the unlocking goroutine's processor, where it
// waits to be stolen while its own processor's thread sleeps. With 2 goroutines logging
// through the fan-out, about one call in 250 parked so, and the process got about 1.7 of the
// machine's 2 cores; spinning, then yielding (which also lets a holder preempted on this
// processor finish), it got about 1.85 (bench/notes.md, 2026-12-07, night).
package spinlock

import (
	"runtime"
	"sync"
)

// spins is how many times Lock tries the mutex before it yields, about a microsecond: more
// than a sink's critical section. yields is how many times it yields before it parks.
const (
	spins  = 100
	yields = 50
)

// Lock locks mu. Use it where a log call takes a lock other log calls contend for.
func Lock(mu *sync.Mutex) {
	if !mu.TryLock() {
		lockSlow(mu)
	}
}

func lockSlow(mu *sync.Mutex) {
	for range spins {
		if mu.TryLock() {
			return
		}
	}
	for range yields {
		runtime.Gosched()
		if mu.TryLock() {
			return
		}
	}
	mu.Lock()
}
