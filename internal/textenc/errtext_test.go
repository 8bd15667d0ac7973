package textenc

import (
	"errors"
	"fmt"
	"testing"
)

func TestAppendError(t *testing.T) {
	a, b, c := errors.New("a"), errors.New("b: two words"), errors.New("c")
	for _, tc := range []struct {
		name string
		err  error
		join bool
	}{
		{"plain", a, false},
		{"wrapped", fmt.Errorf("w: %w", a), false},
		{"joined", errors.Join(a, b), true},
		{"joined one", errors.Join(nil, a), true},
		{"joined joins", errors.Join(errors.Join(a, b), fmt.Errorf("w: %w", errors.Join(c, a)), c), true},
		{"multi-%w", fmt.Errorf("%w and %w", a, b), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := string(AppendError([]byte("x="), tc.err)), "x="+tc.err.Error(); got != want {
				t.Errorf("AppendError = %q, want %q", got, want)
			}
			if got := IsJoin(tc.err); got != tc.join {
				t.Errorf("IsJoin = %v, want %v", got, tc.join)
			}
		})
	}
	deep := error(a)
	for range maxJoinDepth + 3 {
		deep = errors.Join(deep, b)
	}
	if got, want := string(AppendError(nil, deep)), deep.Error(); got != want {
		t.Errorf("deep join: AppendError = %q, want %q", got, want)
	}
	if IsJoin(nil) {
		t.Error("IsJoin(nil)")
	}
}

func TestAppendErrorAllocs(t *testing.T) {
	if raceDetector {
		t.Skip("the race detector allocates")
	}
	err := errors.Join(errors.New("a"), errors.Join(errors.New("b"), errors.New("c")))
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { buf = AppendError(buf[:0], err) }); n != 0 {
		t.Errorf("AppendError of a join allocates %v times, want 0", n)
	}
}
