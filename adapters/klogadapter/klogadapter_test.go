package klogadapter_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"k8s.io/klog/v2"

	"github.com/logbridge/logbridge/adapters/klogadapter"
	"github.com/logbridge/logbridge/otellog"
)

// TestRouting: klog's lines (as client-go writes them) land in the category given to Install,
// or in uncategorized, with their key/value pairs.
func TestRouting(t *testing.T) {
	for _, tc := range []struct{ category, want string }{{"kube", "kube"}, {"", "uncategorized"}} {
		t.Run(tc.want, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.log")
			t.Setenv("T_LOG_OTLP", "false")
			t.Setenv("T_LOG_CONSOLE", "false")
			t.Setenv("T_LOG_FILE", path)
			t.Setenv("T_LOG_FORMAT", "json")
			t.Setenv("T_LOGGING", "all=info")
			lb, err := otellog.Setup(context.Background(), otellog.WithEnvPrefix("T"), otellog.WithCategories("kube"), otellog.WithInstallDefault(false))
			if err != nil {
				t.Fatal(err)
			}
			restore, err := klogadapter.Install(lb, "client-go", tc.category)
			if err != nil {
				t.Fatal(err)
			}
			klog.InfoS("watch started", "resource", "pods")
			klog.ErrorS(errors.New("connection refused"), "list failed", "resource", "pods")
			klog.Warning("throttled")
			klog.Flush()
			restore()
			if err := lb.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			got := readJSON(t, path)
			if len(got) != 3 {
				t.Fatalf("%d records, want 3: %v", len(got), got)
			}
			want := []map[string]any{
				{"msg": "watch started", "level": "INFO", "resource": "pods"},
				{"msg": "list failed", "level": "ERROR", "resource": "pods", "err": "connection refused"},
				{"msg": "throttled", "level": "INFO"}, // klog hands warnings to its logger as Info
			}
			for i, w := range want {
				w["log.category"], w["logger"] = tc.want, "client-go"
				for k, v := range w {
					if got[i][k] != v {
						t.Errorf("record %d: %s = %v, want %v (%v)", i, k, got[i][k], v, got[i])
					}
				}
			}
		})
	}
}

func readJSON(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}
