package textenc

import (
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func TestSourceOf(t *testing.T) {
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	_, file, line, _ := runtime.Caller(0)
	line--        // the line of runtime.Callers
	for range 2 { // resolved, then from the cache
		s := SourceOf(pcs[0])
		if s.File != file || s.Line != line || !strings.HasSuffix(s.Function, ".TestSourceOf") {
			t.Fatalf("SourceOf = %+v, want %s:%d", s, file, line)
		}
		if want := "textenc/source_test.go:" + strconv.Itoa(line); s.Short != want {
			t.Errorf("Short = %q, want %q", s.Short, want)
		}
	}
	if s := SourceOf(0); *s != (Source{}) {
		t.Errorf("SourceOf(0) = %+v", s)
	}
	for _, tc := range [][2]string{{"/a/b/c.go", "b/c.go:7"}, {"b/c.go", "b/c.go:7"}, {"c.go", "c.go:7"}} {
		if got := string(AppendShortSource(nil, tc[0], 7)); got != tc[1] {
			t.Errorf("AppendShortSource(%q) = %q, want %q", tc[0], got, tc[1])
		}
	}
}

type nilPanicker struct{ s *string }

func (p *nilPanicker) String() string { return *p.s }

func TestPanicValue(t *testing.T) {
	if got := PanicValue((*nilPanicker)(nil), "x"); got != NilText {
		t.Errorf("nil pointer: %q", got)
	}
	if got := PanicValue(nilPanicker{}, "boom"); got != "!PANIC: boom" {
		t.Errorf("value: %q", got)
	}
	if got := PanicText(panicky{}); !strings.HasPrefix(got, "!PANIC: ") {
		t.Errorf("panicking panic value: %q", got)
	}
}

type panicky struct{}

func (panicky) String() string { panic("again") }
