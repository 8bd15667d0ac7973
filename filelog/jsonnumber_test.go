package filelog

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// TestJSONNumberMatchesEncoder: appendJSONNumber writes every float64 as encoding/json does,
// whole numbers (its fast path) and the rest, at the edges of the fast path too.
func TestJSONNumberMatchesEncoder(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 23, 0.5, 1.5, -2.25, 1e15 - 1, 1e15, -1e15 + 1, 1e15 + 2,
		1 << 53, 1<<53 + 2, 1e20, 1e21, 1e-6, 1e-7, 123456789012345, math.MaxInt64, math.SmallestNonzeroFloat64,
		math.MaxFloat64, -math.MaxFloat64, 3600, 86400.5}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		vals = append(vals, float64(r.Int64N(2e15)-1e15), r.NormFloat64()*1e6, float64(r.Int64N(1e6))/8)
	}
	for _, f := range vals {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONNumber(nil, f, 64); string(got) != string(want) {
			t.Errorf("appendJSONNumber(%v) = %s, encoding/json %s", f, got, want)
		}
	}
}
