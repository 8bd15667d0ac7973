package filelog

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/logbridge/logbridge/internal/testkit"
)

type (
	jpFlat   = testkit.Flat
	jpKinds  = testkit.AllKinds
	jpNested = testkit.Nested
)

type jpHidden struct {
	a int
	b string
}

type jpEmbeds struct {
	jpFlat
	X int
}

type jpTagged struct {
	A int `json:"a"`
}

type jpOmit struct {
	A int `json:",omitempty"`
}

type jpOtherTag struct {
	A int `yaml:"a"`
}

type jpMarshaler struct{ N int }

func (jpMarshaler) MarshalJSON() ([]byte, error) { return []byte(`"m"`), nil }

type jpPtrText struct{ N int }

func (*jpPtrText) MarshalText() ([]byte, error) { return []byte("t"), nil }

type jpNamedText int

func (jpNamedText) MarshalText() ([]byte, error) { return []byte("nt"), nil }

type jpWithMarshaler struct{ M jpMarshaler }
type jpWithPtrText struct{ T jpPtrText }
type jpWithNamedText struct{ T jpNamedText }
type jpWithNumber struct{ N json.Number }
type jpWithTime struct{ T time.Time }
type jpWithSlice struct{ S []int }
type jpWithPointer struct{ P *int }
type jpWithIface struct{ V any }
type jpWithArray struct{ A [2]int }
type jpWithMap struct{ M map[string]int }
type jpDeep struct {
	A struct{ B struct{ C jpFlat } }
}

// jsonPlanValues are values of every shape the JSON plans take or leave to encoding/json.
func jsonPlanValues(s string, i int64, u uint64, f float64, b bool) []any {
	fl, k, n := testkit.Kinds(s, i, u, f, b)
	var deep jpDeep
	deep.A.B.C = fl
	return []any{
		fl, &fl, k, &k, n, &n, jpHidden{int(i), s}, jpEmbeds{fl, 1}, jpTagged{int(i)}, jpOmit{},
		jpOtherTag{int(i)}, jpMarshaler{1}, &jpPtrText{1}, jpPtrText{1}, jpWithMarshaler{},
		jpWithPtrText{}, jpWithNamedText{}, jpWithNumber{"12"}, jpWithTime{time.Unix(i%1e9, 0).UTC()},
		jpWithSlice{[]int{1}}, jpWithPointer{}, jpWithIface{s}, jpWithArray{}, jpWithMap{map[string]int{s: 1}},
		deep, &deep, struct{}{}, (*jpFlat)(nil), []jpFlat{fl},
		// Maps of strings (appendJSONStringMap), and those left to the encoder.
		map[string]string{s: s, "": "", "team": s, s + "x": "y", "<a>": "&"}, map[string]string(nil), map[string]string{},
		jpLabels{s: s, "k": "v"}, jpTextLabels{s: s}, jpMarshalerLabels{s: s}, jpStringerLabels{s: s}, map[string]any{s: s},
		map[string]any{s: i, "u": u, "f": f, "f32": float32(f), "b": b, "nil": nil, "s": s, "i8": int8(i), "u16": uint16(u),
			"ptr": uintptr(u), "r": rune(i), "by": byte(u), "i32": int32(i), "ui": uint(u), "<&>": s},
		map[string]any(nil), map[string]any{}, jpAnyLabels{s: 1.5}, jpTextAnyLabels{s: 1}, map[string]any{s: time.Duration(i)},
		map[string]any{s: []int{1}}, map[string]any{s: jpFlat{}},
		struct {
			X float32
			Y float64
		}{float32(f), f},
	}
}

// jpLabels is a named map of strings, encoded by its entries; jpTextLabels and
// jpMarshalerLabels have methods encoding/json uses instead, jpStringerLabels one it ignores.
type (
	jpLabels          map[string]string
	jpTextLabels      map[string]string
	jpMarshalerLabels map[string]string
	jpStringerLabels  map[string]string
	jpAnyLabels       map[string]any
	jpTextAnyLabels   map[string]any
)

func (jpTextAnyLabels) MarshalText() ([]byte, error) { return []byte("text"), nil }

func (jpTextLabels) MarshalText() ([]byte, error)      { return []byte("text"), nil }
func (jpMarshalerLabels) MarshalJSON() ([]byte, error) { return []byte(`"json"`), nil }
func (jpStringerLabels) String() string                { return "labels" }

