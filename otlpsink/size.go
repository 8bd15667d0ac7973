package otlpsink

import (
	"sort"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// TruncatedKey is the attribute a record carries when it was cut down to fit the export size
// limit: its value is the record's estimated encoded size, in bytes, before.
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
func valueSize(v attribute.Value) int {
	switch v.Type() {
	case attribute.EMPTY:
		return 2
	case attribute.BOOL:
		return 4
	case attribute.INT64, attribute.FLOAT64:
		return 13
	case attribute.STRING:
		return 8 + len(v.AsString())
	case attribute.BYTESLICE:
		return 8 + len(v.AsByteSlice())
	case attribute.BOOLSLICE:
		return 8 + 4*len(v.AsBoolSlice())
	case attribute.INT64SLICE:
		return 8 + 13*len(v.AsInt64Slice())
	case attribute.FLOAT64SLICE:
		return 8 + 13*len(v.AsFloat64Slice())
	case attribute.STRINGSLICE:
		n := 8
		for _, s := range v.AsStringSlice() {
			n += 8 + len(s)
		}
		return n
	case attribute.SLICE:
		n := 8
		for _, e := range v.AsSlice() {
			n += valueSize(e)
		}
		return n
	case attribute.MAP:
		n := mapOverhead
		for _, kv := range v.AsMap() {
			n += kvSize(kv, valueSize(kv.Value))
		}
		return n
	}
	return 16
}

// truncateRecord cuts r down so that its estimated size is at most budget bytes (and at
// least minTruncated): every string and byte value longer than a common cap, body and
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
	var lens []int
	collectLens(r.Body(), &lens)
	for _, kv := range kvs {
		collectLens(kv.Value, &lens)
	}
	sort.Ints(lens)
	// The cap L makes the size before - sum(len - L over the leaves longer than L); find the
	// largest L that brings it within budget (the marker attribute is counted too).
	over := before + attrOverhead + len(TruncatedKey) + 13 - budget
	limit := 0
	saved := 0 // bytes saved by cutting the leaves longer than lens[i] down to lens[i]
	for i := len(lens) - 1; i >= 0; i-- {
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
	limit = max(limit, 0)
	r.SetBody(cutValue(r.Body(), limit))
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
