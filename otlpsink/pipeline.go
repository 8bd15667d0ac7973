package otlpsink

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/logbridge/logbridge/vocab"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutlog"
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/log/noop"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"google.golang.org/grpc"
)

// The environment variables NewPipeline reads itself; the OTLP exporters and the resource
// detector read the others (endpoint, headers, timeout, compression, certificates,
// OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES), and the Processor reads OTEL_BLRP_*.
const (
	envSDKDisabled       = "OTEL_SDK_DISABLED"
	envLogsExporter      = "OTEL_LOGS_EXPORTER"
	envLogsProtocol      = "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL"
	envProtocol          = "OTEL_EXPORTER_OTLP_PROTOCOL"
	envLogsEndpoint      = "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"
	envEndpoint          = "OTEL_EXPORTER_OTLP_ENDPOINT"
	envLogsHeaders       = "OTEL_EXPORTER_OTLP_LOGS_HEADERS"
	envHeaders           = "OTEL_EXPORTER_OTLP_HEADERS"
	envLogsInsecure      = "OTEL_EXPORTER_OTLP_LOGS_INSECURE"
	envInsecure          = "OTEL_EXPORTER_OTLP_INSECURE"
	envLogsCertificate   = "OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE"
	envCertificate       = "OTEL_EXPORTER_OTLP_CERTIFICATE"
	envLogsClientCert    = "OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE"
	envClientCertificate = "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"
)

// Protocols of OTEL_EXPORTER_OTLP_[LOGS_]PROTOCOL that NewPipeline supports.
const (
	ProtocolHTTPProtobuf = "http/protobuf"
	ProtocolGRPC         = "grpc"
)

// Default endpoints per the OpenTelemetry specification, used when no
// OTEL_EXPORTER_OTLP_[LOGS_]ENDPOINT is set. (The Go OTLP exporters alone default to https.)
const (
	DefaultHTTPEndpoint = "http://localhost:4318"
	DefaultGRPCEndpoint = "http://localhost:4317"
)

// otlpExportConcurrency is how many exports a Pipeline runs at once to an OTLP exporter,
// which, unlike the sdklog.Exporter contract's general case, allows concurrent Export calls.
const otlpExportConcurrency = 4

// PipelineOption configures NewPipeline.
type PipelineOption func(*pipelineConfig)

type pipelineConfig struct {
	exporter    sdklog.Exporter
	res         *resource.Resource
	procOpts    []ProcessorOption
	httpOpts    []otlploghttp.Option
	grpcOpts    []otlploggrpc.Option
	console     io.Writer
	serviceName string
	pre         []sdklog.Processor
}

// WithExporter makes the Pipeline export to exp, behind its Processor, instead of the
// exporters OTEL_LOGS_EXPORTER names; OTEL_SDK_DISABLED still applies. Export is called from
// one goroutine at a time unless WithProcessorOptions says otherwise.
func WithExporter(exp sdklog.Exporter) PipelineOption {
	return func(c *pipelineConfig) { c.exporter = exp }
}

// WithResource sets the resource of every record, instead of the one NewPipeline detects.
func WithResource(res *resource.Resource) PipelineOption {
	return func(c *pipelineConfig) { c.res = res }
}

// WithServiceName sets the service.name used when neither OTEL_SERVICE_NAME nor
// OTEL_RESOURCE_ATTRIBUTES sets one (default: the executable's base name).
func WithServiceName(name string) PipelineOption {
	return func(c *pipelineConfig) { c.serviceName = name }
}

// WithProcessorOptions passes options to the Pipeline's Processor(s); they win over
// OTEL_BLRP_* and the Pipeline's own choices. Errors reach a WithErrorHandler function with
// secrets redacted from their text.
func WithProcessorOptions(opts ...ProcessorOption) PipelineOption {
	return func(c *pipelineConfig) { c.procOpts = append(c.procOpts, opts...) }
}

// WithProcessors puts sdk/log Processors in front of the Pipeline's own: every record goes
// through their OnEmit, in order, before it is queued for export, and what they change (added
// attributes such as contrib's baggagecopy adds, redacted values) is what is exported. The
// handlers keep their fast path: they call these OnEmit methods themselves instead of going
// through the SDK's Logger. The Pipeline's Shutdown and ForceFlush reach them too. A processor
// cannot stop a record from reaching the next (the SDK's rule for processors); one that
// filters should wrap a processor of its own, not stand in front.
func WithProcessors(ps ...sdklog.Processor) PipelineOption {
	return func(c *pipelineConfig) { c.pre = append(c.pre, ps...) }
}

