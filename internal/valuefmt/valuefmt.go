// Package valuefmt formats arbitrary values as fmt's %+v does, for the console, file and OTLP
// sinks (their one cycle-safe printer), without fmt's one way to crash a program from a log
// call: fmt follows maps, slices and interfaces without looking for cycles, so a map that
// contains itself (m["self"] = m) or a slice of any that contains itself overflows the stack,
// a fatal error no recover catches.
//
// A struct of basic fields (strings, numbers, booleans, such structs; no methods), and a slice
// of basic values without methods, is printed by a plan made once per type, the bytes fmt
// prints, without fmt (plan.go); a map of strings to strings, or to basic values, by its
// sorted keys (stringmap.go). For anything else, AppendPlusV first walks the value the way fmt would print it. When the walk finds neither a
// cycle nor nesting deeper than MaxDepth (the usual case), the result is exactly fmt's. Otherwise
// the value is printed in the same layout by this package, with "<cycle>" where fmt would
// print a map or slice again that it is already inside, and "<max-depth-exceeded>" below
// MaxDepth levels (the OTLP sink's marker and depth limit for nested values too).
//
// AppendDuration writes a time.Duration as its String method does, without allocating.
package valuefmt

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// MaxDepth is how deep a value nests (maps, slices, arrays, structs; the interfaces holding them
// do not count) before the rest is shown as "<max-depth-exceeded>".
const MaxDepth = 100

// Markers shown in place of what cannot be printed.
const (
	Cycle            = "<cycle>"
	MaxDepthExceeded = "<max-depth-exceeded>"
)

// AppendPlusV appends v formatted as fmt.Appendf(b, "%+v", v) does, except that cycles and
// nesting deeper than MaxDepth end in markers instead of recursing forever. Methods of v
// (String, Error, Format) are called as fmt calls them and may panic: the caller recovers.
func AppendPlusV(b []byte, v any) []byte {
	if b, ok := appendPlanned(b, v); ok {
		return b
	}
	if b, ok := appendBasicSlice(b, v); ok {
		return b
	}
	if m, ok := StringMap(v); ok {
		return appendMapEntries(b, m, appendStringValue)
	}
	if m, ok := AnyMap(v); ok {
		return appendMapEntries(b, m, appendBasicAny)
	}
	var w walker
	if w.bounded(reflect.ValueOf(v), 0) {
		return fmt.Appendf(b, "%+v", v)
	}
	p := printer{b: b}
	p.value(reflect.ValueOf(v), 0)
	return p.b
}

// hasMethods reports whether fmt prints v with a method of its (String, Error, Format) rather
// than by its structure: fmt does so at any depth when the value can be taken as an interface.
func hasMethods(v reflect.Value) bool {
	if !v.CanInterface() {
		return false
	}
	switch v.Interface().(type) {
	case fmt.Formatter, error, fmt.Stringer:
		return true
	}
	return false
}

// ref identifies a map or slice on the current path: its data pointer, and for a slice its
// length (a shorter slice of the same array is another value; the pairs are finite, so an
// endless walk repeats one).
type ref struct {
	ptr uintptr
	n   int
}

type walker struct {
	path []ref
}

