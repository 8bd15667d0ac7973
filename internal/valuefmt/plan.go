package valuefmt

import (
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"unsafe"
)

// Flat structs (the usual value logged with slog.Any: an event or a request of strings, numbers
// and booleans) are printed from a per-type plan instead of by fmt: fmt's %+v of such a struct
// is about a third of a file sink's call on slog's 40-attribute record, and its cycle walk
// before it another tenth. A plan is made once per type and says, field by field, where the
// field is and how fmt prints it; a type fmt might print any other way (a method anywhere, a
// pointer, an interface, a slice, a map, ...) gets no plan and goes to fmt as before.

// plan prints a struct type as fmt's %+v does.
type plan struct {
	fields []planField
}

type planField struct {
	label string // "Name:", with the space before it from the second field on
	off   uintptr
	kind  reflect.Kind
	sub   *plan // a nested struct's
}

// planDepth bounds how deep plans nest (far below MaxDepth, so the marker never applies).
const planDepth = 8

// plans caches each struct type's *plan (nil: printed by fmt).
var plans sync.Map

// textMethods are the interfaces fmt prints a value with rather than by its structure.
var textMethods = []reflect.Type{
	reflect.TypeFor[fmt.Formatter](),
	reflect.TypeFor[error](),
	reflect.TypeFor[fmt.Stringer](),
}

func hasTextMethods(t reflect.Type) bool {
	for _, m := range textMethods {
		if t.Implements(m) {
			return true
		}
	}
	return false
}

// planOf returns t's plan, or nil when fmt prints t.
func planOf(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := makePlan(t, 0)
	plans.Store(t, p)
	return p
}

// makePlan makes the plan of the struct type t, or returns nil when t is not a struct fmt prints
// field by field with basic values only.
func makePlan(t reflect.Type, depth int) *plan {
	if t.Kind() != reflect.Struct || depth > planDepth || hasTextMethods(t) {
		return nil
	}
	p := &plan{fields: make([]planField, 0, t.NumField())}
	for i := range t.NumField() {
		sf := t.Field(i)
		f := planField{label: sf.Name + ":", off: sf.Offset, kind: sf.Type.Kind()}
		if i > 0 {
			f.label = " " + f.label
		}
		switch {
		case BasicKind(f.kind):
			// fmt calls a method of an exported field's value; of an unexported one it cannot.
			// Either way a type with methods is left to fmt, to keep one rule.
			if hasTextMethods(sf.Type) {
				return nil
			}
		case f.kind == reflect.Struct:
			if f.sub = makePlan(sf.Type, depth+1); f.sub == nil {
				return nil
			}
		default:
			return nil
		}
		p.fields = append(p.fields, f)
	}
	return p
}

// eface is the layout of an interface value holding a non-pointer type: its data word points
// at the value.
type eface struct {
	typ, data unsafe.Pointer
}

// StructData returns the struct type v holds (directly, or through a non-nil pointer, which
// viaPointer reports) and the struct's address, for printers that read the fields of a struct
// they made a plan for: only structs without pointer-shaped fields qualify (ok reports it),
// whose interface value always points at them. The struct must be read only.
func StructData(v any) (t reflect.Type, data unsafe.Pointer, viaPointer, ok bool) {
	t = reflect.TypeOf(v)
	if t == nil {
		return nil, nil, false, false
	}
	data = (*eface)(unsafe.Pointer(&v)).data
	switch t.Kind() {
	case reflect.Struct:
		if t.NumField() == 1 && !directFree(t) {
			return nil, nil, false, false // pointer-shaped: the data word is the value itself
		}
		return t, data, false, true
	case reflect.Pointer:
		if data == nil || t.Elem().Kind() != reflect.Struct {
			return nil, nil, false, false
		}
		return t.Elem(), data, true, true // a pointer is its own data word
	}
	return nil, nil, false, false
}

// directFree reports whether the one-field struct t is not pointer-shaped: its field is no
// pointer, map, channel, function or unsafe pointer, nor a struct or one-element array of one.
func directFree(t reflect.Type) bool {
	for {
		switch t.Kind() {
		case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
			return false
		case reflect.Struct:
			if t.NumField() != 1 {
				return true
			}
			t = t.Field(0).Type
		case reflect.Array:
			if t.Len() != 1 {
				return true
			}
			t = t.Elem()
		default:
			return true
		}
	}
}

// appendPlanned appends v by its type's plan and reports whether it had one: a struct, or a
// pointer to a struct (fmt's "&{...}" at depth 0).
func appendPlanned(b []byte, v any) ([]byte, bool) {
	t, data, viaPointer, ok := StructData(v)
	if !ok || viaPointer && hasTextMethods(reflect.PointerTo(t)) {
		return b, false
	}
	p := planOf(t)
	if p == nil {
		return b, false
	}
	if viaPointer {
		b = append(b, '&')
	}
	return p.append(b, data), true
}

