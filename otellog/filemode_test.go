package otellog

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestFileMode: <PREFIX>_LOG_FILE_MODE sets the permission of a new log file; the default is
// 0600.
func TestFileMode(t *testing.T) {
	for _, tt := range []struct {
		mode string
		want os.FileMode
	}{{"", 0o600}, {"0640", 0o640}} {
		t.Setenv("TEST_LOG_OTLP", "false")
		path := filepath.Join(t.TempDir(), "app.log")
		t.Setenv("TEST_LOG_FILE", path)
		t.Setenv("TEST_LOG_FILE_MODE", tt.mode)
		b, _ := setup(t)
		b.MustLogger("mode", "core").Info("x")
		_ = b.Shutdown(context.Background())
		st, err := os.Stat(path)
		if err != nil || st.Mode().Perm() != tt.want {
			t.Errorf("mode %q: file %v, %v; want %o", tt.mode, st.Mode(), err, tt.want)
		}
	}
}
