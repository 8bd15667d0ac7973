package valuefmt

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

type inner struct {
	A int
	b string
	M map[string]any
}

type outer struct {
	Name  string
	In    inner
	P     *inner
	List  []any
	Err   error
	Since time.Duration
	hide  []int
}

type stringer struct{ n int }

func (s stringer) String() string { return fmt.Sprintf("S%d", s.n) }

type node struct {
	Name string
	Next *node
	Kids []any
}

// TestMatchesFmt: for values without cycles, the output is exactly fmt's %+v.
func TestMatchesFmt(t *testing.T) {
	n := &node{Name: "n"}
	n.Next = n // a pointer below depth 0: fmt prints its address, no cycle
	var nilMap map[string]int
	var nilPtr *inner
	for _, v := range []any{
		nil, 1, "s", 1.5, true, []byte("hi"), []int{1, 2}, [2]string{"a", "b"},
		map[string]int{"b": 2, "a": 1}, map[int]any{3: "x", 1: []any{1, "y"}},
		outer{Name: "o", In: inner{A: 1, b: "x", M: map[string]any{"k": []int{1}}}, P: &inner{A: 2},
			List: []any{stringer{1}, errors.New("e"), nil}, Err: errors.New("boom"), Since: time.Second, hide: []int{1}},
		&outer{Name: "ptr"}, &[]any{1, "x"}, &map[string]int{"a": 1},
		n, *n, stringer{7}, []stringer{{1}, {2}}, nilMap, nilPtr, []any{nilPtr, nilMap},
		struct{ f func() }{}, struct{ c chan int }{},
	} {
		want := fmt.Sprintf("%+v", v)
		if got := string(AppendPlusV(nil, v)); got != want {
			t.Errorf("AppendPlusV(%T) = %q, fmt %q", v, got, want)
		}
	}
}

// TestCycles: values fmt would print forever end in markers, in fmt's layout otherwise.
func TestCycles(t *testing.T) {
	m := map[string]any{"k": "v"}
	m["self"] = m
	s := []any{"x", nil}
	s[1] = s
	mutual := map[string]any{}
	mutual["list"] = []any{mutual, 1}
	n := &node{Name: "n"}
	n.Kids = []any{n, m} // the pointer below depth 0 is an address; the map cycles
	short := make([]any, 2)
	short[0] = short[:1]
	type wrap struct {
		M map[string]any
		x []any
	}
	for _, tc := range []struct {
		v    any
		want string
	}{
		{m, "map[k:v self:<cycle>]"},
		{s, "[x <cycle>]"},
		{mutual, "map[list:[<cycle> 1]]"},
		{short, "[[<cycle>] <nil>]"},
		{wrap{M: m, x: s}, "{M:map[k:v self:<cycle>] x:[x <cycle>]}"},
		{&wrap{M: m}, "&{M:map[k:v self:<cycle>] x:[]}"},
	} {
		if got := string(AppendPlusV(nil, tc.v)); got != tc.want {
			t.Errorf("AppendPlusV(%T) = %q, want %q", tc.v, got, tc.want)
		}
	}
	got := string(AppendPlusV([]byte("prefix "), n))
	if !strings.HasPrefix(got, "prefix &{Name:n Next:<nil> Kids:[0x") || !strings.HasSuffix(got, " map[k:v self:<cycle>]]}") {
		t.Errorf("AppendPlusV(node) = %q", got)
	}
}

// TestDepth: acyclic nesting deeper than MaxDepth ends in the marker.
func TestDepth(t *testing.T) {
	var v any = "leaf"
	for range MaxDepth + 10 {
		v = []any{v}
	}
	got := string(AppendPlusV(nil, v))
	if !strings.Contains(got, MaxDepthExceeded) || strings.Contains(got, "leaf") {
		t.Errorf("deep value: %q", got)
	}
	if want := strings.Repeat("[", MaxDepth+1) + MaxDepthExceeded; !strings.HasPrefix(got, want) {
		t.Errorf("deep value %q, want prefix %q", got, want)
	}
	v = "leaf"
	for range MaxDepth - 1 {
		v = []any{v}
	}
	if got, want := string(AppendPlusV(nil, v)), fmt.Sprintf("%+v", v); got != want {
		t.Errorf("value %d deep: %q, fmt %q", MaxDepth, got, want)
	}
}
