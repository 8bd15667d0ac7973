package spinlock

import (
	"runtime"
	"sync"
	"testing"
)

// TestLockExcludes: goroutines incrementing a plain counter under Lock lose no increment
// (and -race sees no race), at GOMAXPROCS 1 (a holder can only finish if a waiter yields
// or parks) and with every CPU.
func TestLockExcludes(t *testing.T) {
	for _, procs := range []int{1, runtime.NumCPU()} {
		t.Run("", func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			const goroutines, each = 8, 20000
			var mu sync.Mutex
			n := 0
			var wg sync.WaitGroup
			for range goroutines {
				wg.Go(func() {
					for i := range each {
						Lock(&mu)
						n++
						if i%64 == 0 {
							runtime.Gosched() // a holder that gives up its processor
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if n != goroutines*each {
				t.Fatalf("GOMAXPROCS %d: counter %d, want %d", procs, n, goroutines*each)
			}
		})
	}
}
