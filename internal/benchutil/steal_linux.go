package benchutil

import (
	"bytes"
	"os"
	"strconv"
)

// MachineTicks returns the machine's CPU time counters from /proc/stat, in clock ticks, all
// CPUs together: the time the hypervisor gave to other guests (steal) and the total. ok is
// false where they cannot be read.
func MachineTicks() (steal, total uint64, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	return parseCPULine(b)
}

// parseCPULine reads the first line of /proc/stat ("cpu  user nice system idle iowait irq
// softirq steal guest guest_nice"): steal is its 8th counter; guest and guest_nice are already
// counted in user and nice, so they are not added to the total.
func parseCPULine(b []byte) (steal, total uint64, ok bool) {
	line, _, _ := bytes.Cut(b, []byte{'\n'})
	f := bytes.Fields(line)
	if len(f) < 9 || string(f[0]) != "cpu" {
		return 0, 0, false
	}
	for i, s := range f[1:9] {
		v, err := strconv.ParseUint(string(s), 10, 64)
		if err != nil {
			return 0, 0, false
		}
		total += v
		if i == 7 {
			steal = v
		}
	}
	return steal, total, true
}
