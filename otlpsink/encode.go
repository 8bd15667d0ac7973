package otlpsink

import (
	"errors"
	"math"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of the OTLP messages encodeLogs writes (opentelemetry/proto v1.x:
// collector/logs/v1, logs/v1, common/v1, resource/v1).
const (
	fExportRequestResourceLogs = 1 // ExportLogsServiceRequest.resource_logs

	fResourceLogsResource  = 1 // ResourceLogs.resource
	fResourceLogsScopeLogs = 2 // ResourceLogs.scope_logs
	fResourceLogsSchemaURL = 3 // ResourceLogs.schema_url

	fResourceAttributes = 1 // Resource.attributes

	fScopeLogsScope      = 1 // ScopeLogs.scope
	fScopeLogsLogRecords = 2 // ScopeLogs.log_records
	fScopeLogsSchemaURL  = 3 // ScopeLogs.schema_url

	fScopeName       = 1 // InstrumentationScope.name
	fScopeVersion    = 2 // InstrumentationScope.version
	fScopeAttributes = 3 // InstrumentationScope.attributes

	fLogTime           = 1  // LogRecord.time_unix_nano, fixed64
	fLogSeverityNumber = 2  // LogRecord.severity_number, enum
	fLogSeverityText   = 3  // LogRecord.severity_text
	fLogBody           = 5  // LogRecord.body
	fLogAttributes     = 6  // LogRecord.attributes
	fLogDropped        = 7  // LogRecord.dropped_attributes_count
	fLogFlags          = 8  // LogRecord.flags, fixed32
	fLogTraceID        = 9  // LogRecord.trace_id
	fLogSpanID         = 10 // LogRecord.span_id
	fLogObservedTime   = 11 // LogRecord.observed_time_unix_nano, fixed64
	fLogEventName      = 12 // LogRecord.event_name

	fAnyString = 1 // AnyValue.string_value
	fAnyBool   = 2 // AnyValue.bool_value
	fAnyInt    = 3 // AnyValue.int_value
	fAnyDouble = 4 // AnyValue.double_value
	fAnyArray  = 5 // AnyValue.array_value
	fAnyKvlist = 6 // AnyValue.kvlist_value
	fAnyBytes  = 7 // AnyValue.bytes_value

	fListValues = 1 // ArrayValue.values and KeyValueList.values
	fKVKey      = 1 // KeyValue.key
	fKVValue    = 2 // KeyValue.value
)

// errInvalidUTF8 is encodeLogs' refusal of a string that is not valid UTF-8, which no
// protobuf string field may carry. It is the verdict proto.Marshal gives the SDK's exporter,
// and its text is what classify recognizes (the Processor repairs the records and sends them
// again).
var errInvalidUTF8 = errors.New("otlp encode: string field contains invalid UTF-8")

// errTooDeep is appendAnyValue's refusal of a value nested deeper than it was allowed: the
// encoding at the call (encoded.go) leaves such a record to the SDK, whose depth limit cuts it.
var errTooDeep = errors.New("otlp encode: value nested too deep")

// utf8Policy says whether the encoder checks that the strings it writes are valid UTF-8.
type utf8Policy uint8

const (
	// checkUTF8: a string that is not valid UTF-8 is refused with errInvalidUTF8 (SDK
	// records, resources and scopes, which anything may have made).
	checkUTF8 utf8Policy = iota
	// trustUTF8: the strings were made valid UTF-8 before (the converter's, for a record
	// encoded at the call: emitEncoded), and are written unchecked. Checking them again was
	// 5-9% of the CPU time of a call to the OTLP sink. FuzzEncodedAtCallUTF8 is the proof that
	// every string of such a record is valid.
	trustUTF8
)

// valid reports whether s may be written: checked, unless p trusts it.
func (p utf8Policy) valid(s string) bool { return p == trustUTF8 || utf8.ValidString(s) }

// anyDepth is the depth bound that bounds nothing: an exported record already went through
// the SDK's limits.
const anyDepth = math.MaxInt

// logsEncoder encodes batches of records to the protobuf of an OTLP
// ExportLogsServiceRequest, appending to buf. It writes the wire format directly, without
// building the logpb objects the SDK's exporter builds and then marshals: profiles of a burst
// put that transform plus proto.Marshal at about 0.9 CPU-seconds per 200k records and ~34
// allocations a record, on the same cores the collector needs. A logsEncoder is used by one
// export at a time (the exporter pools them).
//
// Records are grouped as the SDK's transform groups them: by resource (its attribute set),
// then by instrumentation scope, each group in the order it first appears and the records
// in a scope in batch order. Nested messages get their length by back-patching: a length
// byte (or a few, for the larger messages) is reserved, the message appended, and the
// message moved when its length needs another width. That is one pass over each record;
// computing sizes first would walk every attribute twice (and copy composite values twice,
// since attribute.Value hands slices and maps out as copies).
type logsEncoder struct {
	buf       []byte
	resources []resGroup
	scopes    []scopeGroup // of all resources; resGroup.scopes indexes into it
	next      []int32      // next[i]: the record after recs[i] in its scope, -1 at the end
}

type resGroup struct {
	res    *resource.Resource
	key    attribute.Distinct
	scopes []int32 // indexes into logsEncoder.scopes, in order of appearance
}

type scopeGroup struct {
	scope       instrumentation.Scope
	first, last int32 // the scope's first and last record
}

// recordSource is what a request is encoded from: a batch's records, as SDK records or as
// their encodings (encoded.go).
type recordSource interface {
	len() int
	// origin returns record i's resource and instrumentation scope.
	origin(i int) (*resource.Resource, instrumentation.Scope)
	// appendRecord appends record i as a ScopeLogs.log_records field.
	appendRecord(b []byte, i int) ([]byte, error)
}

// sdkRecords is a recordSource of SDK records.
type sdkRecords []sdklog.Record

func (rs sdkRecords) len() int { return len(rs) }
func (rs sdkRecords) origin(i int) (*resource.Resource, instrumentation.Scope) {
	return rs[i].Resource(), rs[i].InstrumentationScope()
}
func (rs sdkRecords) appendRecord(b []byte, i int) ([]byte, error) { return appendRecord(b, &rs[i]) }

// encode replaces e.buf with the request for recs. An error (a string that is not UTF-8)
// leaves e.buf unusable.
func (e *logsEncoder) encode(recs recordSource) error {
	e.group(recs)
	b, err := e.appendRequest(e.buf[:0], recs)
	e.buf = b
	return err
}

// appendRequest appends the request for recs, grouped. The appending functions take and
// return the buffer, rather than appending to e.buf, so that it stays in registers: a store
// to the heap per append costs a write barrier whenever the GC runs.
func (e *logsEncoder) appendRequest(b []byte, recs recordSource) ([]byte, error) {
	var err error
	for ri := range e.resources {
		rg := &e.resources[ri]
		var mark int
		b, mark = openMsg(b, fExportRequestResourceLogs, 3)
		if rg.res.Len() > 0 {
			var m int
			b, m = openMsg(b, fResourceLogsResource, 2)
			for it := rg.res.Iter(); it.Next(); {
				if b, err = appendKeyValue(b, fResourceAttributes, it.Attribute(), anyDepth, checkUTF8); err != nil {
					return b, err
				}
			}
			b = closeMsg(b, m, 2)
		}
		for _, si := range rg.scopes {
			sg := &e.scopes[si]
			var sm int
			b, sm = openMsg(b, fResourceLogsScopeLogs, 3)
			if sg.scope != (instrumentation.Scope{}) {
				var m int
				b, m = openMsg(b, fScopeLogsScope, 1)
				if b, err = appendStr(b, fScopeName, sg.scope.Name, checkUTF8); err != nil {
					return b, err
				}
				if b, err = appendStr(b, fScopeVersion, sg.scope.Version, checkUTF8); err != nil {
					return b, err
				}
				for it := sg.scope.Attributes.Iter(); it.Next(); {
					if b, err = appendKeyValue(b, fScopeAttributes, it.Attribute(), anyDepth, checkUTF8); err != nil {
						return b, err
					}
				}
				b = closeMsg(b, m, 1)
			}
			for i := sg.first; i >= 0; i = e.next[i] {
				if b, err = recs.appendRecord(b, int(i)); err != nil {
					return b, err
				}
			}
			if b, err = appendStr(b, fScopeLogsSchemaURL, sg.scope.SchemaURL, checkUTF8); err != nil {
				return b, err
			}
			b = closeMsg(b, sm, 3)
		}
		if b, err = appendStr(b, fResourceLogsSchemaURL, rg.res.SchemaURL(), checkUTF8); err != nil {
			return b, err
		}
		b = closeMsg(b, mark, 3)
	}
	return b, nil
}

// group sorts recs into e.resources and e.scopes, linking each scope's records through
// e.next. A batch normally holds one resource and a few scopes: the last group found is
// tried first, then the others in turn.
func (e *logsEncoder) group(recs recordSource) {
	n := recs.len()
	e.resources, e.scopes = e.resources[:0], e.scopes[:0]
	if cap(e.next) < n {
		e.next = make([]int32, n)
	}
	e.next = e.next[:n]
	lastRes, lastScope := -1, int32(-1)
	for i := range n {
		e.next[i] = -1
		res, scope := recs.origin(i)
		ri := lastRes
		if ri < 0 || e.resources[ri].res != res {
			ri = e.findResource(res)
			lastScope = -1
		}
		lastRes = ri
		rg := &e.resources[ri]
		si := lastScope
		if si < 0 || e.scopes[si].scope != scope {
			si = -1
			for _, s := range rg.scopes {
				if e.scopes[s].scope == scope {
					si = s
					break
				}
			}
			if si < 0 {
				si = int32(len(e.scopes))
				e.scopes = append(e.scopes, scopeGroup{scope: scope, first: int32(i), last: int32(i)})
				rg.scopes = append(rg.scopes, si)
				lastScope = si
				continue
			}
		}
		lastScope = si
		sg := &e.scopes[si]
		e.next[sg.last] = int32(i)
		sg.last = int32(i)
	}
}

// findResource returns the index of res's group, adding one if there is none: resources
// with the same attributes are one group, as in the SDK's transform (the first one's schema
// URL is used).
func (e *logsEncoder) findResource(res *resource.Resource) int {
	key := res.Equivalent()
	for i := range e.resources {
		if rg := &e.resources[i]; rg.res == res || rg.key == key {
			return i
		}
	}
	var scopes []int32
	if n := len(e.resources); n < cap(e.resources) {
		scopes = e.resources[:n+1][n].scopes[:0] // reuse the slot's old slice
	}
	e.resources = append(e.resources, resGroup{res: res, key: key, scopes: scopes})
	return len(e.resources) - 1
}

// appendRecord appends one LogRecord, with every field the SDK's transform sends.
func appendRecord(b []byte, r *sdklog.Record) ([]byte, error) {
	b, m := openMsg(b, fScopeLogsLogRecords, 2)
	b, err := appendRecordHead(b, r.Timestamp(), r.Severity(), r.SeverityText(), r.Body(), anyDepth, checkUTF8)
	if err != nil {
		return b, err
	}
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		b, err = appendKeyValue(b, fLogAttributes, kv, anyDepth, checkUTF8)
		return err == nil
	})
	if err != nil {
		return b, err
	}
	b = appendRecordTail(b, r.DroppedAttributes(), r.TraceFlags(), r.TraceID(), r.SpanID(), r.ObservedTimestamp())
	if b, err = appendStr(b, fLogEventName, r.EventName(), checkUTF8); err != nil {
		return b, err
	}
	return closeMsg(b, m, 2), nil
}

