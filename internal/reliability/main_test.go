package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/logbridge/logbridge/otellog"
)

// childEnv names the scenario a re-executed test binary runs instead of the tests.
const childEnv = "RELIABILITY_CHILD"

// resultPrefix starts the line on which a child reports its result (JSON) on stdout.
const resultPrefix = "RELIABILITY-RESULT "

// childResult is what a child scenario reports to the test that ran it.
type childResult struct {
	SetupErr     string        `json:",omitempty"` // Setup's error, if it failed
	ShutdownErr  string        `json:",omitempty"` // Shutdown's error
	Emitted      int           // records the scenario logged
	Elapsed      time.Duration // from Setup to the start of Shutdown
	ShutdownTook time.Duration // how long Shutdown took
	Deadline     time.Duration // Shutdown's context deadline
	Stats        otellog.Stats // the bridge's counters after Shutdown
	Note         string        `json:",omitempty"` // anything else worth showing
}

// children are the scenarios a child process can run, by name.
var children = map[string]func(ctx context.Context) childResult{}

func TestMain(m *testing.M) {
	if name := os.Getenv(childEnv); name != "" {
		f, ok := children[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown child scenario %q\n", name)
			os.Exit(2)
		}
		res := f(context.Background())
		b, err := json.Marshal(res)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Printf("%s%s\n", resultPrefix, b)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// childTimeout bounds a child process: a hang guard, far above what any scenario takes.
const childTimeout = 3 * time.Minute

// runChild runs scenario name in a fresh process (this test binary, re-executed) with a clean
// environment: the parent's without any OTEL_*, RELY_* or RELIABILITY_* variable, plus env.
// It returns the child's result and everything it wrote to stdout and stderr.
func runChild(t *testing.T, name string, env map[string]string) (res childResult, stdout, stderr string) {
	t.Helper()
	return runChildTo(t, name, env, nil)
}

// runChildTo is runChild with the child's stderr given: a file (a pipe, say) is the child's
// descriptor 2 itself; nil collects it, as runChild does.
func runChildTo(t *testing.T, name string, env map[string]string, stderrFile *os.File) (res childResult, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(cleanEnviron(), childEnv+"="+name)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stderrFile != nil {
		cmd.Stderr = stderrFile
	}
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	stdout, stderr = out.String(), errb.String()
	if ctx.Err() != nil {
		t.Fatalf("child %s did not finish within %v (hang)\nstderr:\n%s", name, childTimeout, tail(stderr))
	}
	if err != nil {
		t.Fatalf("child %s: %v\nstdout:\n%s\nstderr:\n%s", name, err, tail(stdout), tail(stderr))
	}
	for line := range strings.SplitSeq(stdout, "\n") {
		if js, ok := strings.CutPrefix(line, resultPrefix); ok {
			if err := json.Unmarshal([]byte(js), &res); err != nil {
				t.Fatalf("child %s: bad result %q: %v", name, js, err)
			}
			return res, stdout, stderr
		}
	}
	t.Fatalf("child %s reported no result\nstdout:\n%s\nstderr:\n%s", name, tail(stdout), tail(stderr))
	return
}

// cleanEnviron is the process environment without the variables the scenarios set.
func cleanEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if isScenarioVar(k) {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func isScenarioVar(k string) bool {
	return strings.HasPrefix(k, "OTEL_") || strings.HasPrefix(k, envPrefix+"_") || strings.HasPrefix(k, "RELIABILITY_") ||
		k == "NO_COLOR" || k == "FORCE_COLOR" || k == "CLICOLOR_FORCE"
}

// tail returns the end of s, for failure messages.
func tail(s string) string {
	const n = 8 << 10
	if len(s) > n {
		return "...\n" + s[len(s)-n:]
	}
	return s
}
