package valuefmt

import (
	"reflect"
	"slices"
	"sync"
)

// Maps of strings to strings (labels, tags, headers flattened) are printed without fmt: fmt
// sorts a map's keys through reflection, a dozen allocations for three entries. The sinks'
// encoders (JSON, OTLP) take them the same way, through StringMap and SortedKeys.

var stringMapType = reflect.TypeFor[map[string]string]()

// stringMaps caches, per map type, whether StringMap takes it.
var stringMaps sync.Map // reflect.Type -> bool

// StringMap returns v as a map[string]string when it is one, or of a named type of that
// underlying type without text methods (String, Error, Format), which fmt prints by its
// entries.
func StringMap(v any) (map[string]string, bool) {
	if m, ok := v.(map[string]string); ok {
		return m, true
	}
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Map {
		return nil, false
	}
	ok, known := stringMaps.Load(t)
	if !known {
		// Convertible: the same underlying type, so keys and values of type string itself.
		ok = t.ConvertibleTo(stringMapType) && !hasTextMethods(t)
		stringMaps.Store(t, ok)
	}
	if !ok.(bool) {
		return nil, false
	}
	return reflect.ValueOf(v).Convert(stringMapType).Interface().(map[string]string), true
}

// SortedKeys appends m's keys to keys in the order fmt and encoding/json write them (byte
// order) and returns the result.
func SortedKeys(keys []string, m map[string]string) []string {
	lo := len(keys)
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys[lo:])
	return keys
}

// keyScratch are the reused lists appendStringMap sorts a map's keys in.
var keyScratch = sync.Pool{New: func() any { return new([]string) }}

// appendStringMap appends m as fmt's %+v prints it: "map[k1:v1 k2:v2]", keys sorted.
func appendStringMap(b []byte, m map[string]string) []byte {
	sp := GetKeys()
	keys := SortedKeys((*sp)[:0], m)
	b = append(b, "map["...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, k...)
		b = append(b, ':')
		b = append(b, m[k]...)
	}
	PutKeys(sp, keys)
	return append(b, ']')
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
