package otlpsink

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/logbridge/logbridge/internal/testkit"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/encoding/protowire"
)

// captureTemplate returns the template a Processor captures for the logger scope (with
// opts) on a provider with res and sdkOpts, as provider.go's fastLogger gets it.
func captureTemplate(t testing.TB, res *resource.Resource, scope string, sdkOpts []sdklog.LoggerProviderOption, opts ...log.LoggerOption) sdklog.Record {
	t.Helper()
	p := NewProcessor(testkit.NopExporter{})
	lp := sdklog.NewLoggerProvider(append([]sdklog.LoggerProviderOption{sdklog.WithProcessor(p), sdklog.WithResource(res)}, sdkOpts...)...)
	t.Cleanup(func() { _ = lp.Shutdown(context.Background()) })
	tmpl, ok := p.capture(lp.Logger(scope, opts...))
	if !ok {
		t.Fatal("no template captured")
	}
	return tmpl
}

// decodeTemplates are the templates the round trips run on: NewPipeline's provider
// (duplicate keys allowed) and a provider with the SDK's defaults (which deduplicates).
func decodeTemplates(t testing.TB, sdkOpts ...sdklog.LoggerProviderOption) map[string]sdklog.Record {
	t.Helper()
	res := resource.NewWithAttributes("https://opentelemetry.io/schemas/1.26.0",
		attribute.String("service.name", "shop"), attribute.Int("n", 3))
	opts := []log.LoggerOption{log.WithInstrumentationVersion("v1.2.3"), log.WithSchemaURL("https://example.com/s"),
		log.WithInstrumentationAttributes(attribute.Bool("scope.attr", true))}
	return map[string]sdklog.Record{
		"pipeline": captureTemplate(t, res, "shop/cart", append([]sdklog.LoggerProviderOption{sdklog.WithAllowKeyDuplication()}, sdkOpts...), opts...),
		"dedup":    captureTemplate(t, res, "shop/cart", sdkOpts, opts...),
	}
}

// checkRoundTrip checks that decoding r's encoding on tmpl gives a record that encodes to
// the same bytes, with tmpl's resource and scope, and that tmpl is left as it was.
func checkRoundTrip(t *testing.T, tmpl, r sdklog.Record) {
	t.Helper()
	want, err := appendRecord(nil, &r)
	if err != nil {
		t.Fatal(err)
	}
	tmplBefore, err := appendRecord(nil, &tmpl)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeRecord(tmpl, want)
	if err != nil {
		t.Fatalf("decodeRecord: %v", err)
	}
	again, err := appendRecord(nil, &got)
	if err != nil {
		t.Fatalf("re-encoding the decoded record: %v", err)
	}
	if !bytes.Equal(again, want) {
		t.Fatalf("round trip differs:\n got %x\nwant %x", again, want)
	}
	if got.Resource() != tmpl.Resource() || got.InstrumentationScope() != tmpl.InstrumentationScope() {
		t.Fatalf("resource or scope not the template's: %v %v", got.Resource(), got.InstrumentationScope())
	}
	if got.DroppedAttributes() != r.DroppedAttributes() {
		t.Fatalf("dropped %d, want %d", got.DroppedAttributes(), r.DroppedAttributes())
	}
	if tmplAfter, _ := appendRecord(nil, &tmpl); !bytes.Equal(tmplAfter, tmplBefore) {
		t.Fatal("decodeRecord changed its template")
	}
}

// nested returns v wrapped depth times, alternately in a map and in an array.
func nested(v attribute.Value, depth int) attribute.Value {
	for i := range depth {
		if i%2 == 0 {
			v = attribute.MapValue(attribute.String("sib", "s"), attribute.KeyValue{Key: "in", Value: v})
		} else {
			v = attribute.SliceValue(attribute.IntValue(i), v)
		}
	}
	return v
}

