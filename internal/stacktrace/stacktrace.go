// Package stacktrace finds the call stack an error carries and renders it, for the three sinks:
// the OTLP sink's exception.stacktrace attribute, the console's dimmed frames under a record
// and the file's escaped one-line copy. One copy of the rule, so the sinks agree.
//
// # Which errors carry a stack
//
// An error carries a stack when it, or an error it wraps, has a method
//
//	StackTrace() T
//
// where T is a slice of a uintptr-based type holding program counters as runtime.Callers
// returns them. That is the shape of github.com/pkg/errors (T = errors.StackTrace, a slice of
// errors.Frame, a uintptr), of github.com/cockroachdb/errors (errbase.StackTrace, the same
// type) and of [Capture]'s []uintptr. The innermost stack in the chain wins: it is the one
// nearest to where the error started. Neither library is imported: the method is found by
// reflection, once per type.
//
// # Rendering
//
// [Format] gives Go's own traceback layout (a function line, then a tab and file:line), the
// "natural representation" the OpenTelemetry conventions ask of exception.stacktrace.
// [Frames] gives the frames, and [Relevant] those worth showing a person: it drops the
// standard library (but package main) and logbridge's own frames.
package stacktrace

import (
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/logbridge/logbridge/internal/textenc"
)

// maxChain bounds how many wrapped errors FromError looks through (a cyclic chain ends).
const maxChain = 32

// maxFrames bounds how many frames Capture keeps.
const maxFrames = 64

// Capture returns the program counters of its caller's stack, skipping skip frames above the
// caller (0: the caller's own frame comes first), as runtime.Callers does.
func Capture(skip int) []uintptr {
	pcs := make([]uintptr, maxFrames)
	n := runtime.Callers(skip+2, pcs)
	return pcs[:n:n]
}

// CapturePanic returns the stack of the panic being recovered: call it in the deferred
// function that recovers. The frames of the deferred function and of the runtime's panic
// machinery are left out, so the first frame is the one that panicked.
func CapturePanic() []uintptr {
	pcs := Capture(1)
	for i, pc := range pcs {
		if f := runtime.FuncForPC(pc - 1); f != nil && f.Name() == "runtime.gopanic" {
			rest := pcs[i+1:]
			// A fault (nil dereference, index out of range) passes through more runtime frames.
			for len(rest) > 0 {
				f := runtime.FuncForPC(rest[0] - 1)
				if f == nil || !strings.HasPrefix(f.Name(), "runtime.") {
					break
				}
				rest = rest[1:]
			}
			return rest
		}
	}
	return pcs
}

// pcsMethods caches, per error type, the index of its StackTrace method (-1: none).
var pcsMethods sync.Map // reflect.Type -> int

// FromError returns the program counters of the innermost stack err's chain carries, or nil.
// Of joined errors, the first that carries one counts. A StackTrace or Unwrap method that
// panics counts as none.
func FromError(err error) []uintptr {
	budget := maxChain
	return fromChain(err, &budget)
}

func fromChain(err error, budget *int) []uintptr {
	var found []uintptr
	for err != nil && *budget > 0 {
		*budget--
		// The standard library's errors carry no stack and their Unwrap cannot panic: no
		// guards, no lookup (on a console record with a wrapped error, carried and unwrap
		// were ~10% of Handle).
		kind := textenc.ErrKindOf(err)
		if kind == textenc.ErrOther {
			if pcs := carried(err); pcs != nil {
				found = pcs
			}
		}
		joined, next := textenc.Causes(err, kind)
		for _, e := range joined {
			if pcs := fromChain(e, budget); pcs != nil {
				return pcs
			}
		}
		err = next
	}
	return found
}

// Has reports whether err's chain carries a stack.
func Has(err error) bool { return len(FromError(err)) > 0 }

// carried returns the stack err itself carries (not its chain), or nil.
func carried(err error) (pcs []uintptr) {
	defer func() {
		if recover() != nil {
			pcs = nil
		}
	}()
	if x, ok := err.(interface{ StackTrace() []uintptr }); ok {
		return x.StackTrace()
	}
	rv := reflect.ValueOf(err)
	t := rv.Type()
	idx, ok := pcsMethods.Load(t)
	if !ok {
		idx = stackMethod(t)
		pcsMethods.Store(t, idx)
	}
	if idx.(int) < 0 {
		return nil
	}
	out := rv.Method(idx.(int)).Call(nil)[0]
	if out.Len() == 0 {
		return nil
	}
	pcs = make([]uintptr, out.Len())
	for i := range pcs {
		pcs[i] = uintptr(out.Index(i).Uint())
	}
	return pcs
}

// stackMethod returns the index of t's StackTrace method of the right shape, or -1.
func stackMethod(t reflect.Type) int {
	m, ok := t.MethodByName("StackTrace")
	if !ok || m.Type.NumIn() != 1 || m.Type.NumOut() != 1 { // NumIn counts the receiver
		return -1
	}
	out := m.Type.Out(0)
	if out.Kind() != reflect.Slice || out.Elem().Kind() != reflect.Uintptr {
		return -1
	}
	return m.Index
}

// Frame is one call in a stack.
type Frame struct {
	Function string // package-qualified: "main.handler", "net/http.(*conn).serve"
	File     string
	Line     int
}

// Frames resolves pcs into frames, inlined calls included.
func Frames(pcs []uintptr) []Frame {
	if len(pcs) == 0 {
		return nil
	}
	out := make([]Frame, 0, len(pcs))
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if f.Function != "" || f.File != "" {
			out = append(out, Frame{Function: f.Function, File: f.File, Line: f.Line})
		}
		if !more {
			return out
		}
	}
}

// Format renders pcs in Go's traceback layout, one "function\n\tfile:line" pair per frame,
// pairs separated by a newline; "" for no frames.
func Format(pcs []uintptr) string {
	var b strings.Builder
	for i, f := range Frames(pcs) {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(f.Function)
		b.WriteString("\n\t")
		b.WriteString(f.File)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(f.Line))
	}
	return b.String()
}

// ownFrames are the function prefixes of logbridge's own frames on a failure's path (the
// middleware's recovery, this package), which say nothing about where the failure came from.
var ownFrames = []string{"github.com/logbridge/logbridge/httplog.", "github.com/logbridge/logbridge/internal/stacktrace."}

// Relevant returns the frames worth showing a person, at most limit of them, and how many
// were left out: it drops the standard library (runtime, net/http's plumbing, testing; not
// package main) and logbridge's own frames. When every frame is dropped, it keeps the first
// ones instead.
func Relevant(frames []Frame, limit int) ([]Frame, int) {
	var keep []Frame
	for _, f := range frames {
		if !standard(f.Function) && !own(f.Function) {
			keep = append(keep, f)
		}
	}
	if len(keep) == 0 {
		keep = frames
	}
	if len(keep) > limit {
		return keep[:limit], len(frames) - limit
	}
	return keep, len(frames) - len(keep)
}

// own reports whether function is one of logbridge's frames on a failure's path.
func own(function string) bool {
	for _, p := range ownFrames {
		if strings.HasPrefix(function, p) {
			return true
		}
	}
	return false
}

// standard reports whether function belongs to the standard library: its import path's first
// element has no dot ("fmt", "net/http"), other than package main.
func standard(function string) bool {
	if strings.HasPrefix(function, "main.") {
		return false
	}
	first := function
	if i := strings.IndexByte(first, '/'); i >= 0 {
		first = first[:i]
	} else if i := strings.IndexByte(first, '.'); i >= 0 {
		first = first[:i]
	}
	return !strings.Contains(first, ".")
}
