package textenc

import (
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"testing"
)

func TestErrKindOf(t *testing.T) {
	a := errors.New("a")
	for _, tc := range []struct {
		name string
		err  error
		want ErrKind
	}{
		{"nil", nil, ErrOther},
		{"errors.New", a, ErrLeaf},
		{"fmt.Errorf without %w", fmt.Errorf("x %d", 1), ErrLeaf},
		{"fmt.Errorf %w", fmt.Errorf("w: %w", a), ErrWrap},
		{"fmt.Errorf %w of nil", fmt.Errorf("w: %w", nil), ErrWrap},
		{"fmt.Errorf two %w", fmt.Errorf("%w, %w", a, a), ErrWrapMany},
		{"errors.Join", errors.Join(a, a), ErrJoin},
		{"another type", &fs.PathError{Op: "open", Path: "x", Err: a}, ErrOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrKindOf(tc.err); got != tc.want {
				t.Errorf("ErrKindOf(%#v) = %d, want %d", tc.err, got, tc.want)
			}
		})
	}
}

// TestLeafText runs on both of LeafText's ways to the text: read in place (what this Go's
// errors.New allows, which the test requires, so that a change of the standard library shows
// here) and through Error.
func TestLeafText(t *testing.T) {
	if !leafTextFirst {
		t.Error("errors.New's type no longer has its text as its only field: LeafText calls Error")
	}
	defer func(v bool) { leafTextFirst = v }(leafTextFirst)
	for _, inPlace := range []bool{true, false} {
		leafTextFirst = inPlace
		t.Run(fmt.Sprint("in_place=", inPlace), testLeafText)
	}
}

func testLeafText(t *testing.T) {
	nilLeaf := reflect.Zero(reflect.TypeOf(errors.New(""))).Interface() // a nil *errors.errorString
	for _, tc := range []struct {
		name string
		v    any
		want string
		ok   bool
	}{
		{"errors.New", errors.New("fail"), "fail", true},
		{"fmt.Errorf without %w", fmt.Errorf("x %d", 1), "x 1", true},
		{"nil", nil, "", false},
		{"nil pointer of the type", nilLeaf, "", false},
		{"fmt.Errorf %w", fmt.Errorf("w: %w", errors.New("a")), "", false},
		{"a string", "fail", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, ok := LeafText(tc.v); got != tc.want || ok != tc.ok {
				t.Errorf("LeafText(%#v) = %q, %v, want %q, %v", tc.v, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// unwrapPanics is an error whose Unwrap panics; unwrapsMany one with several causes.
type (
	unwrapPanics     struct{}
	unwrapManyPanics struct{}
	unwrapsMany      []error
)

func (unwrapPanics) Error() string       { return "p" }
func (unwrapPanics) Unwrap() error       { panic("bad Unwrap") }
func (unwrapManyPanics) Error() string   { return "pm" }
func (unwrapManyPanics) Unwrap() []error { panic("bad Unwrap") }
func (u unwrapsMany) Error() string      { return "many" }
func (u unwrapsMany) Unwrap() []error    { return u }

func TestCauses(t *testing.T) {
	a, b := errors.New("a"), errors.New("b")
	for _, tc := range []struct {
		name     string
		err      error
		wantMany []error
		wantOne  error
	}{
		{"errors.New", a, nil, nil},
		{"fmt.Errorf %w", fmt.Errorf("w: %w", a), nil, a},
		{"fmt.Errorf %w of nil", fmt.Errorf("w: %w", nil), nil, nil},
		{"fmt.Errorf two %w", fmt.Errorf("%w, %w", a, b), []error{a, b}, nil},
		{"errors.Join", errors.Join(a, b), []error{a, b}, nil},
		{"another type wrapping", &fs.PathError{Op: "open", Path: "x", Err: a}, nil, a},
		{"another type joining", unwrapsMany{a, b}, []error{a, b}, nil},
		{"a panicking Unwrap() error", unwrapPanics{}, nil, nil},
		{"a panicking Unwrap() []error", unwrapManyPanics{}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			many, one := Causes(tc.err, ErrKindOf(tc.err))
			if !reflect.DeepEqual(many, tc.wantMany) || one != tc.wantOne {
				t.Errorf("Causes(%v) = %v, %v; want %v, %v", tc.err, many, one, tc.wantMany, tc.wantOne)
			}
		})
	}
}