// everyKind is one attribute of each value kind, composite ones empty and nested too.
var everyKind = []attribute.KeyValue{
	attribute.Bool("b", true), attribute.Bool("f", false), attribute.Int64("i", -42), attribute.Int64("zero", 0),
	attribute.Int64("max", math.MaxInt64), attribute.Int64("min", math.MinInt64),
	attribute.Float64("d", 3.25), attribute.Float64("nan", math.NaN()), attribute.Float64("d0", 0),
	attribute.Float64("-0", math.Copysign(0, -1)), attribute.Float64("inf", math.Inf(1)),
	attribute.String("s", "x"), attribute.String("empty", ""), attribute.String("utf8", "héllo ✓"),
	attribute.BoolSlice("bs", []bool{true, false}), attribute.Int64Slice("is", []int64{1, -1, math.MaxInt64}),
	attribute.Float64Slice("fs", []float64{0, 1.5, math.Inf(-1)}), attribute.StringSlice("ss", []string{"", "a"}),
	attribute.StringSlice("ss0", nil), attribute.BoolSlice("bs0", nil),
	{Key: "bytes", Value: attribute.ByteSliceValue([]byte{0, 1, 255})},
	{Key: "bytes0", Value: attribute.ByteSliceValue(nil)},
	attribute.Slice("slice", attribute.StringValue("a"), attribute.Int64Value(1), attribute.Value{},
		attribute.SliceValue(attribute.BoolValue(true)), attribute.MapValue(attribute.String("k", "v")),
		attribute.ByteSliceValue([]byte("b")), attribute.StringSliceValue([]string{"x"})),
	attribute.Slice("slice0"),
	attribute.Map("map", attribute.String("z", "last"), attribute.Int("a", 1), attribute.String("", "no key"),
		attribute.Map("nested", attribute.Map("deeper", attribute.String("x", "y")), attribute.Slice("in"))),
	attribute.Map("map0"),
	{Key: "emptyvalue", Value: attribute.Value{}},
	{Key: "deep", Value: nested(attribute.StringValue("leaf"), 60)}, // within the SDK's depth limit (64)
}

func TestDecodeRecordRoundTrip(t *testing.T) {
	full := fullRecord
	many := make([]attribute.KeyValue, 40)
	for i := range many {
		many[i] = attribute.Int("k"+strconv.Itoa(i), i)
	}
	cases := []struct {
		name string
		rec  func(tmpl sdklog.Record) sdklog.Record
	}{
		{"every field", full},
		{"the template itself", func(tmpl sdklog.Record) sdklog.Record { return tmpl }},
		{"zero and empty fields", func(tmpl sdklog.Record) sdklog.Record {
			r := full(tmpl)
			r.SetTimestamp(time.Time{})
			r.SetObservedTimestamp(time.Time{})
			r.SetSeverity(0)
			r.SetSeverityText("")
			r.SetEventName("")
			r.SetBody(attribute.Value{})
			r.SetTraceID(trace.TraceID{})
			r.SetSpanID(trace.SpanID{})
			r.SetTraceFlags(0)
			r.SetAttributes()
			return r
		}},
		{"invalid trace and span IDs, other flags", func(tmpl sdklog.Record) sdklog.Record {
			r := full(tmpl)
			r.SetTraceID(trace.TraceID{})
			r.SetSpanID(trace.SpanID{})
			r.SetTraceFlags(0xfe)
			return r
		}},
		{"times at the edges", func(tmpl sdklog.Record) sdklog.Record {
			r := full(tmpl)
			r.SetTimestamp(time.Unix(0, 1))
			r.SetObservedTimestamp(time.Unix(1<<33, 0))
			return r
		}},
		{"times before the epoch", func(tmpl sdklog.Record) sdklog.Record {
			r := full(tmpl)
			r.SetTimestamp(time.Unix(-5, 0))
			r.SetObservedTimestamp(time.Unix(0, -1))
			return r
		}},
		{"severity out of range", func(tmpl sdklog.Record) sdklog.Record {
			r := full(tmpl)
			r.SetSeverity(25)
			return r
		}},
		{"severity at the top", func(tmpl sdklog.Record) sdklog.Record {
			r := full(tmpl)
			r.SetSeverity(log.SeverityFatal4)
			return r
		}},
		{"every attribute kind", func(tmpl sdklog.Record) sdklog.Record {
			r := full(tmpl)
			r.SetAttributes(everyKind...)
			return r
		}},
		{"many attributes", func(tmpl sdklog.Record) sdklog.Record {
			r := full(tmpl)
			r.SetAttributes(many...)
			return r
		}},
		{"six attributes", func(tmpl sdklog.Record) sdklog.Record {
			r := full(tmpl)
			r.SetAttributes(many[:6]...)
			return r
		}},
		{"duplicate keys", func(tmpl sdklog.Record) sdklog.Record {
			r := full(tmpl)
			kvs := append([]attribute.KeyValue{}, many[:7]...)
			kvs = append(kvs, attribute.String("k1", "again"), attribute.Int("k0", -1),
				attribute.Map("m", attribute.Int("x", 1), attribute.Int("x", 2)))
			r.SetAttributes(kvs...)
			r.SetBody(attribute.MapValue(attribute.Int("x", 1), attribute.String("x", "2"),
				attribute.Map("y", attribute.Bool("z", true), attribute.Bool("z", false))))
			return r
		}},
		{"a deep body", func(tmpl sdklog.Record) sdklog.Record {
			r := full(tmpl)
			r.SetBody(nested(attribute.BoolValue(true), 500)) // the SDK limits attributes' depth, not the body's
			return r
		}},
		{"large values (multi-byte lengths)", func(tmpl sdklog.Record) sdklog.Record {
			r := full(tmpl)
			r.SetBody(attribute.StringValue(strings.Repeat("é", 70000)))
			r.SetAttributes(attribute.String("k", strings.Repeat("v", 200)), attribute.String("k2", strings.Repeat("w", 20000)),
				attribute.Slice("s", attribute.StringValue(strings.Repeat("x", 300))))
			return r
		}},
	}
	for _, kv := range everyKind {
		cases = append(cases, struct {
			name string
			rec  func(tmpl sdklog.Record) sdklog.Record
		}{"body " + string(kv.Key), func(tmpl sdklog.Record) sdklog.Record {
			r := full(tmpl)
			r.SetBody(kv.Value)
			return r
		}})
	}
	for tname, tmpl := range decodeTemplates(t) {
		for _, tt := range cases {
			t.Run(tname+"/"+tt.name, func(t *testing.T) { checkRoundTrip(t, tmpl, tt.rec(tmpl)) })
		}
	}
}

