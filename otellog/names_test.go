package otellog

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

// heapInUse returns the live heap after a full collection.
func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// heapGrowth returns how much the live heap grew while f ran with n distinct names.
func heapGrowth(n int, f func(name string)) int64 {
	before := heapInUse()
	for i := range n {
		f("req-" + strconv.Itoa(i))
	}
	return heapInUse() - before
}

// TestManyLoggerNamesBoundedHeap: a logger per request ID, as a careless or hostile program
// asks for them, keeps no memory per name beyond the bounded cache of loggers. The OpenTelemetry
// SDK's LoggerProvider keeps one small logger per scope name it was ever asked for (upstream
// behaviour, no way to evict); with OTLP on, the growth is compared to what that alone costs.
func TestManyLoggerNamesBoundedHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("makes 100k loggers")
	}
	n, limit := 100_000, int64(8<<20) // the cache: up to 1024 loggers of about 5 KiB with OTLP
	if s := os.Getenv("NAMES_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	t.Run("console+file", func(t *testing.T) {
		t.Setenv("TEST_LOG_FILE", filepath.Join(t.TempDir(), "app.log"))
		t.Setenv("TEST_LOG_OTLP", "false")
		b, _ := setup(t, WithConsoleWriter(io.Discard))
		b.MustLogger("warm", "core").Info("warm")
		grown := heapGrowth(n, func(name string) {
			b.MustLogger(name, "core").Info("request")
		})
		t.Logf("heap grew %d KiB for %d names", grown>>10, n)
		if grown > limit {
			t.Fatalf("the heap grew by %d KiB for %d logger names (limit %d KiB)", grown>>10, n, limit>>10)
		}
	})
	t.Run("console+file+otlp", func(t *testing.T) {
		t.Setenv("TEST_LOG_FILE", filepath.Join(t.TempDir(), "app.log"))
		t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1") // nothing is logged
		b, _ := setup(t, WithConsoleWriter(io.Discard))
		lp := b.otlp.Provider() // the SDK's own cost per scope name, measured on other names
		sdkCached := heapGrowth(n, func(name string) { lp.Logger("sdk-" + name) })
		grown := heapGrowth(n, func(name string) { b.MustLogger(name, "core") })
		t.Logf("heap grew %d KiB for %d names; the SDK provider alone keeps %d KiB for them", grown>>10, n, sdkCached>>10)
		if grown-sdkCached > limit {
			t.Fatalf("the heap grew by %d KiB for %d logger names, %d KiB beyond the SDK's own (limit %d KiB)",
				grown>>10, n, (grown-sdkCached)>>10, limit>>10)
		}
	})
}