// WithHTTPOptions passes options to the otlploghttp exporter; they win over env vars and the
// Pipeline's own choices. Without them, a Pipeline over http/protobuf exports with
// logbridge's own OTLP/HTTP exporter, which is faster (see the package documentation, "The
// pipeline"); with them, it uses otlploghttp, which they configure.
func WithHTTPOptions(opts ...otlploghttp.Option) PipelineOption {
	return func(c *pipelineConfig) { c.httpOpts = append(c.httpOpts, opts...) }
}

// WithGRPCOptions passes options to the otlploggrpc exporter; they win over env vars and the
// Pipeline's own choices. Without them, a Pipeline over grpc exports with logbridge's own
// OTLP/gRPC exporter (see the package documentation, "The pipeline"); with them, it uses
// otlploggrpc, which they configure.
func WithGRPCOptions(opts ...otlploggrpc.Option) PipelineOption {
	return func(c *pipelineConfig) { c.grpcOpts = append(c.grpcOpts, opts...) }
}

// WithConsoleExporterWriter sets where OTEL_LOGS_EXPORTER=console writes (default os.Stderr, so that
// a program's standard output stays its own).
func WithConsoleExporterWriter(w io.Writer) PipelineOption {
	return func(c *pipelineConfig) { c.console = w }
}

// Pipeline is the OTLP pipeline: a LoggerProvider built from the OTEL_* env vars with our
// Processor in front of the exporter, and its counters.
type Pipeline struct {
	lp       log.LoggerProvider
	sdk      *sdklog.LoggerProvider // nil when the Pipeline does not own a provider
	procs    []*Processor
	multi    *multiProvider // the provider, when there are several exporters
	diags    []vocab.Diagnostic
	red      *redactor
	desc     string
	disabled bool
}

// NewPipeline builds a Pipeline from the env vars (see the package documentation, "The
// pipeline") and opts. A setting that makes the pipeline unusable (an unknown exporter or
// protocol, http/json, an exporter that cannot be built) is an error naming the variable; a
// setting that is merely ignored (a bad OTEL_BLRP_* number, a malformed resource attribute)
// is a Diagnostic.
func NewPipeline(ctx context.Context, opts ...PipelineOption) (*Pipeline, error) {
	var c pipelineConfig
	for _, o := range opts {
		o(&c)
	}
	p := &Pipeline{red: newRedactorFromEnv()}
	switch v := strings.TrimSpace(os.Getenv(envSDKDisabled)); strings.ToLower(v) {
	case sdkDisabledValue:
		p.lp, p.desc, p.disabled = noop.NewLoggerProvider(), "disabled by "+envSDKDisabled, true
		return p, nil
	case "", "false":
	default:
		p.diags = append(p.diags, vocab.Diagnostic{Source: envSDKDisabled, Piece: v,
			Problem: `not "true" or "false"; the SDK stays enabled`})
	}

	var exps []namedExporter
	if c.exporter != nil {
		exps = []namedExporter{{c.exporter, "caller's exporter", 0, 0}}
	} else {
		var err error
		exps, err = p.exportersFromEnv(ctx, &c)
		if err != nil {
			return nil, err
		}
	}
	if len(exps) == 0 {
		p.lp, p.desc, p.disabled = noop.NewLoggerProvider(), envLogsExporter+"=none", true
		return p, nil
	}

	res := c.res
	if res == nil {
		var err error
		res, err = DetectResource(ctx, c.serviceName)
		if err != nil {
			p.diags = append(p.diags, vocab.Diagnostic{Source: "resource detection (" + resourceEnvNames + ")",
				Problem: p.red.redact(err.Error()) + "; the attributes that could be read apply"})
		}
	}
	popts := []sdklog.LoggerProviderOption{sdklog.WithResource(res), sdklog.WithAllowKeyDuplication()}
	for _, pre := range c.pre {
		popts = append(popts, sdklog.WithProcessor(skipCapture{pre}))
	}
	limits, limitDiags := readLimits()
	popts = append(popts, limits.options()...)
	p.diags = append(p.diags, limitDiags...)
	var descs []string
	for _, e := range exps {
		o := []ProcessorOption{withRedactor(p.red)}
		if e.concurrency > 0 {
			o = append(o, WithExportConcurrency(e.concurrency))
		}
		if e.batchBytes > 0 {
			o = append(o, WithMaxExportBatchBytes(e.batchBytes))
		}
		proc := NewProcessor(e.exp, append(o, c.procOpts...)...)
		p.procs = append(p.procs, proc)
		popts = append(popts, sdklog.WithProcessor(proc))
		descs = append(descs, e.desc)
	}
	p.diags = append(p.diags, p.procs[0].Diagnostics()...)
	p.sdk = sdklog.NewLoggerProvider(popts...)
	if len(p.procs) == 1 {
		p.lp = &provider{sdk: p.sdk, proc: p.procs[0], pre: c.pre, limits: limits}
	} else {
		p.multi = &multiProvider{sdk: p.sdk, procs: p.procs}
		p.lp = p.multi
	}
	p.desc = strings.Join(descs, ", ")
	return p, nil
}

