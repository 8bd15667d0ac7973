package otlpsink

import (
	"sync"

	"go.opentelemetry.io/otel/attribute"
)

// linearMax is the number of keys up to which addKV finds a key by scanning: for a handful of
// keys a scan of string compares beats hashing and needs no memory.
const linearMax = 16

// The attribute lists built here have unique keys. Adding a key that is already present
// replaces its value in place: the first position, the last value, as the OpenTelemetry SDK
// deduplicates. This is what lets the LoggerProvider skip its own deduplication
// (sdklog.WithAllowKeyDuplication).
//
// The functions take and return the slice by value (not through a pointer to a struct holding
// it) so that escape analysis can keep a caller's stack array on the stack.

// keyIndex maps the keys of a list longer than linearMax to their positions.
type keyIndex struct {
	m map[attribute.Key]int
}

// find returns the position of key in kvs, or -1.
func find(kvs []attribute.KeyValue, idx *keyIndex, key attribute.Key) int {
	if idx.m != nil {
		if i, ok := idx.m[key]; ok {
			return i
		}
		return -1
	}
	for i := range kvs {
		if kvs[i].Key == key {
			return i
		}
	}
	return -1
}

// addKV adds kv to kvs, replacing the value of an attribute with the same key.
func addKV(kvs []attribute.KeyValue, idx *keyIndex, kv attribute.KeyValue) []attribute.KeyValue {
	if i := find(kvs, idx, kv.Key); i >= 0 {
		kvs[i].Value = kv.Value
		return kvs
	}
	kvs = append(kvs, kv)
	if idx.m != nil {
		idx.m[kv.Key] = len(kvs) - 1
	} else if len(kvs) > linearMax {
		idx.m = getIndex()
		for i := range kvs {
			idx.m[kvs[i].Key] = i
		}
	}
	return kvs
}

// release returns the map, if one was built, to its pool.
func (idx *keyIndex) release() {
	if idx.m != nil {
		putIndex(idx.m)
		idx.m = nil
	}
}

var indexPool = sync.Pool{New: func() any { return make(map[attribute.Key]int) }}

func getIndex() map[attribute.Key]int { return indexPool.Get().(map[attribute.Key]int) }

func putIndex(m map[attribute.Key]int) {
	if len(m) > 4096 {
		return // let a huge one go rather than pin its memory
	}
	clear(m)
	indexPool.Put(m)
}

// uniqueKeys returns kvs with duplicate keys removed: the first position, the last value. It
// reuses kvs' array.
func uniqueKeys(kvs []attribute.KeyValue) []attribute.KeyValue {
	if len(kvs) < 2 {
		return kvs
	}
	var idx keyIndex
	out := kvs[:0]
	for _, kv := range kvs {
		// Writing at out[len] never overtakes the read position, so reusing the array is safe.
		out = addKV(out, &idx, kv)
	}
	idx.release()
	return out
}
