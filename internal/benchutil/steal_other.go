//go:build !linux

package benchutil

// MachineTicks returns ok false: the machine's steal time is read on Linux only.
func MachineTicks() (steal, total uint64, ok bool) { return 0, 0, false }
