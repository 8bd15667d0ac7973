package reliability

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestConsoleBrokenPipe runs a service whose stderr, where its console writes, is a pipe that
// nobody reads any more (a `2>&1 | head` that exited, a log shipper that died), in a process
// of its own. The Go runtime ends a process with SIGPIPE when a write to its descriptor 1 or 2
// meets that; the console writes through a descriptor of its own, so the service goes on: it
// exits normally, every record reaches the file, and the console's failed writes are counted
// and reported there.
func TestConsoleBrokenPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	_ = r.Close() // no reader, ever: every write to w meets EPIPE
	defer w.Close()
	const n = 500
	path := filepath.Join(t.TempDir(), "app.log")
	res, _, _ := runChildTo(t, "steady", map[string]string{
		envRecords: strconv.Itoa(n), envRun: (200 * time.Millisecond).String(), envShutdown: (2 * time.Second).String(),
		envPrefix + "_LOG_FILE":       path,
		"OTEL_EXPORTER_OTLP_ENDPOINT": deadEndpoint(t),
	}, w) // runChildTo fails the test if the child ends with a signal
	if res.SetupErr != "" {
		t.Fatalf("Setup: %s", res.SetupErr)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkSeqs(t, "file", string(file), n)
	var console uint64
	for _, s := range res.Stats.Sinks {
		if s.Name == "console" {
			console = s.Errors + s.Dropped
		}
	}
	if console < n {
		t.Errorf("the console's failed writes: %d counted, want at least the %d records (%+v)", console, n, res.Stats.Sinks)
	}
	if !strings.Contains(string(file), "the console sink failed to write") {
		t.Errorf("the file does not report the console's failure:\n%s", tail(string(file)))
	}
}
