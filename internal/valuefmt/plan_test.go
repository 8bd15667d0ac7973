package valuefmt

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/logbridge/logbridge/internal/testkit"
)

type (
	flat     = testkit.Flat
	level    = testkit.Level
	allKinds = testkit.AllKinds
	nested   = testkit.Nested
)

type embeds struct {
	flat
	X int
}

// ptrStringer has String on its pointer only: fmt calls it for a *ptrStringer, never for a
// ptrStringer field (not addressable).
type ptrStringer struct{ N int }

func (p *ptrStringer) String() string { return "P" }

type withPtrStringer struct {
	P ptrStringer
	p ptrStringer
}

type namedStringer int

func (n namedStringer) String() string { return "named" }

type methodField struct{ N namedStringer }
type hiddenMethodField struct{ n namedStringer }
type withError struct{ Err error }
type withTime struct{ T time.Time }
type withArray struct{ A [2]int }
type withPointer struct{ P *int }
type withSlice struct{ S []string }
type withMap struct{ M map[string]int }
type withComplex struct{ C complex128 }
type withFunc struct{ F func() }

type stringerEmbedded struct {
	stringer
	X int
}

type plainInts []int
type plainInt int

// stringerSlice is a slice type with a String method: fmt prints it by the method.
type stringerSlice []int

func (stringerSlice) String() string { return "slice" }

type deep1 struct{ A deep2 }
type deep2 struct{ B deep3 }
type deep3 struct{ C flat }

// planValues are values of every shape the plans take or leave to fmt, built from the inputs.
func planValues(s string, i int64, u uint64, f float64, b bool) []any {
	fl, k, n := testkit.Kinds(s, i, u, f, b)
	sn := namedStringer(i)
	vals := []any{
		fl, &fl, k, &k, n, &n, embeds{flat: fl, X: int(i)}, struct{}{}, &struct{}{},
		withPtrStringer{P: ptrStringer{int(i)}, p: ptrStringer{1}}, &ptrStringer{int(i)}, ptrStringer{int(i)},
		methodField{sn}, hiddenMethodField{sn}, withError{errors.New(s)}, withError{},
		withTime{time.Unix(i%1e9, 0).UTC()}, withArray{[2]int{int(i), 2}}, withPointer{}, withPointer{new(int)},
		withSlice{[]string{s}}, withMap{map[string]int{s: 1}}, withComplex{complex(f, 1)}, withFunc{},
		stringerEmbedded{stringer{int(i)}, 1}, deep1{deep2{deep3{fl}}}, &deep1{},
		(*flat)(nil), &n.A, []flat{fl}, map[string]flat{s: fl}, sn, level(i),
		struct {
			X float32
			Y float64
		}{float32(f), f},
		// Slices: of basic values (the slice plan), and those left to fmt.
		[]string{s, "", s}, []int{int(i), -1, 0}, []int8{int8(i)}, []int16{int16(i)}, []int32{int32(i)},
		[]int64{i}, []uint{uint(u)}, []uint8(s), []uint16{uint16(u)}, []uint32{uint32(u)}, []uint64{u},
		[]uintptr{uintptr(u)}, []float32{float32(f)}, []float64{f, -f}, []bool{b, !b}, []int(nil), []string{},
		plainInts{int(i)}, []plainInt{plainInt(i)}, stringerSlice{1}, []namedStringer{sn}, []level{level(i)},
		[]any{s, i}, []*int{nil}, [2]int{int(i), 1}, [][]int{{int(i)}},
		// Maps of strings (StringMap), and those left to fmt.
		map[string]string{s: s, "": "", "team": s, s + "x": "y", "a b": "c:d"}, map[string]string(nil), map[string]string{},
		labels{s: s, "k": "v"}, stringerLabels{s: s}, map[string]any{s: s}, map[string]namedString{s: namedString(s)},
		map[string]any{s: i, "u": u, "f": f, "f32": float32(f), "b": b, "nil": nil, "s": s, "i8": int8(i), "u16": uint16(u),
			"ptr": uintptr(u), "r": rune(i), "by": byte(u), "i32": int32(i), "u64": u, "ui": uint(u), "i16": int16(i), "u32": uint32(u)},
		map[string]any(nil), anyLabels{s: 1}, map[string]any{s: namedString(s)}, map[string]any{s: level(i)},
		map[string]any{s: []int{1}}, map[string]any{s: complex(f, 1)}, map[string]any{s: time.Duration(i)},
	}
	return vals
}

