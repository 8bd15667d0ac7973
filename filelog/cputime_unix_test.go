//go:build unix

package filelog

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user and system) the process has used. On a shared machine it
// measures the work of a benchmark better than the wall clock, which also counts the time spent
// waiting for a CPU.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
