package otellog

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/otlpsink"
)

// series renders a data point's key: the instrument's name, then its attributes in order.
func series(name string, attrs attribute.Set) string {
	if attrs.Len() == 0 {
		return name
	}
	var parts []string
	for _, kv := range attrs.ToSlice() {
		parts = append(parts, string(kv.Key)+"="+kv.Value.String())
	}
	return name + "{" + strings.Join(parts, ",") + "}"
}

// collected is one collection of logbridge's metrics.
type collected struct {
	values     map[string]int64  // sums and gauges, by series
	durations  map[string]uint64 // export duration histogram counts, by series
	monotonic  map[string]bool   // which instruments are counters
	scopeFound bool
}

func collect(t *testing.T, r *sdkmetric.ManualReader) collected {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	c := collected{values: map[string]int64{}, durations: map[string]uint64{}, monotonic: map[string]bool{}}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != MeterName {
			continue
		}
		c.scopeFound = true
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				c.monotonic[m.Name] = d.IsMonotonic
				for _, p := range d.DataPoints {
					c.values[series(m.Name, p.Attributes)] = p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					c.durations[series(m.Name, p.Attributes)] = p.Count
				}
			default:
				t.Errorf("metric %s of unexpected type %T", m.Name, m.Data)
			}
		}
	}
	return c
}

// wantFromStats is what the metrics should say for st, written out field by field: the
// mapping the README documents.
func wantFromStats(st Stats, capacity int) map[string]int64 {
	o := st.OTLP
	want := map[string]int64{
		"otel.sdk.processor.log.processed":                              int64(o.Enqueued),
		"otel.sdk.processor.log.processed{error.type=queue_full}":       int64(o.DroppedQueueFull),
		"otel.sdk.processor.log.processed{error.type=already_shutdown}": int64(o.DroppedShutdown),
		"otel.sdk.processor.log.queue.size":                             int64(o.Pending),
		"otel.sdk.processor.log.queue.capacity":                         int64(capacity),
		"otel.sdk.exporter.log.exported":                                int64(o.Exported),
		"otel.sdk.exporter.log.exported{error.type=rejected}":           int64(o.FailedRejected),
		"otel.sdk.exporter.log.exported{error.type=export_failed}":      int64(o.FailedExport),
		"otel.sdk.exporter.log.exported{error.type=shutdown_deadline}":  int64(o.FailedShutdown),
		"otel.sdk.exporter.log.exported{error.type=refused}":            int64(o.FailedPermanent),
		"logbridge.otlp.outcome_unknown":                                int64(o.OutcomeUnknown),
		"logbridge.otlp.export.attempts":                                int64(o.ExportAttempts - o.ExportErrors),
		"logbridge.otlp.export.attempts{error.type=_OTHER}":             int64(o.ExportErrors),
		"logbridge.otlp.export.retries":                                 int64(o.Retries),
		"logbridge.otlp.waiting":                                        int64(o.Waiting),
	}
	for _, s := range st.Sinks {
		want["logbridge.sink.write.failures{logbridge.sink="+s.Name+"}"] = int64(s.Errors)
		want["logbridge.sink.dropped{logbridge.sink="+s.Name+"}"] = int64(s.Dropped)
	}
	for cat, n := range st.Suppressed {
		want["logbridge.log.suppressed{log.category="+cat+"}"] = int64(n)
	}
	return want
}