// TestPlannedMatchesFmt: a struct printed by its plan is exactly what fmt's %+v prints, for
// every value shape, including those left to fmt (methods, pointers, interfaces, ...).
func TestPlannedMatchesFmt(t *testing.T) {
	for _, tc := range []struct {
		s string
		i int64
		u uint64
		f float64
		b bool
	}{
		{"abcdefgh", 65536, 7, 1.5, true},
		{"", 0, 0, 0, false},
		{"a b\n\"c\"\x00\xff", math.MinInt64, math.MaxUint64, math.Inf(1), true},
		{"ü", math.MaxInt64, 1 << 63, math.Inf(-1), false},
		{"x", -1, 1, math.NaN(), true},
		{"x", -129, 255, math.Copysign(0, -1), false},
		{"x", 1 << 40, 1 << 33, 1e21, true},
		{"x", 3, 3, 1e-7, true},
		{"x", 3, 3, 123456789.125, true},
		{"x", 3, 3, math.SmallestNonzeroFloat64, true},
		{"x", 3, 3, math.MaxFloat64, true},
		{"x", 3, 3, 3.4028235e38, true},
	} {
		for _, v := range planValues(tc.s, tc.i, tc.u, tc.f, tc.b) {
			want := fmt.Sprintf("%+v", v)
			if got := string(AppendPlusV([]byte("pre"), v)); got != "pre"+want {
				t.Errorf("AppendPlusV(%T) = %q, fmt %q", v, got, "pre"+want)
			}
		}
	}
}

// TestPlanChoice: the plan is made exactly for the structs whose printing needs no method,
// pointer or container (so fmt keeps printing the rest, as it did).
func TestPlanChoice(t *testing.T) {
	for _, tc := range []struct {
		v       any
		planned bool
	}{
		{flat{}, true}, {&flat{}, true}, {allKinds{}, true}, {nested{}, true}, {embeds{}, true},
		{struct{}{}, true}, {withPtrStringer{}, true}, {deep1{}, true}, {hiddenMethodField{}, false},
		{&ptrStringer{}, false}, {methodField{}, false}, {withError{}, false}, {withTime{}, false},
		{withArray{}, false}, {withPointer{}, false}, {withSlice{}, false}, {withMap{}, false},
		{withComplex{}, false}, {withFunc{}, false}, {stringerEmbedded{}, false}, {(*flat)(nil), false},
		{[]flat{}, false}, {level(1), false}, {1, false}, {"s", false}, {nil, false}, {new(*flat), false},
	} {
		if _, got := appendPlanned(nil, tc.v); got != tc.planned {
			t.Errorf("appendPlanned(%T) planned = %v, want %v", tc.v, got, tc.planned)
		}
	}
}

// TestSlicePlanChoice: the slice plan takes exactly the slices of basic values without text
// methods (on the slice type or the elements').
func TestSlicePlanChoice(t *testing.T) {
	for _, tc := range []struct {
		v       any
		planned bool
	}{
		{[]int{1}, true}, {[]string(nil), true}, {[]byte("x"), true}, {plainInts{}, true}, {[]plainInt{}, true},
		{[]float32{}, true}, {[]bool{}, true}, {stringerSlice{}, false}, {[]namedStringer{}, false},
		{[]level{}, true}, {[]any{}, false}, {[]*int{}, false}, {[][]int{}, false}, {[]flat{}, false},
		{[2]int{}, false}, {1, false}, {nil, false}, {&[]int{}, false},
	} {
		if _, got := appendBasicSlice(nil, tc.v); got != tc.planned {
			t.Errorf("appendBasicSlice(%T) planned = %v, want %v", tc.v, got, tc.planned)
		}
	}
}

