package testkit

import (
	"context"
	"log/slog"
	"sync"

	"go.opentelemetry.io/otel/trace"
)

// Recorder is a slog.Handler that keeps a clone of every record it is handed, with the span
// context of the record's context. It takes every level; WithAttrs and WithGroup return the
// same Recorder, dropping what they add.
type Recorder struct {
	mu   sync.Mutex
	recs []Record
}

// Record is one record a Recorder kept.
type Record struct {
	slog.Record
	Span trace.SpanContext // the span context of the context the record was logged with
}

// Enabled reports true for every level.
func (h *Recorder) Enabled(context.Context, slog.Level) bool { return true }

// Handle keeps a clone of r and the span context of ctx.
func (h *Recorder) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, Record{r.Clone(), trace.SpanContextFromContext(ctx)})
	return nil
}

// WithAttrs returns h; the attributes are dropped.
func (h *Recorder) WithAttrs([]slog.Attr) slog.Handler { return h }

// WithGroup returns h; the group is dropped.
func (h *Recorder) WithGroup(string) slog.Handler { return h }

// Records returns the records kept so far, oldest first.
func (h *Recorder) Records() []Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Record(nil), h.recs...)
}

// Attrs returns the attributes of r by key (the last of a repeated key).
func Attrs(r slog.Record) map[string]slog.Value {
	m := map[string]slog.Value{}
	r.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value
		return true
	})
	return m
}