// jsonAnyByEncoder is appendJSONAny's output for x as it was before plans: encoding/json (or
// the error as the value).
func jsonAnyByEncoder(x any) string {
	var b []byte
	if err := appendJSONMarshal(&b, x); err != nil {
		b = appendJSONString(nil, "!ERROR:"+err.Error())
	}
	return string(b)
}

func jsonAny(x any) string {
	s := getState(NewHandler(nil, &Options{Format: "json"}))
	defer s.free()
	b := append(s.buf[:0], "pre"...)
	return string(s.appendJSONAny(b, x))
}

func checkJSONPlanned(t *testing.T, vals []any) {
	t.Helper()
	for _, v := range vals {
		want := "pre" + jsonAnyByEncoder(v)
		if got := jsonAny(v); got != want {
			t.Errorf("appendJSONAny(%T) = %q, encoding/json %q", v, got, want)
		}
	}
}

// TestJSONPlannedMatchesEncoder: a struct written by its plan is exactly what encoding/json
// (and the sanitizing after it) wrote, for every value shape, those left to the encoder too.
func TestJSONPlannedMatchesEncoder(t *testing.T) {
	for _, tc := range []struct {
		s string
		i int64
		u uint64
		f float64
		b bool
	}{
		{"abcdefgh", 65536, 7, 1.5, true},
		{"", 0, 0, 0, false},
		{"a b\n\"c\"\x00\b\f\t\r\x1b\x7f\\<&>\xff", math.MinInt64, math.MaxUint64, 1e21, true},
		{"ü\u2028\u2029\u0085\u202e\u061c\U0001F600", math.MaxInt64, 1 << 63, 1e-7, false},
		{"x", -1, 1, math.NaN(), true},
		{"x", -1, 1, math.Inf(1), true},
		{"x", -1, 1, math.Inf(-1), true},
		{"x", -129, 255, math.Copysign(0, -1), false},
		{"x", 3, 3, 9.999999e-7, true},
		{"x", 3, 3, 1e-6, true},
		{"x", 3, 3, 9.99999e20, true},
		{"x", 3, 3, 123456789.125, true},
		{"x", 3, 3, math.SmallestNonzeroFloat64, true},
		{"x", 3, 3, math.MaxFloat64, true},
		{"x", 3, 3, 3.4028235e38, true},
	} {
		checkJSONPlanned(t, jsonPlanValues(tc.s, tc.i, tc.u, tc.f, tc.b))
	}
}

// TestJSONPlanChoice: the plan is made exactly for the structs encoding/json encodes by their
// exported fields' names and basic values alone.
func TestJSONPlanChoice(t *testing.T) {
	for _, tc := range []struct {
		v       any
		planned bool
	}{
		{jpFlat{}, true}, {&jpFlat{}, true}, {jpKinds{}, true}, {jpNested{}, true}, {jpHidden{}, true},
		{jpOtherTag{}, true}, {jpDeep{}, true}, {struct{}{}, true},
		{jpEmbeds{}, false}, {jpTagged{}, false}, {jpOmit{}, false}, {jpMarshaler{}, false},
		{&jpPtrText{}, false}, {jpPtrText{}, false}, {jpWithMarshaler{}, false}, {jpWithPtrText{}, false},
		{jpWithNamedText{}, false}, {jpWithNumber{}, false}, {jpWithTime{}, false}, {jpWithSlice{}, false},
		{jpWithPointer{}, false}, {jpWithIface{}, false}, {jpWithArray{}, false}, {jpWithMap{}, false},
		{(*jpFlat)(nil), false}, {[]jpFlat{}, false}, {1, false}, {"s", false}, {errors.New("e"), true}, // &errorString{s}: "{}", as encoding/json writes it
		{struct{ F float64 }{math.NaN()}, false},
	} {
		if _, got := appendJSONPlanned(nil, tc.v); got != tc.planned {
			t.Errorf("appendJSONPlanned(%T) planned = %v, want %v", tc.v, got, tc.planned)
		}
	}
}

// FuzzJSONPlannedMatchesEncoder: TestJSONPlannedMatchesEncoder's values from fuzzed inputs.
func FuzzJSONPlannedMatchesEncoder(f *testing.F) {
	f.Add("abcdefgh", int64(65536), uint64(7), 1.5, true)
	f.Add("\b\f\x7f\u2028\xff", int64(-1), uint64(math.MaxUint64), math.NaN(), false)
	f.Fuzz(func(t *testing.T, s string, i int64, u uint64, fl float64, b bool) {
		checkJSONPlanned(t, jsonPlanValues(s, i, u, fl, b))
	})
}
