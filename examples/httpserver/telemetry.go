package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/logbridge/logbridge/otlpsink"
)

// The OTEL_* variables the trace set-up reads itself. The exporter reads the rest
// (endpoint, headers, timeout, compression, certificates) and the batch span processor reads
// OTEL_BSP_*, as the SDK does on its own.
const (
	envSDKDisabled      = "OTEL_SDK_DISABLED"
	envTracesExporter   = "OTEL_TRACES_EXPORTER"
	envTracesProtocol   = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
	envProtocol         = "OTEL_EXPORTER_OTLP_PROTOCOL"
	envTracesEndpoint   = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
	envEndpoint         = "OTEL_EXPORTER_OTLP_ENDPOINT"
	envTracesInsecure   = "OTEL_EXPORTER_OTLP_TRACES_INSECURE"
	envInsecure         = "OTEL_EXPORTER_OTLP_INSECURE"
	envTracesCert       = "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE"
	envCert             = "OTEL_EXPORTER_OTLP_CERTIFICATE"
	envTracesClientCert = "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE"
	envClientCert       = "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"
	envServiceName      = "OTEL_SERVICE_NAME"
)

// signalVars names the OTEL_* variables that say where one signal goes: the signal's own
// (OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_TRACES_*) and, after them, the general ones.
type signalVars struct {
	exporter                                       string // OTEL_<SIGNAL>S_EXPORTER
	protocol, endpoint, insecure, cert, clientCert string // OTEL_EXPORTER_OTLP_<SIGNAL>S_*
}

// traceVars are the variables of the traces signal.
var traceVars = signalVars{
	exporter: envTracesExporter, protocol: envTracesProtocol, endpoint: envTracesEndpoint,
	insecure: envTracesInsecure, cert: envTracesCert, clientCert: envTracesClientCert,
}

// exportPlan is what the variables of one signal decide.
type exportPlan struct {
	off  string // why nothing is exported ("disabled by OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER=none"); "" to export
	dest string // where to, redacted, for the start-up line
	// specDefault: no endpoint, insecure or certificate variable is set, so the exporter
	// must be told the specification's plain-http default (the Go exporters alone would
	// use https).
	specDefault bool
}

// planExport reads the variables of one signal the way the logs pipeline reads its own:
// OTEL_SDK_DISABLED=true or the exporter variable "none" export nothing; otherwise OTLP
// over http/protobuf (the only protocol this example's traces and metrics speak) to the
// endpoint variable, else to http://localhost:4318.
func planExport(v signalVars) (exportPlan, error) {
	if strings.EqualFold(strings.TrimSpace(os.Getenv(envSDKDisabled)), "true") {
		return exportPlan{off: "disabled by " + envSDKDisabled}, nil
	}
	switch exp := strings.ToLower(strings.TrimSpace(os.Getenv(v.exporter))); exp {
	case "", "otlp":
	case "none":
		return exportPlan{off: v.exporter + "=none"}, nil
	default:
		return exportPlan{}, fmt.Errorf("%s=%q: this example supports otlp or none", v.exporter, exp)
	}
	for _, name := range []string{v.protocol, envProtocol} {
		p := strings.ToLower(strings.TrimSpace(os.Getenv(name)))
		if p == "" {
			continue
		}
		if p != otlpsink.ProtocolHTTPProtobuf {
			return exportPlan{}, fmt.Errorf("%s=%q: this example exports over %s only", name, p, otlpsink.ProtocolHTTPProtobuf)
		}
		break
	}
	plan := exportPlan{dest: firstEnv(v.endpoint, envEndpoint)}
	if plan.dest == "" && firstEnv(v.insecure, envInsecure, v.cert, envCert, v.clientCert, envClientCert) == "" {
		plan.specDefault, plan.dest = true, otlpsink.DefaultHTTPEndpoint
	}
	plan.dest = "otlp http/protobuf to " + redactURL(plan.dest)
	return plan, nil
}

// newTracerProvider builds the TracerProvider from the same OTEL_* variables the logs
// pipeline reads, with the same defaults (planExport). Without export it keeps spans (and
// so trace ids in the logs) but exports nothing. It returns a description of where spans
// go, for the start-up log line.
func newTracerProvider(ctx context.Context, res *resource.Resource) (*sdktrace.TracerProvider, string, error) {
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	plan, err := planExport(traceVars)
	if err != nil {
		return nil, "", err
	}
	if plan.off != "" {
		return sdktrace.NewTracerProvider(opts...), plan.off, nil
	}
	var expOpts []otlptracehttp.Option
	if plan.specDefault {
		expOpts = append(expOpts, otlptracehttp.WithInsecure())
	}
	exp, err := otlptracehttp.New(ctx, expOpts...)
	if err != nil {
		return nil, "", fmt.Errorf("otlp trace exporter: %w", err)
	}
	opts = append(opts, sdktrace.WithBatcher(exp))
	return sdktrace.NewTracerProvider(opts...), plan.dest, nil
}

// firstEnv returns the first of the variables that is set and not blank.
func firstEnv(names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(os.Getenv(n)); v != "" {
			return v
		}
	}
	return ""
}

// redactURL drops user information from an endpoint URL before it is logged.
func redactURL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	host, path, _ := strings.Cut(rest, "/")
	if at := strings.LastIndex(host, "@"); at >= 0 {
		host = "REDACTED@" + host[at+1:]
	}
	if path != "" {
		return scheme + "://" + host + "/" + path
	}
	return scheme + "://" + host
}