// TestDecodeRecordDroppedLost: a record at its template's count limit, with attributes
// dropped, decodes with its attributes and no dropped count (sdklog.Record has no setter).
func TestDecodeRecordDroppedLost(t *testing.T) {
	for tname, tmpl := range decodeTemplates(t, sdklog.WithAttributeCountLimit(3)) {
		t.Run(tname, func(t *testing.T) {
			r := tmpl.Clone()
			r.SetAttributes(attribute.Int("a", 1), attribute.Int("b", 2), attribute.Int("c", 3), attribute.Int("d", 4))
			if r.DroppedAttributes() != 1 {
				t.Fatalf("the SDK dropped %d, want 1", r.DroppedAttributes())
			}
			got, err := decodeRecord(tmpl, mustAppend(t, &r))
			if err != nil {
				t.Fatal(err)
			}
			r.SetAttributes(attribute.Int("a", 1), attribute.Int("b", 2), attribute.Int("c", 3)) // dropped 0
			if !bytes.Equal(mustAppend(t, &got), mustAppend(t, &r)) || got.DroppedAttributes() != 0 {
				t.Fatalf("decoded %d attributes, %d dropped; want the 3 kept, 0 dropped", got.AttributesLen(), got.DroppedAttributes())
			}
		})
	}
}

// TestDecodeRecordReplacesTemplate decodes onto templates that hold attributes (as a
// fastHandler's do) and other fields: only b's are in the result, and the template (its
// overflow array too) is unchanged.
func TestDecodeRecordReplacesTemplate(t *testing.T) {
	for tname, tmpl := range decodeTemplates(t) {
		t.Run(tname, func(t *testing.T) {
			for _, n := range []int{2, 9} {
				busy := tmpl.Clone()
				var kvs []attribute.KeyValue
				for i := range n {
					kvs = append(kvs, attribute.String("tmpl"+strconv.Itoa(i), "t"))
				}
				busy.SetAttributes(kvs...)
				busy.SetBody(attribute.StringValue("template body"))
				busy.SetEventName("tmpl.event")
				busy.SetSeverity(log.SeverityError)
				busy.SetTraceID(trace.TraceID{9})
				r := tmpl.Clone()
				r.SetAttributes(attribute.Int("own", 1), attribute.Int("own2", 2), attribute.Int("own3", 3),
					attribute.Int("own4", 4), attribute.Int("own5", 5), attribute.Int("own6", 6))
				checkRoundTrip(t, busy, r)
			}
		})
	}
}

