package otlpsink_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/logbridge/logbridge/otlpsink"
)

// recorder is an in-memory exporter that keeps a clone of every record it is given.
type recorder struct {
	mu   sync.Mutex
	recs []sdklog.Record
}

func (r *recorder) Export(_ context.Context, recs []sdklog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range recs {
		r.recs = append(r.recs, recs[i].Clone())
	}
	return nil
}

func (*recorder) Shutdown(context.Context) error   { return nil }
func (*recorder) ForceFlush(context.Context) error { return nil }

func (r *recorder) records() []sdklog.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sdklog.Record(nil), r.recs...)
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.recs = nil
	r.mu.Unlock()
}

// sink is a handler under test with the means to read back what it emitted.
type sink struct {
	name  string
	h     *otlpsink.Handler
	rec   *recorder
	flush func() // delivers everything emitted so far to rec
}

// sinks returns the handler on the two paths it can take, both recording: on a Pipeline's
// provider (the fast path) and on a plain sdk/log provider (the SDK's Logger.Emit), the
// latter without WithAllowKeyDuplication, so that the SDK's own deduplication runs too.
func sinks(t testing.TB, opts *otlpsink.Options) []sink {
	t.Helper()
	ctx := context.Background()
	fastRec := &recorder{}
	p, err := otlpsink.NewPipeline(ctx, otlpsink.WithExporter(fastRec))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(ctx) })

	sdkRec := &recorder{}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(sdkRec)),
		sdklog.WithResource(nil))
	t.Cleanup(func() { _ = lp.Shutdown(ctx) })

	return []sink{
		{"pipeline", otlpsink.NewHandler(p.Provider(), opts), fastRec, func() {
			if err := p.ForceFlush(ctx); err != nil {
				t.Fatal(err)
			}
		}},
		{"sdk", otlpsink.NewHandler(lp, opts), sdkRec, func() {}},
	}
}

// attrs returns the attributes of r as Go values (see value).
func attrs(r *sdklog.Record) map[string]any {
	m := map[string]any{}
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		m[string(kv.Key)] = value(kv.Value)
		return true
	})
	return m
}

// keys returns the attribute keys of r in order.
func keys(r *sdklog.Record) []string {
	var ks []string
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		ks = append(ks, string(kv.Key))
		return true
	})
	return ks
}

// value converts v to a comparable Go value: maps to map[string]any, slices to []any.
func value(v attribute.Value) any {
	switch v.Type() {
	case attribute.MAP:
		m := map[string]any{}
		for _, kv := range v.AsMap() {
			m[string(kv.Key)] = value(kv.Value)
		}
		return m
	case attribute.SLICE:
		var s []any
		for _, e := range v.AsSlice() {
			s = append(s, value(e))
		}
		return s
	case attribute.BYTESLICE:
		return v.AsByteSlice()
	case attribute.EMPTY:
		return nil
	}
	return v.AsInterface()
}

// logOne logs through f on a logger over h and returns the one record it produced.
func logOne(t *testing.T, s sink, h slog.Handler, f func(*slog.Logger)) sdklog.Record {
	t.Helper()
	s.rec.reset()
	f(slog.New(h))
	s.flush()
	recs := s.rec.records()
	if len(recs) != 1 {
		t.Fatalf("%s: got %d records, want 1", s.name, len(recs))
	}
	return recs[0]
}
