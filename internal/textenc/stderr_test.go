package textenc

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestErrKindOf(t *testing.T) {
	a := errors.New("a")
	for _, tc := range []struct {
		name string
		err  error
		want ErrKind
	}{
		{"nil", nil, ErrOther},
		{"errors.New", a, ErrLeaf},
		{"fmt.Errorf without %w", fmt.Errorf("x %d", 1), ErrLeaf},
		{"fmt.Errorf %w", fmt.Errorf("w: %w", a), ErrWrap},
		{"fmt.Errorf %w of nil", fmt.Errorf("w: %w", nil), ErrWrap},
		{"fmt.Errorf two %w", fmt.Errorf("%w, %w", a, a), ErrWrapMany},
		{"errors.Join", errors.Join(a, a), ErrJoin},
		{"another type", &fs.PathError{Op: "open", Path: "x", Err: a}, ErrOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrKindOf(tc.err); got != tc.want {
				t.Errorf("ErrKindOf(%#v) = %d, want %d", tc.err, got, tc.want)
			}
		})
	}
}
