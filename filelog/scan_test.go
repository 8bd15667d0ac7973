package filelog

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestScanWords checks the word-at-a-time predicates against the byte-at-a-time definition
// for every byte value in every position of a word.
func TestScanWords(t *testing.T) {
	for c := range 256 {
		for pos := range 8 {
			b := []byte(strings.Repeat("a", 16))
			b[pos] = byte(c)
			s := string(b)
			textStop := c < 0x21 || c == '"' || c == '=' || c >= 0x7f
			msgStop := c < 0x20 || c == '"' || c == '=' || c >= 0x7f
			jsonStop := c < 0x20 || c == '"' || c == '\\' || c >= 0x7f
			if got := textPlain8(s, false) == 0; got != textStop {
				t.Errorf("text byte %#x at %d: stop %v", c, pos, got)
			}
			if got := textPlain8(s, true) == 0; got != msgStop {
				t.Errorf("msg byte %#x at %d: stop %v", c, pos, got)
			}
			if got := jsonPlain8(s) == 0; got != jsonStop {
				t.Errorf("json byte %#x at %d: stop %v", c, pos, got)
			}
		}
	}
	if n := textPlain8(strings.Repeat("a", 21), false); n != 16 {
		t.Errorf("plain prefix %d, want 16", n)
	}
}

// TestAppendMillis compares the hand-made timestamp with time.Format over a wide range of
// instants and offsets, including leap days, negative offsets and years at the edges.
func TestAppendMillis(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("", 5*3600+30*60), time.FixedZone("", -8*3600), time.FixedZone("", 14*3600)}
	check := func(tm time.Time) {
		for _, z := range zones {
			tz := tm.In(z)
			want := tz.Format("2006-01-02T15:04:05.000Z07:00")
			if got := string(appendRFC3339Millis(nil, tz)); got != want {
				t.Fatalf("%v: got %s, want %s", tz, got, want)
			}
			_, off := tz.Zone()
			if got, want := string(appendTime(nil, tz, off, true)), tz.Format(time.RFC3339Nano); got != want {
				t.Fatalf("%v: got %s, want %s", tz, got, want)
			}
		}
	}
	for _, tm := range []time.Time{
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
	} {
		check(tm)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		check(time.Unix(r.Int64N(400*365*86400)-200*365*86400, r.Int64N(1e9)))
	}
}
