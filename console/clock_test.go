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

// Time values are "2006-01-02T15:04:05.000Z07:00", from the cache or not, whatever the order.
func TestAppendRFC3339MillisCached(t *testing.T) {
	base := time.Date(2026, 3, 29, 0, 59, 58, 999_000_000, time.UTC)
	locs := []*time.Location{time.UTC, time.FixedZone("X", -(3*3600 + 1800))}
	if l, err := time.LoadLocation("Europe/Berlin"); err == nil {
		locs = append(locs, l)
	}
	for _, d := range []time.Duration{0, time.Millisecond, time.Second, time.Hour, -24 * time.Hour, 0, 2 * time.Second} {
		for _, loc := range locs {
			tm := base.Add(d).In(loc)
			for range 3 {
				if got, want := string(appendRFC3339Millis(nil, tm)), tm.Format("2006-01-02T15:04:05.000Z07:00"); got != want {
					t.Errorf("%v: %q, want %q", tm, got, want)
				}
			}
		}
	}
	far := time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC) // past year 9999: time.Format's way
	for range 3 {
		if got, want := string(appendRFC3339Millis(nil, far)), far.Format("2006-01-02T15:04:05.000Z07:00"); got != want {
			t.Errorf("%v: %q, want %q", far, got, want)
		}
	}
}
