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

// newTracerProvider builds the TracerProvider from the same OTEL_* variables the logs
// pipeline reads, with the same defaults: OTLP over http/protobuf to http://localhost:4318
// unless an endpoint, insecure or certificate variable says otherwise (the Go exporter alone
// would default to https). OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none keep spans
// (and so trace ids in the logs) but export nothing. It returns a description of where spans
// go, for the start-up log line.
func newTracerProvider(ctx context.Context, res *resource.Resource) (*sdktrace.TracerProvider, string, error) {
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if strings.EqualFold(strings.TrimSpace(os.Getenv(envSDKDisabled)), "true") {
		return sdktrace.NewTracerProvider(opts...), "disabled by " + envSDKDisabled, nil
	}
	switch exp := strings.ToLower(strings.TrimSpace(os.Getenv(envTracesExporter))); exp {
	case "", "otlp":
	case "none":
		return sdktrace.NewTracerProvider(opts...), envTracesExporter + "=none", nil
	default:
		return nil, "", fmt.Errorf("%s=%q: this example supports otlp or none", envTracesExporter, exp)
	}
	for _, name := range []string{envTracesProtocol, envProtocol} {
		v := strings.ToLower(strings.TrimSpace(os.Getenv(name)))
		if v == "" {
			continue
		}
		if v != otlpsink.ProtocolHTTPProtobuf {
			return nil, "", fmt.Errorf("%s=%q: this example exports traces over %s only", name, v, otlpsink.ProtocolHTTPProtobuf)
		}
		break
	}
	var expOpts []otlptracehttp.Option
	dest := firstEnv(envTracesEndpoint, envEndpoint)
	if dest == "" && firstEnv(envTracesInsecure, envInsecure, envTracesCert, envCert, envTracesClientCert, envClientCert) == "" {
		// The specification's default, which the logs pipeline uses too.
		expOpts = append(expOpts, otlptracehttp.WithInsecure())
		dest = otlpsink.DefaultHTTPEndpoint
	}
	exp, err := otlptracehttp.New(ctx, expOpts...)
	if err != nil {
		return nil, "", fmt.Errorf("otlp trace exporter: %w", err)
	}
	opts = append(opts, sdktrace.WithBatcher(exp))
	return sdktrace.NewTracerProvider(opts...), "otlp http/protobuf to " + redactURL(dest), nil
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
