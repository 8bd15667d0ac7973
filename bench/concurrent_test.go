package bench

import (
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/logbridge/logbridge/internal/benchutil"
)

// BenchmarkConcurrent is the fan-out and its peer (fanoutCase) under 1 and 2 goroutines
// logging the request record, with GOMAXPROCS 2 in both (whatever -cpu says), so that the
// background work (the OTLP processor's goroutines, the garbage collector) has the same room.
// Metric: records/s, wall clock, all goroutines together; benchreport divides goroutines=2 by
// goroutines=1 for the scaling. Goal: logbridge's 2-goroutine throughput >= 1.6x its own
// 1-goroutine throughput. (On a machine whose other tenants keep the cores busy, no side can
// scale: compare logbridge's scaling with the peer's, measured under the same load.)
func BenchmarkConcurrent(b *testing.B) {
	peer, ours := fanoutCase(b)
	for _, im := range []impl{peer, ours} {
		b.Run("impl="+im.name, func(b *testing.B) {
			l := requestLogger(im.logger)
			for _, g := range []int{1, 2} {
				b.Run("goroutines="+strconv.Itoa(g), func(b *testing.B) {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
					b.ReportAllocs()
					cpu := benchutil.StartCPU()
					t0 := time.Now()
					var wg sync.WaitGroup
					for w := range g {
						n := b.N / g
						if w < b.N%g {
							n++
						}
						wg.Go(func() {
							for range n {
								logRequest(l, spanContext, markupMessage)
							}
						})
					}
					wg.Wait()
					b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "records/s")
					cpu.Report(b)
				})
			}
		})
	}
}