// appendRecordHead appends a LogRecord's fields before its attributes. The encoding at the
// call (encoded.go) writes a record's fields with it and appendRecordTail, as appendRecord
// does an SDK record's. p applies to its strings.
func appendRecordHead(b []byte, t time.Time, sev log.Severity, sevText string, body attribute.Value, depth int, p utf8Policy) ([]byte, error) {
	if t := unixNano(t.UnixNano()); t != 0 {
		b = protowire.AppendTag(b, fLogTime, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, t)
	}
	if sev >= 1 && sev <= 24 { // the SDK sends UNSPECIFIED for any other
		b = protowire.AppendTag(b, fLogSeverityNumber, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(sev))
	}
	b, err := appendStr(b, fLogSeverityText, sevText, p)
	if err != nil {
		return b, err
	}
	b, bm := openMsg(b, fLogBody, 1) // always present, as the SDK sends it (empty for no body)
	if b, err = appendAnyValue(b, body, depth, p); err != nil {
		return b, err
	}
	return closeMsg(b, bm, 1), nil
}

// appendRecordTail appends a LogRecord's fields after its attributes, but for the event name.
func appendRecordTail(b []byte, dropped int, flags trace.TraceFlags, traceID trace.TraceID, spanID trace.SpanID, observed time.Time) []byte {
	if dropped > 0 {
		b = protowire.AppendTag(b, fLogDropped, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(min(dropped, math.MaxUint32)))
	}
	if flags != 0 {
		b = protowire.AppendTag(b, fLogFlags, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, uint32(flags))
	}
	if traceID.IsValid() {
		b = protowire.AppendTag(b, fLogTraceID, protowire.BytesType)
		b = protowire.AppendBytes(b, traceID[:])
	}
	if spanID.IsValid() {
		b = protowire.AppendTag(b, fLogSpanID, protowire.BytesType)
		b = protowire.AppendBytes(b, spanID[:])
	}
	if t := unixNano(observed.UnixNano()); t != 0 {
		b = protowire.AppendTag(b, fLogObservedTime, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, t)
	}
	return b
}

