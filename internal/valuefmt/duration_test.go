package valuefmt

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestAppendDuration(t *testing.T) {
	ds := []time.Duration{0, 1, 999, 1000, 1500, time.Millisecond, 1500 * time.Microsecond, time.Second,
		90 * time.Second, 23 * time.Hour, -time.Minute, math.MaxInt64, math.MinInt64}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		ds = append(ds, time.Duration(r.Int64N(1<<50)-1<<49))
	}
	for _, d := range ds {
		if got, want := string(AppendDuration(nil, d)), d.String(); got != want {
			t.Errorf("%d: got %q, want %q", int64(d), got, want)
		}
	}
}
