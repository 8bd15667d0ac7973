package otlpsink

import (
	"log/slog"
	"testing"
)

type cyclicHolder struct{ M map[string]any }

// A struct is printed with the one cycle-safe %+v printer the console and the file sink use:
// a cycle inside it shows the same "<cycle>" marker there as in those sinks, and the rest of
// the value is kept.
func TestConvertStructWithCycle(t *testing.T) {
	m := map[string]any{"k": 1}
	m["self"] = m
	got := convertValue(slog.AnyValue(cyclicHolder{M: m})).AsString()
	if want := "{M:map[k:1 self:<cycle>]}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
