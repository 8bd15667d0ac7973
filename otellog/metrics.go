package otellog

import (
	"context"
	"maps"
	"slices"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/semconv/v1.43.0/otelconv"

	"github.com/logbridge/logbridge/otlpsink"
	"github.com/logbridge/logbridge/vocab"
)

// MeterName is the instrumentation scope of the pipeline's own metrics.
const MeterName = "github.com/logbridge/logbridge/otellog"

// Attribute keys of the pipeline metrics that the semantic conventions do not define.
const (
	AttrSink = "logbridge.sink" // the sink a per-sink metric counts: "console", "file", "otlp", ...
)

// error.type values of the pipeline metrics. The first three are the semantic conventions';
// the others name the Stats field they count.
const (
	errQueueFull       = "queue_full"        // otlpsink.Stats.DroppedQueueFull
	errAlreadyShutdown = "already_shutdown"  // otlpsink.Stats.DroppedShutdown
	errRejected        = "rejected"          // otlpsink.Stats.FailedRejected
	errExportFailed    = "export_failed"     // otlpsink.Stats.FailedExport
	errShutdown        = "shutdown_deadline" // otlpsink.Stats.FailedShutdown
	errPermanent       = "refused"           // otlpsink.Stats.FailedPermanent
)

// WithMeterProvider sends the pipeline's own metrics (records processed, dropped and exported,
// the queue, export durations, sink failures, storm suppressions; see the README) to mp
// instead of OpenTelemetry's global MeterProvider. A no-op provider turns them off; so does
// OTEL_SDK_DISABLED=true, whatever the provider. The metrics are read from Stats when mp
// collects, so a log call pays nothing for them, and they are never logged.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(o *options) { o.meterProvider = mp }
}

// snapshot is what one collection reads.
type snapshot struct {
	Stats
	queueCapacity int // records the OTLP processors hold at most
}

// observeFunc records one value of an instrument with its attributes.
type observeFunc func(v uint64, attrs ...attribute.KeyValue)

// statMetric is one asynchronous instrument whose values are read from a snapshot.
type statMetric struct {
	name, unit, desc string
	upDown           bool // an UpDownCounter (a level), else a Counter
	otlp             bool // only when the bridge runs its own OTLP pipeline (its Stats are zero otherwise)
	read             func(s *snapshot, observe observeFunc)
}

func errorType(v string) attribute.KeyValue { return semconv.ErrorTypeKey.String(v) }

// statMetrics maps the Stats fields to instruments, named after the OpenTelemetry SDK
// self-observability conventions where they have one. A new Stats field is one more observe
// call here (and a line in the README's table).
var statMetrics = []statMetric{
	{
		name: otelconv.SDKProcessorLogProcessed{}.Name(), unit: "{log_record}", otlp: true,
		desc: "Log records the OTLP processor took into its queue, or dropped (error.type says why).",
		read: func(s *snapshot, observe observeFunc) {
			observe(s.OTLP.Enqueued)
			observe(s.OTLP.DroppedQueueFull, errorType(errQueueFull))
			observe(s.OTLP.DroppedShutdown, errorType(errAlreadyShutdown))
		},
	},
	{
		name: otelconv.SDKProcessorLogQueueSize{}.Name(), unit: "{log_record}", upDown: true, otlp: true,
		desc: otelconv.SDKProcessorLogQueueSize{}.Description(),
		read: func(s *snapshot, observe observeFunc) { observe(s.OTLP.Pending) },
	},
	{
		name: otelconv.SDKProcessorLogQueueCapacity{}.Name(), unit: "{log_record}", upDown: true, otlp: true,
		desc: otelconv.SDKProcessorLogQueueCapacity{}.Description(),
		read: func(s *snapshot, observe observeFunc) { observe(uint64(s.queueCapacity)) },
	},
	{
		name: otelconv.SDKExporterLogExported{}.Name(), unit: "{log_record}", otlp: true,
		desc: "Log records whose export finished: delivered, or failed for good (error.type says why).",
		read: func(s *snapshot, observe observeFunc) {
			observe(s.OTLP.Exported)
			observe(s.OTLP.FailedRejected, errorType(errRejected))
			observe(s.OTLP.FailedExport, errorType(errExportFailed))
			observe(s.OTLP.FailedShutdown, errorType(errShutdown))
			observe(s.OTLP.FailedPermanent, errorType(errPermanent))
		},
	},
	{
		name: "logbridge.otlp.outcome_unknown", unit: "{log_record}", otlp: true,
		desc: "Log records sent whose answer had not come back by Shutdown's deadline: neither delivered nor lost for sure.",
		read: func(s *snapshot, observe observeFunc) { observe(s.OTLP.OutcomeUnknown) },
	},
	{
		name: "logbridge.otlp.export.attempts", unit: "{attempt}", otlp: true,
		desc: "Calls to the OTLP exporter, retries included; error.type=_OTHER for the failed ones.",
		read: func(s *snapshot, observe observeFunc) {
			observe(s.OTLP.ExportAttempts - s.OTLP.ExportErrors)
			observe(s.OTLP.ExportErrors, errorType(string(otelconv.ErrorTypeOther)))
		},
	},
	{
		name: "logbridge.otlp.export.retries", unit: "{attempt}", otlp: true,
		desc: "Failed export attempts followed by another attempt.",
		read: func(s *snapshot, observe observeFunc) { observe(s.OTLP.Retries) },
	},
	{
		name: "logbridge.otlp.waiting", unit: "{call}", upDown: true, otlp: true,
		desc: "Log calls waiting for room in the full OTLP queue now.",
		read: func(s *snapshot, observe observeFunc) { observe(s.OTLP.Waiting) },
	},
	{
		name: "logbridge.sink.write.failures", unit: "{log_record}",
		desc: "Records a sink failed to write (logbridge.sink names it).",
		read: func(s *snapshot, observe observeFunc) {
			for _, st := range s.Sinks {
				observe(st.Errors, attribute.String(AttrSink, st.Name))
			}
		},
	},
	{
		name: "logbridge.sink.dropped", unit: "{log_record}",
		desc: "Records a sink dropped because its writer was blocked (logbridge.sink names it).",
		read: func(s *snapshot, observe observeFunc) {
			for _, st := range s.Sinks {
				observe(st.Dropped, attribute.String(AttrSink, st.Name))
			}
		},
	},
	{
		name: "logbridge.log.suppressed", unit: "{log_record}",
		desc: "Records storm control held back (log.category names the category).",
		read: func(s *snapshot, observe observeFunc) {
			for _, cat := range slices.Sorted(maps.Keys(s.Suppressed)) {
				observe(s.Suppressed[cat], attribute.String(vocab.AttrCategory, cat))
			}
		},
	},
}

