package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuickstartInContainer runs the example as the README's "Running in containers" does:
//
//	DEMO_LOG_CONSOLE_FORMAT=json DEMO_LOG_CONSOLE_STREAM=stdout DEMO_LOG_LEVEL_STYLE=gcp go run ./examples/quickstart
//
// Every record is one JSON object on its own line of standard output, with GCP's severity;
// nothing goes to standard error.
func TestQuickstartInContainer(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "quickstart")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"DEMO_LOG_CONSOLE_FORMAT=json",
		"DEMO_LOG_CONSOLE_STREAM=stdout",
		"DEMO_LOG_LEVEL_STYLE=gcp",
		"OTEL_LOGS_EXPORTER=none", // no collector here: the shutdown would report its loss on stderr
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("quickstart failed: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("standard error is not empty:\n%s", stderr.String())
	}
	severities := map[string]int{}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	for _, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not one JSON object: %q: %v", line, err)
		}
		sev, _ := m["severity"].(string)
		severities[sev]++
		if m["level"] != nil || m["msg"] == nil || m["time"] == nil {
			t.Errorf("record %v: want severity, msg and time, no level", m)
		}
	}
	if len(lines) < 5 || severities["INFO"] == 0 || severities["WARNING"] == 0 || severities["ERROR"] == 0 {
		t.Errorf("%d lines, severities %v; want info, warning and error records:\n%s", len(lines), severities, stdout.String())
	}
}