// unixNano is the SDK's rule for timestamps: times before the epoch (and the zero time)
// are 0, not set.
func unixNano(n int64) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}

// appendKeyValue appends kv as a KeyValue message in field num. A scalar value (string,
// int, bool, double: nearly every attribute) is written with its lengths computed up
// front; the encoder spends most of its time here, and this halves it against the general
// path (open, append, back-patch), which composite values take. p applies to its strings.
func appendKeyValue(b []byte, num protowire.Number, kv attribute.KeyValue, depth int, p utf8Policy) ([]byte, error) {
	key := string(kv.Key)
	if !p.valid(key) {
		return b, errInvalidUTF8
	}
	keyLen := 0 // KeyValue.key's field: nothing for ""
	if key != "" {
		keyLen = 1 + protowire.SizeBytes(len(key))
	}
	var s string
	var n uint64
	var anyLen int // the AnyValue's length
	switch kv.Value.Type() {
	case attribute.STRING:
		s = kv.Value.AsString()
		if !p.valid(s) {
			return b, errInvalidUTF8
		}
		anyLen = 1 + protowire.SizeBytes(len(s))
	case attribute.INT64:
		n = uint64(kv.Value.AsInt64())
		anyLen = 1 + protowire.SizeVarint(n)
	case attribute.BOOL:
		n = protowire.EncodeBool(kv.Value.AsBool())
		anyLen = 2
	case attribute.FLOAT64:
		n = math.Float64bits(kv.Value.AsFloat64())
		anyLen = 9
	default:
		b, m := openMsg(b, num, 1)
		b = appendKey(b, key)
		b, v := openMsg(b, fKVValue, 1) // always present, as the SDK sends it
		b, err := appendAnyValue(b, kv.Value, depth, p)
		if err != nil {
			return b, err
		}
		b = closeMsg(b, v, 1)
		return closeMsg(b, m, 1), nil
	}
	b = appendTagByte(b, num, protowire.BytesType)
	b = appendVarint(b, uint64(keyLen+1+protowire.SizeVarint(uint64(anyLen))+anyLen))
	b = appendKey(b, key)
	b = appendTagByte(b, fKVValue, protowire.BytesType)
	b = appendVarint(b, uint64(anyLen))
	switch kv.Value.Type() {
	case attribute.STRING:
		b = appendTagByte(b, fAnyString, protowire.BytesType)
		b = appendVarint(b, uint64(len(s)))
		b = append(b, s...)
	case attribute.INT64:
		b = appendTagByte(b, fAnyInt, protowire.VarintType)
		b = appendVarint(b, n)
	case attribute.BOOL:
		b = appendTagByte(b, fAnyBool, protowire.VarintType)
		b = append(b, byte(n))
	case attribute.FLOAT64:
		b = appendTagByte(b, fAnyDouble, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, n)
	}
	return b, nil
}