// metrics are a bridge's instruments.
type metrics struct {
	meter    metric.Meter
	duration metric.Float64Histogram
}

// exportDurationBuckets are the histogram bounds in seconds: from a fast local collector to
// an export that retries for the whole default budget.
var exportDurationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// newMetrics makes the instruments on mp (nil: the global provider). It returns nil when
// OTEL_SDK_DISABLED=true.
func newMetrics(mp metric.MeterProvider) (*metrics, error) {
	if otlpsink.SDKDisabled() {
		return nil, nil
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := &metrics{meter: mp.Meter(MeterName)}
	d := otelconv.SDKExporterOperationDuration{}
	var err error
	m.duration, err = m.meter.Float64Histogram(d.Name(), metric.WithUnit(d.Unit()),
		metric.WithDescription(d.Description()+" Retries and backoff included; error.type says why one failed."),
		metric.WithExplicitBucketBoundaries(exportDurationBuckets...))
	return m, err
}

// exportObserver returns the pipeline option that records export durations (none without
// metrics).
func (m *metrics) exportObserver() otlpsink.PipelineOption {
	if m == nil {
		return otlpsink.WithProcessorOptions()
	}
	return otlpsink.WithProcessorOptions(otlpsink.WithExportObserver(m.exportDone))
}

// exportDone records one finished export.
func (m *metrics) exportDone(op otlpsink.ExportOperation) {
	if et := op.ErrorType(); et != "" {
		m.duration.Record(context.Background(), op.Duration.Seconds(), metric.WithAttributes(errorType(et)))
		return
	}
	m.duration.Record(context.Background(), op.Duration.Seconds())
}

// register makes the asynchronous instruments, read from b's Stats at each collection. They
// stay registered after Shutdown, with their final values, so that a MeterProvider shut down
// after the bridge exports what Shutdown could not deliver.
func (m *metrics) register(b *Bridge) error {
	if m == nil {
		return nil
	}
	type inst struct {
		obs metric.Int64Observable
		def *statMetric
	}
	var insts []inst
	var all []metric.Observable
	for i := range statMetrics {
		def := &statMetrics[i]
		if def.otlp && b.otlp == nil {
			continue
		}
		var obs metric.Int64Observable
		var err error
		if def.upDown {
			obs, err = m.meter.Int64ObservableUpDownCounter(def.name, metric.WithUnit(def.unit), metric.WithDescription(def.desc))
		} else {
			obs, err = m.meter.Int64ObservableCounter(def.name, metric.WithUnit(def.unit), metric.WithDescription(def.desc))
		}
		if err != nil {
			return err
		}
		insts = append(insts, inst{obs, def})
		all = append(all, obs)
	}
	_, err := m.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		s := snapshot{Stats: b.Stats()}
		if b.otlp != nil {
			s.queueCapacity = b.otlp.QueueCapacity()
		}
		for _, in := range insts {
			in.def.read(&s, func(v uint64, attrs ...attribute.KeyValue) {
				o.ObserveInt64(in.obs, int64(v), metric.WithAttributes(attrs...))
			})
		}
		return nil
	}, all...)
	return err
}