// labels is a named map of strings: printed by its entries. stringerLabels has a String
// method, which fmt calls; namedString values have one too.
type (
	labels         map[string]string
	stringerLabels map[string]string
	namedString    string
	anyLabels      map[string]any
)

func (stringerLabels) String() string { return "labels" }
func (namedString) String() string    { return "named" }

// TestStringMapChoice: StringMap takes exactly the maps fmt prints by their string entries.
func TestStringMapChoice(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want bool
	}{
		{map[string]string{}, true}, {map[string]string(nil), true}, {labels{}, true}, {stringerLabels{}, false},
		{map[string]namedString{}, false}, {map[string]any{}, false}, {map[string]int{}, false}, {&map[string]string{}, false},
		{"x", false}, {nil, false},
	} {
		if _, got := StringMap(tc.v); got != tc.want {
			t.Errorf("StringMap(%T) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

// TestAnyMapChoice: AnyMap takes exactly the maps of any whose values are nil or of a
// predeclared basic type.
func TestAnyMapChoice(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want bool
	}{
		{map[string]any{"a": 1, "b": "x", "c": nil, "d": 1.5, "e": true, "f": uint8(1)}, true}, {map[string]any(nil), true},
		{anyLabels{"a": 1}, true}, {map[string]any{"a": time.Second}, false}, {map[string]any{"a": level(1)}, false},
		{map[string]any{"a": []int{}}, false}, {map[string]any{"a": map[string]any{}}, false}, {map[string]any{"a": complex(1, 1)}, false},
		{map[string]any{"a": errors.New("e")}, false}, {map[string]string{}, false}, {1, false},
	} {
		if _, got := AnyMap(tc.v); got != tc.want {
			t.Errorf("AnyMap(%v) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

// FuzzPlannedMatchesFmt: TestPlannedMatchesFmt's values from fuzzed inputs.
func FuzzPlannedMatchesFmt(f *testing.F) {
	f.Add("abcdefgh", int64(65536), uint64(7), 1.5, true)
	f.Add("\x7f\u2028", int64(-1), uint64(math.MaxUint64), math.NaN(), false)
	f.Fuzz(func(t *testing.T, s string, i int64, u uint64, fl float64, b bool) {
		for _, v := range planValues(s, i, u, fl, b) {
			want := fmt.Sprintf("%+v", v)
			if got := string(AppendPlusV(nil, v)); got != want {
				t.Fatalf("AppendPlusV(%T) = %q, fmt %q", v, got, want)
			}
		}
	})
}

// BenchmarkPlusVStruct: a flat struct (bench/'s event) by its plan.
func BenchmarkPlusVStruct(b *testing.B) {
	v := any(flat{ID: "abcdefgh", Index: 65536, Flag: true})
	buf := make([]byte, 0, 64)
	for b.Loop() {
		buf = AppendPlusV(buf[:0], v)
	}
}

// BenchmarkPlusVMap: maps of strings and of basic values (labels, fields) by their sorted
// keys, beside fmt's %+v of the same map.
func BenchmarkPlusVMap(b *testing.B) {
	for _, c := range []struct {
		name string
		v    any
	}{
		{"strings", map[string]string{"team": "payments", "tier": "gold", "region": "eu-west"}},
		{"values", map[string]any{"user": "u-1041", "attempt": 3, "cached": true, "ratio": 0.25}},
	} {
		buf := make([]byte, 0, 128)
		b.Run("map="+c.name+"/impl=fmt", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf = fmt.Appendf(buf[:0], "%+v", c.v)
			}
		})
		b.Run("map="+c.name+"/impl=valuefmt", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf = AppendPlusV(buf[:0], c.v)
			}
		})
	}
}
