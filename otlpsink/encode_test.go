package otlpsink

import (
	"bytes"
	"context"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	lpb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/protobuf/proto"
)

// sdkEncoder runs the real otlploghttp exporter against a server that keeps the bodies it
// is sent: what the SDK's transform plus proto.Marshal make of a batch, the reference
// encodeLogs must match.
type sdkEncoder struct {
	srv *httptest.Server
	exp *otlploghttp.Exporter
	mu  sync.Mutex
	got []byte
}

func newSDKEncoder(t testing.TB) *sdkEncoder {
	s := &sdkEncoder{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.got = b
		s.mu.Unlock()
	}))
	t.Cleanup(s.srv.Close)
	var err error
	s.exp, err = otlploghttp.New(context.Background(), otlploghttp.WithEndpointURL(s.srv.URL+"/v1/logs"),
		otlploghttp.WithRetry(otlploghttp.RetryConfig{Enabled: false}))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// encode returns the SDK's request body for recs, or its error.
func (s *sdkEncoder) encode(recs []sdklog.Record) ([]byte, error) {
	s.mu.Lock()
	s.got = nil
	s.mu.Unlock()
	if err := s.exp.Export(context.Background(), recs); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got, nil
}

// recordOf returns a record as the SDK makes it for a logger named scope (with opts) of a
// provider with res.
func recordOf(res *resource.Resource, scope string, opts ...log.LoggerOption) sdklog.Record {
	c := &captured{}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(c), sdklog.WithResource(res))
	lp.Logger(scope, opts...).Emit(context.Background(), log.Record{})
	return c.recs[0]
}

// checkEncoding compares encodeLogs' bytes with the SDK exporter's for recs, decoded.
func checkEncoding(t *testing.T, s *sdkEncoder, recs []sdklog.Record) {
	t.Helper()
	checkEncoder(t, s, new(logsEncoder), recs)
}

// checkEncoder is checkEncoding with the encoder e.
func checkEncoder(t *testing.T, s *sdkEncoder, e *logsEncoder, recs []sdklog.Record) {
	t.Helper()
	want, wantErr := s.encode(recs)
	err := e.encode(sdkRecords(recs))
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("encode error %v, the SDK's %v", err, wantErr)
	}
	if err != nil {
		if !strings.Contains(wantErr.Error(), "invalid UTF-8") || classify(err) != (verdict{badUTF8: true, status: "invalid UTF-8"}) {
			t.Fatalf("encode error %v (verdict %+v), the SDK's %v", err, classify(err), wantErr)
		}
		return
	}
	var got, exp collogspb.ExportLogsServiceRequest
	if err := proto.Unmarshal(e.buf, &got); err != nil {
		t.Fatalf("our bytes do not decode: %v", err)
	}
	if err := proto.Unmarshal(want, &exp); err != nil {
		t.Fatal(err)
	}
	// The SDK's transform gives the resources in map order.
	for _, r := range []*collogspb.ExportLogsServiceRequest{&got, &exp} {
		slices.SortFunc(r.ResourceLogs, func(a, b *lpb.ResourceLogs) int {
			ka, _ := proto.MarshalOptions{Deterministic: true}.Marshal(a.Resource)
			kb, _ := proto.MarshalOptions{Deterministic: true}.Marshal(b.Resource)
			return bytes.Compare(ka, kb)
		})
	}
	if !proto.Equal(&got, &exp) {
		t.Fatalf("encodeLogs differs from the SDK's exporter:\n got %.3000v\nwant %.3000v", got.String(), exp.String())
	}
}

// fullTime is fullRecord's timestamp.
var fullTime = time.Date(2026, 12, 2, 15, 0, 0, 123456789, time.UTC)

// fullRecord is a record of base's logger with every field set.
func fullRecord(base sdklog.Record) sdklog.Record {
	r := base.Clone()
	r.SetTimestamp(fullTime)
	r.SetObservedTimestamp(fullTime.Add(time.Millisecond))
	r.SetSeverity(log.SeverityWarn)
	r.SetSeverityText("WARNING")
	r.SetBody(attribute.StringValue("cart checked out"))
	r.SetEventName("cart.checkout")
	r.SetTraceID(trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	r.SetSpanID(trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8})
	r.SetTraceFlags(trace.FlagsSampled)
	r.SetAttributes(attribute.String("log.level", "warn"), attribute.Int("items", 3))
	return r
}

