package otlpsink

import (
	"log/slog"
	"testing"

	"go.opentelemetry.io/otel/attribute"
)

type cyclicHolder struct{ M map[string]any }

// A struct is printed with the one cycle-safe %+v printer the console and the file sink use:
// a cycle inside it shows the same "<cycle>" marker there as in those sinks, and the rest of
// the value is kept.
func TestConvertStructWithCycle(t *testing.T) {
	m := map[string]any{"k": 1}
	m["self"] = m
	got := convertValue(slog.AnyValue(cyclicHolder{M: m}), nil).AsString()
	if want := "{M:map[k:1 self:<cycle>]}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

type (
	namedInt    int
	namedString string
	namedBool   bool
	namedFloat  float64
	enum        int
)

func (e enum) String() string { return "enum-" + string(rune('a'+e)) }

// Named scalar types convert by their kind (otelslog writes them as "unhandled: ..."), and an
// integer type with a String method to its text: what the package documentation says.
func TestConvertNamedScalars(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want attribute.Value
	}{
		{namedInt(7), attribute.Int64Value(7)},
		{namedString("x"), attribute.StringValue("x")},
		{namedBool(true), attribute.BoolValue(true)},
		{namedFloat(1.5), attribute.Float64Value(1.5)},
		{enum(1), attribute.StringValue("enum-b")},
	} {
		if got := convertValue(slog.AnyValue(tc.v), nil); got != tc.want {
			t.Errorf("%T(%v): got %v (%v), want %v", tc.v, tc.v, got.String(), got.Type(), tc.want.String())
		}
	}
}
