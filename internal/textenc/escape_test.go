package textenc

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestUnsafeRune checks the rule against the runes it names, one by one, and their
// neighbours.
func TestUnsafeRune(t *testing.T) {
	unsafe := []rune{0x80, 0x85, 0x9b, 0x9f, 0x2028, 0x2029, 0x061c, 0x200e, 0x200f,
		0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069}
	safe := []rune{0xa0, 0xe9, 0x061b, 0x061d, 0x200d, 0x2010, 0x2027, 0x202f, 0x2065, 0x206a, 0x65e5, 0x1f600}
	for _, r := range unsafe {
		if !UnsafeRune(r) {
			t.Errorf("%U: not unsafe", r)
		}
		// Quoted text (strconv.Quote's rule) escapes every unsafe rune too.
		if strconv.IsPrint(r) {
			t.Errorf("%U: unsafe but left as it is in quoted text", r)
		}
	}
	for _, r := range safe {
		if UnsafeRune(r) {
			t.Errorf("%U: unsafe", r)
		}
	}
}

func TestAppendEscaped(t *testing.T) {
	for _, tc := range []struct {
		in          string
		e           Escaping
		want        string
		wantTakenOf int // -1: all
	}{
		{"plain text", Shown, "plain text", -1},
		{"a\x1b[31mb\r\n\x7f", Shown, `a\x1b[31mb\r\n\x7f`, -1},
		{"\xff\u202e\u0085é\"\\", Shown, `\xff\u202e\u0085é"\`, -1},
		{"ab\tcd", ShownLines, "ab", 2},
		{"ab\x1bc\nd", ShownLines, `ab\x1bc`, 4},
		{"a\"b\\c\u00ad\U000e0001", Quoted, `a\"b\\c\u00ad\U000e0001`, -1},
	} {
		got, n := AppendEscaped(nil, tc.in, tc.e)
		want := tc.wantTakenOf
		if want < 0 {
			want = len(tc.in)
		}
		if string(got) != tc.want || n != want {
			t.Errorf("AppendEscaped(%q, %d) = %q, %d; want %q, %d", tc.in, tc.e, got, n, tc.want, want)
		}
	}
}

// TestByteSets checks the word-at-a-time spans against each set's byte-at-a-time definition,
// for every byte value in every position of a word and in the tail.
func TestByteSets(t *testing.T) {
	sets := []struct {
		name string
		set  *ByteSet
		in   func(c int) bool
	}{
		{"Printable", Printable, func(c int) bool { return c >= 0x20 && c < 0x7f }},
		{"Literal", Literal, func(c int) bool { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' }},
		{"Unquoted", Unquoted, func(c int) bool { return c > 0x20 && c < 0x7f && c != '"' && c != '=' }},
		{"UnquotedSpaced", UnquotedSpaced, func(c int) bool { return c >= 0x20 && c < 0x7f && c != '"' && c != '=' }},
		{"BelowDEL", BelowDEL, func(c int) bool { return c < 0x7f }},
	}
	for _, st := range sets {
		for c := range 256 {
			if st.set.Has(byte(c)) != st.in(c) {
				t.Errorf("%s.Has(%#x) = %v", st.name, c, !st.in(c))
			}
			for pos := range 21 {
				b := []byte(strings.Repeat("a", 21))
				b[pos] = byte(c)
				want := 21
				if !st.in(c) {
					want = pos
				}
				if got := st.set.Span(string(b), 0); got != want {
					t.Errorf("%s: byte %#x at %d: span %d, want %d", st.name, c, pos, got, want)
				}
			}
		}
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

// shownProblem returns what in out could act on a terminal or a reader: a control byte, DEL,
// invalid UTF-8 or an unsafe rune; "" when there is none.
func shownProblem(out string) string {
	for i, r := range out {
		switch {
		case r < 0x20 || r == 0x7f:
			return fmt.Sprintf("control byte %#x at %d", r, i)
		case r == utf8.RuneError && !strings.HasPrefix(out[i:], "\uFFFD"):
			return fmt.Sprintf("invalid UTF-8 at %d", i)
		case r >= 0x80 && UnsafeRune(r):
			return fmt.Sprintf("unsafe rune %U at %d", r, i)
		}
	}
	return ""
}

func FuzzQuoting(f *testing.F) {
	for _, s := range []string{"", "abc", "a b", "a=b", `"`, `\`, "\x7f", "\x1b[31m", "日本", "\u202e", "\xff", "abcdefghijklmnop", "abcdefgh ijklmnop", "a\tb\nc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := slogNeedsQuoting(s) || strings.IndexByte(s, 0x7f) >= 0 // DEL, which slog leaves bare
		if got := NeedsQuoting(s); got != want {
			t.Errorf("NeedsQuoting(%q) = %v, want %v", s, got, want)
		}
		if got, want := string(AppendQuoted(nil, s)), strconv.Quote(s); got != want {
			t.Errorf("AppendQuoted(%q) = %s, want %s", s, got, want)
		}
		if p := shownProblem(string(AppendSafe(nil, s))); p != "" {
			t.Errorf("AppendSafe(%q): %s", s, p)
		}
		// ShownLines is Shown up to the first '\n' or '\t'.
		got, n := AppendEscaped(nil, s, ShownLines)
		if i := strings.IndexAny(s, "\n\t"); i >= 0 && n != i || i < 0 && n != len(s) {
			t.Errorf("AppendEscaped(%q, ShownLines) took %d", s, n)
		}
		if want := AppendSafe(nil, s[:n]); string(got) != string(want) {
			t.Errorf("AppendEscaped(%q, ShownLines) = %q, want %q", s, got, want)
		}
	})
}
