//go:build unix

package benchutil

import (
	"syscall"
	"time"
)

// Time returns the CPU time (user and system) the process has used so far, 0 if unknown.
func Time() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
