package otlpsink

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"google.golang.org/protobuf/encoding/protowire"
)

// Records encoded at the call.
//
// When a Pipeline's exporter is one of ours (exporthttp.go, exportgrpc.go), its Processor
// queues each record as the protobuf bytes of its LogRecord, encoded on the log call's
// goroutine, instead of as an sdklog.Record: about 400 bytes held for a five-attribute
// record (BenchmarkMemory, the batch buffers' share included) instead of the 584-byte SDK
// record and its overflow array for the attributes past five (the allocation each such
// record costs, and most of the memory an outage holds), and
// an export is the concatenation of those bytes under the resource and scope headers. The
// encoding is the same appendRecord's fields (appendRecordHead, appendRecordTail), so the
// request is byte for byte what encoding the SDK records would give (tested).
//
// A record the SDK would change is left to it (built as an SDK record, then encoded): one
// with more attributes than the count limit, any record when a value length limit is set, one
// with an attribute the SDK drops as invalid, or one nested deeper than encodeDepth.

// encodeDepth bounds the nesting of the values a record encoded at the call may hold: well
// under the SDK's depth limit (64), so that nothing the SDK would cut is encoded here.
const encodeDepth = 32

// encodingExporter is an exporter that can also send records encoded at the call.
type encodingExporter interface {
	sdklog.Exporter
	// exportEncoded sends pt's records.
	exportEncoded(ctx context.Context, pt encPart) error
}

// encScope is the resource and instrumentation scope of encoded records: one per logger
// name, shared by its records. tmpl is the SDK's record for that logger, from which a
// record can be rebuilt (decodeRecord) when it must be cut down.
type encScope struct {
	res   *resource.Resource
	scope instrumentation.Scope
	tmpl  sdklog.Record
}

// newEncScope returns the scope of the records of tmpl's logger, its strings made valid
// UTF-8 (a logger named with bytes that are not would otherwise make every request of its
// records one no receiver takes).
func newEncScope(tmpl sdklog.Record) *encScope {
	scope := tmpl.InstrumentationScope()
	scope.Name, scope.Version, scope.SchemaURL = validUTF8(scope.Name), validUTF8(scope.Version), validUTF8(scope.SchemaURL)
	var kvs []attribute.KeyValue
	bad := false
	for it := scope.Attributes.Iter(); it.Next(); {
		kv, changed := repairKeyValue(it.Attribute())
		kvs, bad = append(kvs, kv), bad || changed
	}
	if bad {
		scope.Attributes = attribute.NewSet(kvs...)
	}
	return &encScope{res: tmpl.Resource(), scope: scope, tmpl: tmpl}
}

// encRecords are a batch's records as their encodings, each a ScopeLogs.log_records field.
type encRecords struct {
	buf    []byte
	ends   []int32 // ends[i]: where record i ends in buf
	scopes []*encScope
}

func (e *encRecords) len() int { return len(e.ends) }

// at returns record i's bytes.
func (e *encRecords) at(i int) []byte {
	start := int32(0)
	if i > 0 {
		start = e.ends[i-1]
	}
	return e.buf[start:e.ends[i]]
}

// add appends rec, a record of scope s.
func (e *encRecords) add(s *encScope, rec []byte) {
	e.buf = append(e.buf, rec...)
	e.ends = append(e.ends, int32(len(e.buf)))
	e.scopes = append(e.scopes, s)
}

// reset empties e, keeping its buffers.
func (e *encRecords) reset() {
	clear(e.scopes) // the scopes' templates must not be kept alive by a free buffer
	e.buf, e.ends, e.scopes = e.buf[:0], e.ends[:0], e.scopes[:0]
}

// encPart is records lo..hi-1 of an encRecords: what one export attempt sends. It is the
// recordSource of the request.
type encPart struct {
	recs   *encRecords
	lo, hi int
}

func (pt encPart) len() int { return pt.hi - pt.lo }
func (pt encPart) origin(i int) (*resource.Resource, instrumentation.Scope) {
	s := pt.recs.scopes[pt.lo+i]
	return s.res, s.scope
}
func (pt encPart) appendRecord(b []byte, i int) ([]byte, error) {
	return append(b, pt.recs.at(pt.lo+i)...), nil
}