// TestDecodeRecordSkipsUnknown decodes a record written by hand with fields decodeRecord
// does not know, in every message it reads.
func TestDecodeRecordSkipsUnknown(t *testing.T) {
	unknown := func(b []byte) []byte {
		b = protowire.AppendTag(b, 99, protowire.VarintType)
		b = protowire.AppendVarint(b, 1<<40)
		b = protowire.AppendTag(b, 50, protowire.BytesType)
		b = protowire.AppendString(b, "unknown")
		b = protowire.AppendTag(b, 13, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, 7)
		b = protowire.AppendTag(b, 14, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, 7)
		b = protowire.AppendTag(b, 15, protowire.StartGroupType)
		b = protowire.AppendTag(b, 1, protowire.VarintType)
		b = protowire.AppendVarint(b, 1)
		return protowire.AppendTag(b, 15, protowire.EndGroupType)
	}
	msg := func(num protowire.Number, parts ...[]byte) []byte {
		b := protowire.AppendTag(nil, num, protowire.BytesType)
		return protowire.AppendBytes(b, bytes.Join(parts, nil))
	}
	str := func(num protowire.Number, s string) []byte {
		return protowire.AppendString(protowire.AppendTag(nil, num, protowire.BytesType), s)
	}
	u := unknown(nil)
	// body: kvlist {KeyValue{key "k", value array [string "v"]}}, with unknown fields in
	// the KeyValueList, the KeyValue and the ArrayValue (an AnyValue has none: see
	// TestDecodeRecordInvalid).
	body := msg(fLogBody, msg(fAnyKvlist, u, msg(fListValues, u, str(fKVKey, "k"),
		msg(fKVValue, msg(fAnyArray, u, msg(fListValues, str(fAnyString, "v")), u)))))
	attr := msg(fLogAttributes, str(fKVKey, "a"), u, msg(fKVValue, str(fAnyString, "x")))
	rec := msg(fScopeLogsLogRecords, u, str(fLogSeverityText, "INFO"), body, u, attr, u)

	tmpl := decodeTemplates(t)["pipeline"]
	got, err := decodeRecord(tmpl, rec)
	if err != nil {
		t.Fatal(err)
	}
	want := tmpl.Clone()
	want.SetTimestamp(time.Time{})
	want.SetObservedTimestamp(time.Time{})
	want.SetSeverityText("INFO")
	want.SetBody(attribute.MapValue(attribute.Slice("k", attribute.StringValue("v"))))
	want.SetAttributes(attribute.String("a", "x"))
	gb, _ := appendRecord(nil, &got)
	wb, _ := appendRecord(nil, &want)
	if !bytes.Equal(gb, wb) {
		t.Fatalf("decoded %x, want %x", gb, wb)
	}
}

