// Package adaptertest starts the bridge the adapters' tests route into: a JSON-lines file
// sink only, so that each test reads back exactly what its library logged.
package adaptertest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/logbridge/logbridge/otellog"
)

// JSONFileBridge sets up a Bridge for the test with the given categories, levels (a level
// spec; "" for the defaults) and only a JSON-lines file sink, and returns it with the file's
// path. The bridge is not installed as slog's default. The caller shuts it down before
// reading the file.
func JSONFileBridge(t *testing.T, levels string, categories ...string) (*otellog.Bridge, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "app.log")
	t.Setenv("T_LOG_OTLP", "false")
	t.Setenv("T_LOG_CONSOLE", "false")
	t.Setenv("T_LOG_FILE", path)
	t.Setenv("T_LOG_FORMAT", "json")
	if levels != "" {
		t.Setenv("T_LOGGING", levels)
	}
	lb, err := otellog.Setup(context.Background(), otellog.WithEnvPrefix("T"), otellog.WithCategories(categories...), otellog.WithInstallDefault(false))
	if err != nil {
		t.Fatal(err)
	}
	return lb, path
}