func TestEncodeMatchesSDK(t *testing.T) {
	s := newSDKEncoder(t)
	res := resource.NewWithAttributes("https://opentelemetry.io/schemas/1.26.0",
		attribute.String("service.name", "shop"), attribute.Int("n", 3))
	res2 := resource.NewSchemaless(attribute.String("service.name", "other"))
	base := recordOf(res, "shop/cart", log.WithInstrumentationVersion("v1.2.3"),
		log.WithSchemaURL("https://example.com/s"), log.WithInstrumentationAttributes(attribute.Bool("scope.attr", true)))
	full := func() sdklog.Record { return fullRecord(base) }
	every := []attribute.KeyValue{
		attribute.Bool("b", true), attribute.Bool("f", false), attribute.Int64("i", -42), attribute.Int64("zero", 0),
		attribute.Float64("d", 3.25), attribute.Float64("nan", math.NaN()), attribute.Float64("d0", 0),
		attribute.String("s", "x"), attribute.String("empty", ""),
		attribute.BoolSlice("bs", []bool{true, false}), attribute.Int64Slice("is", []int64{1, -1, math.MaxInt64}),
		attribute.Float64Slice("fs", []float64{0, 1.5, math.Inf(-1)}), attribute.StringSlice("ss", []string{"", "a"}),
		attribute.StringSlice("ss0", nil),
		{Key: "bytes", Value: attribute.ByteSliceValue([]byte{0, 1, 255})},
		{Key: "bytes0", Value: attribute.ByteSliceValue(nil)},
		attribute.Slice("slice", attribute.StringValue("a"), attribute.Int64Value(1), attribute.Value{},
			attribute.SliceValue(attribute.BoolValue(true)), attribute.MapValue(attribute.String("k", "v"))),
		attribute.Slice("slice0"),
		attribute.Map("map", attribute.String("z", "last"), attribute.Int("a", 1),
			attribute.Map("nested", attribute.Map("deeper", attribute.String("x", "y")), attribute.Slice("in"))),
		attribute.Map("map0"),
		{Key: "emptyvalue", Value: attribute.Value{}},
		{Key: "", Value: attribute.StringValue("no key")},
	}
	for _, tt := range []struct {
		name string
		recs func() []sdklog.Record
	}{
		{"one record, every field", func() []sdklog.Record { return []sdklog.Record{full()} }},
		{"a bare record", func() []sdklog.Record { return []sdklog.Record{recordOf(resource.Empty(), "")} }},
		{"nil resource fields", func() []sdklog.Record {
			r := recordOf(nil, "x")
			r.SetBody(attribute.Value{})
			return []sdklog.Record{r}
		}},
		{"every attribute kind", func() []sdklog.Record {
			r := full()
			r.SetAttributes(every...)
			return []sdklog.Record{r}
		}},
		{"every body kind", func() []sdklog.Record {
			var recs []sdklog.Record
			for _, kv := range every {
				r := full()
				r.SetBody(kv.Value)
				recs = append(recs, r)
			}
			return recs
		}},
		{"times and severities at the edges", func() []sdklog.Record {
			var recs []sdklog.Record
			for i, sev := range []log.Severity{0, 1, 24, 25, -1} {
				r := full()
				r.SetSeverity(sev)
				r.SetTimestamp([]time.Time{{}, time.Unix(0, 1), time.Unix(-5, 0), time.Unix(1<<33, 0), fullTime}[i])
				r.SetObservedTimestamp(time.Time{})
				r.SetTraceID(trace.TraceID{})
				r.SetSpanID(trace.SpanID{})
				r.SetTraceFlags(0)
				recs = append(recs, r)
			}
			return recs
		}},
		{"dropped attributes", func() []sdklog.Record {
			c := &captured{}
			lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(c), sdklog.WithAttributeCountLimit(2))
			var r log.Record
			r.AddAttributes(attribute.Int("a", 1), attribute.Int("b", 2), attribute.Int("c", 3), attribute.Int("d", 4))
			lp.Logger("limits").Emit(context.Background(), r)
			return c.recs
		}},
		{"many scopes, interleaved, order kept", func() []sdklog.Record {
			var scopes []sdklog.Record
			for i := range 20 {
				scopes = append(scopes, recordOf(res, "scope"+string(rune('a'+i))))
			}
			var recs []sdklog.Record
			for i := range 200 {
				r := scopes[(i*7)%len(scopes)].Clone()
				r.SetBody(attribute.IntValue(i))
				recs = append(recs, r)
			}
			return recs
		}},
		{"several resources", func() []sdklog.Record {
			a, b := recordOf(res, "a"), recordOf(res2, "a")
			same := recordOf(resource.NewWithAttributes("other-schema", res.Attributes()...), "b") // same attributes as res
			var recs []sdklog.Record
			for i, r := range []sdklog.Record{a, b, same, b, a, same} {
				r.SetBody(attribute.IntValue(i))
				recs = append(recs, r)
			}
			return recs
		}},
		{"large records (multi-byte lengths)", func() []sdklog.Record {
			r := full()
			r.SetBody(attribute.StringValue(strings.Repeat("é", 70000)))
			r.SetAttributes(attribute.String("k", strings.Repeat("v", 200)), attribute.String("k2", strings.Repeat("w", 20000)))
			return []sdklog.Record{r, full()}
		}},
		{"invalid UTF-8 in the body", func() []sdklog.Record {
			r := full()
			r.SetBody(attribute.StringValue("bad \xff"))
			return []sdklog.Record{r}
		}},
		{"invalid UTF-8 in a key", func() []sdklog.Record {
			r := full()
			r.SetAttributes(attribute.Int("k\xc3", 1))
			return []sdklog.Record{r}
		}},
		{"invalid UTF-8 in a nested value", func() []sdklog.Record {
			r := full()
			r.SetAttributes(attribute.Map("m", attribute.StringSlice("s", []string{"ok", "\xed\xa0\x80"})))
			return []sdklog.Record{r}
		}},
		{"invalid UTF-8 in the severity text", func() []sdklog.Record {
			r := full()
			r.SetSeverityText("WARN\x80")
			return []sdklog.Record{r}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) { checkEncoding(t, s, tt.recs()) })
	}
}

