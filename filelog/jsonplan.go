package filelog

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"sync"
	"unsafe"

	"github.com/logbridge/logbridge/internal/textenc"
	"github.com/logbridge/logbridge/internal/valuefmt"
)

// Flat structs (strings, numbers, booleans and such structs, no tags, no methods) are encoded
// from a per-type plan instead of by encoding/json: the encoder (a pooled json.Encoder, then
// appendJSONSanitized over its output) was a quarter of a JSON line with struct values. The
// plan writes the bytes the encoder path writes; any other type goes to the encoder as before.

// jsonPlan encodes a struct type as encoding/json does.
type jsonPlan struct {
	fields []jsonPlanField
}

type jsonPlanField struct {
	label string // `"Name":`, with the comma before it from the second field on
	off   uintptr
	kind  reflect.Kind
	sub   *jsonPlan // a nested struct's
}

// jsonPlanDepth bounds how deep plans nest.
const jsonPlanDepth = 8

// jsonPlans caches each struct type's *jsonPlan (nil: encoded by encoding/json).
var jsonPlans sync.Map

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	jsonNumberType    = reflect.TypeFor[json.Number]()
)

// jsonMethods reports whether encoding/json could encode a t by a method of its (or of *t,
// for an addressable value).
func jsonMethods(t reflect.Type) bool {
	for _, m := range []reflect.Type{jsonMarshalerType, textMarshalerType} {
		if t.Implements(m) || t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(m) {
			return true
		}
	}
	return false
}

// jsonPlanOf returns t's plan, or nil when encoding/json encodes t.
func jsonPlanOf(t reflect.Type) *jsonPlan {
	if p, ok := jsonPlans.Load(t); ok {
		return p.(*jsonPlan)
	}
	p := makeJSONPlan(t, 0)
	jsonPlans.Store(t, p)
	return p
}

// makeJSONPlan makes the plan of the struct type t, or returns nil when t is not a struct whose
// encoding needs only its exported fields' names and basic values.
func makeJSONPlan(t reflect.Type, depth int) *jsonPlan {
	if t.Kind() != reflect.Struct || depth > jsonPlanDepth || jsonMethods(t) {
		return nil
	}
	p := &jsonPlan{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil // embedded fields: encoding/json's promotion rules
		}
		if !sf.IsExported() {
			continue // never encoded
		}
		if _, tagged := sf.Tag.Lookup("json"); tagged {
			return nil // renames, omitempty, ",string", "-"
		}
		f := jsonPlanField{label: `"` + sf.Name + `":`, off: sf.Offset, kind: sf.Type.Kind()}
		if len(p.fields) > 0 {
			f.label = "," + f.label
		}
		if string(appendJSONEscaped(nil, sf.Name)) != sf.Name {
			return nil // a name with a rune to escape
		}
		switch {
		case valuefmt.BasicKind(f.kind):
			if jsonMethods(sf.Type) || sf.Type == jsonNumberType {
				return nil
			}
		case f.kind == reflect.Struct:
			if f.sub = makeJSONPlan(sf.Type, depth+1); f.sub == nil {
				return nil
			}
		default:
			return nil
		}
		p.fields = append(p.fields, f)
	}
	return p
}

// appendJSONPlanned appends x by its type's plan and reports whether it did: x is a struct or
// a pointer to one with a plan, and holds no NaN or infinity (which encoding/json refuses).
func appendJSONPlanned(b []byte, x any) ([]byte, bool) {
	t, data, viaPointer, ok := valuefmt.StructData(x)
	if !ok || viaPointer && jsonMethods(reflect.PointerTo(t)) {
		return b, false
	}
	p := jsonPlanOf(t)
	if p == nil {
		return b, false
	}
	out, ok := p.append(b, data)
	if !ok {
		return b, false
	}
	return out, true
}

// append appends the struct at ptr; false on a NaN or infinity.
func (p *jsonPlan) append(b []byte, ptr unsafe.Pointer) ([]byte, bool) {
	b = append(b, '{')
	for i := range p.fields {
		f := &p.fields[i]
		b = append(b, f.label...)
		at := unsafe.Add(ptr, f.off)
		var ok bool
		if f.kind == reflect.Struct {
			b, ok = f.sub.append(b, at)
		} else {
			b, ok = appendJSONBasic(b, f.kind, at)
		}
		if !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

// appendJSONBasic appends the value of basic kind k (valuefmt.BasicKind) stored at at as the
// encoder path writes it, and reports false for a NaN or an infinity, which encoding/json
// refuses.
func appendJSONBasic(b []byte, k reflect.Kind, at unsafe.Pointer) ([]byte, bool) {
	if out, ok := valuefmt.AppendInteger(b, k, at); ok {
		return out, true
	}
	switch k {
	case reflect.Float32, reflect.Float64:
		v, bits := float64(0), 64
		if k == reflect.Float32 {
			v, bits = float64(*(*float32)(at)), 32
		} else {
			v = *(*float64)(at)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return b, false
		}
		return appendJSONNumber(b, v, bits), true
	case reflect.String:
		return appendEncoderString(b, *(*string)(at)), true
	}
	return b, false
}

// appendEncoderString appends s as a JSON string the way the encoder path writes it
// (encoding/json, then appendJSONSanitized).
func appendEncoderString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendJSONBytes(b, s, textenc.Literal, encoderEscapes)
	return append(b, '"')
}

// appendJSONMap appends x as the encoder path writes it and reports whether x is a map of
// strings or of basic values (valuefmt.StringMap, valuefmt.AnyMap) that encoding/json
// encodes by its entries (no JSON or text marshaling method, no NaN or infinity): an object
// with its keys sorted (byte order, as encoding/json sorts them), null for a nil map.
func appendJSONMap(b []byte, x any) ([]byte, bool) {
	switch x.(type) {
	case map[string]string, map[string]any: // no methods
	default:
		if t := reflect.TypeOf(x); t == nil || t.Kind() != reflect.Map || jsonMethods(t) {
			return b, false
		}
	}
	if m, ok := valuefmt.StringMap(x); ok {
		return appendJSONEntries(b, m, func(b []byte, v string) ([]byte, bool) { return appendEncoderString(b, v), true })
	}
	if m, ok := valuefmt.AnyMap(x); ok {
		return appendJSONEntries(b, m, func(b []byte, v any) ([]byte, bool) {
			if k, at, ok := valuefmt.BasicAny(v); ok {
				return appendJSONBasic(b, k, at)
			}
			return append(b, "null"...), true // AnyMap: nil
		})
	}
	return b, false
}

// appendJSONEntries appends m as an object with its keys sorted, each value appended by value
// (false: m cannot be written so, and b is to be dropped), or null for a nil map.
func appendJSONEntries[V any](b []byte, m map[string]V, value func([]byte, V) ([]byte, bool)) ([]byte, bool) {
	if m == nil {
		return append(b, "null"...), true
	}
	sp := valuefmt.GetKeys()
	keys := valuefmt.SortedKeys((*sp)[:0], m)
	defer valuefmt.PutKeys(sp, keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendEncoderString(b, k)
		b = append(b, ':')
		var ok bool
		if b, ok = value(b, m[k]); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}