const resourceEnvNames = "OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES"

type namedExporter struct {
	exp         sdklog.Exporter
	desc        string
	concurrency int
	batchBytes  int // the batch size cap that fits the receiver's default limit; 0: the Processor's default
}

// exportersFromEnv builds the exporters OTEL_LOGS_EXPORTER names (default otlp).
func (p *Pipeline) exportersFromEnv(ctx context.Context, c *pipelineConfig) ([]namedExporter, error) {
	raw := os.Getenv(envLogsExporter)
	var names []string
	for _, n := range strings.Split(raw, ",") {
		n = strings.ToLower(strings.TrimSpace(n))
		if n != "" && !contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		names = []string{"otlp"} // unset or empty (also "," or " , "): the default, never none
	}
	var exps []namedExporter
	for _, n := range names {
		switch n {
		case "none":
			if len(names) > 1 {
				return nil, fmt.Errorf("otlpsink: %s=%q: \"none\" cannot be combined with other exporters", envLogsExporter, raw)
			}
			return nil, nil
		case "console":
			w := c.console
			if w == nil {
				w = os.Stderr
			}
			exp, err := stdoutlog.New(stdoutlog.WithWriter(w))
			if err != nil {
				return nil, fmt.Errorf("otlpsink: console exporter: %w", err)
			}
			exps = append(exps, namedExporter{exp, "console", 1, 0})
		case "otlp":
			e, err := p.otlpExporter(ctx, c)
			if err != nil {
				closeExporters(ctx, exps)
				return nil, err
			}
			exps = append(exps, e)
		default:
			closeExporters(ctx, exps)
			return nil, fmt.Errorf("otlpsink: %s=%q: unknown exporter %q (want otlp, console or none)", envLogsExporter, raw, n)
		}
	}
	return exps, nil
}

