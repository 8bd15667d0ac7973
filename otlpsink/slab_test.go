package otlpsink

import (
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestSlabString checks that carved strings keep their text while later ones fill and replace
// the chunks, and that what the slab does not carve is still right.
func TestSlabString(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, ""},
		{"short", []byte("{ID:abc Index:1}"), "{ID:abc Index:1}"},
		{"invalid UTF-8", []byte("a\xffb"), "a\uFFFDb"},
		{"longer than slabMax", []byte(strings.Repeat("x", slabMax+1)), strings.Repeat("x", slabMax+1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := slabString(tc.in); got != tc.want {
				t.Errorf("slabString(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	t.Run("not aliased", func(t *testing.T) {
		b := []byte("mutable")
		s := slabString(b)
		copy(b, "XXXXXXX")
		if s != "mutable" {
			t.Errorf("the string follows its source: %q", s)
		}
	})
	t.Run("kept across chunks", func(t *testing.T) {
		// Enough strings to fill several chunks, from several goroutines (-race).
		const n = 4 * slabChunk / 8
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				got := make([]string, n)
				buf := make([]byte, 0, 16)
				for i := range got {
					buf = strconv.AppendInt(append(buf[:0], byte('a'+g)), int64(i), 10)
					got[i] = slabString(buf)
				}
				for i, s := range got {
					if want := string(rune('a'+g)) + strconv.Itoa(i); s != want {
						t.Errorf("string %d is %q, want %q", i, s, want)
						return
					}
				}
			})
		}
		wg.Wait()
	})
}
