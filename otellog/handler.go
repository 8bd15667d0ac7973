package otellog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/logbridge/logbridge/internal/handoff"
	"github.com/logbridge/logbridge/internal/resolve"
	"github.com/logbridge/logbridge/vocab"
)

// NamedHandler is a slog.Handler that shows a logger's name and category in its own layout.
// The console, file and OTLP sinks implement it. For other handlers given to WithSink the
// fan-out adds "logger" and "log.category" attributes instead.
type NamedHandler interface {
	slog.Handler
	// WithLogger returns a handler for records of logger name in category.
	WithLogger(name, category string) slog.Handler
}

// sink is one destination of the fan-out.
type sink struct {
	name    string       // "console", "file", "otlp" or the name given to WithSink
	handler slog.Handler // as configured, before WithLogger
	// diagnostics: the sink receives logbridge's own reports (console and file; never OTLP, so
	// an OTLP failure cannot feed on itself).
	diagnostics bool
	// foreign: not one of ours. It may retain or modify records, so it gets a clone. It shows
	// the logger name and category as attributes (see forLogger) and the level as slog does.
	foreign bool
	// guard, for the console and file sinks, is the hand-off to their writer's goroutine
	// (see sinks.go); nil for the others.
	guard  *handoff.Writer
	errors atomic.Uint64 // failed Handle calls and failed writes
}

// forLogger derives the sink's handler for one logger.
func (s *sink) forLogger(name, category string) slog.Handler {
	if n, ok := s.handler.(NamedHandler); ok && !s.foreign {
		return n.WithLogger(name, category)
	}
	attrs := make([]slog.Attr, 0, 2)
	if name != "" {
		attrs = append(attrs, slog.String(vocab.AttrLogger, name))
	}
	attrs = append(attrs, slog.String(vocab.AttrCategory, category))
	return s.handler.WithAttrs(attrs)
}

// fanout is the slog.Handler behind every logger: it checks the category level, then hands the
// record to each sink whose own level lets it through.
type fanout struct {
	core *core
	cat  *category
	hs   []slog.Handler // one per core.sinks entry, derived for this logger
}

var _ slog.Handler = (*fanout)(nil)

// Enabled is the cost of a rejected call: one atomic load and a compare when the category
// rejects the level.
func (h *fanout) Enabled(ctx context.Context, l slog.Level) bool {
	if !h.cat.enabled(l) {
		return false
	}
	for _, s := range h.hs {
		if s.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

// Handle passes r to every sink that wants it. A failing (or panicking) sink does not stop the
// others; its error is counted, reported through the sinks that work (rate-limited) and
// returned joined with the others'.
func (h *fanout) Handle(ctx context.Context, r slog.Record) error {
	if st := h.core.storm; st.on.Load() && !st.allow(ctx, h, &r) {
		return nil // suppressed by storm control, counted
	}
	if h.core.ctxAttrs != nil {
		h.core.ctxAttrs.add(ctx, &r) // once per record, for every sink
	}
	resolve.Record(&r) // once for every sink, bounded
	var errs []error
	for i := 0; i < len(h.hs); {
		i = h.handleFrom(ctx, &r, i, &errs)
	}
	if r.Level >= slog.LevelError {
		h.core.syncWriters()
	}
	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}

// syncWriters waits (at most each one's bound) until the console's and the file's writers have
// written what they were given: an error is often the last record before the program exits.
func (c *core) syncWriters() {
	for _, s := range c.sinks {
		if s.guard != nil {
			s.guard.Sync()
		}
	}
}

// handleFrom passes r to the sinks from index i on and returns len(h.hs), or, when a sink
// panics (in Enabled or Handle), records the panic as that sink's error and returns the index
// after it. One deferred recover thus guards every sink, and the record is copied once per
// sink (into its Handle) rather than through a helper frame per sink.
func (h *fanout) handleFrom(ctx context.Context, r *slog.Record, i int, errs *[]error) (next int) {
	defer func() {
		if p := recover(); p != nil {
			h.failed(i, fmt.Errorf("handler panicked: %v", p), errs)
			next = i + 1
		}
	}()
	for ; i < len(h.hs); i++ {
		s := h.hs[i]
		if !s.Enabled(ctx, r.Level) {
			continue
		}
		var err error
		if h.core.sinks[i].foreign {
			err = s.Handle(ctx, r.Clone()) // it may retain or modify the record
		} else {
			err = s.Handle(ctx, *r)
		}
		if err != nil {
			h.failed(i, err, errs)
		}
	}
	return i
}

// failed counts and reports sink i's error and adds it to errs.
func (h *fanout) failed(i int, err error, errs *[]error) {
	h.core.sinkFailed(i, err)
	*errs = append(*errs, err)
}

// handleSafely calls s.Handle, turning a panic into an error: logging must never crash the
// program.
func handleSafely(ctx context.Context, s slog.Handler, r slog.Record) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return s.Handle(ctx, r)
}

func (h *fanout) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	attrs = resolve.Attrs(attrs) // once for every sink, bounded
	hs := make([]slog.Handler, len(h.hs))
	for i, s := range h.hs {
		hs[i] = s.WithAttrs(attrs)
	}
	return &fanout{core: h.core, cat: h.cat, hs: hs}
}

func (h *fanout) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	hs := make([]slog.Handler, len(h.hs))
	for i, s := range h.hs {
		hs[i] = s.WithGroup(name)
	}
	return &fanout{core: h.core, cat: h.cat, hs: hs}
}
