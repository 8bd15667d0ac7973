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
// meets that; the console sink, and the SDK's console exporter of OTEL_LOGS_EXPORTER=console,
// write through descriptors of their own, so the service goes on: it exits normally, every
// record reaches the file, and the failed writes are counted (the console's also reported
// there; the exporter's records as not delivered).
func TestConsoleBrokenPipe(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
	}{
		{"console sink", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": deadEndpoint(t)}},
		{"console exporter", map[string]string{"OTEL_LOGS_EXPORTER": "console"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			_ = r.Close() // no reader, ever: every write to w meets EPIPE
			defer w.Close()
			const n = 500
			path := filepath.Join(t.TempDir(), "app.log")
			env := map[string]string{
				envRecords: strconv.Itoa(n), envRun: (200 * time.Millisecond).String(), envShutdown: (2 * time.Second).String(),
				envPrefix + "_LOG_FILE": path,
			}
			for k, v := range tc.env {
				env[k] = v
			}
			res, _, _ := runChildTo(t, "steady", env, w) // runChildTo fails the test if the child ends with a signal
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
			if st := res.Stats.OTLP; st.Emitted != n || st.Exported != 0 || st.Undelivered()+st.OutcomeUnknown != n {
				t.Errorf("OTLP stats %+v: want all %d records emitted and counted as not delivered", st, n)
			}
		})
	}
}
