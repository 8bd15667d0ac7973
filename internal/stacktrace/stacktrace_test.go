package stacktrace

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// The shape of github.com/pkg/errors (and of cockroachdb/errors, whose errbase.StackTrace is
// the same type), mimicked so that the library does not depend on either.
type pkgFrame uintptr
type pkgStackTrace []pkgFrame

type pkgError struct {
	msg   string
	stack []uintptr
}

func (e *pkgError) Error() string { return e.msg }
func (e *pkgError) StackTrace() pkgStackTrace {
	st := make(pkgStackTrace, len(e.stack))
	for i, pc := range e.stack {
		st[i] = pkgFrame(pc)
	}
	return st
}

//go:noinline
func newPkgError(msg string) error {
	pcs := make([]uintptr, 32)
	n := runtime.Callers(2, pcs) // as pkg/errors' callers(): the caller of New first
	return &pkgError{msg: msg, stack: pcs[:n]}
}

// wrongShape has a StackTrace method that returns something else.
type wrongShape struct{}

func (wrongShape) Error() string        { return "wrong" }
func (wrongShape) StackTrace() []string { return []string{"x"} }

type panicky struct{}

func (panicky) Error() string             { return "panicky" }
func (panicky) StackTrace() pkgStackTrace { panic("boom") }

//go:noinline
func origin() error { return newPkgError("inner") }

func TestFromError(t *testing.T) {
	inner := origin()
	outer := newPkgError("outer")
	for _, tc := range []struct {
		name string
		err  error
		want string // a function the first frame must be; "" for no stack
	}{
		{"plain error", errors.New("x"), ""},
		{"pkg/errors shape", inner, "stacktrace.origin"},
		{"wrapped by fmt", fmt.Errorf("ctx: %w", inner), "stacktrace.origin"},
		{"joined", errors.Join(errors.New("a"), inner), "stacktrace.origin"},
		{"innermost wins", &wrapper{outer, inner}, "stacktrace.origin"},
		{"wrong shape", wrongShape{}, ""},
		{"panicking method", panicky{}, ""},
		{"[]uintptr shape", &capturedErr{Capture(0)}, "stacktrace.TestFromError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			frames := Frames(FromError(tc.err))
			if tc.want == "" {
				if len(frames) != 0 {
					t.Fatalf("frames = %v, want none", frames)
				}
				return
			}
			if len(frames) == 0 || !strings.HasSuffix(frames[0].Function, tc.want) {
				t.Fatalf("frames = %v, want %s first", frames, tc.want)
			}
			if !strings.HasSuffix(frames[0].File, "stacktrace_test.go") || frames[0].Line == 0 {
				t.Fatalf("first frame %+v: want this file and a line", frames[0])
			}
		})
	}
}

// wrapper is a pkg/errors-style error wrapping another with a stack of its own.
type wrapper struct {
	outer error
	inner error
}

func (w *wrapper) Error() string             { return w.outer.Error() + ": " + w.inner.Error() }
func (w *wrapper) Unwrap() error             { return w.inner }
func (w *wrapper) StackTrace() pkgStackTrace { return w.outer.(*pkgError).StackTrace() }

type capturedErr struct{ pcs []uintptr }

func (e *capturedErr) Error() string         { return "captured" }
func (e *capturedErr) StackTrace() []uintptr { return e.pcs }

func TestFormat(t *testing.T) {
	got := Format(FromError(origin()))
	first, _, _ := strings.Cut(got, "\n\t")
	if !strings.HasSuffix(first, "stacktrace.origin") {
		t.Fatalf("Format starts %q, want the origin's function", first)
	}
	if !strings.Contains(got, "stacktrace_test.go:") || !strings.Contains(got, "\ntesting.tRunner\n\t") {
		t.Fatalf("Format = %q, want function and file:line lines down to testing.tRunner", got)
	}
	if Format(nil) != "" {
		t.Fatal("Format(nil) is not empty")
	}
}

//go:noinline
func panics() { panic("boom") }

//go:noinline
func nilDeref() {
	var p *int
	_ = *p
}

func TestCapturePanic(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{{"panic", panics, "stacktrace.panics"}, {"fault", nilDeref, "stacktrace.nilDeref"}} {
		t.Run(tc.name, func(t *testing.T) {
			var pcs []uintptr
			func() {
				defer func() {
					if recover() != nil {
						pcs = CapturePanic()
					}
				}()
				tc.f()
			}()
			frames := Frames(pcs)
			if len(frames) == 0 || !strings.HasSuffix(frames[0].Function, tc.want) {
				t.Fatalf("frames = %+v, want %s first", frames, tc.want)
			}
		})
	}
}

func TestRelevant(t *testing.T) {
	frames := []Frame{
		{Function: "runtime.gopanic"},
		{Function: "github.com/logbridge/logbridge/httplog.recoverer.func1"},
		{Function: "main.handler"},
		{Function: "example.com/shop/cart.(*Cart).Checkout"},
		{Function: "net/http.HandlerFunc.ServeHTTP"},
		{Function: "github.com/logbridge/logbridge/examples/httpserver.serve"},
		{Function: "net/http.(*conn).serve"},
	}
	for _, tc := range []struct {
		limit   int
		want    []string
		omitted int
	}{
		{10, []string{"main.handler", "example.com/shop/cart.(*Cart).Checkout", "github.com/logbridge/logbridge/examples/httpserver.serve"}, 4},
		{1, []string{"main.handler"}, 6},
	} {
		got, omitted := Relevant(frames, tc.limit)
		var names []string
		for _, f := range got {
			names = append(names, f.Function)
		}
		if strings.Join(names, " ") != strings.Join(tc.want, " ") || omitted != tc.omitted {
			t.Errorf("Relevant(limit %d) = %v, %d omitted; want %v, %d", tc.limit, names, omitted, tc.want, tc.omitted)
		}
	}
	std := []Frame{{Function: "runtime.main"}, {Function: "runtime.goexit"}}
	if got, _ := Relevant(std, 10); len(got) != 2 {
		t.Errorf("all standard frames: got %v, want them kept", got)
	}
}