// TestEncodeReuse encodes batches of different shapes with one encoder, as the pool does.
func TestEncodeReuse(t *testing.T) {
	s := newSDKEncoder(t)
	var e logsEncoder
	res := resource.NewSchemaless(attribute.String("service.name", "a"))
	for i := range 5 {
		var recs []sdklog.Record
		for j := range 10 - 2*i {
			r := recordOf(res, "s"+string(rune('a'+(i+j)%3)))
			r.SetBody(attribute.IntValue(j))
			recs = append(recs, r)
		}
		if i == 2 {
			recs = append(recs, recordOf(resource.Empty(), "z"))
		}
		checkEncoder(t, s, &e, recs)
	}
}

func FuzzEncode(f *testing.F) {
	f.Add("body", "key", "value", int64(7), 1.5, []byte{1, 2}, uint8(3), true)
	f.Add("", "", "", int64(0), 0.0, []byte(nil), uint8(0), false)
	f.Add("\xff", "k", "v", int64(-1), math.Inf(1), []byte{}, uint8(200), true)
	s := newSDKEncoder(f)
	res := resource.NewSchemaless(attribute.String("service.name", "fuzz"))
	f.Fuzz(func(t *testing.T, body, key, val string, n int64, x float64, b []byte, shape uint8, flag bool) {
		r := recordOf(res, key)
		r.SetBody(attribute.StringValue(body))
		r.SetSeverity(log.Severity(shape % 30))
		r.SetSeverityText(val)
		r.SetTimestamp(time.Unix(0, n))
		if flag {
			r.SetTraceID(trace.TraceID{byte(shape), 1})
			r.SetBody(attribute.ByteSliceValue(b))
		}
		kvs := []attribute.KeyValue{
			attribute.String(key, val), attribute.Int64("n", n), attribute.Float64("x", x),
			{Key: "b", Value: attribute.ByteSliceValue(b)},
			attribute.Map(val, attribute.String(key, body), attribute.Slice("s", attribute.StringValue(val), attribute.Int64Value(n))),
			attribute.StringSlice("ss", []string{body, key}),
		}
		r.SetAttributes(kvs[:int(shape)%(len(kvs)+1)]...)
		r2 := recordOf(res, val)
		r2.SetBody(attribute.MapValue(kvs...))
		checkEncoding(t, s, []sdklog.Record{r, r2, r})
	})
}

func BenchmarkEncode(b *testing.B) {
	res := resource.NewSchemaless(attribute.String("service.name", "bench"), attribute.String("host.name", "h"))
	base := recordOf(res, "shop/cart")
	recs := make([]sdklog.Record, 512)
	for i := range recs {
		r := base.Clone()
		r.SetTimestamp(time.Now())
		r.SetObservedTimestamp(time.Now())
		r.SetSeverity(log.SeverityInfo)
		r.SetSeverityText("INFO")
		r.SetBody(attribute.StringValue("request served"))
		r.SetTraceID(trace.TraceID{1, 2, 3})
		r.SetSpanID(trace.SpanID{4, 5})
		r.SetAttributes(attribute.String("log.level", "info"), attribute.String("log.category", "core"),
			attribute.String("http.method", "GET"), attribute.Int("status", 200), attribute.Float64("dur", 0.0123),
			attribute.Map("g", attribute.Int("a", 1), attribute.Int("b", 2)))
		recs[i] = r
	}
	var e logsEncoder
	b.ReportAllocs()
	for b.Loop() {
		if err := e.encode(sdkRecords(recs)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
}
