package otlpsink

import (
	"errors"
	"math"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/encoding/protowire"
)

// maxDecodeDepth is the deepest nesting of AnyValues decodeRecord accepts: the recursion
// limit proto.Unmarshal applies by default, so no receiver would take a deeper record.
const maxDecodeDepth = 10000

// Errors of decodeRecord, besides protowire's (a truncated varint or length).
var (
	errDecodeFraming  = errors.New("otlp decode: not one ScopeLogs.log_records field")
	errDecodeLimit    = errors.New("otlp decode: more attributes than the template's count limit")
	errDecodeDepth    = errors.New("otlp decode: values nested too deeply")
	errDecodeUTF8     = errors.New("otlp decode: string field contains invalid UTF-8")
	errDecodeAnyValue = errors.New("otlp decode: unknown AnyValue kind")
	errDecodeIDLength = errors.New("otlp decode: trace or span ID of the wrong length")
	errDecodeWireType = errors.New("otlp decode: wrong wire type")
)

// decodeRecord returns the record whose appendRecord encoding is b (the field with its tag
// and length, as appendRecord appends it), built on tmpl (which gives resource,
// instrumentation scope and attribute limits: a record captured from the SDK, see
// provider.go capture). tmpl's own attributes are replaced by b's.
//
// Every field b has replaces tmpl's, and every field it lacks is zero (time.Time{} for a
// timestamp of 0, an EMPTY body when there is none). appendRecord(decodeRecord(tmpl, b)) is
// b again when b is appendRecord's encoding of a record made on tmpl's logger, except that:
//
//   - The attributes are set with tmpl's SetAttributes, so tmpl's limits and deduplication
//     apply again. For a record that already went through them (one made on tmpl's logger)
//     that changes nothing: its keys are unique unless tmpl allows duplicates
//     (sdklog.WithAllowKeyDuplication, as NewPipeline's provider does), in which case
//     SetAttributes keeps them too, and its values are already within the length and depth
//     limits. The body is set with SetBody the same way. A record with more attributes
//     than tmpl's count limit cannot have been made on tmpl's logger and is an error.
//   - dropped_attributes_count is lost: sdklog.Record has no setter for it (it counts only
//     what its own limit drops). The count is nonzero only for a record that had more
//     attributes than the limit, and decodeRecord serves the paths that change a record
//     (cutting it down for a receiver that refuses it as too large; repairing strings), rare
//     on top of that.
//   - Arrays decode as attribute.SLICE values: the typed slices (BOOLSLICE, STRINGSLICE, ...)
//     are encoded the same way, and the SDK's limits treat both alike.
//   - flags keeps its low byte (the W3C trace flags, all the SDK's record holds).
//
// Unknown fields are skipped. A field that appears more than once takes its last value (a
// message is not merged, as proto would: appendRecord never repeats one). Invalid input (a
// truncated varint or length, a wrong wire type, an unknown AnyValue kind, a trace or span
// ID of the wrong length, a string that is not UTF-8, values nested deeper than
// maxDecodeDepth) is an error, and the record returned is then tmpl.
func decodeRecord(tmpl sdklog.Record, b []byte) (sdklog.Record, error) {
	num, typ, n := protowire.ConsumeTag(b)
	if n < 0 {
		return tmpl, protowire.ParseError(n)
	}
	if num != fScopeLogsLogRecords || typ != protowire.BytesType {
		return tmpl, errDecodeFraming
	}
	msg, m := protowire.ConsumeBytes(b[n:])
	if m < 0 {
		return tmpl, protowire.ParseError(m)
	}
	if n+m != len(b) {
		return tmpl, errDecodeFraming
	}

	var (
		ts, observed      time.Time
		severity          log.Severity
		sevText, event    string
		body              attribute.Value
		attrs             []attribute.KeyValue
		flags             trace.TraceFlags
		traceID           trace.TraceID
		spanID            trace.SpanID
		traceIDOK, spanOK = true, true
	)
	f := fieldReader{b: msg}
	for f.next() {
		switch f.num {
		case fLogTime:
			ts = timeOf(f.fixed64())
		case fLogObservedTime:
			observed = timeOf(f.fixed64())
		case fLogSeverityNumber:
			severity = log.Severity(int32(f.varint())) // an enum: int32 on the wire
		case fLogSeverityText:
			sevText = f.str()
		case fLogBody:
			v, err := decodeAnyValue(f.bytes(), 1)
			f.fail(err)
			body = v
		case fLogAttributes:
			kv, err := decodeKeyValue(f.bytes(), 1)
			f.fail(err)
			attrs = append(attrs, kv)
		case fLogDropped:
			f.varint() // lost (see above)
		case fLogFlags:
			flags = trace.TraceFlags(f.fixed32())
		case fLogTraceID:
			traceIDOK = copyID(traceID[:], f.bytes())
		case fLogSpanID:
			spanOK = copyID(spanID[:], f.bytes())
		case fLogEventName:
			event = f.str()
		default:
			f.skip()
		}
	}
	if f.err != nil {
		return tmpl, f.err
	}
	if !traceIDOK || !spanOK {
		return tmpl, errDecodeIDLength
	}

	r := tmpl // a copy; SetAttributes gives it its own overflow array
	r.SetTimestamp(ts)
	r.SetObservedTimestamp(observed)
	r.SetSeverity(severity)
	r.SetSeverityText(sevText)
	r.SetBody(body)
	r.SetAttributes(attrs...)
	if r.DroppedAttributes() > 0 {
		return tmpl, errDecodeLimit
	}
	r.SetTraceFlags(flags)
	r.SetTraceID(traceID)
	r.SetSpanID(spanID)
	r.SetEventName(event)
	return r, nil
}

