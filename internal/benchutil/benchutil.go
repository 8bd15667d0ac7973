// Package benchutil holds what logbridge's benchmarks share: the cpu-ns/op metric, and the
// machine's and other processes' CPU time counters (MachineTicks, ProcessTime; Linux only).
//
// # cpu-ns/op
//
// On a shared, loaded machine ns/op also counts the time a benchmark spent waiting for a CPU.
// CPU measures the process's CPU time (user and system, every thread: background goroutines
// such as an OTLP processor's exporters and the garbage collector included) over the timed
// loop and reports it per operation as cpu-ns/op, next to ns/op. Run with -cpu 1 so that the
// only work in the process is the benchmark's own.
//
//	cpu := benchutil.StartCPU()
//	for b.Loop() { ... }
//	cpu.Report(b)
package benchutil

import (
	"testing"
	"time"
)

// Metric is the unit CPU.Report reports in.
const Metric = "cpu-ns/op"

// CPU is a CPU-time measurement started by StartCPU.
type CPU struct{ start time.Duration }

// StartCPU starts measuring the process's CPU time.
func StartCPU() CPU { return CPU{start: Time()} }

// Report reports the CPU time used since StartCPU per b.N operations, as cpu-ns/op. Where the
// CPU time cannot be read it reports nothing.
func (c CPU) Report(b *testing.B) {
	if d := Time() - c.start; c.start > 0 && d > 0 && b.N > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), Metric)
	}
}

// ReportSince is StartCPU and Report for callers that keep the start time themselves (Time's
// value before the loop).
func ReportSince(b *testing.B, start time.Duration) { CPU{start: start}.Report(b) }

// Ticks are the machine's CPU time counters (MachineTicks), in clock ticks, all CPUs together:
// the time no process wanted a CPU (idle, I/O wait included), the time the hypervisor gave to
// other guests (steal), and the total.
type Ticks struct {
	Idle, Steal, Total uint64
}

// Share returns the shares of idle and steal time in the ticks from t0 to t, in percent; ok
// is false if no time passed.
func (t Ticks) Share(t0 Ticks) (idle, steal float64, ok bool) {
	if t.Total <= t0.Total {
		return 0, 0, false
	}
	total := float64(t.Total - t0.Total)
	return 100 * float64(t.Idle-t0.Idle) / total, 100 * float64(t.Steal-t0.Steal) / total, true
}
