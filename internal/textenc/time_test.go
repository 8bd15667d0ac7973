package textenc

import (
	"math/rand/v2"
	"testing"
	"time"
)

const millisLayout = "2006-01-02T15:04:05.000Z07:00"

// The clock is t.Format("15:04:05.000") for times in different seconds and locations, in any
// order (the cache of the last second must never show another second's or zone's clock).
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
				if got, want := string(AppendClockMillis(nil, tm)), tm.Format("15:04:05.000"); got != want {
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
				if got, want := string(AppendRFC3339Millis(nil, tm)), tm.Format(millisLayout); got != want {
					t.Errorf("%v: %q, want %q", tm, got, want)
				}
			}
		}
	}
	far := time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC) // past year 9999: time.Format's way
	for range 3 {
		if got, want := string(AppendRFC3339Millis(nil, far)), far.Format(millisLayout); got != want {
			t.Errorf("%v: %q, want %q", far, got, want)
		}
	}
}

// TestAppendRFC3339 compares the hand-made timestamps with time.Format over a wide range of
// instants and offsets, including leap days, negative offsets and years at the edges, at both
// precisions and at an offset other than the time's own.
func TestAppendRFC3339(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("", 5*3600+30*60), time.FixedZone("", -8*3600), time.FixedZone("", 14*3600)}
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		zones = append(zones, l)
	}
	check := func(tm time.Time) {
		for _, z := range zones {
			tz := tm.In(z)
			if got, want := string(AppendRFC3339Millis(nil, tz)), tz.Format(millisLayout); got != want {
				t.Fatalf("%v: got %s, want %s", tz, got, want)
			}
			_, off := tz.Zone()
			if got, want := string(AppendRFC3339(nil, tz, off, Nano)), tz.Format(time.RFC3339Nano); got != want {
				t.Fatalf("%v: got %s, want %s", tz, got, want)
			}
			if got, want := string(AppendRFC3339(nil, tz, 0, Millis)), tz.UTC().Format(millisLayout); got != want {
				t.Fatalf("%v in UTC: got %s, want %s", tz, got, want)
			}
		}
	}
	for _, tm := range []time.Time{
		time.Unix(0, 0),
		time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC),
		time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(1900, 3, 1, 0, 0, 0, 1e6, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 500e6, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 10, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 123456780, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(-5, 6, 1, 0, 0, 0, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		check(tm)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 30000 {
		check(time.Unix(r.Int64N(400*365*86400)-200*365*86400, r.Int64N(1e9)))
	}
}
