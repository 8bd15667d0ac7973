// Package testkit holds the helpers that the tests of several packages share, so that each
// exists once: a buffer safe for concurrent writers, a slog.Handler that records, an
// exporter that drops everything, the reading of a JSON-lines log file, and an error
// carrying a stack trace. Only tests and the test infrastructure (collectortest) import it.
package testkit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"runtime"
	"sync"
	"testing"

	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// SyncBuffer is a bytes.Buffer safe for concurrent writers and readers: a sink's writer, or
// the two output streams of a process under test.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what was written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Len returns how many bytes were written so far.
func (b *SyncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Len()
}

// From returns what was written from offset off on (an earlier Len).
func (b *SyncBuffer) From(off int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.b.Bytes()[off:])
}

// Reset empties the buffer.
func (b *SyncBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.b.Reset()
}

// NopExporter is an sdklog.Exporter that takes every batch and does nothing with it: the OTLP
// sink's cost without the network, the same for every contender.
type NopExporter struct{}

// Export drops recs.
func (NopExporter) Export(context.Context, []sdklog.Record) error { return nil }

// Shutdown does nothing.
func (NopExporter) Shutdown(context.Context) error { return nil }

// ForceFlush does nothing.
func (NopExporter) ForceFlush(context.Context) error { return nil }

// ReadJSONLines reads the JSON-lines file at path (the file sink with format json), one map
// per line, failing the test on a line that is not a JSON object.
func ReadJSONLines(t testing.TB, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// stackErr has the shape of a github.com/pkg/errors error: StackTrace() returns a slice of a
// uintptr type holding the program counters runtime.Callers returned.
type stackErr struct {
	msg string
	pcs []uintptr
}

// PkgFrame is the uintptr type of stackErr's frames, as pkg/errors' Frame.
type PkgFrame uintptr

func (e *stackErr) Error() string { return e.msg }

// StackTrace returns the frames as pkg/errors does.
func (e *stackErr) StackTrace() []PkgFrame {
	out := make([]PkgFrame, len(e.pcs))
	for i, pc := range e.pcs {
		out[i] = PkgFrame(pc)
	}
	return out
}

// StackError returns an error with message msg and the shape of a github.com/pkg/errors
// error, whose stack starts at the function that called StackError.
//
//go:noinline
func StackError(msg string) error {
	pcs := make([]uintptr, 32)
	return &stackErr{msg, pcs[:runtime.Callers(2, pcs)]}
}
