package otellog

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
)

// TestConsoleJSONOnStdout: <PREFIX>_LOG_CONSOLE_FORMAT=json and _STREAM=stdout give one JSON
// object per record on the process's standard output (nothing on the console writer's usual
// stderr), with the level under the key and names of each <PREFIX>_LOG_LEVEL_STYLE.
func TestConsoleJSONOnStdout(t *testing.T) {
	for _, tc := range []struct {
		style, key string
		names      []string // of the info, warn, error and critical records
	}{
		{"slog", "level", []string{"INFO", "WARNING", "ERROR", "CRITICAL"}},
		{"gcp", "severity", []string{"INFO", "WARNING", "ERROR", "CRITICAL"}},
		{"ecs", "log.level", []string{"info", "warn", "error", "critical"}},
	} {
		t.Run(tc.style, func(t *testing.T) {
			t.Setenv("TEST_LOG_OTLP", "false")
			t.Setenv("TEST_LOG_CONSOLE_FORMAT", "json")
			t.Setenv("TEST_LOG_CONSOLE_STREAM", "stdout")
			t.Setenv("TEST_LOG_LEVEL_STYLE", tc.style)
			out := captureStdout(t, func() {
				b, err := Setup(context.Background(), WithEnvPrefix("TEST"), WithCategories("core"), WithInstallDefault(false))
				if err != nil {
					t.Fatal(err)
				}
				l := b.MustLogger("app", "core")
				l.Info("first\nsecond line", "k", "v")
				l.Warn("warned")
				l.Error("failed", "error", io.ErrUnexpectedEOF)
				l.Log(context.Background(), 12, "critical")
				if err := b.Shutdown(context.Background()); err != nil {
					t.Fatal(err)
				}
			})
			var recs []map[string]any
			sc := bufio.NewScanner(strings.NewReader(out))
			for sc.Scan() {
				var m map[string]any
				if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
					t.Fatalf("line %q: %v", sc.Text(), err)
				}
				recs = append(recs, m)
			}
			if len(recs) != 4 {
				t.Fatalf("%d lines, want 4, one per record:\n%s", len(recs), out)
			}
			for i, r := range recs {
				if r[tc.key] != tc.names[i] {
					t.Errorf("record %d: %s = %v, want %s: %v", i, tc.key, r[tc.key], tc.names[i], r)
				}
				if tc.key != "level" && r["level"] != nil {
					t.Errorf("record %d has both %s and level: %v", i, tc.key, r)
				}
				if r["logger"] != "app" || r["log.category"] != "core" {
					t.Errorf("record %d: logger and category %v", i, r)
				}
			}
			if recs[0]["msg"] != "first\nsecond line" || recs[0]["k"] != "v" || recs[2]["error"] != "unexpected EOF" {
				t.Errorf("records %v", recs)
			}
		})
	}
}

// captureStdout runs f with os.Stdout going to a pipe and returns what was written.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		data, _ := io.ReadAll(r)
		done <- string(data)
	}()
	defer func() {
		os.Stdout = saved
	}()
	f()
	os.Stdout = saved
	_ = w.Close()
	out := <-done
	_ = r.Close()
	return out
}
