package main

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/semconv/v1.41.0/genaiconv"
)

// The OTEL_* variables of the metrics signal; the general ones are shared with the traces.
// The periodic reader reads OTEL_METRIC_EXPORT_INTERVAL and OTEL_METRIC_EXPORT_TIMEOUT itself.
const (
	envMetricsExporter   = "OTEL_METRICS_EXPORTER"
	envMetricsProtocol   = "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"
	envMetricsEndpoint   = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"
	envMetricsInsecure   = "OTEL_EXPORTER_OTLP_METRICS_INSECURE"
	envMetricsCert       = "OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE"
	envMetricsClientCert = "OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE"
	envMetricInterval    = "OTEL_METRIC_EXPORT_INTERVAL"
)

// defaultMetricInterval is how often metrics are exported without OTEL_METRIC_EXPORT_INTERVAL;
// the stack's Prometheus data source assumes it (timeInterval).
const defaultMetricInterval = 15 * time.Second

// metricVars are the variables of the metrics signal.
var metricVars = signalVars{
	exporter: envMetricsExporter, protocol: envMetricsProtocol, endpoint: envMetricsEndpoint,
	insecure: envMetricsInsecure, cert: envMetricsCert, clientCert: envMetricsClientCert,
}

// newMeterProvider builds the MeterProvider from the OTEL_* variables, as newTracerProvider
// builds the TracerProvider: OTLP over http/protobuf through a periodic reader (every 15 s
// unless OTEL_METRIC_EXPORT_INTERVAL says otherwise; Shutdown exports what is left).
// Without export the instruments still work and nothing leaves the process. The program
// makes it the global MeterProvider, so otelhttp's request metrics and logbridge's pipeline
// metrics use it too. It returns a description of where metrics go.
func newMeterProvider(ctx context.Context, res *resource.Resource) (*sdkmetric.MeterProvider, string, error) {
	opts := []sdkmetric.Option{sdkmetric.WithResource(res)}
	plan, err := planExport(metricVars)
	if err != nil {
		return nil, "", err
	}
	if plan.off != "" {
		return sdkmetric.NewMeterProvider(opts...), plan.off, nil
	}
	var expOpts []otlpmetrichttp.Option
	if plan.specDefault {
		expOpts = append(expOpts, otlpmetrichttp.WithInsecure())
	}
	exp, err := otlpmetrichttp.New(ctx, expOpts...)
	if err != nil {
		return nil, "", fmt.Errorf("otlp metric exporter: %w", err)
	}
	var readerOpts []sdkmetric.PeriodicReaderOption
	if firstEnv(envMetricInterval) == "" {
		// The SDK's default is 60 s; a demo's dashboard should fill faster. WithInterval
		// would override the variable, so it is given only without one.
		readerOpts = append(readerOpts, sdkmetric.WithInterval(defaultMetricInterval))
	}
	opts = append(opts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp, readerOpts...)))
	return sdkmetric.NewMeterProvider(opts...), plan.dest, nil
}

// The fake inference's identity in the GenAI semantic conventions: its provider and model.
const genAIProvider genaiconv.ProviderNameAttr = "logbridge.demo"

// genAIModel is the model name the fake inference reports (its spans carry it too).
const genAIModel = "demo-small"

// tokenBuckets are the bucket boundaries the GenAI semantic conventions advise for
// gen_ai.client.token.usage.
var tokenBuckets = []float64{1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864}

// durationBuckets are the advised boundaries of gen_ai.client.operation.duration, in seconds.
var durationBuckets = []float64{0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92}

// inferenceMetrics are the GenAI metrics of the fake inference: token usage by token type
// and the duration of each generation, as a GenAI client instrumentation records them.
// (The request metrics, http.server.request.duration and the rest, come from otelhttp.)
type inferenceMetrics struct {
	tokens   genaiconv.ClientTokenUsage
	duration genaiconv.ClientOperationDuration
}

// newInferenceMetrics creates the instruments on mp's meter for this program. An instrument
// that cannot be created is a no-op (the error says which).
func newInferenceMetrics(mp metric.MeterProvider) (*inferenceMetrics, error) {
	meter := mp.Meter("github.com/logbridge/logbridge/examples/httpserver")
	tokens, err1 := genaiconv.NewClientTokenUsage(meter, metric.WithExplicitBucketBoundaries(tokenBuckets...))
	duration, err2 := genaiconv.NewClientOperationDuration(meter, metric.WithExplicitBucketBoundaries(durationBuckets...))
	m := &inferenceMetrics{tokens: tokens, duration: duration}
	if err1 != nil {
		return m, err1
	}
	return m, err2
}

// record counts one chat generation: its input and output tokens and how long it took.
func (m *inferenceMetrics) record(ctx context.Context, in, out int, took time.Duration) {
	model := m.tokens.AttrRequestModel(genAIModel)
	m.tokens.Record(ctx, int64(in), genaiconv.OperationNameChat, genAIProvider, genaiconv.TokenTypeInput, model)
	m.tokens.Record(ctx, int64(out), genaiconv.OperationNameChat, genAIProvider, genaiconv.TokenTypeOutput, model)
	m.duration.Record(ctx, took.Seconds(), genaiconv.OperationNameChat, genAIProvider, m.duration.AttrRequestModel(genAIModel))
}
