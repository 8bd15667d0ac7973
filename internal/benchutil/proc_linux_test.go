package benchutil

import (
	"os"
	"testing"
	"time"
)

func TestParseCPULine(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want Ticks
		ok   bool
	}{
		{"kernel line", "cpu  48927 0 10938 71029 248 0 325 8360 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n", Ticks{Idle: 71277, Steal: 8360, Total: 139827}, true},
		{"no guest fields", "cpu  1 2 3 4 5 6 7 8\n", Ticks{Idle: 9, Steal: 8, Total: 36}, true},
		{"too short", "cpu  1 2 3 4 5 6 7\n", Ticks{}, false},
		{"not the cpu line", "intr 1 2 3 4 5 6 7 8 9\n", Ticks{}, false},
		{"not a number", "cpu  1 2 3 4 5 6 7 x 9 10\n", Ticks{}, false},
		{"empty", "", Ticks{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseCPULine([]byte(tc.in))
			if got != tc.want || ok != tc.ok {
				t.Errorf("parseCPULine(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestMachineTicks(t *testing.T) {
	got, ok := MachineTicks()
	if !ok || got.Total == 0 || got.Steal+got.Idle > got.Total {
		t.Fatalf("MachineTicks() = %+v, %v: want the counters of /proc/stat", got, ok)
	}
}

func TestTicksShare(t *testing.T) {
	t0 := Ticks{Idle: 100, Steal: 10, Total: 1000}
	if idle, steal, ok := (Ticks{Idle: 150, Steal: 35, Total: 1200}).Share(t0); !ok || idle != 25 || steal != 12.5 {
		t.Errorf("Share = %v, %v, %v; want 25, 12.5, true", idle, steal, ok)
	}
	if _, _, ok := t0.Share(t0); ok {
		t.Error("Share over no time: ok")
	}
}

func TestParseProcStat(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want time.Duration
		ok   bool
	}{
		{"kernel line", "4242 (otelcol) S 1 4242 4242 0 -1 4194560 12345 0 0 0 150 37 0 0 20 0 9 0 1234 5000000 3000 18446744073709551615\n", 1870 * time.Millisecond, true},
		{"name with spaces and parentheses", "7 (a b) (c)) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 1 1 1\n", 70 * time.Millisecond, true},
		{"too short", "7 (x) R 1 7 7 0 -1 0 0 0 0 0 3\n", 0, false},
		{"not a number", "7 (x) R 1 7 7 0 -1 0 0 0 0 0 3 y 0\n", 0, false},
		{"no name", "7 x R 1", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseProcStat(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("parseProcStat(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestProcessTime reads this process's own CPU time both ways: /proc agrees with getrusage
// (to the kernel's tick, with a margin for the time between the two reads).
func TestProcessTime(t *testing.T) {
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); { // use some CPU
	}
	got, ok := ProcessTime(os.Getpid())
	self := Time()
	if !ok || got <= 0 || got > self+time.Second/userHZ || self-got > 100*time.Millisecond {
		t.Fatalf("ProcessTime(self) = %v, %v; getrusage says %v", got, ok, self)
	}
}
