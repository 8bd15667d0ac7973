package otellog

import (
	"context"
	"fmt"
	"log/slog"

	"go.opentelemetry.io/otel/baggage"
)

// WithContextAttrs adds to every record the attributes f takes from the context passed to the
// *Context logging calls (a request id, a tenant, a user set once per request), on every sink.
// f is called once per record, before the fan-out; a record logged without a context (slog.Info)
// gets nothing. The attributes go where the record's own go (inside groups opened with
// WithGroup). f must be cheap and must not log: return nil when the context holds nothing (no
// allocation then), and, to avoid one per record, a slice kept in the context rather than a new
// one. Options add up: several WithContextAttrs each contribute.
func WithContextAttrs(f func(context.Context) []slog.Attr) Option {
	return func(o *options) {
		if f != nil {
			o.ctxFuncs = append(o.ctxFuncs, f)
		}
	}
}

// contextAttrs adds the attributes of a record's context: the WithContextAttrs functions',
// then the allowed OpenTelemetry baggage members (config.Config.Baggage), each under its own
// key. Never all baggage: it crosses trust boundaries, so only the keys the allow-list names.
type contextAttrs struct {
	funcs   []func(context.Context) []slog.Attr
	baggage []string
}

// newContextAttrs returns nil when there is nothing to take from contexts.
func newContextAttrs(funcs []func(context.Context) []slog.Attr, baggageKeys []string) *contextAttrs {
	if len(funcs) == 0 && len(baggageKeys) == 0 {
		return nil
	}
	return &contextAttrs{funcs: funcs, baggage: baggageKeys}
}

// add adds ctx's attributes to r. A panicking function is shown as an attribute, not raised:
// logging never panics.
func (c *contextAttrs) add(ctx context.Context, r *slog.Record) {
	if ctx == nil || ctx == context.Background() { // slog.Info's context holds nothing
		return
	}
	for _, f := range c.funcs {
		if attrs := callContextFunc(f, ctx); len(attrs) > 0 {
			r.AddAttrs(attrs...)
		}
	}
	if len(c.baggage) == 0 {
		return
	}
	b := baggage.FromContext(ctx)
	if b.Len() == 0 {
		return
	}
	var buf [8]slog.Attr
	attrs := buf[:0]
	for _, key := range c.baggage {
		if m := b.Member(key); m.Key() != "" {
			attrs = append(attrs, slog.String(key, m.Value()))
		}
	}
	if len(attrs) > 0 {
		r.AddAttrs(attrs...) // in one call: the record grows once
	}
}

func callContextFunc(f func(context.Context) []slog.Attr, ctx context.Context) (attrs []slog.Attr) {
	defer func() {
		if p := recover(); p != nil {
			attrs = []slog.Attr{slog.String("context_attrs_error", fmt.Sprintf("!PANIC: %v", p))}
		}
	}()
	return f(ctx)
}