// appendKey appends KeyValue.key, already checked to be UTF-8; nothing for "".
func appendKey(b []byte, key string) []byte {
	if key == "" {
		return b
	}
	b = appendTagByte(b, fKVKey, protowire.BytesType)
	b = appendVarint(b, uint64(len(key)))
	return append(b, key...)
}

// appendTagByte appends the tag of a field numbered below 16, one byte.
func appendTagByte(b []byte, num protowire.Number, typ protowire.Type) []byte {
	return append(b, byte(num)<<3|byte(typ))
}

// appendVarint is protowire.AppendVarint with the one-byte case inlined.
func appendVarint(b []byte, v uint64) []byte {
	if v < 0x80 {
		return append(b, byte(v))
	}
	return protowire.AppendVarint(b, v)
}

// appendAnyValue appends the fields of v's AnyValue (without its own tag and length), as
// the SDK's transform converts v: an EMPTY value is an AnyValue with no field set, an
// unknown kind the string "INVALID". A composite value nested more than depth levels deep
// is refused with errTooDeep (anyDepth: no bound). p applies to its strings.
func appendAnyValue(b []byte, v attribute.Value, depth int, p utf8Policy) ([]byte, error) {
	var err error
	switch v.Type() {
	case attribute.SLICE, attribute.MAP:
		if depth <= 0 {
			return b, errTooDeep
		}
		depth--
	}
	switch v.Type() {
	case attribute.EMPTY:
	case attribute.BOOL:
		b = appendBool(b, v.AsBool())
	case attribute.INT64:
		b = appendInt(b, v.AsInt64())
	case attribute.FLOAT64:
		b = appendDouble(b, v.AsFloat64())
	case attribute.STRING:
		return appendStringValue(b, v.AsString(), p)
	case attribute.BYTESLICE:
		b = protowire.AppendTag(b, fAnyBytes, protowire.BytesType)
		b = protowire.AppendBytes(b, v.AsByteSlice())
	case attribute.BOOLSLICE:
		return appendArray(b, v.AsBoolSlice(), func(b []byte, x bool) ([]byte, error) { return appendBool(b, x), nil })
	case attribute.INT64SLICE:
		return appendArray(b, v.AsInt64Slice(), func(b []byte, x int64) ([]byte, error) { return appendInt(b, x), nil })
	case attribute.FLOAT64SLICE:
		return appendArray(b, v.AsFloat64Slice(), func(b []byte, x float64) ([]byte, error) { return appendDouble(b, x), nil })
	case attribute.STRINGSLICE:
		return appendArray(b, v.AsStringSlice(), func(b []byte, s string) ([]byte, error) { return appendStringValue(b, s, p) })
	case attribute.SLICE:
		return appendArray(b, v.AsSlice(), func(b []byte, x attribute.Value) ([]byte, error) { return appendAnyValue(b, x, depth, p) })
	case attribute.MAP:
		b, m := openMsg(b, fAnyKvlist, 1)
		for _, kv := range v.AsMap() {
			if b, err = appendKeyValue(b, fListValues, kv, depth, p); err != nil {
				return b, err
			}
		}
		return closeMsg(b, m, 1), nil
	default:
		return appendStringValue(b, "INVALID", p)
	}
	return b, nil
}