// checkAgainstStats compares a collection with the bridge's Stats taken just before and
// after it, identical (so that they belong together), and returns the collection. Exports
// finishing meanwhile make it try again, within a hang guard.
func checkAgainstStats(t *testing.T, lb *Bridge, r *sdkmetric.ManualReader, capacity int) collected {
	t.Helper()
	var problems []string
	var got collected
	for deadline := time.Now().Add(time.Minute); ; {
		st := lb.Stats()
		got = collect(t, r)
		if after := lb.Stats(); statsEqual(st, after) {
			if problems = mismatches(st, capacity, got); len(problems) == 0 {
				return got
			}
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, p := range problems {
		t.Error(p)
	}
	return got
}

// mismatches lists how got differs from what st says.
func mismatches(st Stats, capacity int, got collected) []string {
	var out []string
	want := wantFromStats(st, capacity)
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if v, ok := got.values[k]; !ok || v != want[k] {
			out = append(out, fmt.Sprintf("%s = %d (present %v), want %d (Stats)", k, v, ok, want[k]))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got.values)) {
		if _, ok := want[k]; !ok {
			out = append(out, fmt.Sprintf("unexpected series %s = %d", k, got.values[k]))
		}
	}
	for name, mono := range got.monotonic {
		if upDown := strings.HasPrefix(name, "otel.sdk.processor.log.queue.") || name == "logbridge.otlp.waiting"; mono == upDown {
			out = append(out, fmt.Sprintf("%s: monotonic=%v", name, mono))
		}
	}
	// One duration per finished export operation: attempts that were not followed by a retry.
	var ops uint64
	for _, n := range got.durations {
		ops += n
	}
	if want := st.OTLP.ExportAttempts - st.OTLP.Retries; ops != want {
		out = append(out, fmt.Sprintf("export durations recorded %d (%v), want %d export operations", ops, got.durations, want))
	}
	return out
}

func statsEqual(a, b Stats) bool {
	return a.OTLP == b.OTLP && slices.Equal(a.Sinks, b.Sinks) && maps.Equal(a.Suppressed, b.Suppressed)
}

// metricsSetup runs Setup with a manual reader and returns it.
func metricsSetup(t *testing.T, opts ...Option) (*Bridge, *buffer, *sdkmetric.ManualReader) {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	lb, console := setup(t, append([]Option{WithMeterProvider(mp)}, opts...)...)
	return lb, console, reader
}

// TestMetricsMatchStats: through the whole pipeline, with a manual metric reader, each
// counter equals its Stats field after bursts delivered to the real collector, drops, failed
// exports to a dead endpoint, records cut off at shutdown, failing sinks and storm
// suppressions, before Shutdown and after.
func TestMetricsMatchStats(t *testing.T) {
	col := collectortest.Start(t)
	for _, tc := range []struct {
		name      string
		endpoint  string
		procOpts  []otlpsink.ProcessorOption
		records   int
		shutdown  time.Duration // Shutdown's deadline
		check     func(t *testing.T, st Stats, got collected)
		storm     bool
		badSink   bool
		errorType bool // failed exports: every duration has an error.type
	}{
		{
			name: "delivered", endpoint: col.HTTPEndpoint(), records: 5000, shutdown: time.Minute,
			storm: true, badSink: true,
			check: func(t *testing.T, st Stats, got collected) {
				if st.OTLP.Exported == 0 || st.OTLP.Undelivered() != 0 || st.Suppressed["server"] == 0 || st.Sinks[len(st.Sinks)-1].Errors == 0 {
					t.Errorf("want records exported, none lost, some suppressed, a failing sink: %+v", st)
				}
			},
		},
		{
			name: "dead endpoint", endpoint: "http://127.0.0.1:1", records: 5000, shutdown: time.Minute, errorType: true,
			procOpts: []otlpsink.ProcessorOption{otlpsink.WithMaxQueueSize(16), otlpsink.WithRetryMaxElapsed(0), otlpsink.WithMaxBlock(0)},
			check: func(t *testing.T, st Stats, _ collected) {
				if st.OTLP.DroppedQueueFull == 0 || st.OTLP.FailedExport == 0 || st.OTLP.Exported != 0 {
					t.Errorf("want drops and failed exports, nothing exported: %+v", st.OTLP)
				}
			},
		},
		{
			name: "cut off at shutdown", endpoint: "http://127.0.0.1:1", records: 500, shutdown: 300 * time.Millisecond, errorType: true,
			procOpts: []otlpsink.ProcessorOption{otlpsink.WithRetryMaxElapsed(time.Hour)},
			check: func(t *testing.T, st Stats, _ collected) {
				if st.OTLP.FailedShutdown == 0 || st.OTLP.Retries == 0 {
					t.Errorf("want records lost at shutdown after retries: %+v", st.OTLP)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", tc.endpoint)
			opts := []Option{WithOTLPOptions(otlpsink.WithProcessorOptions(tc.procOpts...))}
			if tc.badSink {
				opts = append(opts, WithSink("bad", &failingHandler{}))
			}
			lb, _, reader := metricsSetup(t, opts...)
			capacity := lb.otlp.QueueCapacity()
			if tc.storm {
				if err := lb.SetRates("server=100/s"); err != nil {
					t.Fatal(err)
				}
			}
			log := lb.MustLogger("app", "core")
			noisy := lb.MustLogger("app", "server")
			for i := range tc.records {
				log.Info("burst", "i", i)
				if tc.storm {
					noisy.Error("storm")
				}
			}
			checkAgainstStats(t, lb, reader, capacity)

			ctx, cancel := context.WithTimeout(context.Background(), tc.shutdown)
			defer cancel()
			_ = lb.Shutdown(ctx)
			got := checkAgainstStats(t, lb, reader, capacity)
			st := lb.Stats()
			for k, n := range got.durations {
				if hasType := strings.Contains(k, "error.type="); n > 0 && hasType != tc.errorType {
					t.Errorf("export durations %s: %d, want error.type only on failures", k, n)
				}
			}
			tc.check(t, st, got)
		})
	}
}

// TestMetricsNeverLogged: collecting the metrics, however often, logs nothing and exports
// nothing: the metrics cannot feed the counts they report.
func TestMetricsNeverLogged(t *testing.T) {
	col := collectortest.Start(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", col.HTTPEndpoint())
	lb, console, reader := metricsSetup(t)
	lb.MustLogger("app", "core").Info("one")
	before, out := lb.Stats(), console.String()
	for range 50 {
		collect(t, reader)
	}
	if after := lb.Stats(); after.OTLP.Emitted != before.OTLP.Emitted || console.String() != out {
		t.Errorf("collecting logged: emitted %d -> %d, console grew by %q", before.OTLP.Emitted, after.OTLP.Emitted,
			strings.TrimPrefix(console.String(), out))
	}
}

// TestMetricsDisabled: OTEL_SDK_DISABLED=true means no metrics, even with a provider given;
// without OTLP of its own the bridge still reports its sinks.
func TestMetricsDisabled(t *testing.T) {
	for _, tc := range []struct {
		name, disabled string
		want           []string // instruments present
	}{
		{"sdk disabled", "true", nil},
		{"otlp off", "false", []string{"logbridge.log.suppressed", "logbridge.sink.dropped", "logbridge.sink.write.failures"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OTEL_SDK_DISABLED", tc.disabled)
			t.Setenv("TEST_LOG_OTLP", "false")
			lb, _, reader := metricsSetup(t, WithSink("bad", &failingHandler{}))
			lb.MustLogger("app", "core").Info("one")
			_ = lb.SetRates("core=1/s:1")
			lb.MustLogger("app", "core").Info("one")
			lb.MustLogger("app", "core").Info("one")
			got := collect(t, reader)
			var names []string
			for k := range got.values {
				name, _, _ := strings.Cut(k, "{")
				if !slices.Contains(names, name) {
					names = append(names, name)
				}
			}
			slices.Sort(names)
			if !slices.Equal(names, tc.want) || len(got.durations) != 0 {
				t.Errorf("instruments %v (durations %v), want %v", names, got.durations, tc.want)
			}
			if tc.want != nil {
				want := map[string]int64{"logbridge.sink.write.failures{logbridge.sink=bad}": 2, "logbridge.sink.write.failures{logbridge.sink=console}": 0,
					"logbridge.sink.dropped{logbridge.sink=bad}": 0, "logbridge.sink.dropped{logbridge.sink=console}": 0,
					"logbridge.log.suppressed{log.category=core}": 1}
				if !maps.Equal(got.values, want) {
					t.Errorf("values %v, want %v", got.values, want)
				}
			}
		})
	}
}

// TestExportErrorType: the error.type of export operations.
func TestExportErrorType(t *testing.T) {
	for _, tc := range []struct {
		op   otlpsink.ExportOperation
		want string
	}{
		{otlpsink.ExportOperation{}, ""},
		{otlpsink.ExportOperation{Err: context.DeadlineExceeded}, "timeout"},
		{otlpsink.ExportOperation{Err: fmt.Errorf("post: %w", context.Canceled)}, "cancelled"},
		{otlpsink.ExportOperation{Err: errors.New("connection refused")}, "_OTHER"},
	} {
		if got := tc.op.ErrorType(); got != tc.want {
			t.Errorf("ErrorType(%v) = %q, want %q", tc.op.Err, got, tc.want)
		}
	}
}

// TestREADMEListsEveryMetric keeps the README's metrics table in step with statMetrics.
func TestREADMEListsEveryMetric(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"otel.sdk.exporter.operation.duration"}
	for _, m := range statMetrics {
		names = append(names, m.name)
	}
	for _, v := range []string{errQueueFull, errAlreadyShutdown, errRejected, errExportFailed, errShutdown} {
		names = append(names, "error.type="+v)
	}
	for _, n := range names {
		if !strings.Contains(string(data), "`"+n+"`") {
			t.Errorf("README lacks %s", n)
		}
	}
}
