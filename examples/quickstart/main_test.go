package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// closedPort returns a 127.0.0.1 address nothing listens on: port 1, which no test binds and
// unprivileged processes cannot (a port taken from the kernel and released could be reused).
func closedPort(*testing.T) string {
	return "127.0.0.1:1"
}

// TestQuickstart runs the example as the README does, with no collector running:
//
//	DEMO_LOGGING="core=debug,all=warn" DEMO_LOG_FILE=/tmp/q.log go run ./examples/quickstart
//
// It must exit 0, and the file must hold core's debug line and no info or debug line of server.
func TestQuickstart(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "quickstart")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	logFile := filepath.Join(dir, "q.log")
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"DEMO_LOGGING=core=debug,all=warn",
		"DEMO_LOG_FILE="+logFile,
		"OTEL_EXPORTER_OTLP_ENDPOINT=http://"+closedPort(t),
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("quickstart failed: %v\n%s", err, out)
	}
	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	file := string(data)
	lines := strings.Split(strings.TrimSpace(file), "\n")
	has := func(level, logger string) bool {
		for _, l := range lines {
			if strings.Contains(l, " "+level+" ") && strings.Contains(l, " "+logger+":") {
				return true
			}
		}
		return false
	}
	if !has("DEBUG", "quickstart.engine") {
		t.Errorf("file lacks core's debug line:\n%s", file)
	}
	for _, level := range []string{"DEBUG", "INFO"} {
		if has(level, "quickstart.http") {
			t.Errorf("file has a %s line of server:\n%s", level, file)
		}
	}
	if !has("WARNING", "quickstart.http") || !has("ERROR", "quickstart.http") {
		t.Errorf("file lacks server's warn/error lines:\n%s", file)
	}
	if strings.Contains(file, "[bold") || strings.Contains(file, "\x1b") {
		t.Errorf("file has markup or escape sequences:\n%s", file)
	}
	// With no collector, the undelivered OTLP records are reported, not lost silently.
	if !strings.Contains(file, "OTLP records not delivered") || !strings.Contains(string(out), "undelivered") {
		t.Errorf("no report of undelivered records:\nfile:\n%s\noutput:\n%s", file, out)
	}
}
