package otlpsink_test

// End-to-end tests against a real OpenTelemetry Collector (internal/collectortest).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/otlpsink"
)

// e2eWait bounds waiting for the collector; a hang guard, not a timing figure.
const e2eWait = 3 * time.Minute

var protocols = []struct {
	name     string
	protocol string
	endpoint func(c *collectortest.Collector) string
}{
	{"http", "http/protobuf", func(c *collectortest.Collector) string { return c.HTTPEndpoint() }},
	{"grpc", "grpc", func(c *collectortest.Collector) string { return "http://" + c.GRPCEndpoint() }},
}

// pointEnvAt points the OTEL_* env vars at c over protocol, with the service name and the
// header the collector requires.
func pointEnvAt(t *testing.T, c *collectortest.Collector, proto, endpoint string, extra map[string]string) {
	env := map[string]string{
		"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
		"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
		"OTEL_SERVICE_NAME":           "e2e-" + strings.ReplaceAll(t.Name(), "/", "-"),
	}
	for k, v := range extra {
		env[k] = v
	}
	clearEnv(t, env)
}

func shutdownWithin(t *testing.T, p *otlpsink.Pipeline, d time.Duration) (time.Duration, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	start := time.Now()
	err := p.Shutdown(ctx)
	return time.Since(start), err
}

// TestE2EBurst emits 200,000 records as fast as one goroutine can, with default settings (but
// for MaxBlock, below), inside spans of a real TracerProvider, with a header the collector
// requires: every record arrives, once, with log.category, log.level, service.name and its
// span's ids.
func TestE2EBurst(t *testing.T) {
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	const perSpan = 1000
	categories := []string{"core", "server", "db"}
	for _, pr := range protocols {
		t.Run(pr.name, func(t *testing.T) {
			c := collectortest.Start(t, collectortest.WithRequiredHeader("x-logbridge-key", "k3y-v4lue"))
			pointEnvAt(t, c, pr.protocol, pr.endpoint(c), map[string]string{
				"OTEL_EXPORTER_OTLP_HEADERS": "x-logbridge-key=k3y-v4lue",
			})
			ctx := context.Background()
			// The burst outruns the exporter; a caller waits for room at most MaxBlock. Under
			// -race on a loaded machine an export can take longer than the default second, and
			// the records would be dropped (counted): this test is about delivering all of them.
			p, err := otlpsink.NewPipeline(ctx, otlpsink.WithProcessorOptions(otlpsink.WithMaxBlock(e2eWait)))
			if err != nil {
				t.Fatal(err)
			}
			tp := sdktrace.NewTracerProvider()
			defer func() { _ = tp.Shutdown(ctx) }()
			tracer := tp.Tracer("e2e")
			base := otlpsink.NewHandler(p.Provider(), &otlpsink.Options{Level: slog.LevelDebug})
			loggers := make([]*slog.Logger, len(categories))
			for i, cat := range categories {
				loggers[i] = slog.New(base.WithLogger("e2e/"+cat, cat))
			}
			spans := map[string]trace.SpanContext{} // by first record index of the span
			start := time.Now()
			var sctx context.Context
			var span trace.Span
			for i := range n {
				if i%perSpan == 0 {
					if span != nil {
						span.End()
					}
					sctx, span = tracer.Start(ctx, "work")
					spans[fmt.Sprint(i/perSpan)] = span.SpanContext()
				}
				loggers[i%len(loggers)].LogAttrs(sctx, slog.LevelInfo, "[bold]burst[/] record",
					slog.Int("i", i), slog.String("user", "u42"), slog.Int("status", 200),
					slog.Duration("took", time.Millisecond), slog.Bool("cached", i%2 == 0))
			}
			span.End()
			emitted := time.Since(start)
			took, err := shutdownWithin(t, p, e2eWait)
			if err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			st := p.Stats()
			t.Logf("%s: %d records emitted in %v, all exported %v later: %.0f records/s; stats %+v",
				pr.name, n, emitted.Round(time.Millisecond), took.Round(time.Millisecond),
				float64(n)/(emitted+took).Seconds(), st)
			if st.Emitted != uint64(n) || st.Exported != uint64(n) || st.Undelivered() != 0 {
				t.Errorf("stats %+v, want all %d exported", st, n)
			}
			recs := c.WaitLogs(t, n, e2eWait)
			seen := make([]bool, n)
			for _, r := range recs {
				i64, ok := r.Attributes["i"].(int64)
				if !ok || i64 < 0 || int(i64) >= n || seen[i64] {
					t.Fatalf("record with bad or repeated i: %+v", r)
				}
				i := int(i64)
				seen[i] = true
				cat := categories[i%len(categories)]
				sc := spans[fmt.Sprint(i/perSpan)]
				switch {
				case r.Attributes["log.category"] != cat, r.Attributes["log.level"] != "info", r.Scope != "e2e/"+cat:
					t.Fatalf("record %d: category %v level %v scope %q", i, r.Attributes["log.category"], r.Attributes["log.level"], r.Scope)
				case r.Resource["service.name"] != "e2e-"+strings.ReplaceAll(t.Name(), "/", "-"):
					t.Fatalf("record %d: service.name %v", i, r.Resource["service.name"])
				case r.TraceID != sc.TraceID().String() || r.SpanID != sc.SpanID().String():
					t.Fatalf("record %d: trace %s span %s, want %s %s", i, r.TraceID, r.SpanID, sc.TraceID(), sc.SpanID())
				case r.SeverityNumber != 9 || r.SeverityText != "INFO":
					t.Fatalf("record %d: severity %d %q", i, r.SeverityNumber, r.SeverityText)
				}
			}
			if len(recs) != n {
				t.Errorf("%d records arrived, want %d", len(recs), n)
			}
		})
	}
}