// timeOf is the inverse of unixNano: 0 is the zero time. A time past 2262 (beyond int64
// nanoseconds) comes out before the epoch, which appendRecord sends as 0.
func timeOf(n uint64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(n))
}

// copyID copies an ID field's bytes into id, reporting whether they fit: len(id) bytes, or
// none (an unset ID, as proto3 allows).
func copyID(id, b []byte) bool {
	if len(b) != 0 && len(b) != len(id) {
		return false
	}
	copy(id, b)
	return true
}

// decodeAnyValue decodes the fields of an AnyValue (without its tag and length), nested
// depth deep: the inverse of appendAnyValue. No field is an EMPTY value.
func decodeAnyValue(b []byte, depth int) (attribute.Value, error) {
	if depth > maxDecodeDepth {
		return attribute.Value{}, errDecodeDepth
	}
	var v attribute.Value
	f := fieldReader{b: b}
	for f.next() {
		switch f.num {
		case fAnyString:
			v = attribute.StringValue(f.str())
		case fAnyBool:
			v = attribute.BoolValue(protowire.DecodeBool(f.varint()))
		case fAnyInt:
			v = attribute.Int64Value(int64(f.varint()))
		case fAnyDouble:
			v = attribute.Float64Value(math.Float64frombits(f.fixed64()))
		case fAnyBytes:
			v = attribute.ByteSliceValue(f.bytes()) // copied
		case fAnyArray:
			var vs []attribute.Value
			l := fieldReader{b: f.bytes()}
			for l.next() {
				if l.num != fListValues {
					l.skip()
					continue
				}
				e, err := decodeAnyValue(l.bytes(), depth+1)
				l.fail(err)
				vs = append(vs, e)
			}
			f.fail(l.err)
			v = attribute.SliceValue(vs...)
		case fAnyKvlist:
			var kvs []attribute.KeyValue
			l := fieldReader{b: f.bytes()}
			for l.next() {
				if l.num != fListValues {
					l.skip()
					continue
				}
				kv, err := decodeKeyValue(l.bytes(), depth+1)
				l.fail(err)
				kvs = append(kvs, kv)
			}
			f.fail(l.err)
			v = attribute.MapValue(kvs...)
		default:
			// A kind this version does not know: no value of the record's can stand for it.
			f.fail(errDecodeAnyValue)
		}
	}
	return v, f.err
}

// decodeKeyValue decodes the fields of a KeyValue whose value is nested depth deep. No key
// is "", no value an EMPTY value.
func decodeKeyValue(b []byte, depth int) (attribute.KeyValue, error) {
	var kv attribute.KeyValue
	f := fieldReader{b: b}
	for f.next() {
		switch f.num {
		case fKVKey:
			kv.Key = attribute.Key(f.str())
		case fKVValue:
			v, err := decodeAnyValue(f.bytes(), depth)
			f.fail(err)
			kv.Value = v
		default:
			f.skip()
		}
	}
	return kv, f.err
}
