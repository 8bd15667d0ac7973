package otlpsink

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/log/noop"
)

// shuttingLogger is an SDK logger caught by its provider's Shutdown in the middle of Enabled:
// Enabled waits until released, then says no, as the SDK's logger does once its provider has
// begun shutting down.
type shuttingLogger struct {
	noop.Logger
	entered, release chan struct{}
}

func (l shuttingLogger) Enabled(context.Context, log.EnabledParameters) bool {
	close(l.entered)
	<-l.release
	return false
}

// TestCountingLoggerEnabledRacingShutdown: a log call whose Enabled runs while the Pipeline
// shuts down (close, then the SDK provider's Shutdown) must still be enabled, so that its
// record reaches Emit and is counted as DroppedShutdown rather than lost in no counter.
func TestCountingLoggerEnabledRacingShutdown(t *testing.T) {
	mp := &multiProvider{}
	inner := shuttingLogger{entered: make(chan struct{}), release: make(chan struct{})}
	l := &countingLogger{Logger: inner, p: mp}
	got := make(chan bool, 1)
	go func() { got <- l.Enabled(context.Background(), log.EnabledParameters{}) }()
	<-inner.entered
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	mp.close(ctx) // the Pipeline's Shutdown: from here on records are counted
	close(inner.release)
	select {
	case enabled := <-got:
		if !enabled {
			t.Error("Enabled said no to a call racing Shutdown: its record would be counted nowhere")
		}
	case <-ctx.Done():
		t.Fatal("Enabled did not return")
	}
}