// TestE2EHeaderRequired proves the collector's header check is live: without the header
// OTEL_EXPORTER_OTLP_HEADERS supplies, the collector refuses the records, and the pipeline
// counts them as failed.
func TestE2EHeaderRequired(t *testing.T) {
	for _, pr := range protocols {
		t.Run(pr.name, func(t *testing.T) {
			c := collectortest.Start(t, collectortest.WithRequiredHeader("x-logbridge-key", "k3y-v4lue"))
			pointEnvAt(t, c, pr.protocol, pr.endpoint(c), map[string]string{
				"OTEL_EXPORTER_OTLP_HEADERS": "x-logbridge-key=wrong-v4lue",
			})
			p, err := otlpsink.NewPipeline(context.Background(),
				otlpsink.WithProcessorOptions(otlpsink.WithRetryMaxElapsed(0)))
			if err != nil {
				t.Fatal(err)
			}
			slog.New(otlpsink.NewHandler(p.Provider(), nil)).Info("refused")
			_, _ = shutdownWithin(t, p, e2eWait)
			st := p.Stats()
			if st.FailedPermanent != 1 || st.Exported != 0 || st.ExportAttempts != 1 {
				t.Errorf("stats %+v, want the record refused for good after one attempt, and counted", st)
			}
			if strings.Contains(st.LastError, "wrong-v4lue") {
				t.Errorf("LastError shows the header value: %q", st.LastError)
			}
			if n := len(c.Logs()); n != 0 {
				t.Errorf("%d records arrived without the header", n)
			}
		})
	}
}

