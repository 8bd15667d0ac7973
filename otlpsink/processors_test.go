package otlpsink_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/processors/baggagecopy"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/logbridge/logbridge/otlpsink"
)

// stamp is a processor of the test's own: it adds one attribute to every record and redacts
// the value of "password".
type stamp struct{ emits int }

func (*stamp) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }
func (s *stamp) OnEmit(_ context.Context, r *sdklog.Record) error {
	s.emits++
	r.AddAttributes(attribute.String("stamped", "yes"))
	r.SetAttributes(redact(r)...)
	return nil
}
func (*stamp) Shutdown(context.Context) error   { return nil }
func (*stamp) ForceFlush(context.Context) error { return nil }

func redact(r *sdklog.Record) []attribute.KeyValue {
	var kvs []attribute.KeyValue
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		if kv.Key == "password" {
			kv.Value = attribute.StringValue("REDACTED")
		}
		kvs = append(kvs, kv)
		return true
	})
	return kvs
}

// TestWithProcessors: contrib's baggagecopy and a processor of the test's own run in front of
// the exporter, in order, once per record (not on the template the fast path captures), and
// what they add or change is exported.
func TestWithProcessors(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{}
	st := &stamp{}
	allowTenant := func(m baggage.Member) bool { return m.Key() == "tenant" }
	p, err := otlpsink.NewPipeline(ctx, otlpsink.WithExporter(rec),
		otlpsink.WithProcessors(baggagecopy.NewLogProcessor(allowTenant), st))
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(otlpsink.NewHandler(p.Provider(), nil).WithLogger("svc", "core"))
	bag, err := baggage.Parse("tenant=acme,session=s3cr3t")
	if err != nil {
		t.Fatal(err)
	}
	l.InfoContext(baggage.ContextWithBaggage(ctx, bag), "login", "user", "ann", "password", "hunter2")
	l.Info("plain")
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	recs := rec.records()
	if len(recs) != 2 || st.emits != 2 {
		t.Fatalf("%d records exported, stamp saw %d; want 2 and 2", len(recs), st.emits)
	}
	got := attrs(&recs[0])
	want := map[string]any{"log.level": "info", "log.category": "core", "user": "ann", "password": "REDACTED", "tenant": "acme", "stamped": "yes"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
	if _, ok := got["session"]; ok {
		t.Errorf("a baggage member the filter refuses was copied: %v", got)
	}
	if n := strings.Count(strings.Join(keys(&recs[1]), " "), "stamped"); n != 1 {
		t.Errorf("second record: stamped %d times, want once: %v", n, keys(&recs[1]))
	}
}

// TestWithProcessorsKeepsFastPath: a processor in front costs the handler one allocation (the
// record escapes to the processor's OnEmit), not the SDK path's several (the SDK copies each
// record to the heap and converts every attribute again).
func TestWithProcessorsKeepsFastPath(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations differ under -race")
	}
	ctx := context.Background()
	allocs := func(opts ...otlpsink.PipelineOption) float64 {
		p, err := otlpsink.NewPipeline(ctx, append(opts, otlpsink.WithExporter(&recorder{}))...)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = p.Shutdown(ctx) }()
		l := slog.New(otlpsink.NewHandler(p.Provider(), nil).WithLogger("svc", "core"))
		return testing.AllocsPerRun(200, func() {
			l.LogAttrs(ctx, slog.LevelInfo, "m", slog.String("a", "b"), slog.String("c", "d"), slog.Int("e", 1), slog.Int("f", 2))
		})
	}
	without := allocs()
	with := allocs(otlpsink.WithProcessors(baggagecopy.NewLogProcessor(nil)))
	if with > without+1 {
		t.Errorf("%v allocations per record with a processor, %v without: the fast path was lost", with, without)
	}
}
