package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
)

// TestInferenceMetrics records two generations and reads them back through a manual reader:
// gen_ai.client.token.usage is a histogram in {token} with one series per token type, carrying
// the attributes the GenAI semantic conventions require, and the advised buckets;
// gen_ai.client.operation.duration counts the generations in seconds.
func TestInferenceMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	m, err := newInferenceMetrics(mp)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m.record(ctx, 7, 20, 30*time.Millisecond)
	m.record(ctx, 3, 300, 50*time.Millisecond)

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, mt := range sm.Metrics {
			got[mt.Name] = mt
		}
	}

	usage, ok := got["gen_ai.client.token.usage"]
	if !ok {
		t.Fatalf("no gen_ai.client.token.usage (have %v)", keys(got))
	}
	if usage.Unit != "{token}" {
		t.Errorf("token usage unit %q, want {token}", usage.Unit)
	}
	h, ok := usage.Data.(metricdata.Histogram[int64])
	if !ok {
		t.Fatalf("token usage is a %T, want an int64 histogram", usage.Data)
	}
	want := map[string]struct{ count, sum int64 }{"input": {2, 10}, "output": {2, 320}}
	if len(h.DataPoints) != len(want) {
		t.Fatalf("%d token usage series, want one per token type (%v)", len(h.DataPoints), want)
	}
	for _, dp := range h.DataPoints {
		typ := str(dp.Attributes, "gen_ai.token.type")
		w, ok := want[typ]
		if !ok {
			t.Errorf("series with gen_ai.token.type %q", typ)
			continue
		}
		if int64(dp.Count) != w.count || dp.Sum != w.sum {
			t.Errorf("%s tokens: count %d sum %d, want count %d sum %d", typ, dp.Count, dp.Sum, w.count, w.sum)
		}
		for k, v := range map[string]string{
			"gen_ai.operation.name": "chat",
			"gen_ai.provider.name":  string(genAIProvider),
			"gen_ai.request.model":  genAIModel,
		} {
			if got := str(dp.Attributes, attribute.Key(k)); got != v {
				t.Errorf("%s tokens: %s = %q, want %q", typ, k, got, v)
			}
		}
		if !slices.Equal(dp.Bounds, tokenBuckets) {
			t.Errorf("%s tokens: bounds %v, want the advised %v", typ, dp.Bounds, tokenBuckets)
		}
	}

	dur, ok := got["gen_ai.client.operation.duration"]
	if !ok {
		t.Fatalf("no gen_ai.client.operation.duration (have %v)", keys(got))
	}
	d, ok := dur.Data.(metricdata.Histogram[float64])
	if !ok || len(d.DataPoints) != 1 || d.DataPoints[0].Count != 2 || dur.Unit != "s" {
		t.Fatalf("operation duration: %+v (unit %q), want one series of 2 generations in s", dur.Data, dur.Unit)
	}
	if s := d.DataPoints[0].Sum; s < 0.079 || s > 0.081 {
		t.Errorf("operation duration sum %v s, want 0.08", s)
	}
}

func str(set attribute.Set, k attribute.Key) string {
	v, _ := set.Value(k)
	return v.AsString()
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestMetricsExportPlan checks that the metrics set-up reads the OTEL_* variables as the
// traces set-up does (TestTracerProviderFromEnv), with the metrics signal's own variables
// first, and that newMeterProvider follows the plan.
func TestMetricsExportPlan(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string // plan.dest or plan.off; with err: what the error names
		err  bool
	}{
		{name: "default", want: "otlp http/protobuf to http://localhost:4318"},
		{name: "endpoint", env: map[string]string{envEndpoint: "http://127.0.0.1:14318"}, want: "otlp http/protobuf to http://127.0.0.1:14318"},
		{name: "metrics endpoint wins", env: map[string]string{envEndpoint: "http://a:1", envMetricsEndpoint: "http://b:2/v1/metrics"}, want: "otlp http/protobuf to http://b:2/v1/metrics"},
		{name: "user info redacted", env: map[string]string{envMetricsEndpoint: "https://user:secret@collector:4318"}, want: "otlp http/protobuf to https://REDACTED@collector:4318"},
		{name: "disabled", env: map[string]string{envSDKDisabled: "true"}, want: "disabled by OTEL_SDK_DISABLED"},
		{name: "none", env: map[string]string{envMetricsExporter: "none"}, want: "OTEL_METRICS_EXPORTER=none"},
		{name: "traces none leaves metrics", env: map[string]string{envTracesExporter: "none"}, want: "otlp http/protobuf to http://localhost:4318"},
		{name: "unknown exporter", env: map[string]string{envMetricsExporter: "prometheus"}, want: envMetricsExporter, err: true},
		{name: "grpc", env: map[string]string{envMetricsProtocol: "grpc"}, want: envMetricsProtocol, err: true},
		{name: "metrics protocol wins", env: map[string]string{envProtocol: "grpc", envMetricsProtocol: "http/protobuf"}, want: "otlp http/protobuf to http://localhost:4318"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{envSDKDisabled, envTracesExporter, envMetricsExporter, envMetricsProtocol, envProtocol, envMetricsEndpoint,
				envEndpoint, envMetricsInsecure, envInsecure, envMetricsCert, envCert, envMetricsClientCert, envClientCert} {
				t.Setenv(k, "")
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			plan, err := planExport(metricVars)
			mp, desc, mpErr := newMeterProvider(context.Background(), resource.Empty())
			if mpErr == nil {
				defer mp.Shutdown(context.Background())
			}
			if tc.err {
				if err == nil || mpErr == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("planExport err = %v, newMeterProvider err = %v; want errors naming %s", err, mpErr, tc.want)
				}
				return
			}
			if err != nil || mpErr != nil {
				t.Fatalf("planExport err = %v, newMeterProvider err = %v", err, mpErr)
			}
			if got := plan.dest + plan.off; got != tc.want || desc != tc.want {
				t.Errorf("plan %+v, provider description %q; want %q", plan, desc, tc.want)
			}
		})
	}
}
