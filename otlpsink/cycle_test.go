package otlpsink_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/internal/resolve"
)

// cycleNode is a LogValuer whose value holds its parent; parents in a loop make a cycle.
type cycleNode struct {
	name   string
	parent *cycleNode
}

func (n *cycleNode) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", n.name), slog.Any("parent", n.parent))
}

// TestLogValuerCycle: the handler on its own (both paths) follows a LogValuer cycle
// resolve.MaxDepth levels, then writes the marker, in the record and in WithAttrs.
func TestLogValuerCycle(t *testing.T) {
	a := &cycleNode{name: "a"}
	a.parent = &cycleNode{name: "b", parent: a}
	for _, s := range sinks(t, nil) {
		for _, f := range []func(*slog.Logger){
			func(l *slog.Logger) { l.Info("cycle", "node", a) },
			func(l *slog.Logger) { l.With("node", a).Info("cycle") },
		} {
			r := logOne(t, s, s.h, f)
			got := fmt.Sprint(attrs(&r)["node"])
			if strings.Count(got, resolve.Marker) != 1 || strings.Count(got, "name:") != resolve.MaxDepth {
				t.Errorf("%s: node = %s", s.name, got)
			}
		}
	}
}