func TestDecodeRecordInvalid(t *testing.T) {
	tmpl := decodeTemplates(t)["pipeline"]
	limited := decodeTemplates(t, sdklog.WithAttributeCountLimit(2))["pipeline"]
	// rec frames a LogRecord's fields as appendRecord does.
	rec := func(fields ...[]byte) []byte {
		b := protowire.AppendTag(nil, fScopeLogsLogRecords, protowire.BytesType)
		return protowire.AppendBytes(b, bytes.Join(fields, nil))
	}
	field := func(num protowire.Number, typ protowire.Type, v ...byte) []byte {
		return append(protowire.AppendTag(nil, num, typ), v...)
	}
	bytesField := func(num protowire.Number, v []byte) []byte {
		return protowire.AppendBytes(protowire.AppendTag(nil, num, protowire.BytesType), v)
	}
	body := func(anyValue []byte) []byte { return bytesField(fLogBody, anyValue) }
	deep := []byte{}
	for range maxDecodeDepth + 1 {
		deep = bytesField(fAnyArray, bytesField(fListValues, deep))
	}
	good := func() []byte {
		r := tmpl.Clone()
		r.SetBody(attribute.MapValue(attribute.String("k", "v")))
		r.SetAttributes(attribute.Int("a", 1))
		b, err := appendRecord(nil, &r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}()
	for _, tt := range []struct {
		name string
		tmpl sdklog.Record
		b    []byte
		want error // nil: any error
	}{
		{"empty", tmpl, nil, nil},
		{"another field", tmpl, bytesField(fScopeLogsScope, nil), errDecodeFraming},
		{"not length-delimited", tmpl, field(fScopeLogsLogRecords, protowire.VarintType, 1), errDecodeFraming},
		{"length past the end", tmpl, good[:len(good)-1], nil},
		{"trailing bytes", tmpl, append(append([]byte{}, good...), 0), errDecodeFraming},
		{"truncated tag", tmpl, rec([]byte{0x80}), nil},
		{"truncated varint", tmpl, rec(field(fLogSeverityNumber, protowire.VarintType, 0x80)), nil},
		{"truncated fixed64", tmpl, rec(field(fLogTime, protowire.Fixed64Type, 1, 2, 3)), nil},
		{"truncated fixed32", tmpl, rec(field(fLogFlags, protowire.Fixed32Type, 1)), nil},
		{"field number 0", tmpl, rec(field(0, protowire.VarintType, 1)), nil},
		{"time as a varint", tmpl, rec(field(fLogTime, protowire.VarintType, 1)), errDecodeWireType},
		{"severity as bytes", tmpl, rec(bytesField(fLogSeverityNumber, []byte{1})), errDecodeWireType},
		{"flags as fixed64", tmpl, rec(field(fLogFlags, protowire.Fixed64Type, 1, 0, 0, 0, 0, 0, 0, 0)), errDecodeWireType},
		{"body as a varint", tmpl, rec(field(fLogBody, protowire.VarintType, 1)), errDecodeWireType},
		{"string value as fixed32", tmpl, rec(body(field(fAnyString, protowire.Fixed32Type, 1, 2, 3, 4))), errDecodeWireType},
		{"key as a varint", tmpl, rec(bytesField(fLogAttributes, field(fKVKey, protowire.VarintType, 1))), errDecodeWireType},
		{"array member as a varint", tmpl, rec(body(bytesField(fAnyArray, field(fListValues, protowire.VarintType, 1)))), errDecodeWireType},
		{"inner length past the end", tmpl, rec(field(fLogBody, protowire.BytesType, 5, 1)), nil},
		{"nested length past the end", tmpl, rec(body(field(fAnyKvlist, protowire.BytesType, 9, 0x0a, 0))), nil},
		{"unknown AnyValue kind", tmpl, rec(body(field(8, protowire.VarintType, 1))), errDecodeAnyValue},
		{"unknown kind, nested", tmpl, rec(bytesField(fLogAttributes, append(bytesField(fKVKey, []byte("k")),
			bytesField(fKVValue, bytesField(fAnyArray, bytesField(fListValues, field(20, protowire.Fixed32Type, 0, 0, 0, 0))))...))), errDecodeAnyValue},
		{"short trace ID", tmpl, rec(bytesField(fLogTraceID, []byte{1, 2, 3})), errDecodeIDLength},
		{"long span ID", tmpl, rec(bytesField(fLogSpanID, make([]byte, 16))), errDecodeIDLength},
		{"invalid UTF-8 severity text", tmpl, rec(bytesField(fLogSeverityText, []byte("WARN\xff"))), errDecodeUTF8},
		{"invalid UTF-8 key", tmpl, rec(bytesField(fLogAttributes, bytesField(fKVKey, []byte("\xc3")))), errDecodeUTF8},
		{"invalid UTF-8 in a nested string", tmpl, rec(body(bytesField(fAnyArray, bytesField(fListValues, bytesField(fAnyString, []byte("\xed\xa0\x80")))))), errDecodeUTF8},
		{"invalid UTF-8 event name", tmpl, rec(bytesField(fLogEventName, []byte{0xff})), errDecodeUTF8},
		{"nested too deeply", tmpl, rec(body(deep)), errDecodeDepth},
		{"more attributes than the limit", limited, rec(bytes.Repeat(bytesField(fLogAttributes, bytesField(fKVKey, []byte("k"))), 3)), errDecodeLimit},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeRecord(tt.tmpl, tt.b)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if gb, _ := appendRecord(nil, &got); !bytes.Equal(gb, mustAppend(t, &tt.tmpl)) {
				t.Fatal("the record returned with an error is not the template")
			}
		})
	}
	// Every prefix of a valid record's fields, framed anew so that the cut is inside the
	// record, is refused without a panic unless it ends between two fields.
	_, _, n := protowire.ConsumeTag(good)
	inner, _ := protowire.ConsumeBytes(good[n:])
	for i := range inner {
		_, _ = decodeRecord(tmpl, rec(inner[:i]))
	}
}

