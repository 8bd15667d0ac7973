package otlpsink

import (
	"sort"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// TruncatedKey is the attribute a record carries when it was cut down to fit the export size
// limit: its value is the record's estimated encoded size, in bytes, before. For a record
// with an array or map of more elements than four times the limit could hold, it is the size
// of the elements converted: the handler converts no more than that (see convertReflect).
const TruncatedKey = "logbridge.truncated"

// Per-record protobuf overhead the estimate adds: the LogRecord's framing, two timestamps,
// severity, flags, trace and span IDs (about 60 bytes), and per attribute the KeyValue's
// framing.
const (
	recordOverhead = 64
	attrOverhead   = 6
	mapOverhead    = 8 // an AnyValue's framing around a map's members
)

// minTruncated is the size a record is cut down to at most: below it, a receiver that still
// refuses the record refuses it for another reason than its size.
const minTruncated = 1024

// recordSize estimates r's encoded size in an OTLP request, in bytes. It errs on the high
// side (varints counted at their widest) so that a batch capped by it fits the limit.
func recordSize(r *sdklog.Record) int {
	n := recordOverhead + len(r.SeverityText()) + len(r.EventName()) + valueSize(r.Body())
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		n += kvSize(kv, valueSize(kv.Value))
		return true
	})
	return n
}

// kvSize estimates an attribute's encoded size, its value's (valueSize) being vsize.
func kvSize(kv attribute.KeyValue, vsize int) int { return attrOverhead + len(kv.Key) + vsize }

// valueSize estimates an AnyValue's encoded size.
func valueSize(v attribute.Value) int { return sizeOf(v, true) }

// skeletonSize is valueSize(v) with every string and byte value counted empty: what no cap
// on their length can take away.
func skeletonSize(v attribute.Value) int { return sizeOf(v, false) }

// sizeOf is valueSize, with the lengths of strings and byte values counted only if contents.
func sizeOf(v attribute.Value, contents bool) int {
	switch v.Type() {
	case attribute.EMPTY:
		return 2
	case attribute.BOOL:
		return 4
	case attribute.INT64, attribute.FLOAT64:
		return 13
	case attribute.STRING:
		if !contents {
			return 8
		}
		return 8 + len(v.AsString())
	case attribute.BYTESLICE:
		if !contents {
			return 8
		}
		return 8 + len(v.AsByteSlice())
	case attribute.BOOLSLICE:
		return 8 + 4*len(v.AsBoolSlice())
	case attribute.INT64SLICE:
		return 8 + 13*len(v.AsInt64Slice())
	case attribute.FLOAT64SLICE:
		return 8 + 13*len(v.AsFloat64Slice())
	case attribute.STRINGSLICE:
		ss := v.AsStringSlice()
		n := 8 + 8*len(ss)
		if contents {
			for _, s := range ss {
				n += len(s)
			}
		}
		return n
	case attribute.SLICE:
		n := 8
		for _, e := range v.AsSlice() {
			n += sizeOf(e, contents)
		}
		return n
	case attribute.MAP:
		n := mapOverhead
		for _, kv := range v.AsMap() {
			n += kvSize(kv, sizeOf(kv.Value, contents))
		}
		return n
	}
	return 16
}