// appendArray appends an AnyValue.array_value of xs, each element's AnyValue appended by
// elem.
func appendArray[T any](b []byte, xs []T, elem func([]byte, T) ([]byte, error)) ([]byte, error) {
	b, m := openMsg(b, fAnyArray, 1)
	for _, x := range xs {
		var el int
		var err error
		b, el = openMsg(b, fListValues, 1)
		if b, err = elem(b, x); err != nil {
			return b, err
		}
		b = closeMsg(b, el, 1)
	}
	return closeMsg(b, m, 1), nil
}

func appendBool(b []byte, x bool) []byte {
	b = protowire.AppendTag(b, fAnyBool, protowire.VarintType)
	return protowire.AppendVarint(b, protowire.EncodeBool(x))
}

func appendInt(b []byte, n int64) []byte {
	b = protowire.AppendTag(b, fAnyInt, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(n))
}

func appendDouble(b []byte, f float64) []byte {
	b = protowire.AppendTag(b, fAnyDouble, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, math.Float64bits(f))
}

// appendStringValue appends AnyValue.string_value, present even when empty (a oneof field).
func appendStringValue(b []byte, s string, p utf8Policy) ([]byte, error) {
	return appendString(b, fAnyString, s, p)
}

// appendStr appends a proto3 string field: nothing when s is empty.
func appendStr(b []byte, num protowire.Number, s string, p utf8Policy) ([]byte, error) {
	if s == "" {
		return b, nil
	}
	return appendString(b, num, s, p)
}

// appendString appends string field num (below 16), refusing s if it is not UTF-8 and p
// checks it.
func appendString(b []byte, num protowire.Number, s string, p utf8Policy) ([]byte, error) {
	if !p.valid(s) {
		return b, errInvalidUTF8
	}
	b = appendTagByte(b, num, protowire.BytesType)
	b = appendVarint(b, uint64(len(s)))
	return append(b, s...), nil
}

// openMsg appends field num's tag and reserves width bytes for the length of the message
// that follows; closeMsg(b, mark, width) writes it.
func openMsg(b []byte, num protowire.Number, width int) ([]byte, int) {
	b = appendTagByte(b, num, protowire.BytesType)
	mark := len(b)
	switch width {
	case 1:
		b = append(b, 0)
	case 2:
		b = append(b, 0, 0)
	default:
		b = append(b, 0, 0, 0)
	}
	return b, mark
}

// closeMsg writes the length of the message begun at mark. A length whose varint is not
// width bytes long moves the message (rarely: the widths fit the usual sizes of each
// message).
func closeMsg(b []byte, mark, width int) []byte {
	n := len(b) - mark - width
	if n < 0x80 && width == 1 {
		b[mark] = byte(n)
		return b
	}
	k := protowire.SizeVarint(uint64(n))
	if k != width {
		if k > width {
			b = append(b, make([]byte, k-width)...)
		}
		copy(b[mark+k:], b[mark+width:mark+width+n])
		b = b[:mark+k+n]
	}
	protowire.AppendVarint(b[mark:mark], uint64(n))
	return b
}
