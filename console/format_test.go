package console

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestAppendRFC3339Millis(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("x", -(3*3600 + 30*60)), time.FixedZone("y", 5*3600+45*60)}
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		zones = append(zones, l)
	}
	r := rand.New(rand.NewPCG(3, 4))
	times := []time.Time{time.Unix(0, 0), time.Date(2000, 2, 29, 23, 59, 59, 999999999, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)}
	for range 3000 {
		times = append(times, time.Unix(r.Int64N(300*365*86400)-100*365*86400, r.Int64N(1e9)))
	}
	for _, tm := range times {
		for _, z := range zones {
			tz := tm.In(z)
			want := tz.Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z07:00")
			if got := string(appendRFC3339Millis(nil, tz)); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		}
	}
	// Outside years 0-9999: the standard formatting.
	far := time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC)
	if got, want := string(appendRFC3339Millis(nil, far)), far.Format("2006-01-02T15:04:05.000Z07:00"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

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

// slogNeedsQuoting is log/slog's rule (text_handler.go), for comparison.
func slogNeedsQuoting(s string) bool {
	if len(s) == 0 {
		return true
	}
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b != '\\' && (b == ' ' || b == '=' || b == '"' || b < 0x20) {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}

func FuzzQuoting(f *testing.F) {
	for _, s := range []string{"", "abc", "a b", "a=b", `"`, `\`, "\x7f", "\x1b[31m", "日本", "\u202e", "\xff", "abcdefghijklmnop", "abcdefgh ijklmnop"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := slogNeedsQuoting(s)
		for i := 0; i < len(s); i++ {
			if s[i] == 0x7f {
				want = true // DEL, which slog leaves unquoted
			}
		}
		if got := needsQuoting(s); got != want {
			t.Errorf("needsQuoting(%q) = %v, want %v", s, got, want)
		}
		if got, want := string(appendQuoted(nil, s)), strconv.Quote(s); got != want {
			t.Errorf("appendQuoted(%q) = %s, want %s", s, got, want)
		}
		if p := checkTerminalSafe(string(appendSafe(nil, s))); p != "" {
			t.Errorf("appendSafe(%q): %s", s, p)
		}
	})
}