// truncateRecord cuts r down so that its estimated size is at most budget bytes (and at
// least minTruncated). When the record's structure alone (its strings counted empty) takes
// more than half the budget, as an array or map of many elements does, its arrays and maps
// first keep only their first elements, in the record's order, within three quarters of it
// (see fitElements). Then every string and byte value longer than a common cap, body and
// attributes at every depth, is cut to that cap (at a UTF-8 boundary), the largest cap that
// fits. It sets TruncatedKey to the size before the first cut and reports whether r changed.
func truncateRecord(r *sdklog.Record, budget int) bool {
	before := recordSize(r)
	budget = max(budget, minTruncated)
	if before <= budget {
		return false
	}
	original := int64(before)
	kvs := make([]attribute.KeyValue, 1, r.AttributesLen()+1) // kvs[0]: the marker, below
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		if kv.Key != TruncatedKey {
			kvs = append(kvs, kv)
		} else if kv.Value.Type() == attribute.INT64 {
			original = kv.Value.AsInt64() // cut before: keep the size the record first had
		}
		return true
	})
	const markerSize = attrOverhead + len(TruncatedKey) + 13
	body := r.Body()
	head := recordOverhead + len(r.SeverityText()) + len(r.EventName()) + markerSize
	size := head - markerSize + valueSize(body)
	skeleton := head + skeletonSize(body)
	for _, kv := range kvs[1:] {
		size += kvSize(kv, valueSize(kv.Value))
		skeleton += kvSize(kv, skeletonSize(kv.Value))
	}
	if skeleton > budget/2 {
		// Three quarters of the budget for the elements kept, the rest for longer strings.
		room := budget*3/4 - head
		body = fitElements(body, &room)
		size = head - markerSize + valueSize(body)
		for i := range kvs[1:] {
			room -= attrOverhead + len(kvs[i+1].Key)
			kvs[i+1].Value = fitElements(kvs[i+1].Value, &room)
			size += kvSize(kvs[i+1], valueSize(kvs[i+1].Value))
		}
	}
	var lens []int
	collectLens(body, &lens)
	for _, kv := range kvs[1:] {
		collectLens(kv.Value, &lens)
	}
	sort.Ints(lens)
	// The cap L makes the size - sum(len - L over the leaves longer than L); find the largest
	// L that brings it within budget (the marker attribute is counted too).
	over := size + markerSize - budget
	limit := 0
	saved := 0 // bytes saved by cutting the leaves longer than lens[i] down to lens[i]
	for i := len(lens) - 1; i >= 0 && over > 0; i-- {
		next := 0
		if i > 0 {
			next = lens[i-1]
		}
		k := len(lens) - i // leaves at least lens[i] long
		if saved+k*(lens[i]-next) >= over {
			limit = lens[i] - (over-saved+k-1)/k
			break
		}
		saved += k * (lens[i] - next)
	}
	if over <= 0 && len(lens) > 0 {
		limit = lens[len(lens)-1] // the elements cut were enough: no string is cut
	}
	limit = max(limit, 0)
	r.SetBody(cutValue(body, limit))
	for i := range kvs[1:] {
		kvs[i+1].Value = cutValue(kvs[i+1].Value, limit)
	}
	// The marker goes first: on a record at its attribute count limit the SDK then drops the
	// last other attribute (and counts it) rather than the marker.
	kvs[0] = attribute.Int64(TruncatedKey, original)
	dropped := r.DroppedAttributes()
	r.SetAttributes(kvs...)
	restoreDropped(r, dropped, kvs[0])
	return true
}

// fitElements returns v with its arrays and maps, at every depth, cut to their first
// elements so that what it keeps takes at most about *room bytes, and takes that from *room.
// An element costs its size (valueSize) with every string in it counted at most
// fitStringSize long: the cap on string lengths applied afterwards cuts longer ones. A value
// that is not a collection is kept whole (and may leave *room negative); a collection whose
// first element does not fit is kept empty, and one nested in it gets the room that is left.
func fitElements(v attribute.Value, room *int) attribute.Value {
	switch v.Type() {
	case attribute.BOOLSLICE:
		xs := v.AsBoolSlice()
		return attribute.BoolSliceValue(xs[:keep(len(xs), 4, room)])
	case attribute.INT64SLICE:
		xs := v.AsInt64Slice()
		return attribute.Int64SliceValue(xs[:keep(len(xs), 13, room)])
	case attribute.FLOAT64SLICE:
		xs := v.AsFloat64Slice()
		return attribute.Float64SliceValue(xs[:keep(len(xs), 13, room)])
	case attribute.STRINGSLICE:
		xs := v.AsStringSlice()
		*room -= 8
		n := 0
		for n < len(xs) && *room >= 8 {
			*room -= 8 + min(len(xs[n]), fitStringSize)
			n++
		}
		return attribute.StringSliceValue(xs[:n])
	case attribute.SLICE:
		*room -= 8
		vs := v.AsSlice() // a copy
		n := 0
		for n < len(vs) && *room >= min(skeletonSize(vs[n]), 16) {
			vs[n] = fitElements(vs[n], room)
			n++
		}
		return attribute.SliceValue(vs[:n]...)
	case attribute.MAP:
		*room -= mapOverhead
		kvs := v.AsMap() // a copy
		n := 0
		for n < len(kvs) && *room >= attrOverhead+len(kvs[n].Key)+min(skeletonSize(kvs[n].Value), 16) {
			*room -= attrOverhead + len(kvs[n].Key)
			kvs[n].Value = fitElements(kvs[n].Value, room)
			n++
		}
		return attribute.MapValue(kvs[:n]...)
	case attribute.STRING:
		*room -= 8 + min(len(v.AsString()), fitStringSize)
		return v
	case attribute.BYTESLICE:
		*room -= 8 + min(len(v.AsByteSlice()), fitStringSize)
		return v
	}
	*room -= valueSize(v)
	return v
}

