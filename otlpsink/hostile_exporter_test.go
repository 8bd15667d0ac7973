package otlpsink_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/logbridge/logbridge/otlpsink"
)

// hostileErr is an export error whose methods misbehave as told.
type hostileErr struct {
	errorPanics, unwrapPanics, asPanics, cycle bool
}

func (e *hostileErr) Error() string {
	if e.errorPanics {
		panic("bad Error")
	}
	return "hostile"
}

func (e *hostileErr) Unwrap() error {
	switch {
	case e.unwrapPanics:
		panic("bad Unwrap")
	case e.cycle:
		return e // errors.As would never end
	}
	return nil
}

func (e *hostileErr) As(any) bool {
	if e.asPanics {
		panic("bad As")
	}
	return false
}

// TestProcessorHostileExporter: an exporter of the caller's that panics, or returns an error
// whose Error, Unwrap or As panics or whose chain is a cycle, costs its records (counted,
// exactly) and nothing else: the export goroutine neither crashes nor hangs, LastError says
// what happened, and Shutdown returns.
func TestProcessorHostileExporter(t *testing.T) {
	for _, tc := range []struct {
		name      string
		export    func() error
		lastError string
	}{
		{"Export panics", func() error { panic("exporter bug") }, "exporter panicked: exporter bug"},
		{"Error panics", func() error { return &hostileErr{errorPanics: true} }, "exporter returned an unreadable error: !PANIC in Error: bad Error"},
		{"Unwrap panics", func() error { return &hostileErr{unwrapPanics: true} }, "exporter returned an unreadable error: hostile"},
		{"As panics", func() error { return &hostileErr{asPanics: true} }, "exporter returned an unreadable error: hostile"},
		{"a cyclic chain", func() error { return &hostileErr{cycle: true} }, "exporter returned an unreadable error: hostile"},
		{"a readable error", func() error { return errors.New("collector down") }, "collector down"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exp := &funcExporter{export: func(context.Context, int) error { return tc.export() }}
			p := otlpsink.NewProcessor(exp, otlpsink.WithMaxExportBatchSize(10),
				otlpsink.WithRetryMaxElapsed(20*time.Millisecond), otlpsink.WithErrorHandler(func(error) {}))
			l := emitter(t, p)
			const n = 25
			for i := range n {
				l.Emit(context.Background(), record(i))
			}
			ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
			defer cancel()
			for p.Stats().FailedExport != n {
				if ctx.Err() != nil {
					t.Fatalf("the exports never failed for good: %+v", p.Stats())
				}
				time.Sleep(time.Millisecond)
			}
			if err := p.Shutdown(ctx); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			st := p.Stats()
			checkInvariant(t, st)
			if st.Exported != 0 || st.FailedExport != n {
				t.Errorf("stats %+v, want all %d failed", st, n)
			}
			if !strings.HasPrefix(st.LastError, tc.lastError) {
				t.Errorf("LastError %q, want %q", st.LastError, tc.lastError)
			}
		})
	}
}
