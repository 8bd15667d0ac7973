package grpcadapter_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/logbridge/logbridge/adapters/grpcadapter"
	"github.com/logbridge/logbridge/adapters/internal/adaptertest"
	"github.com/logbridge/logbridge/internal/testkit"
)

// TestRouting: the warning gRPC itself logs when a connection to a dead endpoint fails lands
// in the category given to Install (whose default level, info, lets its INFO lines through
// too), or in uncategorized (under the root's default, warn).
func TestRouting(t *testing.T) {
	for _, tc := range []struct{ category, want string }{{"rpc", "rpc"}, {"", "uncategorized"}} {
		t.Run(tc.want, func(t *testing.T) {
			lb, path := adaptertest.JSONFileBridge(t, "", "rpc")
			if err := grpcadapter.Install(lb, tc.category); err != nil {
				t.Fatal(err)
			}
			conn, err := grpc.NewClient("127.0.0.1:1", grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatal(err)
			}
			conn.Connect()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // hang guard
			for s := conn.GetState(); s != connectivity.TransientFailure; s = conn.GetState() {
				if !conn.WaitForStateChange(ctx, s) {
					t.Fatalf("still %v", s)
				}
			}
			cancel()
			_ = conn.Close()
			if err := lb.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, r := range testkit.ReadJSONLines(t, path) {
				if r["logger"] != grpcadapter.Name {
					t.Errorf("record from logger %v: %v", r["logger"], r)
				}
				if r["log.category"] != tc.want {
					t.Errorf("category %v, want %s: %v", r["log.category"], tc.want, r)
				}
				if tc.category == "" && (r["level"] == "INFO" || r["level"] == "DEBUG") {
					t.Errorf("uncategorized record below the root's default warn level: %v", r)
				}
				if msg, _ := r["msg"].(string); r["level"] == "WARNING" && strings.Contains(msg, "127.0.0.1:1") {
					found = true
				}
			}
			if !found {
				t.Errorf("no gRPC warning about 127.0.0.1:1 in %v", testkit.ReadJSONLines(t, path))
			}
		})
	}
}
