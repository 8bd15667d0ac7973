package handoff

import (
	"context"
	"io"
	"testing"
)

// TestSyncAllocs checks that a Write followed by Sync, as the fan-out does for every error
// record, allocates nothing once the buffers are warm: no channel per batch, no context or
// timer per Sync.
func TestSyncAllocs(t *testing.T) {
	if raceDetector {
		t.Skip("the race detector allocates")
	}
	g := New(io.Discard, Options{})
	defer g.Close()
	rec := []byte("a record\n")
	for _, tc := range []struct {
		name string
		wait func() bool
	}{
		{"Sync", g.Sync},
		{"Flush", func() bool { return g.Flush(context.Background()) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := testing.AllocsPerRun(200, func() {
				g.Write(rec)
				if !tc.wait() {
					t.Error("not written")
				}
			})
			if n != 0 {
				t.Errorf("Write and %s allocate %v times, want 0", tc.name, n)
			}
		})
	}
	if g.Stalled() {
		t.Error("stalled")
	}
}
