package textenc

import (
	"strings"
	"testing"
)

// TestHolds checks Holds against a byte-at-a-time reference for every length up to three
// words and an ASCII byte at every position: the short and overlapping-tail words must not
// miss a byte nor read past the string.
func TestHolds(t *testing.T) {
	for _, st := range []struct {
		name string
		set  *ByteSet
	}{{"Printable", Printable}, {"Literal", Literal}, {"Unquoted", Unquoted}, {"UnquotedSpaced", UnquotedSpaced}, {"BelowDEL", BelowDEL}} {
		if !st.set.Holds("") {
			t.Errorf("%s.Holds(\"\") = false", st.name)
		}
		for n := 1; n <= 24; n++ {
			if !st.set.Holds(strings.Repeat("a", n)) {
				t.Errorf("%s.Holds(%d × a) = false", st.name, n)
			}
			for c := range 0x80 {
				for pos := range n {
					b := []byte(strings.Repeat("a", n))
					b[pos] = byte(c)
					// A fresh allocation of exactly n bytes, so that a read past the end
					// would see what follows (and the race detector's checks would catch it).
					s := string(b)
					if got, want := st.set.Holds(s), st.set.Has(byte(c)); got != want {
						t.Errorf("%s.Holds(%q) = %v, want %v", st.name, s, got, want)
					}
				}
			}
		}
	}
}

// BenchmarkHolds: Holds on slog's keys (4 to 8 bytes) and a longer value, against the
// byte-at-a-time loop it replaced for the bytes that do not fill a word.
func BenchmarkHolds(b *testing.B) {
	texts := []string{"string", "status", "duration", "time", "error", "7e3b3b2aaeff56a7108fe11e154200dd/7819479873059528190"}
	b.Run("words", func(b *testing.B) {
		for b.Loop() {
			for _, s := range texts {
				if !Unquoted.Holds(s) {
					b.Fatal("holds")
				}
			}
		}
	})
	b.Run("bytes", func(b *testing.B) {
		for b.Loop() {
			for _, s := range texts {
				i := Unquoted.SpanWords(s, 0)
				for i < len(s) && Unquoted.in[s[i]] {
					i++
				}
				if i != len(s) {
					b.Fatal("holds")
				}
			}
		}
	})
}

// TestSpanTail checks Span from every start against the byte-at-a-time rule for every length
// up to three words, with a byte outside the set at every position: the tail word must not
// reach past the run.
func TestSpanTail(t *testing.T) {
	for n := 1; n <= 24; n++ {
		for pos := range n {
			b := []byte(strings.Repeat("a", n))
			b[pos] = '"'
			s := string(b)
			for start := 0; start <= n; start++ {
				want := n
				if pos >= start {
					want = pos
				}
				if got := Literal.Span(s, start); got != want {
					t.Errorf("Literal.Span(%q, %d) = %d, want %d", s, start, got, want)
				}
			}
		}
	}
}

// BenchmarkSpanTail: Span on texts whose length is not a multiple of 8 (an error text, a
// message, a value, a key), against the byte-at-a-time tail it replaced.
func BenchmarkSpanTail(b *testing.B) {
	texts := []string{"load order: order not found", "Test logging, but use a somewhat realistic message length.", "7e3b3b2aaeff56a7108fe11e154200dd/7819479873059528190", "req-7f3a9c21", "route"}
	b.Run("words", func(b *testing.B) {
		for b.Loop() {
			for _, s := range texts {
				if Printable.Span(s, 0) != len(s) {
					b.Fatal("span")
				}
			}
		}
	})
	b.Run("bytes", func(b *testing.B) {
		for b.Loop() {
			for _, s := range texts {
				i := Printable.SpanWords(s, 0)
				for i < len(s) && Printable.in[s[i]] {
					i++
				}
				if i != len(s) {
					b.Fatal("span")
				}
			}
		}
	})
}

// TestBareShort checks BareShort against NeedsQuoting for every length up to 10 and every
// byte (ASCII or not) at every position: it must say true exactly for the 4 to 8 bytes that
// NeedsQuoting lets stand bare and that are all ASCII, and never read past the string.
func TestBareShort(t *testing.T) {
	for n := 0; n <= 10; n++ {
		for c := range 0x100 {
			for pos := range max(n, 1) {
				b := []byte(strings.Repeat("a", n))
				if n > 0 {
					b[pos] = byte(c)
				}
				s := string(b) // exactly n bytes: see TestHolds
				want := n >= 4 && n <= 8 && c < 0x80 && !NeedsQuoting(s)
				if got := BareShort(s); got != want {
					t.Errorf("BareShort(%q) = %v, want %v", s, got, want)
				}
			}
		}
	}
}
