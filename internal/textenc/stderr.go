package textenc

import (
	"errors"
	"fmt"
	"reflect"
)

// ErrKind says which of the standard library's error types an error is. Their Error and
// Unwrap methods cannot panic and they carry no stack, so a sink can call them without the
// recover and the stack lookup that other types need: on a console record with a wrapped
// error the guards and the lookup were ~15% of Handle (bench/notes.md, 2026-12-02).
type ErrKind uint8

// The kinds of error ErrKindOf tells apart.
const (
	ErrOther    ErrKind = iota // any other type, nil included
	ErrLeaf                    // errors.New, fmt.Errorf without %w: wraps nothing
	ErrWrap                    // fmt.Errorf with one %w: Unwrap() error (nil for a nil operand)
	ErrWrapMany                // fmt.Errorf with several %w: Unwrap() []error
	ErrJoin                    // errors.Join: Unwrap() []error; its text is its parts', one per line
)

var (
	leafType     = reflect.TypeOf(errors.New(""))
	wrapType     = reflect.TypeOf(fmt.Errorf("%w", errors.New("")))
	wrapManyType = reflect.TypeOf(fmt.Errorf("%w%w", errors.New(""), errors.New("")))
)

// Causes returns what err joins (many) or wraps (one), the guarded way: kind is
// ErrKindOf(err), and the standard library's errors are unwrapped without a recover (see
// ErrKind); any other error's Unwrap may panic, which means it has none. One error is
// returned apart, for the caller to put in a slice on its stack: a store through a pointer
// costs a write barrier while the GC runs.
func Causes(err error, kind ErrKind) (many []error, one error) {
	switch kind {
	case ErrLeaf:
		return nil, nil
	case ErrWrap:
		return nil, err.(interface{ Unwrap() error }).Unwrap()
	case ErrWrapMany, ErrJoin:
		return err.(interface{ Unwrap() []error }).Unwrap(), nil
	}
	return causesGuarded(err)
}

func causesGuarded(err error) (many []error, one error) {
	defer func() {
		if recover() != nil {
			many, one = nil, nil
		}
	}()
	switch x := err.(type) {
	case interface{ Unwrap() error }:
		return nil, x.Unwrap()
	case interface{ Unwrap() []error }:
		return x.Unwrap(), nil
	}
	return nil, nil
}

// LeafText returns the text of v when it is a non-nil error of kind ErrLeaf (a nil pointer
// of that type would panic in Error): a sink can write it without a recover.
func LeafText(v any) (string, bool) {
	if reflect.TypeOf(v) != leafType {
		return "", false
	}
	p := reflect.ValueOf(v).UnsafePointer()
	if p == nil {
		return "", false
	}
	if leafTextFirst {
		// errors.New's text read in place: the assertion to error (an itab lookup) and the
		// call were ~5% of the console's Handle on slog's 5-attribute record.
		return *(*string)(p), true
	}
	return v.(error).Error(), true
}

// leafTextFirst says errors.New's type is a pointer to a struct whose only field, at its
// start, is the string Error returns, as it has always been: LeafText reads it in place.
// Checked on the type itself, so that a change of the standard library falls back to Error.
var leafTextFirst = func() bool {
	t := leafType.Elem()
	return t.Kind() == reflect.Struct && t.NumField() == 1 &&
		t.Field(0).Type.Kind() == reflect.String && t.Field(0).Offset == 0
}()

// ErrKindOf returns err's kind: one of the standard library's types, or ErrOther.
func ErrKindOf(err error) ErrKind {
	if err == nil {
		return ErrOther
	}
	switch reflect.TypeOf(err) { // the most common first
	case leafType:
		return ErrLeaf
	case wrapType:
		return ErrWrap
	case joinType:
		return ErrJoin
	case wrapManyType:
		return ErrWrapMany
	}
	return ErrOther
}
