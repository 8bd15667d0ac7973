package resolve

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

// node is a LogValuer whose value holds its parent: parents in a loop make a cycle.
type node struct {
	name   string
	parent *node
}

func (n *node) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", n.name), slog.Any("parent", n.parent))
}

type counter struct{ n *int }

func (c counter) LogValue() slog.Value { *c.n++; return slog.IntValue(*c.n) }

// depth returns the group depth of v and whether the marker ends it.
func depth(v slog.Value) (int, bool) {
	d, marker := 0, false
	for v.Kind() == slog.KindGroup {
		d++
		next := slog.Value{}
		for _, a := range v.Group() {
			if a.Key == "parent" || a.Key == "g" {
				next = a.Value
			}
		}
		v = next
	}
	if v.Kind() == slog.KindString && v.String() == Marker {
		marker = true
	}
	return d, marker
}

func nest(n int) slog.Attr {
	a := slog.Int("leaf", 1)
	for range n {
		a = slog.Group("g", a)
	}
	return a
}

func TestRecord(t *testing.T) {
	a := &node{name: "a"}
	b := &node{name: "b", parent: a}
	a.parent = b
	tests := []struct {
		name       string
		attr       slog.Attr
		wantDepth  int
		wantMarker bool
	}{
		{"cycle of LogValuers", slog.Any("node", a), MaxDepth, true},
		{"groups nested past the depth", nest(MaxDepth + 5), MaxDepth, true},
		{"groups at the depth", nest(MaxDepth), MaxDepth, false},
		{"plain value", slog.Int("n", 1), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)
			r.AddAttrs(tt.attr)
			out := r
			Record(&out)
			var got slog.Value
			out.Attrs(func(a slog.Attr) bool { got = a.Value; return false })
			d, marker := depth(got)
			if d != tt.wantDepth || marker != tt.wantMarker {
				t.Fatalf("depth %d marker %v, want %d %v", d, marker, tt.wantDepth, tt.wantMarker)
			}
			// Resolving again changes nothing: the sinks' own call is a scan.
			again := out
			Record(&again)
			var got2 slog.Value
			again.Attrs(func(a slog.Attr) bool { got2 = a.Value; return false })
			if d2, m2 := depth(got2); d2 != d || m2 != marker {
				t.Fatalf("second resolution: depth %d marker %v", d2, m2)
			}
		})
	}
}

// A group holding itself many times over (a DAG that expands exponentially) is cut by the
// attribute budget.
func TestBudget(t *testing.T) {
	g := slog.Group("g", slog.Int("x", 1), slog.Int("y", 2))
	for range 30 { // 2^30 leaves once expanded
		g = slog.Group("g", g, g)
	}
	out := Attrs([]slog.Attr{g})
	count, markers := 0, 0
	var walk func(v slog.Value)
	walk = func(v slog.Value) {
		if v.Kind() != slog.KindGroup {
			if v.Kind() == slog.KindString && v.String() == Marker {
				markers++
			}
			return
		}
		for _, a := range v.Group() {
			count++
			walk(a.Value)
		}
	}
	walk(out[0].Value)
	if count > MaxGroupAttrs+MaxDepth*2 || markers == 0 {
		t.Fatalf("%d attributes kept, %d markers; want at most about %d and a marker", count, markers, MaxGroupAttrs)
	}
}

func TestOnceAndUntouched(t *testing.T) {
	n := 0
	in := []slog.Attr{slog.String("s", "x"), slog.Any("c", counter{&n})}
	out := Attrs(in)
	if n != 1 || out[1].Value.Kind() != slog.KindInt64 || out[1].Value.Int64() != 1 {
		t.Fatalf("calls %d, value %v", n, out[1].Value)
	}
	if in[1].Value.Kind() != slog.KindLogValuer {
		t.Fatal("Attrs modified its argument")
	}
	plain := []slog.Attr{slog.String("s", "x"), slog.Group("g", slog.Int("i", 1))}
	if got := Attrs(plain); &got[0] != &plain[0] {
		t.Fatal("Attrs copied a slice with nothing to resolve")
	}
	if !strings.Contains(Marker, "depth") {
		t.Fatal(Marker)
	}
}

func BenchmarkRecordNothingToResolve(b *testing.B) {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)
	r.AddAttrs(slog.String("a", "x"), slog.Int("b", 1), slog.Duration("c", time.Second), slog.Bool("d", true), slog.Any("e", nil))
	b.ReportAllocs()
	for b.Loop() {
		Record(&r)
	}
}

// wide is a LogValuer returning a group of n ints.
type wide int

func (w wide) LogValue() slog.Value {
	as := make([]slog.Attr, w)
	for i := range as {
		as[i] = slog.Int("i", i)
	}
	return slog.GroupValue(as...)
}

// The groups LogValuers return, kept as they are when they need nothing more, still count
// against the record's budget.
func TestBudgetAcrossLogValuers(t *testing.T) {
	half := wide(MaxGroupAttrs/2 + 100)
	out := Attrs([]slog.Attr{slog.Any("a", half), slog.Any("b", half)})
	markers := func(v slog.Value) (n int) {
		for _, a := range v.Group() {
			if a.Value.Kind() == slog.KindString && a.Value.String() == Marker {
				n++
			}
		}
		return n
	}
	if n := len(out[0].Value.Group()); n != int(half) || markers(out[0].Value) != 0 {
		t.Fatalf("first group: %d members, %d markers; want all %d", n, markers(out[0].Value), half)
	}
	if markers(out[1].Value) != 1 || len(out[1].Value.Group()) >= int(half) {
		t.Fatalf("second group: %d members, %d markers; want it cut at the budget", len(out[1].Value.Group()), markers(out[1].Value))
	}
}
