package console

import (
	"testing"
	"time"
)

// The clock column is t.Format("15:04:05.000") for times in different seconds and locations,
// in any order (the cache of the last second must never show another second's or zone's clock).
func TestAppendClockMillis(t *testing.T) {
	base := time.Date(2026, 3, 29, 0, 59, 58, 999_000_000, time.UTC) // 1:00 UTC: DST starts in Europe
	locs := []*time.Location{time.UTC, time.FixedZone("X", 5*3600+1800)}
	if l, err := time.LoadLocation("Europe/Berlin"); err == nil {
		locs = append(locs, l)
	}
	for _, d := range []time.Duration{0, time.Millisecond, time.Second, time.Hour, -time.Hour, 0, 2 * time.Second} {
		for _, loc := range locs {
			tm := base.Add(d).In(loc)
			for range 2 {
				if got, want := string(appendClockMillis(nil, tm)), tm.Format("15:04:05.000"); got != want {
					t.Errorf("%v: %q, want %q", tm, got, want)
				}
			}
		}
	}
}
