package benchutil

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"
)

// MachineTicks returns the machine's CPU time counters from /proc/stat, in clock ticks, all
// CPUs together. ok is false where they cannot be read.
func MachineTicks() (t Ticks, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return Ticks{}, false
	}
	return parseCPULine(b)
}

// parseCPULine reads the first line of /proc/stat ("cpu  user nice system idle iowait irq
// softirq steal guest guest_nice"): idle is its 4th and 5th counters, steal its 8th; guest
// and guest_nice are already counted in user and nice, so they are not added to the total.
func parseCPULine(b []byte) (t Ticks, ok bool) {
	line, _, _ := bytes.Cut(b, []byte{'\n'})
	f := bytes.Fields(line)
	if len(f) < 9 || string(f[0]) != "cpu" {
		return Ticks{}, false
	}
	for i, s := range f[1:9] {
		v, err := strconv.ParseUint(string(s), 10, 64)
		if err != nil {
			return Ticks{}, false
		}
		t.Total += v
		switch i {
		case 3, 4:
			t.Idle += v
		case 7:
			t.Steal = v
		}
	}
	return t, true
}

// ProcessTime returns the CPU time (user and system, all its threads) process pid has used so
// far, from /proc/<pid>/stat. ok is false where it cannot be read.
func ProcessTime(pid int) (d time.Duration, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	return parseProcStat(string(b))
}

// parseProcStat reads utime and stime, the 14th and 15th fields of a /proc/<pid>/stat line,
// in clock ticks of 1/100 s (USER_HZ, the same on every Linux architecture). The second field,
// the command name in parentheses, may hold spaces and parentheses: the fields are counted
// after its last ')'.
func parseProcStat(s string) (time.Duration, bool) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:]) // from the 3rd field, state
	if len(f) < 13 {
		return 0, false
	}
	var ticks uint64
	for _, x := range f[11:13] {
		v, err := strconv.ParseUint(x, 10, 64)
		if err != nil {
			return 0, false
		}
		ticks += v
	}
	return time.Duration(ticks) * (time.Second / userHZ), true
}

// userHZ is the unit of the kernel's CPU time counters in /proc.
const userHZ = 100
