package filelog

import (
	"log/slog"
	"runtime"
	"sync/atomic"
)

// source is a resolved program counter.
type source struct {
	pc       uintptr
	function string
	file     string
	line     int
}

// sourceCache maps program counters to their source positions: a direct-mapped cache, so the
// line number costs one atomic load once a call site has logged (runtime.CallersFrames costs
// hundreds of nanoseconds). A collision only costs a new lookup.
var sourceCache [1 << 12]atomic.Pointer[source]

// sourceOf returns the source position of pc, which must not be 0.
func sourceOf(pc uintptr) *source {
	i := (uint64(pc) * 0x9e3779b97f4a7c15) >> (64 - 12)
	if e := sourceCache[i].Load(); e != nil && e.pc == pc {
		return e
	}
	fs := runtime.CallersFrames([]uintptr{pc})
	f, _ := fs.Next()
	e := &source{pc: pc, function: f.Function, file: f.File, line: f.Line}
	sourceCache[i].Store(e)
	return e
}

// newSource returns pc's position as a *slog.Source (empty for 0), for ReplaceAttr.
func newSource(pc uintptr) *slog.Source {
	if pc == 0 {
		return &slog.Source{}
	}
	e := sourceOf(pc)
	return &slog.Source{Function: e.function, File: e.file, Line: e.line}
}
