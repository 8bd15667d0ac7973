// Package readmetest runs the commands README.md shows, as a reader would.
package readmetest

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// root is the module root, where the README's commands run.
const root = "../.."

// notRunHere are the README commands this test does not run, each for a stated reason; any
// other command in a sh block must be run below, so a new command cannot go untested.
var notRunHere = map[string]string{
	"make test":                             "CI runs it (.ci/run); it runs this test",
	"make stack-up":                         "needs a Docker engine; deploy/ tests validate the stack",
	"make demo":                             "runs until interrupted; examples/httpserver tests run it",
	"go get github.com/logbridge/logbridge": "changes a module's go.mod; this module is that one",
}

// shCommands returns the commands of README's ```sh blocks, comments and blank lines removed.
func shCommands(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "```sh":
			in = true
		case line == "```":
			in = false
		case in:
			if i := strings.Index(line, " #"); i >= 0 {
				line = strings.TrimSpace(line[:i])
			}
			if line != "" && !strings.HasPrefix(line, "#") {
				cmds = append(cmds, line)
			}
		}
	}
	if len(cmds) == 0 {
		t.Fatal("no commands found in README.md")
	}
	return cmds
}

// cleanEnv is the environment without OTEL_* and DEMO_* variables, as on a fresh shell.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OTEL_") && !strings.HasPrefix(kv, "DEMO_") {
			env = append(env, kv)
		}
	}
	return env
}

// TestREADMECommands runs every command the README shows: the quickstart runs (exit 0, no
// ERROR line of logbridge's), cat shows the file it wrote, and the curl calls change the
// levels of the program the README names (examples/httpserver), started here on a free port
// ("localhost:8080" in the commands is replaced by its address).
func TestREADMECommands(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	var curls []string
	for _, cmd := range shCommands(t) {
		switch {
		case notRunHere[cmd] != "":
			t.Logf("not run here (%s): %s", notRunHere[cmd], cmd)
		case strings.HasPrefix(cmd, "curl "):
			curls = append(curls, cmd)
		case strings.Contains(cmd, "go run ./examples/quickstart"), strings.HasPrefix(cmd, "cat "):
			t.Run(cmd, func(t *testing.T) {
				out := runSh(t, cmd, cleanEnv())
				if strings.HasPrefix(cmd, "cat ") && !strings.Contains(out, "quickstart.engine") {
					t.Errorf("%s shows no quickstart record:\n%s", cmd, out)
				}
				for _, line := range strings.Split(out, "\n") {
					if strings.Contains(line, "ERROR") && strings.Contains(line, "logbridge") {
						t.Errorf("an ERROR of logbridge's: %s", line)
					}
				}
			})
		default:
			t.Errorf("README command %q is neither run by this test nor listed in notRunHere", cmd)
		}
	}
	if len(curls) == 0 {
		t.Fatal("no curl command in README.md")
	}
	addr := startHTTPServer(t)
	for _, cmd := range curls {
		t.Run(cmd, func(t *testing.T) {
			out := runSh(t, strings.ReplaceAll(cmd, "localhost:8080", addr), cleanEnv())
			if !strings.Contains(out, `"spec"`) || strings.Contains(out, `"error"`) || strings.Contains(out, `"warnings"`) {
				t.Errorf("%s answered:\n%s", cmd, out)
			}
		})
	}
	// The PUT applied: its spec is in force.
	out := runSh(t, "curl -s "+addr+"/debug/levels", cleanEnv())
	if !strings.Contains(out, `"inference": "debug"`) || !strings.Contains(out, `"server": "warn"`) {
		t.Errorf("levels after the README's PUT:\n%s", out)
	}
}

// runSh runs cmd with sh in the module root; it must exit 0 within the hang guard.
func runSh(t *testing.T, cmd string, env []string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, "sh", "-c", cmd)
	c.Dir, c.Env = root, env
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	return string(out)
}

// startHTTPServer builds and starts examples/httpserver on a free port of 127.0.0.1, with
// telemetry off, and returns its address once it serves.
func startHTTPServer(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "httpserver")
	build := exec.Command("go", "build", "-o", bin, "./examples/httpserver")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	addrFile := filepath.Join(dir, "addr")
	srv := exec.Command(bin, "-addr", "127.0.0.1:0", "-addr-file", addrFile)
	srv.Env = append(cleanEnv(), "OTEL_SDK_DISABLED=true")
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = srv.Process.Kill()
			<-done
		}
	})
	deadline := time.Now().Add(2 * time.Minute) // hang guard
	for {
		if data, err := os.ReadFile(addrFile); err == nil && len(data) > 0 {
			addr := strings.TrimSpace(string(data))
			if c, err := net.Dial("tcp", addr); err == nil {
				c.Close()
				return addr
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("examples/httpserver did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
