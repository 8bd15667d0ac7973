package otellog

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// TestDiagnosticsCategory: logbridge's own reports are in one category, "logbridge", that a
// level spec accepts; "all" does not quiet them, "logbridge=error" does, and warnings about
// the configuration show whatever the levels say.
func TestDiagnosticsCategory(t *testing.T) {
	tests := []struct {
		name, spec string
		wantShown  bool // a runtime warning of logbridge's shows
	}{
		{"default", "", true},
		{"all=error leaves logbridge at info", "all=error", true},
		{"logbridge=error", "logbridge=error", false},
		{"logbridge=error, all=debug", "all=debug,logbridge=error", false},
		{"logbridge=warn", "logbridge=warn", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("TEST_LOG_OTLP", "false")
			t.Setenv("TEST_LOGGING", tt.spec+",ghost=info")
			b, console := setup(t)
			b.core.rep.write(-1, slog.LevelWarn, "a runtime warning")
			otel.Handle(errors.New("sdk trouble"))
			_ = b.Shutdown(context.Background())
			out := console.String()
			if !strings.Contains(out, "unknown category ghost") {
				t.Errorf("the configuration warning is missing:\n%s", out)
			}
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(line, "unknown category logbridge") {
					t.Errorf("logbridge refused as a category: %s", line)
				}
				if (strings.Contains(line, "configuration ignored") || strings.Contains(line, "sdk trouble")) &&
					!strings.Contains(line, " "+DiagnosticsCategory+" ") {
					t.Errorf("a report outside the %s category: %q", DiagnosticsCategory, line)
				}
			}
			for _, msg := range []string{"a runtime warning", "sdk trouble"} {
				if strings.Contains(out, msg) != tt.wantShown {
					t.Errorf("%q shown: %v, want %v:\n%s", msg, !tt.wantShown, tt.wantShown, out)
				}
			}
		})
	}
}

// TestOneWarningPerProblem: a malformed OTEL_RESOURCE_ATTRIBUTES is read by the pipeline, by
// the SDK's LoggerProvider and by any TracerProvider the application makes; the console says
// it once.
func TestOneWarningPerProblem(t *testing.T) {
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=test,novalue")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
	b, console := setup(t)
	tp := sdktrace.NewTracerProvider() // detects the resource from the env again
	_ = tp.Shutdown(context.Background())
	otel.Handle(errors.New("another problem"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = b.Shutdown(ctx)
	out := console.String()
	if n := strings.Count(out, "novalue"); n != 1 || !strings.Contains(out, "another problem") {
		t.Errorf("%d warnings name the bad attribute, want 1 (and other errors still shown):\n%s", n, out)
	}
}