// TestE2ESendsNothing: OTEL_LOGS_EXPORTER=none and OTEL_SDK_DISABLED=true send nothing. A
// sentinel record sent afterwards through an enabled pipeline proves the collector was
// listening: once it has arrived, anything sent before it would have too.
func TestE2ESendsNothing(t *testing.T) {
	c := collectortest.Start(t)
	for _, env := range []map[string]string{{"OTEL_LOGS_EXPORTER": "none"}, {"OTEL_SDK_DISABLED": "true"}} {
		pointEnvAt(t, c, "http/protobuf", c.HTTPEndpoint(), env)
		p, err := logThrough(t)
		if err != nil {
			t.Fatal(err)
		}
		if p.Enabled() {
			t.Errorf("%v: pipeline enabled", env)
		}
	}
	pointEnvAt(t, c, "http/protobuf", c.HTTPEndpoint(), nil)
	p, err := otlpsink.NewPipeline(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	slog.New(otlpsink.NewHandler(p.Provider(), nil)).Info("sentinel")
	if _, err := shutdownWithin(t, p, e2eWait); err != nil {
		t.Fatal(err)
	}
	recs := c.WaitLogs(t, 1, e2eWait)
	if len(recs) != 1 || recs[0].Body != "sentinel" {
		t.Errorf("received %d records (first %q), want only the sentinel", len(recs), recs[0].Body)
	}
}

// TestE2ECollectorDown: with no collector, log calls do not block, and Shutdown returns by
// its deadline and reports every record as undelivered.
func TestE2ECollectorDown(t *testing.T) {
	const n = 1000
	for _, pr := range protocols {
		t.Run(pr.name, func(t *testing.T) {
			c := collectortest.Start(t)
			c.Kill() // its ports, with nothing listening
			pointEnvAt(t, c, pr.protocol, pr.endpoint(c), nil)
			p, err := otlpsink.NewPipeline(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			logger := slog.New(otlpsink.NewHandler(p.Provider(), nil).WithLogger("down", "core"))
			for i := range n {
				logger.Info("nobody listens", "i", i)
			}
			// By its deadline: what a loaded machine under -race adds to it is a few seconds at
			// most (a hang guard, not a timing figure); an export or retry waited for is more.
			const deadline, margin = 2 * time.Second, 5 * time.Second
			took, err := shutdownWithin(t, p, deadline)
			t.Logf("%s: Shutdown returned after %v: %v", pr.name, took.Round(time.Millisecond), err)
			if took > deadline+margin {
				t.Errorf("Shutdown took %v with a %v deadline", took, deadline)
			}
			var de *otlpsink.DeliveryError
			st := p.Stats()
			if !errors.As(err, &de) || de.Records == 0 || de.Records != st.FailedShutdown {
				t.Errorf("Shutdown error %v, want a DeliveryError counting the records (stats %+v)", err, st)
			}
			if st.Exported != 0 || st.Undelivered() != n || st.Emitted != n {
				t.Errorf("stats %+v, want all %d counted undelivered", st, n)
			}
		})
	}
}

// TestE2ECollectorRestart: the collector is killed mid-stream and restarted. Records emitted
// during the outage wait in the queue and arrive after it returns; over the run, records
// received (distinct) plus records reported undelivered equal records emitted, exactly.
func TestE2ECollectorRestart(t *testing.T) {
	for _, pr := range protocols {
		t.Run(pr.name, func(t *testing.T) {
			c := collectortest.Start(t)
			pointEnvAt(t, c, pr.protocol, pr.endpoint(c), nil)
			ctx := context.Background()
			p, err := otlpsink.NewPipeline(ctx)
			if err != nil {
				t.Fatal(err)
			}
			logger := slog.New(otlpsink.NewHandler(p.Provider(), nil).WithLogger("restart", "core"))
			i := 0
			emit := func(k int) {
				for range k {
					logger.Info("record", "i", i)
					i++
				}
			}
			emit(3000)
			if err := p.ForceFlush(ctx); err != nil {
				t.Fatal(err)
			}
			c.Kill()
			emit(3000) // the outage: fits the queue
			if err := c.Restart(); err != nil {
				t.Fatal(err)
			}
			emit(3000)
			if _, err := shutdownWithin(t, p, e2eWait); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			st := p.Stats()
			recs := c.WaitLogs(t, int(st.Exported), e2eWait)
			distinct := map[int64]bool{}
			for _, r := range recs {
				distinct[r.Attributes["i"].(int64)] = true
			}
			t.Logf("%s: emitted %d, received %d (%d distinct), stats %+v", pr.name, i, len(recs), len(distinct), st)
			if uint64(len(distinct))+st.Undelivered() != uint64(i) {
				t.Errorf("received %d + undelivered %d != emitted %d", len(distinct), st.Undelivered(), i)
			}
			if st.Undelivered() != 0 {
				t.Errorf("%d records lost; the outage fits the queue, want none", st.Undelivered())
			}
		})
	}
}
