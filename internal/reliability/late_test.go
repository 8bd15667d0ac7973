package reliability

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/otellog"
)

func init() {
	children["late"] = childLate
}

// childLate is a service whose deferred cleanup logs after the bridge shut down, through a
// logger it made before: "before shutdown", Shutdown, then an error and a warning.
func childLate(ctx context.Context) childResult {
	lb, err := otellog.Setup(ctx, otellog.WithEnvPrefix(envPrefix), otellog.WithCategories("core"))
	if err != nil {
		return childResult{SetupErr: err.Error()}
	}
	l := lb.MustLogger("svc.late", "core")
	l.Info("before shutdown")
	res := childResult{Emitted: 1}
	if err := lb.Shutdown(ctx); err != nil {
		res.ShutdownErr = err.Error()
	}
	l.Error("closing the database failed after shutdown", "err", "connection reset")
	l.Warn("one more after shutdown")
	res.Stats = lb.Stats()
	return res
}

// TestLoggedAfterShutdownShows runs that service, in a process of its own, with its real
// stderr: the records logged after Shutdown are on stderr, whether the console writes there
// (directly, its hand-off stopped) or, with the console off, the file's lines (the file is
// closed); none is in the file.
func TestLoggedAfterShutdownShows(t *testing.T) {
	for _, tc := range []struct {
		name    string
		console string
	}{
		{"console on stderr", "true"},
		{"file only", "false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.log")
			res, _, stderr := runChild(t, "late", map[string]string{
				envPrefix + "_LOG_FILE":    path,
				envPrefix + "_LOG_CONSOLE": tc.console,
				"OTEL_SDK_DISABLED":        "true",
			})
			if res.SetupErr != "" || res.ShutdownErr != "" {
				t.Fatalf("Setup: %q, Shutdown: %q", res.SetupErr, res.ShutdownErr)
			}
			for _, want := range []string{"closing the database failed after shutdown", "connection reset", "one more after shutdown"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, tail(stderr))
				}
			}
			if strings.Contains(stderr, "before shutdown") == (tc.console == "false") {
				t.Errorf("stderr with the console %s:\n%s", tc.console, tail(stderr))
			}
			file, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(file), "before shutdown") || strings.Contains(string(file), "after shutdown") {
				t.Errorf("the file:\n%s", file)
			}
		})
	}
}
