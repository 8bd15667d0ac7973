package console

import (
	"fmt"
	"testing"
	"time"
)

type inner struct {
	F float32
	U uint8
}

type outer struct {
	S  string
	I  int64
	B  bool
	In inner
	f  float64
}

type withStringer struct{ D time.Duration } // D has a String method: fmt calls it

func TestPlainStruct(t *testing.T) {
	vals := []any{
		outer{"s", -4, true, inner{1.5, 7}, 2.25},
		struct{}{},
		struct{ A, B string }{"x y", ""},
	}
	for _, v := range vals {
		st := newState(NewHandler(nil, &Options{Env: noColorEnv}))
		got, _ := st.appendAnyText(nil, v)
		if want := fmt.Sprintf("%+v", v); string(got) != want {
			t.Errorf("got %q, want %q", got, want)
		}
		st.free()
	}
	st := newState(NewHandler(nil, &Options{Env: noColorEnv}))
	defer st.free()
	if got, _ := st.appendAnyText(nil, withStringer{time.Second}); string(got) != "{D:1s}" {
		t.Errorf("a field with a String method: got %q", got)
	}
}
