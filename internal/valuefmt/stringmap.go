package valuefmt

import (
	"reflect"
	"slices"
	"sync"
	"unsafe"
)

// Maps of strings to strings (labels, tags, headers flattened) are printed without fmt: fmt
// sorts a map's keys through reflection, a dozen allocations for three entries. The sinks'
// encoders (JSON, OTLP) take them the same way, through StringMap and SortedKeys.

// namedMaps caches, per map type and the map type asked for, whether mapAs converts the one
// to the other.
var namedMaps sync.Map // [2]reflect.Type -> bool

// mapAs returns v as an M when it is one, or of a named type of M's underlying type without
// text methods (String, Error, Format), which fmt prints by its entries.
func mapAs[M ~map[string]V, V any](v any) (M, bool) {
	if m, ok := v.(M); ok {
		return m, true
	}
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Map || t.Name() == "" { // an unnamed one would be an M
		return nil, false
	}
	target := reflect.TypeFor[M]()
	key := [2]reflect.Type{t, target}
	ok, known := namedMaps.Load(key)
	if !known {
		// Convertible: the same underlying type, so keys and values of M's types themselves.
		ok = t.ConvertibleTo(target) && !hasTextMethods(t)
		namedMaps.Store(key, ok)
	}
	if !ok.(bool) {
		return nil, false
	}
	return reflect.ValueOf(v).Convert(target).Interface().(M), true
}

// StringMap returns v as a map[string]string when it is one, or of a named type of that
// underlying type without text methods.
func StringMap(v any) (map[string]string, bool) { return mapAs[map[string]string](v) }

// SortedKeys appends m's keys to keys in the order fmt and encoding/json write them (byte
// order) and returns the result.
func SortedKeys[V any](keys []string, m map[string]V) []string {
	lo := len(keys)
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys[lo:])
	return keys
}

// AnyMap returns v as a map[string]any when it is one, or of a named type of that underlying
// type without text methods, and each of its values is nil or of a predeclared basic type
// (BasicAny): fmt and the encoders print such a map by its entries, and none can hold the
// map itself.
func AnyMap(v any) (map[string]any, bool) {
	m, ok := mapAs[map[string]any](v)
	if !ok {
		return nil, false
	}
	for _, x := range m {
		if _, _, ok := BasicAny(x); !ok && x != nil {
			return nil, false
		}
	}
	return m, true
}

// BasicAny returns the kind of v and where its value is when v's dynamic type is a
// predeclared basic type (bool, a number but complex, string): one without methods, which
// appendBasic prints as fmt does.
func BasicAny(v any) (reflect.Kind, unsafe.Pointer, bool) {
	switch v.(type) {
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr, float32, float64, string:
		return reflect.TypeOf(v).Kind(), (*eface)(unsafe.Pointer(&v)).data, true
	}
	return 0, nil, false
}

// keyScratch are the reused lists map keys are sorted in (GetKeys).
var keyScratch = sync.Pool{New: func() any { return new([]string) }}

// appendMapEntries appends m as fmt's %+v prints it, "map[k1:v1 k2:v2]", keys sorted, each
// value appended by value.
func appendMapEntries[V any](b []byte, m map[string]V, value func([]byte, V) []byte) []byte {
	sp := GetKeys()
	keys := SortedKeys((*sp)[:0], m)
	b = append(b, "map["...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, k...)
		b = append(b, ':')
		b = value(b, m[k])
	}
	PutKeys(sp, keys)
	return append(b, ']')
}

// appendStringValue and appendBasicAny append a value of a map of StringMap's and AnyMap's.
func appendStringValue(b []byte, s string) []byte { return append(b, s...) }

func appendBasicAny(b []byte, v any) []byte {
	if kind, at, ok := BasicAny(v); ok {
		return appendBasic(b, kind, at)
	}
	return append(b, "<nil>"...) // AnyMap: nil
}

// GetKeys returns a reused list for SortedKeys; PutKeys gives it back with keys, the list
// as SortedKeys returned it.
func GetKeys() *[]string { return keyScratch.Get().(*[]string) }

// PutKeys gives sp back to GetKeys's pool, keys (built in it, maybe grown) cleared. A list
// grown past 1024 keys is left to the garbage collector.
func PutKeys(sp *[]string, keys []string) {
	if cap(keys) > 1024 {
		return
	}
	clear(keys)
	*sp = keys[:0]
	keyScratch.Put(sp)
}
