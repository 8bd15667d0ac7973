package reliability

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/logbridge/logbridge/otellog"
)

// TestUnparsableEndpointFailsSetup: an OTEL_EXPORTER_OTLP_ENDPOINT that does not parse makes the
// OTLP sink unusable, so Setup must fail naming the variable (README: "Setup fails only when a
// sink cannot work: ... an invalid OTEL_* setting"; otlpsink: "A setting that makes the pipeline
// unusable ... is an error naming the variable").
// Without the check, the exporters would report the value and fall back to their own default,
// https://localhost:4318 (http) or localhost:4317 (grpc): records would go over TLS to an
// endpoint nobody configured.
func TestUnparsableEndpointFailsSetup(t *testing.T) {
	for _, proto := range []string{"http/protobuf", "grpc"} {
		clearEnv(t, map[string]string{
			envPrefix + "_LOG_CONSOLE":    "false",
			"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
			"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:notaport",
		})
		lb, err := otellog.Setup(context.Background(), otellog.WithEnvPrefix(envPrefix), otellog.WithCategories("core"),
			otellog.WithInstallDefault(false))
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			_ = lb.Shutdown(ctx)
			cancel()
			t.Errorf("%s: Setup accepted OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:notaport", proto)
			continue
		}
		if !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_ENDPOINT") {
			t.Errorf("%s: Setup's error %q does not name the variable", proto, err)
		}
	}
}
