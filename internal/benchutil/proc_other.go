//go:build !linux

package benchutil

import "time"

// MachineTicks returns ok false: the machine's counters are read on Linux only.
func MachineTicks() (t Ticks, ok bool) { return Ticks{}, false }

// ProcessTime returns ok false: another process's CPU time is read on Linux only.
func ProcessTime(pid int) (d time.Duration, ok bool) { return 0, false }
