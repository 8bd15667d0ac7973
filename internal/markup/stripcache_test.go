package markup

import (
	"strconv"
	"sync"
	"testing"
)

// The cache gives what the parse gives, on a miss, on the call that stores and on hits, for
// Strip and AppendStrip alike, and for results that are s itself, a prefix of s or new text.
func TestStripCache(t *testing.T) {
	for _, s := range []string{
		"[bold red]failed[/] after [dim]3[/dim] tries",
		"[INFO] user [admin] ok",                     // nothing stripped: s itself
		"done [bold]",                                // a prefix of s
		`a \[bold] b [i]c[/i]`,                       // escapes
		"[link=https://x]y[/link]",                   // a parameter
		"[b]" + string(make([]byte, maxStripCached)), // too long to be stored
	} {
		want := strip(s)
		for i := range 4 {
			if got := Strip(s); got != want {
				t.Errorf("Strip(%q) call %d = %q, want %q", s, i, got, want)
			}
			if got := string(AppendStrip([]byte("x"), s)); got != "x"+want {
				t.Errorf("AppendStrip(%q) call %d = %q, want %q", s, i, got, "x"+want)
			}
		}
	}
}

// A message that is never repeated costs what it cost without the cache: one allocation for
// Strip's result (the cache stores only messages seen twice).
func TestStripCacheNoExtraAllocs(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("allocation counts")
	}
	msgs := make([]string, 202)
	for i := range msgs {
		msgs[i] = "[bold]request " + strconv.Itoa(i) + "[/] done"
	}
	i := 0
	if n := testing.AllocsPerRun(200, func() { _ = Strip(msgs[i]); i++ }); n != 1 {
		t.Errorf("%v allocs per distinct message, want 1", n)
	}
}

// Concurrent callers with colliding and changing messages always get the right text (run
// with -race).
func TestStripCacheConcurrent(t *testing.T) {
	msgs := make([]string, 3*stripSlots)
	for i := range msgs {
		msgs[i] = "[b]m" + strconv.Itoa(i) + "[/b] [INFO] x"
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			buf := make([]byte, 0, 64)
			for k := range 2000 {
				s := msgs[(k*7+g)%len(msgs)]
				want := strip(s)
				if got := Strip(s); got != want {
					t.Errorf("Strip(%q) = %q, want %q", s, got, want)
					return
				}
				if buf = AppendStrip(buf[:0], s); string(buf) != want {
					t.Errorf("AppendStrip(%q) = %q, want %q", s, buf, want)
					return
				}
			}
		})
	}
	wg.Wait()
}