func closeExporters(ctx context.Context, exps []namedExporter) {
	for _, e := range exps {
		_ = e.exp.Shutdown(ctx)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// selectedProtocol returns the OTLP protocol the env vars select, and the variable that selected it
// ("" for the default): OTEL_EXPORTER_OTLP_LOGS_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL,
// else http/protobuf. http/json and unknown values are errors naming the variable.
func selectedProtocol() (protocol, source string, err error) {
	for _, name := range []string{envLogsProtocol, envProtocol} {
		raw := os.Getenv(name)
		v := strings.ToLower(strings.TrimSpace(raw))
		switch v {
		case "":
			continue
		case ProtocolHTTPProtobuf, ProtocolGRPC:
			return v, name, nil
		case "http/json":
			return "", name, fmt.Errorf("otlpsink: %s=%q: http/json is not supported by the Go OTLP log exporters (use http/protobuf or grpc)", name, raw)
		default:
			return "", name, fmt.Errorf("otlpsink: %s=%q: unknown protocol (want http/protobuf or grpc)", name, raw)
		}
	}
	return ProtocolHTTPProtobuf, "", nil
}

// otlpExporter builds the OTLP exporter for the selected protocol, from the
// OTEL_EXPORTER_OTLP_[LOGS_]* variables as readExporterEnv normalized and checked them (the
// default endpoint being the specification's plain-http one). The exporter's own retries are
// off: the Processor retries, knowing the queue and the shutdown deadline. The Processor classifies the exporter's errors by the OTLP
// specification's rules (see classify). The gRPC exporter gets a stats handler telling the
// Processor when a request went out (see Stats.OutcomeUnknown); for HTTP the Processor's
// client trace does that.
func (p *Pipeline) otlpExporter(ctx context.Context, c *pipelineConfig) (namedExporter, error) {
	proto, _, err := selectedProtocol()
	if err != nil {
		return namedExporter{}, err
	}
	env, err := p.readExporterEnv(proto)
	if err != nil {
		return namedExporter{}, err
	}
	endpoint := env.endpoint.String()
	switch proto {
	case ProtocolGRPC:
		// logbridge's own exporter (exportgrpc.go) unless the caller passed otlploggrpc
		// options, which only otlploggrpc understands.
		var exp sdklog.Exporter
		var err error
		if len(c.grpcOpts) == 0 {
			exp, err = newGRPCExporter(env.grpcConfig())
		} else {
			opts := append(env.grpcOptions(), otlploggrpc.WithRetry(otlploggrpc.RetryConfig{Enabled: false}),
				otlploggrpc.WithDialOption(grpc.WithStatsHandler(sentTracer{})))
			exp, err = otlploggrpc.New(ctx, append(opts, c.grpcOpts...)...)
		}
		if err != nil {
			return namedExporter{}, fmt.Errorf("otlpsink: otlp grpc exporter: %s", p.red.redact(err.Error()))
		}
		exp = withHints(exp, "")
		return namedExporter{exp, "otlp grpc to " + p.red.redactURL(endpoint), otlpExportConcurrency, 0}, nil
	default:
		// logbridge's own exporter (exporthttp.go) unless the caller passed otlploghttp
		// options, which only otlploghttp understands.
		var exp sdklog.Exporter
		if len(c.httpOpts) == 0 {
			exp = newHTTPExporter(env.httpConfig())
		} else {
			opts := append(env.httpOptions(), otlploghttp.WithRetry(otlploghttp.RetryConfig{Enabled: false}))
			hexp, err := otlploghttp.New(ctx, append(opts, c.httpOpts...)...)
			if err != nil {
				return namedExporter{}, fmt.Errorf("otlpsink: otlp http/protobuf exporter: %s", p.red.redact(err.Error()))
			}
			exp = hexp
		}
		exp = withHints(exp, env.notFoundHint())
		u := *env.endpoint
		u.Path = env.urlPath
		return namedExporter{exp, "otlp http/protobuf to " + p.red.redactURL(u.String()), otlpExportConcurrency, HTTPMaxExportBatchBytes}, nil
	}
}

// checkEndpoints refuses an endpoint variable the exporters could not use. They would report
// it and fall back to their own default (https://localhost:4318, or localhost:4317 for grpc),
// sending records over TLS to a place nobody configured.
func (p *Pipeline) checkEndpoints() error {
	for _, name := range []string{envLogsEndpoint, envEndpoint} {
		v := strings.TrimSpace(os.Getenv(name))
		if v == "" {
			continue
		}
		if problem := endpointProblem(v); problem != "" {
			return fmt.Errorf("otlpsink: %s=%s: %s (want a URL such as http://collector:4318)", name, p.red.redact(withoutUserInfo(v)), problem)
		}
	}
	return nil
}

// withoutUserInfo replaces the user info of a URL, parsable or not, with "REDACTED".
func withoutUserInfo(v string) string {
	i := strings.Index(v, "://")
	if i < 0 {
		return v
	}
	rest := v[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		return v[:i+3] + redacted + rest[at:]
	}
	return v
}

// endpointProblem says what makes v unusable as an OTLP endpoint URL, or "".
func endpointProblem(v string) string {
	u, err := url.Parse(v)
	switch {
	case err != nil:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the whole value, secrets included
		}
		return "not a URL: " + err.Error()
	case u.Scheme != "http" && u.Scheme != "https":
		return "the scheme must be http or https"
	case u.Hostname() == "":
		return "no host"
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "bad port " + strconv.Quote(port)
		}
	}
	return ""
}

// DetectResource builds the resource a Pipeline uses unless given one: service.name from name
// (the executable's base name when empty), the telemetry SDK, process and host attributes,
// then OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME, which win. A program exporting traces
// too can give its TracerProvider the same resource, so that logs and traces match by
// service.name.
func DetectResource(ctx context.Context, name string) (*resource.Resource, error) {
	if name == "" {
		name = executableName()
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(semconv.ServiceName(name)),
		resource.WithTelemetrySDK(),
		resource.WithProcessPID(),
		resource.WithProcessExecutableName(),
		resource.WithProcessRuntimeName(),
		resource.WithProcessRuntimeVersion(),
		resource.WithHost(),
		resource.WithFromEnv(),
	)
	return validResource(res), err
}

