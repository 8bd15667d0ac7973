package logradapter_test

import (
	"context"
	"errors"
	"testing"

	"github.com/logbridge/logbridge/adapters/internal/adaptertest"
	"github.com/logbridge/logbridge/adapters/logradapter"
	"github.com/logbridge/logbridge/internal/testkit"
	"github.com/logbridge/logbridge/otellog"
)

// TestRouting: a logr library's lines land in the category the logger was made for, or in
// uncategorized, at the levels logr's slog rule gives, with their key/value pairs.
func TestRouting(t *testing.T) {
	lb, path := adaptertest.JSONFileBridge(t, "ctrl=debug,all=info", "ctrl")
	ctrl, err := logradapter.New(lb, "controller", "ctrl")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := logradapter.New(lb, "somelib", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := logradapter.New(lb, "x", "nope"); !errors.Is(err, otellog.ErrUnknownCategory) {
		t.Errorf("unknown category: %v", err)
	}
	ctrl.Info("reconciled", "object", "pod/a")
	ctrl.V(1).Info("details")
	ctrl.Error(errors.New("conflict"), "update failed")
	lib.Info("library line")
	lib.V(1).Info("not shown: uncategorized is at info")
	if err := lb.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := testkit.ReadJSONLines(t, path)
	want := []map[string]any{
		{"msg": "reconciled", "level": "INFO", "log.category": "ctrl", "logger": "controller", "object": "pod/a"},
		{"msg": "details", "level": "DEBUG+3", "log.category": "ctrl"},
		{"msg": "update failed", "level": "ERROR", "log.category": "ctrl", "err": "conflict"},
		{"msg": "library line", "level": "INFO", "log.category": "uncategorized", "logger": "somelib"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		for k, v := range w {
			if got[i][k] != v {
				t.Errorf("record %d: %s = %v, want %v (%v)", i, k, got[i][k], v, got[i])
			}
		}
	}
}
