// Package resolve resolves the LogValuer values of a record once, with bounds, for every sink:
// the otellog fan-out resolves each record before handing it to the sinks (so a LogValuer is
// called once per record, not once per sink), and each sink's Handle and WithAttrs resolve
// again when used on its own, which costs a scan when nothing is left to resolve.
//
// # Bounds
//
// A LogValuer chain follows slog's own bound (slog.Value.Resolve stops after 100 calls with an
// error value). Groups, whether written by the caller or returned by a LogValuer, are followed
// MaxDepth levels deep, and at most MaxGroupAttrs attributes inside groups are kept per record
// (or per WithAttrs call); a group past the depth, and every attribute past the count, has the
// value Marker instead. A LogValuer whose value contains itself (a parent that points back to
// its child) thus ends in Marker after MaxDepth levels instead of recursing without end.
package resolve

import (
	"log/slog"

	"github.com/logbridge/logbridge/internal/textenc"
	"github.com/logbridge/logbridge/internal/valuefmt"
)

// Bounds of the resolution (see the package documentation).
const (
	// MaxDepth is how many levels of groups are kept; deeper groups become Marker.
	MaxDepth = 16
	// MaxGroupAttrs is how many attributes inside groups are kept per record.
	MaxGroupAttrs = 1024
	// Marker is the value of what is cut off: the value printer's marker, which the OTLP sink
	// also writes for values nested too deeply.
	Marker = valuefmt.MaxDepthExceeded
)

// resolver carries the budget of group attributes through one record.
type resolver struct{ budget int }

// Record resolves every attribute of *r within the bounds, replacing *r by a new record when
// one needs it (something to resolve, something too deep); the common case costs a scan. The
// attributes *r held are not modified: a record shared with others stays as it was.
func Record(r *slog.Record) {
	need, n := false, 0
	r.Attrs(func(a slog.Attr) bool {
		if k := a.Value.Kind(); k == slog.KindLogValuer || k == slog.KindGroup {
			need = needs(a.Value, 0, &n)
		}
		return !need
	})
	if !need {
		return
	}
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	res := resolver{budget: MaxGroupAttrs}
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(slog.Attr{Key: a.Key, Value: res.value(a.Value, 0)})
		return true
	})
	*r = out
}

// Attrs returns attrs resolved within the bounds: attrs itself when none needs it, else a new
// slice (attrs is not modified).
func Attrs(attrs []slog.Attr) []slog.Attr {
	i, n := 0, 0
	for ; i < len(attrs); i++ {
		if needs(attrs[i].Value, 0, &n) {
			break
		}
	}
	if i == len(attrs) {
		return attrs
	}
	out := make([]slog.Attr, len(attrs))
	copy(out, attrs[:i])
	res := resolver{budget: MaxGroupAttrs}
	for j := i; j < len(attrs); j++ {
		out[j] = slog.Attr{Key: attrs[j].Key, Value: res.value(attrs[j].Value, 0)}
	}
	return out
}

// Value resolves v, an attribute's value, within the bounds: v itself when it needs nothing
// (the common case costs a kind check, and a walk of a group). The sinks call it for each
// attribute that is a LogValuer or a group, so that they are bounded when used on their own;
// behind the otellog fan-out, which resolved the record already, it finds nothing to do.
func Value(v slog.Value) slog.Value {
	n := 0
	if !needs(v, 0, &n) {
		return v
	}
	res := resolver{budget: MaxGroupAttrs}
	return res.value(v, 0)
}

// needs reports whether v, at group depth depth, has something to resolve or to cut off; n
// counts the attributes inside groups seen so far.
func needs(v slog.Value, depth int, n *int) bool {
	switch v.Kind() {
	case slog.KindLogValuer:
		return true
	case slog.KindGroup:
		if depth >= MaxDepth {
			return true
		}
		g := v.Group()
		if *n += len(g); *n > MaxGroupAttrs {
			return true
		}
		for _, a := range g {
			if needs(a.Value, depth+1, n) {
				return true
			}
		}
	}
	return false
}

// value resolves v at group depth depth.
func (res *resolver) value(v slog.Value, depth int) slog.Value {
	v = v.Resolve() // slog bounds the chain and recovers a panicking LogValue
	if v.Kind() != slog.KindGroup {
		return v
	}
	if depth >= MaxDepth {
		return slog.StringValue(Marker)
	}
	g := v.Group()
	// n counts against the budget left: needs reports a group past it.
	if n := MaxGroupAttrs - res.budget; !needs(v, depth, &n) {
		// What a LogValuer returned needs nothing more (the common case): keep its group
		// rather than copying it.
		res.budget = MaxGroupAttrs - n
		return v
	}
	out := make([]slog.Attr, 0, min(len(g), max(res.budget, 1)))
	for _, a := range g {
		if res.budget <= 0 {
			out = append(out, slog.String(a.Key, Marker))
			break
		}
		res.budget--
		out = append(out, slog.Attr{Key: a.Key, Value: res.value(a.Value, depth+1)})
	}
	return slog.GroupValue(out...)
}

// Replace returns rep(groups, a), rep being a sink's ReplaceAttr option, with a panic in rep
// shown as the attribute's value (textenc.PanicText), as a panicking LogValuer's is: the
// record is still written, on every sink alike.
func Replace(rep func(groups []string, a slog.Attr) slog.Attr, groups []string, a slog.Attr) (out slog.Attr) {
	defer func() {
		if r := recover(); r != nil {
			out = slog.String(a.Key, textenc.PanicText(r))
		}
	}()
	return rep(groups, a)
}
