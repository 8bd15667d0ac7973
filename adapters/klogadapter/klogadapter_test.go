package klogadapter_test

import (
	"context"
	"errors"
	"testing"

	"k8s.io/klog/v2"

	"github.com/logbridge/logbridge/adapters/internal/adaptertest"
	"github.com/logbridge/logbridge/adapters/klogadapter"
	"github.com/logbridge/logbridge/internal/testkit"
)

// TestRouting: klog's lines (as client-go writes them) land in the category given to Install,
// or in uncategorized, with their key/value pairs.
func TestRouting(t *testing.T) {
	for _, tc := range []struct{ category, want string }{{"kube", "kube"}, {"", "uncategorized"}} {
		t.Run(tc.want, func(t *testing.T) {
			lb, path := adaptertest.JSONFileBridge(t, "all=info", "kube")
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
			got := testkit.ReadJSONLines(t, path)
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