// bounded reports whether printing v at depth ends: no cycle through maps, slices and
// interfaces, no nesting deeper than MaxDepth. It follows fmt's printValue.
func (w *walker) bounded(v reflect.Value, depth int) bool {
	if depth > MaxDepth {
		return false
	}
	if !v.IsValid() {
		return true
	}
	if hasMethods(v) {
		return true // fmt calls the method, at any depth, and recovers its panics
	}
	switch v.Kind() {
	case reflect.Map:
		if v.IsNil() {
			return true
		}
		r := ref{ptr: uintptr(v.UnsafePointer())}
		if slices.Contains(w.path, r) {
			return false
		}
		w.path = append(w.path, r)
		defer func() { w.path = w.path[:len(w.path)-1] }()
		it := v.MapRange()
		for it.Next() {
			if !w.bounded(it.Key(), depth+1) || !w.bounded(it.Value(), depth+1) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if v.Len() == 0 {
			return true
		}
		r := ref{ptr: uintptr(v.UnsafePointer()), n: v.Len()}
		if slices.Contains(w.path, r) {
			return false
		}
		w.path = append(w.path, r)
		defer func() { w.path = w.path[:len(w.path)-1] }()
		return w.elems(v, depth)
	case reflect.Array:
		return w.elems(v, depth)
	case reflect.Struct:
		for i := range v.NumField() {
			if !w.bounded(v.Field(i), depth+1) {
				return false
			}
		}
		return true
	case reflect.Interface:
		return v.IsNil() || w.bounded(v.Elem(), depth) // an interface is no level of its own
	case reflect.Pointer:
		// fmt follows a pointer only at depth 0 (&{...}); deeper it prints the address.
		if depth == 0 && !v.IsNil() {
			switch v.Elem().Kind() {
			case reflect.Array, reflect.Slice, reflect.Struct, reflect.Map:
				return w.bounded(v.Elem(), depth+1)
			}
		}
		return true
	}
	return true
}

func (w *walker) elems(v reflect.Value, depth int) bool {
	if k := v.Type().Elem().Kind(); k <= reflect.Complex128 || k == reflect.String {
		return true // elements that cannot nest
	}
	for i := range v.Len() {
		if !w.bounded(v.Index(i), depth+1) {
			return false
		}
	}
	return true
}

// printer prints a value that fmt would not finish, in fmt's %+v layout.
type printer struct {
	b    []byte
	path []ref
}

func (p *printer) value(v reflect.Value, depth int) {
	if depth > MaxDepth {
		p.b = append(p.b, MaxDepthExceeded...)
		return
	}
	if !v.IsValid() {
		p.b = append(p.b, "<nil>"...)
		return
	}
	if hasMethods(v) {
		p.b = fmt.Appendf(p.b, "%+v", v.Interface())
		return
	}
	switch v.Kind() {
	case reflect.Map:
		if v.IsNil() {
			p.b = append(p.b, "map[]"...)
			return
		}
		r := ref{ptr: uintptr(v.UnsafePointer())}
		if slices.Contains(p.path, r) {
			p.b = append(p.b, Cycle...)
			return
		}
		p.path = append(p.path, r)
		defer func() { p.path = p.path[:len(p.path)-1] }()
		keys := v.MapKeys()
		sortKeys(keys)
		p.b = append(p.b, "map["...)
		for i, k := range keys {
			if i > 0 {
				p.b = append(p.b, ' ')
			}
			p.value(k, depth+1)
			p.b = append(p.b, ':')
			p.value(v.MapIndex(k), depth+1)
		}
		p.b = append(p.b, ']')
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Len() > 0 {
			r := ref{ptr: uintptr(v.UnsafePointer()), n: v.Len()}
			if slices.Contains(p.path, r) {
				p.b = append(p.b, Cycle...)
				return
			}
			p.path = append(p.path, r)
			defer func() { p.path = p.path[:len(p.path)-1] }()
		}
		p.b = append(p.b, '[')
		for i := range v.Len() {
			if i > 0 {
				p.b = append(p.b, ' ')
			}
			p.value(v.Index(i), depth+1)
		}
		p.b = append(p.b, ']')
	case reflect.Struct:
		p.b = append(p.b, '{')
		t := v.Type()
		for i := range v.NumField() {
			if i > 0 {
				p.b = append(p.b, ' ')
			}
			p.b = append(p.b, t.Field(i).Name...)
			p.b = append(p.b, ':')
			p.value(v.Field(i), depth+1)
		}
		p.b = append(p.b, '}')
	case reflect.Interface:
		if v.IsNil() {
			p.b = append(p.b, "<nil>"...)
			return
		}
		p.value(v.Elem(), depth)
	case reflect.Pointer:
		if depth == 0 && !v.IsNil() {
			switch v.Elem().Kind() {
			case reflect.Array, reflect.Slice, reflect.Struct, reflect.Map:
				p.b = append(p.b, '&')
				p.value(v.Elem(), depth+1)
				return
			}
		}
		p.leaf(v)
	default:
		p.leaf(v)
	}
}

// leaf prints a value that does not nest, also when it cannot be taken as an interface (an
// unexported field).
func (p *printer) leaf(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		// An address, as fmt prints a pointer below depth 0. (Given to fmt as an argument,
		// a pointer would be followed: depth 0 again.)
		if v.IsNil() {
			p.b = append(p.b, "<nil>"...)
			return
		}
		p.b = fmt.Appendf(p.b, "0x%x", v.Pointer())
		return
	}
	if v.CanInterface() {
		p.b = fmt.Appendf(p.b, "%+v", v.Interface())
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		p.b = fmt.Append(p.b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.b = fmt.Append(p.b, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		p.b = fmt.Append(p.b, v.Uint())
	case reflect.Float32, reflect.Float64:
		p.b = fmt.Append(p.b, v.Float())
	case reflect.Complex64, reflect.Complex128:
		p.b = fmt.Append(p.b, v.Complex())
	case reflect.String:
		p.b = append(p.b, v.String()...)
	default:
		p.b = append(p.b, '?')
	}
}

// sortKeys orders map keys as fmt does for the common key kinds (numbers, strings), and by
// their text otherwise, so the output is stable.
func sortKeys(keys []reflect.Value) {
	text := func(v reflect.Value) string {
		var p printer
		p.leaf(v)
		return string(p.b)
	}
	slices.SortFunc(keys, func(a, b reflect.Value) int {
		switch a.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return cmpOrdered(a.Int(), b.Int())
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return cmpOrdered(a.Uint(), b.Uint())
		case reflect.Float32, reflect.Float64:
			return cmpOrdered(a.Float(), b.Float())
		case reflect.String:
			return strings.Compare(a.String(), b.String())
		}
		return strings.Compare(text(a), text(b))
	})
}

func cmpOrdered[T int64 | uint64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