// fitStringSize is the most of a string's length fitElements counts: strings up to this long
// in the elements it keeps are kept whole, unless other, longer strings need them cut.
const fitStringSize = 64

// keep takes the first elements of a typed array of n, each size bytes, that fit in *room
// (after the array's own 8), and returns how many.
func keep(n, size int, room *int) int {
	*room -= 8
	k := min(n, max(*room, 0)/size)
	*room -= k * size
	return k
}

// restoreDropped adds back to r's dropped-attribute count the n attributes it had dropped
// before SetAttributes, which resets the count (the SDK has no setter for it). The SDK drops
// attributes only at the count limit, and r is still at it, so attributes added now are
// dropped and counted, not kept: marker copies, which on a provider that deduplicates keys
// (not sdklog.WithAllowKeyDuplication, as NewPipeline's is) overwrite the marker with itself
// instead, leaving the count as SetAttributes left it.
func restoreDropped(r *sdklog.Record, n int, marker attribute.KeyValue) {
	if n <= 0 {
		return
	}
	extra := make([]attribute.KeyValue, n)
	for i := range extra {
		extra[i] = marker
	}
	r.AddAttributes(extra...)
}

// collectLens appends the lengths of v's string and byte leaves.
func collectLens(v attribute.Value, lens *[]int) {
	switch v.Type() {
	case attribute.STRING:
		*lens = append(*lens, len(v.AsString()))
	case attribute.BYTESLICE:
		*lens = append(*lens, len(v.AsByteSlice()))
	case attribute.STRINGSLICE:
		for _, s := range v.AsStringSlice() {
			*lens = append(*lens, len(s))
		}
	case attribute.SLICE:
		for _, e := range v.AsSlice() {
			collectLens(e, lens)
		}
	case attribute.MAP:
		for _, kv := range v.AsMap() {
			collectLens(kv.Value, lens)
		}
	}
}

// cutValue returns v with every string and byte leaf cut to at most limit bytes.
func cutValue(v attribute.Value, limit int) attribute.Value {
	switch v.Type() {
	case attribute.STRING:
		if s := v.AsString(); len(s) > limit {
			return attribute.StringValue(cutString(s, limit))
		}
	case attribute.BYTESLICE:
		if b := v.AsByteSlice(); len(b) > limit {
			return attribute.ByteSliceValue(b[:limit])
		}
	case attribute.STRINGSLICE:
		ss := v.AsStringSlice()
		for i, s := range ss {
			ss[i] = cutString(s, limit)
		}
		return attribute.StringSliceValue(ss)
	case attribute.SLICE:
		vs := v.AsSlice()
		for i, e := range vs {
			vs[i] = cutValue(e, limit)
		}
		return attribute.SliceValue(vs...)
	case attribute.MAP:
		kvs := v.AsMap()
		for i := range kvs {
			kvs[i].Value = cutValue(kvs[i].Value, limit)
		}
		return attribute.MapValue(kvs...)
	}
	return v
}

// cutString returns s cut to at most limit bytes, at a rune boundary.
func cutString(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	s = s[:limit]
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		if r != utf8.RuneError || size > 1 {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}
