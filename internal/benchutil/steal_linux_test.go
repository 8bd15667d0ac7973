package benchutil

import "testing"

func TestParseCPULine(t *testing.T) {
	for _, tc := range []struct {
		name         string
		in           string
		steal, total uint64
		ok           bool
	}{
		{"kernel line", "cpu  48927 0 10938 71029 248 0 325 8360 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n", 8360, 139827, true},
		{"no guest fields", "cpu  1 2 3 4 5 6 7 8\n", 8, 36, true},
		{"too short", "cpu  1 2 3 4 5 6 7\n", 0, 0, false},
		{"not the cpu line", "intr 1 2 3 4 5 6 7 8 9\n", 0, 0, false},
		{"not a number", "cpu  1 2 3 4 5 6 7 x 9 10\n", 0, 0, false},
		{"empty", "", 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			steal, total, ok := parseCPULine([]byte(tc.in))
			if steal != tc.steal || total != tc.total || ok != tc.ok {
				t.Errorf("parseCPULine(%q) = %d, %d, %v; want %d, %d, %v", tc.in, steal, total, ok, tc.steal, tc.total, tc.ok)
			}
		})
	}
}

func TestMachineTicks(t *testing.T) {
	steal, total, ok := MachineTicks()
	if !ok || total == 0 || steal > total {
		t.Fatalf("MachineTicks() = %d, %d, %v: want the counters of /proc/stat", steal, total, ok)
	}
}
