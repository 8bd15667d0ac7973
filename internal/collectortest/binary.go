package collectortest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// EnvBinary names the environment variable that holds the path of the
// collector binary. The Makefile exports it; when it is unset the binary is
// <module root>/.cache/otelcol/otelcol.
const EnvBinary = "LOGBRIDGE_OTELCOL"

// modulePath is the main module, whose root holds tools/otelcol and .cache/.
const modulePath = "github.com/logbridge/logbridge"

// buildTimeout bounds one `go build` of the collector (a cold build takes about
// two minutes on the project's two-core machines).
const buildTimeout = 15 * time.Minute

var (
	binaryOnce sync.Once
	binaryPath string
	errBinary  error
)

// Binary returns the path of the collector binary, building it first when it
// is missing or older than its sources in tools/otelcol. The result is
// computed once per process. An error carries the build's output.
func Binary() (string, error) {
	binaryOnce.Do(func() { binaryPath, errBinary = findOrBuild() })
	return binaryPath, errBinary
}

// Validate runs `otelcol validate` on the given configuration files (merged in
// order, as the collector merges several --config flags) and returns an error
// holding the collector's output when the configuration is not valid.
func Validate(configFiles ...string) error {
	if len(configFiles) == 0 {
		return errors.New("collectortest: Validate needs at least one config file")
	}
	bin, err := Binary()
	if err != nil {
		return err
	}
	args := []string{"validate"}
	for _, f := range configFiles {
		args = append(args, "--config="+f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = collectorEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("collectortest: otelcol validate %s: %v\n%s", strings.Join(configFiles, " "), err, out)
	}
	return nil
}

func findOrBuild() (string, error) {
	bin := os.Getenv(EnvBinary)
	root, rootErr := moduleRoot()
	if bin == "" {
		if rootErr != nil {
			return "", fmt.Errorf("collectortest: %s is unset and %v", EnvBinary, rootErr)
		}
		bin = filepath.Join(root, ".cache", "otelcol", "otelcol")
	}
	bin, err := filepath.Abs(bin)
	if err != nil {
		return "", fmt.Errorf("collectortest: %v", err)
	}
	if rootErr != nil {
		// Outside the module (an installed test binary, say): use the binary
		// as it is, there are no sources to build it from.
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("collectortest: collector binary %s: %v, and it cannot be built: %v", bin, err, rootErr)
		}
		return bin, nil
	}
	src := filepath.Join(root, "tools", "otelcol")
	if fresh(bin, src) {
		return bin, nil
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return "", fmt.Errorf("collectortest: %v", err)
	}
	unlock, err := lockFile(bin + ".lock")
	if err != nil {
		return "", fmt.Errorf("collectortest: lock for building the collector: %v", err)
	}
	defer unlock()
	if fresh(bin, src) { // another process built it while we waited
		return bin, nil
	}
	if err := build(src, bin); err != nil {
		return "", err
	}
	return bin, nil
}

// fresh reports whether bin exists and is newer than every source file of the
// collector module in src.
func fresh(bin, src string) bool {
	bi, err := os.Stat(bin)
	if err != nil || !bi.Mode().IsRegular() {
		return false
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return true // no sources to compare with: trust the binary
	}
	for _, e := range entries {
		name := e.Name()
		if name != "go.mod" && name != "go.sum" && !strings.HasSuffix(name, ".go") {
			continue
		}
		if si, err := e.Info(); err == nil && si.ModTime().After(bi.ModTime()) {
			return false
		}
	}
	return true
}

// build compiles the collector module in src into bin, through a temporary
// file renamed into place so that no reader ever sees half a binary.
func build(src, bin string) error {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		if root := os.Getenv("GOROOT"); root != "" {
			goCmd = filepath.Join(root, "bin", "go")
		} else {
			return fmt.Errorf("collectortest: collector binary %s is missing and the go command is not on PATH to build it (run `make otelcol`)", bin)
		}
	}
	tmp := fmt.Sprintf("%s.tmp%d", bin, os.Getpid())
	defer os.Remove(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", tmp, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOWORK=off")
	// Say so on stderr: from a cold module cache this takes minutes, and a
	// silent test would look hung.
	fmt.Fprintf(os.Stderr, "collectortest: building the OpenTelemetry Collector: cd %s && go build -o %s .\n", src, bin)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("collectortest: building the collector (cd %s && go build -o %s .) failed after %s: %v\n%s",
			src, bin, time.Since(start).Round(time.Second), err, out)
	}
	if err := os.Rename(tmp, bin); err != nil {
		return fmt.Errorf("collectortest: %v", err)
	}
	fmt.Fprintf(os.Stderr, "collectortest: built the collector in %s\n", time.Since(start).Round(time.Second))
	return nil
}

// moduleRoot finds the root of the main module by walking up from the working
// directory (a test runs in its package's directory) to the go.mod that
// declares modulePath.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && declares(data, modulePath) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of module %s above the working directory", modulePath)
		}
		dir = parent
	}
}

// declares reports whether the go.mod contents gomod declare module path.
func declares(gomod []byte, path string) bool {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`) == path
		}
	}
	return false
}

// collectorEnv is the environment of a collector process: the test's own,
// less the OTEL_* variables that tests set for the SDK under test.
func collectorEnv() []string {
	env := os.Environ()
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "OTEL_") {
			out = append(out, kv)
		}
	}
	return out
}
