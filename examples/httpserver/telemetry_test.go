package main

import (
	"context"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/sdk/resource"
)

// TestTracerProviderFromEnv checks that the trace set-up reads the OTEL_* variables as the
// logs pipeline does, including the specification's plain-http default endpoint.
func TestTracerProviderFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    string // description, or the error's text with wantErr
		wantErr bool
	}{
		{name: "default", want: "otlp http/protobuf to http://localhost:4318"},
		{name: "endpoint", env: map[string]string{envEndpoint: "http://127.0.0.1:14318"}, want: "otlp http/protobuf to http://127.0.0.1:14318"},
		{name: "traces endpoint wins", env: map[string]string{envEndpoint: "http://a:1", envTracesEndpoint: "http://b:2/v1/traces"}, want: "otlp http/protobuf to http://b:2/v1/traces"},
		{name: "user info redacted", env: map[string]string{envEndpoint: "https://user:secret@collector:4318"}, want: "otlp http/protobuf to https://REDACTED@collector:4318"},
		{name: "disabled", env: map[string]string{envSDKDisabled: "true"}, want: "disabled by OTEL_SDK_DISABLED"},
		{name: "none", env: map[string]string{envTracesExporter: "none"}, want: "OTEL_TRACES_EXPORTER=none"},
		{name: "unknown exporter", env: map[string]string{envTracesExporter: "zipkin"}, want: "OTEL_TRACES_EXPORTER", wantErr: true},
		{name: "grpc", env: map[string]string{envProtocol: "grpc"}, want: "OTEL_EXPORTER_OTLP_PROTOCOL", wantErr: true},
		{name: "traces protocol wins", env: map[string]string{envProtocol: "grpc", envTracesProtocol: "http/protobuf"}, want: "otlp http/protobuf to http://localhost:4318"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{envSDKDisabled, envTracesExporter, envTracesProtocol, envProtocol, envTracesEndpoint,
				envEndpoint, envTracesInsecure, envInsecure, envTracesCert, envCert, envTracesClientCert, envClientCert} {
				t.Setenv(k, "")
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			tp, desc, err := newTracerProvider(context.Background(), resource.Empty())
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want one naming %s", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer tp.Shutdown(context.Background())
			if desc != tc.want {
				t.Errorf("description %q, want %q", desc, tc.want)
			}
		})
	}
}