// append appends the struct at ptr.
func (p *plan) append(b []byte, ptr unsafe.Pointer) []byte {
	b = append(b, '{')
	for i := range p.fields {
		f := &p.fields[i]
		b = append(b, f.label...)
		at := unsafe.Add(ptr, f.off)
		if f.kind == reflect.Struct {
			b = f.sub.append(b, at)
		} else {
			b = appendBasic(b, f.kind, at)
		}
	}
	return append(b, '}')
}

// Slices of basic values ([]string tags, []int IDs) are printed the same way: fmt takes each
// element as an interface to look for its methods, which allocates one copy per element (a
// []int of 10 was 11 allocations in a file sink's call, the slice's own argument aside).

// slicePlans caches, per slice type, whether its elements are printed by appendBasicSlice.
var slicePlans sync.Map // reflect.Type -> bool

// sliceHeader is the layout of a slice value.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// appendBasicSlice appends v, a slice of basic values with no text methods (on the slice type
// or its elements'), as fmt's %+v does ("[a b c]", "[]" for nil), and reports whether v was one.
func appendBasicSlice(b []byte, v any) ([]byte, bool) {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Slice {
		return b, false
	}
	ok, known := slicePlans.Load(t)
	if !known {
		e := t.Elem()
		ok = BasicKind(e.Kind()) && !hasTextMethods(t) && !hasTextMethods(e)
		slicePlans.Store(t, ok)
	}
	if !ok.(bool) {
		return b, false
	}
	h := (*sliceHeader)((*eface)(unsafe.Pointer(&v)).data) // a slice is stored indirectly
	k, size := t.Elem().Kind(), t.Elem().Size()
	b = append(b, '[')
	for i := range h.len {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendBasic(b, k, unsafe.Add(h.data, uintptr(i)*size))
	}
	return append(b, ']'), true
}

// appendBasic appends the value of basic kind k (see BasicKind) stored at at, as fmt's %v does.
func appendBasic(b []byte, k reflect.Kind, at unsafe.Pointer) []byte {
	if out, ok := AppendInteger(b, k, at); ok {
		return out
	}
	switch k {
	case reflect.Float32:
		return appendFloat(b, float64(*(*float32)(at)), 32)
	case reflect.Float64:
		return appendFloat(b, *(*float64)(at), 64)
	case reflect.String:
		return append(b, *(*string)(at)...)
	}
	return b
}

// appendFloat appends f as fmt's %v does: strconv's shortest 'g' ("+Inf", "NaN" included).
func appendFloat(b []byte, f float64, bits int) []byte {
	return strconv.AppendFloat(b, f, 'g', -1, bits)
}

// BasicKind reports whether a struct plan reads a field of kind k directly: a bool, an integer,
// a float or a string (the kinds valuefmt's %+v plans and filelog's JSON plans print).
func BasicKind(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.String:
		return true
	}
	return false
}

// AppendInteger appends the bool or integer of kind k stored at at, in base 10 ("true" or
// "false" for a bool), and reports whether k is one of those kinds: struct plans print them
// alike in %+v and in JSON.
func AppendInteger(b []byte, k reflect.Kind, at unsafe.Pointer) ([]byte, bool) {
	switch k {
	case reflect.Bool:
		return strconv.AppendBool(b, *(*bool)(at)), true
	case reflect.Int:
		return strconv.AppendInt(b, int64(*(*int)(at)), 10), true
	case reflect.Int8:
		return strconv.AppendInt(b, int64(*(*int8)(at)), 10), true
	case reflect.Int16:
		return strconv.AppendInt(b, int64(*(*int16)(at)), 10), true
	case reflect.Int32:
		return strconv.AppendInt(b, int64(*(*int32)(at)), 10), true
	case reflect.Int64:
		return strconv.AppendInt(b, *(*int64)(at), 10), true
	case reflect.Uint:
		return strconv.AppendUint(b, uint64(*(*uint)(at)), 10), true
	case reflect.Uint8:
		return strconv.AppendUint(b, uint64(*(*uint8)(at)), 10), true
	case reflect.Uint16:
		return strconv.AppendUint(b, uint64(*(*uint16)(at)), 10), true
	case reflect.Uint32:
		return strconv.AppendUint(b, uint64(*(*uint32)(at)), 10), true
	case reflect.Uint64:
		return strconv.AppendUint(b, *(*uint64)(at), 10), true
	case reflect.Uintptr:
		return strconv.AppendUint(b, uint64(*(*uintptr)(at)), 10), true
	}
	return b, false
}
