package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logbridge/logbridge/internal/collectortest"
)

// buildLoadgen builds the example once per test binary.
func buildLoadgen(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "loadgen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// runLoadgen runs it with env and args and parses its JSON line.
func runLoadgen(t *testing.T, bin string, env []string, args ...string) (result, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("loadgen %v: %v\nstderr:\n%s", args, err, stderr.String())
	}
	var res result
	line := strings.TrimSpace(stdout.String())
	if strings.Count(line, "\n") != 0 {
		t.Fatalf("stdout is not one line:\n%s", line)
	}
	if err := json.Unmarshal([]byte(line), &res); err != nil {
		t.Fatalf("bad JSON %q: %v", line, err)
	}
	return res, stderr.String()
}

// TestBurstDelivered: 200,000 records emitted as fast as one goroutine can, with default
// settings, all reach a real collector over http/protobuf, each with log.category, log.level,
// the service.name from OTEL_SERVICE_NAME and, with -span, the ids of its span.
func TestBurstDelivered(t *testing.T) {
	const n = 200_000
	bin := buildLoadgen(t)
	c := collectortest.Start(t)
	res, stderr := runLoadgen(t, bin, []string{
		"OTEL_EXPORTER_OTLP_ENDPOINT=" + c.HTTPEndpoint(),
		"OTEL_SERVICE_NAME=loadgen-e2e",
	}, "-n", fmt.Sprint(n), "-categories", "core,server", "-span")
	t.Logf("loadgen: %+v", res)
	if res.Emitted != n || res.Exported != n || res.Dropped != 0 {
		t.Fatalf("result = %+v, want all %d delivered\nstderr:\n%s", res, n, stderr)
	}
	recs := c.WaitLogs(t, n, 60*time.Second)
	if len(recs) != n {
		t.Fatalf("collector has %d records, want %d", len(recs), n)
	}
	spanOf := map[int64]string{} // batch -> trace_id/span_id
	seen := make([]bool, n)
	for i, r := range recs {
		cat, _ := r.Attributes["log.category"].(string)
		seq, _ := r.Attributes["seq"].(int64)
		if r.Attributes["log.level"] != "info" || (cat != "core" && cat != "server") || r.Resource["service.name"] != "loadgen-e2e" ||
			r.Scope != "loadgen."+cat || r.TraceID == "" || r.SpanID == "" || r.Body != "load record" {
			t.Fatalf("record %d = %+v", i, r)
		}
		if seq < 0 || seq >= n || seen[seq] {
			t.Fatalf("record %d: seq %d out of range or seen twice", i, seq)
		}
		seen[seq] = true
		batch, _ := r.Attributes["batch"].(int64)
		ids := r.TraceID + "/" + r.SpanID
		if prev, ok := spanOf[batch]; ok && prev != ids {
			t.Fatalf("batch %d has records in spans %s and %s", batch, prev, ids)
		}
		spanOf[batch] = ids
	}
	distinct := map[string]bool{}
	for _, ids := range spanOf {
		distinct[ids] = true
	}
	if len(distinct) != n/recordsPerSpan {
		t.Errorf("%d distinct spans, want %d", len(distinct), n/recordsPerSpan)
	}
}

// TestGRPC: the same over OTLP/gRPC, chosen by OTEL_EXPORTER_OTLP_PROTOCOL.
func TestGRPC(t *testing.T) {
	const n = 20_000
	bin := buildLoadgen(t)
	c := collectortest.Start(t)
	res, stderr := runLoadgen(t, bin, []string{
		"OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
		"OTEL_EXPORTER_OTLP_ENDPOINT=http://" + c.GRPCEndpoint(),
		"OTEL_SERVICE_NAME=loadgen-grpc",
	}, "-n", fmt.Sprint(n))
	if res.Exported != n || res.Dropped != 0 {
		t.Fatalf("result = %+v\nstderr:\n%s", res, stderr)
	}
	recs := c.WaitLogs(t, n, 30*time.Second)
	if len(recs) != n || recs[0].Resource["service.name"] != "loadgen-grpc" {
		t.Fatalf("collector has %d records; first %+v", len(recs), recs[0])
	}
}

// TestCollectorDown: with nothing listening, the process exits within a few seconds of
// Shutdown and counts every record as dropped, and says so on the console.
func TestCollectorDown(t *testing.T) {
	const addr = "127.0.0.1:1" // nothing listens on port 1, and no test can take it
	bin := buildLoadgen(t)
	start := time.Now()
	res, stderr := runLoadgen(t, bin, []string{"OTEL_EXPORTER_OTLP_ENDPOINT=http://" + addr}, "-n", "5000", "-shutdown-timeout", "3s")
	elapsed := time.Since(start)
	if res.Emitted != 5000 || res.Dropped != 5000 || res.Exported != 0 {
		t.Errorf("result = %+v", res)
	}
	if !strings.Contains(stderr, "OTLP collector never reached: 5000 log records kept") || !strings.Contains(stderr, "records=5000") {
		t.Errorf("stderr does not report the loss:\n%s", stderr)
	}
	// A hang guard, not a timing figure: Shutdown has a 3 s deadline.
	if elapsed > 30*time.Second {
		t.Errorf("loadgen took %v with the collector down", elapsed)
	}
}

// TestOTLPOff: OTEL_LOGS_EXPORTER=none and OTEL_SDK_DISABLED send nothing.
func TestOTLPOff(t *testing.T) {
	bin := buildLoadgen(t)
	for _, env := range []string{"OTEL_LOGS_EXPORTER=none", "OTEL_SDK_DISABLED=true"} {
		t.Run(env, func(t *testing.T) {
			c := collectortest.Start(t)
			res, stderr := runLoadgen(t, bin, []string{env, "OTEL_EXPORTER_OTLP_ENDPOINT=" + c.HTTPEndpoint()}, "-n", "1000")
			if res.OTLP || res.Exported != 0 {
				t.Errorf("result = %+v\n%s", res, stderr)
			}
			// The collector is up and would have received records by now if any were sent
			// (Shutdown flushed before loadgen exited).
			if got := len(c.Logs()); got != 0 {
				t.Errorf("collector received %d records", got)
			}
		})
	}
}