// decode returns pt's records rebuilt as SDK records, for the paths that change records
// (cutting one down, repairing strings), which work on SDK records.
func (pt encPart) decode() ([]sdklog.Record, error) {
	recs := make([]sdklog.Record, 0, pt.len())
	for i := pt.lo; i < pt.hi; i++ {
		r, err := decodeRecord(pt.recs.scopes[i].tmpl, pt.recs.at(i))
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// encodeBufs are the scratch buffers records are encoded into before the Processor copies
// them into its batch (outside its lock, so that log calls on several goroutines encode at
// once).
var encodeBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// maxPooledEncode bounds the scratch buffers kept for reuse.
const maxPooledEncode = 64 << 10

// encodeSDKRecord encodes r for the queue of an encoding Processor, repairing its strings if
// they are not UTF-8. The bytes are in a pooled buffer: putEncodeBuf gives it back.
func encodeSDKRecord(r *sdklog.Record) (*[]byte, error) {
	bp := encodeBufs.Get().(*[]byte)
	b, err := appendRecord((*bp)[:0], r)
	if err == errInvalidUTF8 {
		c := []sdklog.Record{r.Clone()}
		repairRecords(c)
		b, err = appendRecord((*bp)[:0], &c[0])
	}
	*bp = b
	return bp, err
}

func putEncodeBuf(bp *[]byte) {
	if cap(*bp) <= maxPooledEncode {
		encodeBufs.Put(bp)
	}
}

// encodable reports whether kvs go into an encoded record as they are: the SDK, given them,
// would keep them all and change none (count is its attribute count limit, negative for
// none).
func encodable(kvs []attribute.KeyValue, count int) bool {
	if count >= 0 && len(kvs) > count {
		return false
	}
	for _, kv := range kvs {
		if !kv.Valid() {
			return false
		}
	}
	return true
}

// scopeKey identifies the encScope of records emitted through the SDK's loggers.
type scopeKey struct {
	res   *resource.Resource
	scope instrumentation.Scope
}

// scopeOf returns the encScope of r's resource and scope. The scopes are kept by key,
// boundedly, as the provider keeps its fast loggers.
func (p *Processor) scopeOf(r *sdklog.Record) *encScope {
	key := scopeKey{r.Resource(), r.InstrumentationScope()}
	p.scopesMu.Lock()
	defer p.scopesMu.Unlock()
	if s, ok := p.scopes[key]; ok {
		return s
	}
	tmpl := *r // the template keeps none of r's own values
	tmpl.SetBody(attribute.Value{})
	tmpl.SetAttributes()
	s := newEncScope(tmpl)
	if p.scopes == nil || len(p.scopes) >= maxFastLoggers {
		p.scopes = map[scopeKey]*encScope{}
	}
	p.scopes[key] = s
	return s
}

// Groups of a record encoded at the call.
//
// attribute.MapValue copies a group's members into a new array, and encoding a map value
// copies them out again (Value.AsMap): two allocations per group, on every call. A record to
// be encoded at the call keeps its groups' members in an encGroups instead, sorted as
// MapValue sorts them, and its attribute list holds a reference in the group's place: a
// string value whose bytes are one of groupRefs' (no other string shares them), the offset
// telling which group. The encoder writes a reference as the map it stands for; a record
// left to the SDK after all gets its map values built (materialize).
//
// Arrays (a slice logged with slog.Any) are kept the same way: attribute.SliceValue copies
// the items into an array made by reflect (one type per length past 5, kept for good), and
// encoding copies them out again (Value.AsSlice). Their references point into arrayRefs.

// maxGroupRefs bounds the groups, and the arrays, of one record kept as references; more are
// map and array values.
const maxGroupRefs = 256

// groupRefs and arrayRefs are the bytes references point into.
var (
	groupRefs = strings.Repeat("\x00", maxGroupRefs)
	arrayRefs = strings.Repeat("\x00", maxGroupRefs)
)

// encGroups are the groups and arrays of one record: group j's members are
// members[spans[j][0]:spans[j][1]], array j's items items[arrays[j][0]:arrays[j][1]].
type encGroups struct {
	members []attribute.KeyValue
	spans   [][2]int32
	items   []attribute.Value
	arrays  [][2]int32
}

var encGroupsPool = sync.Pool{New: func() any { return new(encGroups) }}

func getEncGroups() *encGroups { return encGroupsPool.Get().(*encGroups) }

func putEncGroups(g *encGroups) {
	if cap(g.members) > 4096 || cap(g.items) > 4096 {
		return
	}
	clear(g.members) // the values must not be kept alive by the pool
	clear(g.items)
	g.members, g.spans, g.items, g.arrays = g.members[:0], g.spans[:0], g.items[:0], g.arrays[:0]
	encGroupsPool.Put(g)
}

// addItems keeps the items of rv (isItems, a KindAny value: at maxDepth) as an array and
// returns the value that refers to it, or, past maxGroupRefs, the array value itself: what
// convertAny returns for rv, room as its.
func (g *encGroups) addItems(rv reflect.Value, room *int) attribute.Value {
	j := len(g.arrays)
	if j >= maxGroupRefs {
		return convertTop(rv, room)
	}
	lo := len(g.items)
	items, ok := appendItems(g.items, rv, maxDepth, room)
	g.items = items
	if !ok {
		clear(g.items[lo:])
		g.items = g.items[:lo]
		return attribute.StringValue(maxDepthExceeded)
	}
	g.arrays = append(g.arrays, [2]int32{int32(lo), int32(len(g.items))})
	return attribute.StringValue(arrayRefs[j : j+1])
}

// referred returns list[sp[0]:sp[1]] for the span sp of spans that v refers to, if v is one
// of the references into refs.
func referred[T any](v attribute.Value, refs string, spans [][2]int32, list []T) ([]T, bool) {
	if v.Type() != attribute.STRING {
		return nil, false
	}
	s := v.AsString()
	if len(s) != 1 {
		return nil, false
	}
	j := uintptr(unsafe.Pointer(unsafe.StringData(s))) - uintptr(unsafe.Pointer(unsafe.StringData(refs)))
	if j >= maxGroupRefs || int(j) >= len(spans) {
		return nil, false
	}
	sp := spans[j]
	return list[sp[0]:sp[1]], true
}

// arrayRef returns the items of the array v refers to, if it is a reference.
func (g *encGroups) arrayRef(v attribute.Value) ([]attribute.Value, bool) {
	if g == nil {
		return nil, false
	}
	return referred(v, arrayRefs, g.arrays, g.items)
}

// add keeps members as a group and returns the value that refers to it, or, past
// maxGroupRefs, the map value itself (members may be changed).
func (g *encGroups) add(members []attribute.KeyValue) attribute.Value {
	j := len(g.spans)
	if j >= maxGroupRefs {
		g.materialize(members) // a map value holds no references
		return attribute.MapValue(members...)
	}
	lo := len(g.members)
	g.members = append(g.members, members...)
	// The order attribute.MapValue gives its members (a stable sort by key).
	slices.SortStableFunc(g.members[lo:], func(a, b attribute.KeyValue) int { return cmp.Compare(a.Key, b.Key) })
	g.spans = append(g.spans, [2]int32{int32(lo), int32(len(g.members))})
	return attribute.StringValue(groupRefs[j : j+1])
}

// ref returns the members of the group v refers to, if it is a reference.
func (g *encGroups) ref(v attribute.Value) ([]attribute.KeyValue, bool) {
	if g == nil {
		return nil, false
	}
	return referred(v, groupRefs, g.spans, g.members)
}

// appendAttr appends kv as appendKeyValue does, writing a group reference as its map. The
// attributes are the converter's, their strings already valid UTF-8 (see trustUTF8).
func (g *encGroups) appendAttr(b []byte, num protowire.Number, kv attribute.KeyValue, depth int) ([]byte, error) {
	members, ok := g.ref(kv.Value)
	if !ok {
		if items, ok := g.arrayRef(kv.Value); ok {
			return appendArrayKV(b, num, kv.Key, items, depth)
		}
		return appendKeyValue(b, num, kv, depth, trustUTF8)
	}
	if depth <= 0 {
		return b, errTooDeep
	}
	// appendKeyValue's composite case with appendAnyValue's map case.
	b, m := openMsg(b, num, 1)
	b = appendKey(b, string(kv.Key))
	b, v := openMsg(b, fKVValue, 1)
	b, l := openMsg(b, fAnyKvlist, 1)
	var err error
	for _, mkv := range members {
		if b, err = g.appendAttr(b, fListValues, mkv, depth-1); err != nil {
			return b, err
		}
	}
	b = closeMsg(b, l, 1)
	b = closeMsg(b, v, 1)
	return closeMsg(b, m, 1), nil
}

// appendArrayKV appends the KeyValue of key and an array of items, as appendKeyValue does
// for attribute.SliceValue(items...).
func appendArrayKV(b []byte, num protowire.Number, key attribute.Key, items []attribute.Value, depth int) ([]byte, error) {
	if depth <= 0 {
		return b, errTooDeep
	}
	b, m := openMsg(b, num, 1)
	b = appendKey(b, string(key))
	b, v := openMsg(b, fKVValue, 1)
	b, err := appendArray(b, items, func(b []byte, x attribute.Value) ([]byte, error) {
		return appendAnyValue(b, x, depth-1, trustUTF8)
	})
	if err != nil {
		return b, err
	}
	b = closeMsg(b, v, 1)
	return closeMsg(b, m, 1), nil
}

// materialize replaces the group and array references in kvs with the map and array values
// they stand for.
func (g *encGroups) materialize(kvs []attribute.KeyValue) {
	for i := range kvs {
		if members, ok := g.ref(kvs[i].Value); ok {
			g.materialize(members)
			kvs[i].Value = attribute.MapValue(members...)
		} else if items, ok := g.arrayRef(kvs[i].Value); ok {
			kvs[i].Value = attribute.SliceValue(items...)
		}
	}
}