func mustAppend(t testing.TB, r *sdklog.Record) []byte {
	t.Helper()
	b, err := appendRecord(nil, r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzDecodeRecord checks that no input makes decodeRecord panic, and that a record it
// decodes re-encodes to bytes that decode to the same record (a fixed point), on a
// template that allows duplicate keys and on one that deduplicates with a count limit.
func FuzzDecodeRecord(f *testing.F) {
	tmpls := decodeTemplates(f, sdklog.WithAttributeCountLimit(8))
	seed := tmpls["pipeline"]
	seed = seed.Clone()
	seed.SetTimestamp(time.Unix(1700000000, 5))
	seed.SetSeverity(log.SeverityInfo)
	seed.SetSeverityText("INFO")
	seed.SetTraceID(trace.TraceID{1})
	seed.SetSpanID(trace.SpanID{2})
	seed.SetTraceFlags(1)
	seed.SetEventName("ev")
	seed.SetBody(attribute.MapValue(everyKind[:12]...))
	f.Add(mustAppend(f, &seed))
	seed.SetAttributes(everyKind...) // beyond the limit: some dropped
	f.Add(mustAppend(f, &seed))
	seed.SetBody(nested(attribute.StringValue("x"), 20))
	seed.SetAttributes(attribute.Int("a", 1), attribute.Int("a", 2))
	f.Add(mustAppend(f, &seed))
	f.Add([]byte{0x12, 0x00})
	f.Add([]byte{0x12, 0x02, 0x38, 0x05})
	before := map[string][]byte{}
	for name, tmpl := range tmpls {
		before[name] = mustAppend(f, &tmpl)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for name, tmpl := range tmpls {
			r, err := decodeRecord(tmpl, b)
			if err != nil {
				continue
			}
			e1, err := appendRecord(nil, &r)
			if err != nil {
				t.Fatalf("%s: a decoded record does not encode: %v", name, err)
			}
			r2, err := decodeRecord(tmpl, e1)
			if err != nil {
				t.Fatalf("%s: its encoding does not decode: %v\n%x", name, err, e1)
			}
			e2, err := appendRecord(nil, &r2)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(e1, e2) {
				t.Fatalf("%s: not a fixed point:\n%x\n%x", name, e1, e2)
			}
			if r2.DroppedAttributes() != r.DroppedAttributes() {
				t.Fatalf("%s: dropped %d, then %d", name, r.DroppedAttributes(), r2.DroppedAttributes())
			}
			if got := mustAppend(t, &tmpl); !bytes.Equal(got, before[name]) {
				t.Fatalf("%s: decodeRecord changed its template", name)
			}
		}
	})
}

// TestDecodeRecordKeepsDuplicates checks that on a template that allows duplicate keys (the
// Pipeline's) a record's duplicate attributes come back, in order, and its body map's too.
func TestDecodeRecordKeepsDuplicates(t *testing.T) {
	tmpl := decodeTemplates(t)["pipeline"]
	r := tmpl.Clone()
	kvs := []attribute.KeyValue{attribute.Int("a", 1), attribute.Int("b", 2), attribute.Int("a", 3),
		attribute.Int("c", 4), attribute.Int("d", 5), attribute.Int("e", 6), attribute.Int("a", 7)}
	r.SetAttributes(kvs...)
	r.SetBody(attribute.MapValue(attribute.Int("x", 1), attribute.Int("x", 2)))
	b := mustAppend(t, &r)
	got, err := decodeRecord(tmpl, b)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	got.WalkAttributes(func(kv attribute.KeyValue) bool {
		keys = append(keys, string(kv.Key)+"="+kv.Value.String())
		return true
	})
	if s := strings.Join(keys, ","); s != "a=1,b=2,a=3,c=4,d=5,e=6,a=7" {
		t.Fatalf("attributes %s", s)
	}
	if n := len(got.Body().AsMap()); n != 2 {
		t.Fatalf("body map has %d members, want 2", n)
	}
}
