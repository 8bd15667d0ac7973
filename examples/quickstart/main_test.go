package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	start := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start)
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
	checkCalmFirstRun(t, string(out), elapsed, "kept in the console and file only")
	if !strings.Contains(file, "OTLP collector never reached: 6 log records kept in the console and file only") {
		t.Errorf("the file lacks the report of the records that stayed local:\n%s", file)
	}
}

// TestQuickstartFirstRun runs the quickstart as a new user does, with no env at all (no
// collector at the default endpoint), if nothing listens on localhost:4318.
func TestQuickstartFirstRun(t *testing.T) {
	if c, err := net.Dial("tcp", "localhost:4318"); err == nil {
		c.Close()
		t.Skip("something listens on localhost:4318")
	}
	bin := filepath.Join(t.TempDir(), "quickstart")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OTEL_") && !strings.HasPrefix(kv, "DEMO_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("quickstart failed: %v\n%s", err, out)
	}
	checkCalmFirstRun(t, string(out), elapsed, "6 log records kept in the console only")
}

// checkCalmFirstRun checks the output of a run with no collector: one line about OTLP,
// saying how many records stayed local, no ERROR of logbridge's, no context error, and no
// wait for the 5 s shutdown deadline.
func checkCalmFirstRun(t *testing.T, out string, elapsed time.Duration, want string) {
	t.Helper()
	var otlpLines []string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "OTLP") || strings.Contains(line, "logbridge") {
			otlpLines = append(otlpLines, line)
		}
		if strings.Contains(line, "ERROR") && strings.Contains(line, "logbridge") {
			t.Errorf("an ERROR line of logbridge's: %s", line)
		}
		if strings.Contains(line, "context deadline exceeded") || strings.Contains(line, "context canceled") {
			t.Errorf("a context error: %s", line)
		}
	}
	if len(otlpLines) != 1 || !strings.Contains(otlpLines[0], want) {
		t.Errorf("lines about OTLP: %q; want one saying %q\n%s", otlpLines, want, out)
	}
	// The quickstart gives Shutdown 5 s; with no collector it must not wait for them. (A
	// generous bound: the run itself takes milliseconds.)
	if elapsed > 3*time.Second {
		t.Errorf("the run took %s: shutdown waited for its deadline", elapsed)
	}
}