// validResource returns res with its string values made valid UTF-8 (an invalid one, say from
// a percent-encoded byte in OTEL_RESOURCE_ATTRIBUTES, would make every export fail).
func validResource(res *resource.Resource) *resource.Resource {
	if res == nil {
		return res
	}
	attrs := res.Attributes()
	changed := false
	for i, kv := range attrs {
		k := validUTF8(string(kv.Key))
		if k != string(kv.Key) {
			attrs[i].Key, changed = attribute.Key(k), true
		}
		if kv.Value.Type() == attribute.STRING {
			if v := validUTF8(kv.Value.AsString()); v != kv.Value.AsString() {
				attrs[i].Value, changed = attribute.StringValue(v), true
			}
		}
	}
	if !changed {
		return res
	}
	return resource.NewWithAttributes(res.SchemaURL(), attrs...)
}

// executableName is the base name of the running program, without a .exe suffix.
func executableName() string {
	exe, err := os.Executable()
	if err != nil || exe == "" {
		exe = os.Args[0]
	}
	name := strings.TrimSuffix(filepath.Base(exe), ".exe")
	if name == "" || name == "." || name == string(filepath.Separator) {
		return "unknown_service:go"
	}
	return name
}

// Provider returns the LoggerProvider to hand to NewHandler (or otel's global): the
// Pipeline's own, or a no-op one when the SDK is disabled or OTEL_LOGS_EXPORTER=none. (A
// LoggerProvider of the caller's needs no Pipeline: hand it to NewHandler.)
func (p *Pipeline) Provider() log.LoggerProvider { return p.lp }

// Enabled reports whether records are exported at all: false when OTEL_SDK_DISABLED=true or
// OTEL_LOGS_EXPORTER=none.
func (p *Pipeline) Enabled() bool { return !p.disabled }

// Description says where records go, for a startup message: "otlp http/protobuf to
// http://localhost:4318", "disabled by OTEL_SDK_DISABLED"... It never contains secrets.
func (p *Pipeline) Description() string { return p.desc }

// Diagnostics returns the settings the Pipeline ignored, each naming its variable.
func (p *Pipeline) Diagnostics() []vocab.Diagnostic { return p.diags }

// Redact replaces the secrets the Pipeline knows (header values from
// OTEL_EXPORTER_OTLP_[LOGS_]HEADERS, user info from the endpoint URLs) in s with "REDACTED":
// for text from elsewhere, such as OpenTelemetry's global error handler, before it is shown.
func (p *Pipeline) Redact(s string) string { return p.red.redact(s) }

// Stats returns the processors' counters (summed, if OTEL_LOGS_EXPORTER names several
// exporters: a record then counts once per exporter). Zero for a disabled Pipeline or a
// caller's provider.
func (p *Pipeline) Stats() Stats {
	var s Stats
	for _, proc := range p.procs {
		s.add(proc.Stats())
	}
	return s
}

// ForceFlush exports what is queued, within ctx (see Processor.ForceFlush).
func (p *Pipeline) ForceFlush(ctx context.Context) error {
	if p.sdk == nil {
		return nil
	}
	return p.red.redactError(p.sdk.ForceFlush(ctx))
}

// Shutdown flushes and stops the Pipeline's provider within ctx. The error, if records could
// not be delivered, wraps a *DeliveryError with their number. A caller's provider is left
// alone. Later calls return nil.
func (p *Pipeline) Shutdown(ctx context.Context) error {
	if p.sdk == nil {
		return nil
	}
	for _, proc := range p.procs {
		proc.stopAccepting() // so that the provider does not wait for log calls waiting for room
	}
	if p.multi != nil {
		p.multi.close(ctx) // from here on, records are counted, not given to the SDK
	}
	err := p.sdk.Shutdown(ctx)
	// If ctx ended while the provider waited for log calls in progress, it skipped the
	// processors: shut them down anyway, so that what they hold is counted.
	for _, proc := range p.procs {
		err = errors.Join(err, proc.Shutdown(ctx))
	}
	return p.red.redactError(err)
}
