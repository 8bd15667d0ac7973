package otlpsink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/protobuf/proto"
)

// requestRecorder encodes what it is given into OTLP requests with the exporters' encoder
// and keeps them: SDK records through Export, records encoded at the call through
// exportEncoded. It is an encodingExporter, so a Processor over it encodes at the call.
type requestRecorder struct {
	mu   sync.Mutex
	reqs [][]byte
}

func (x *requestRecorder) Export(_ context.Context, recs []sdklog.Record) error {
	return x.keep(sdkRecords(recs))
}
func (x *requestRecorder) exportEncoded(_ context.Context, pt encPart) error { return x.keep(pt) }
func (x *requestRecorder) Shutdown(context.Context) error                    { return nil }
func (x *requestRecorder) ForceFlush(context.Context) error                  { return nil }

func (x *requestRecorder) keep(recs recordSource) error {
	var e logsEncoder
	if err := e.encode(recs); err != nil {
		return err
	}
	x.mu.Lock()
	x.reqs = append(x.reqs, e.buf)
	x.mu.Unlock()
	return nil
}

// request returns the one request kept, decoded.
func (x *requestRecorder) request(t *testing.T) *collogspb.ExportLogsServiceRequest {
	t.Helper()
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(x.reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(x.reqs))
	}
	var req collogspb.ExportLogsServiceRequest
	if err := proto.Unmarshal(x.reqs[0], &req); err != nil {
		t.Fatal(err)
	}
	return &req
}

// sdkOnly hides exportEncoded: a Processor over it queues SDK records.
type sdkOnly struct{ sdklog.Exporter }

// encodedPipeline returns a Pipeline over exp whose records stay in the open batch until
// ForceFlush, with a handler for logger "shop" of category "orders".
func encodedPipeline(t *testing.T, exp sdklog.Exporter) (*Pipeline, *Handler) {
	t.Helper()
	res := resource.NewWithAttributes("", attribute.String("service.name", "shop"))
	p, err := NewPipeline(context.Background(), WithExporter(exp), WithResource(res),
		WithProcessorOptions(WithScheduleDelay(time.Hour), WithMaxExportBatchSize(1000), WithMaxQueueSize(1000)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p, NewHandler(p.Provider(), &Options{AddSource: true, Level: slog.LevelDebug}).WithLogger("shop", "orders").(*Handler)
}

// nestedMaps returns a value of maps nested d deep (LogValuers nest less deep: slog's
// resolution stops them sooner).
func nestedMaps(d int) any {
	var v any = "bottom"
	for range d {
		v = map[string]any{"in": v}
	}
	return v
}

// nestedSlices is a value d slices deep around a string.
func nestedSlices(d int) any {
	var v any = "bottom"
	for range d {
		v = []any{v}
	}
	return v
}

// stringLabels is a named map of strings: converted as its entries.
type stringLabels map[string]string

// level is a named slice type with a String method: converted as its items, as any slice.
type levels []int

func (levels) String() string { return "levels" }

// TestEncodedAtCallMatchesSDKRecord logs each record through a Pipeline that encodes at the
// call and through one that queues SDK records (the same exporter's encoder), and compares
// the requests; it also checks which path each record took in the encoding one.
func TestEncodedAtCallMatchesSDKRecord(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 123456789, time.UTC)
	span := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1, 2, 3}, SpanID: trace.SpanID{4, 5}, TraceFlags: trace.FlagsSampled}))
	many := make([]slog.Attr, 200)
	for i := range many {
		many[i] = slog.Int(fmt.Sprintf("k%d", i), i)
	}
	type pt struct{ X, Y int }
	subgroups := make([]any, 300) // past maxGroupRefs
	for i := range subgroups {
		subgroups[i] = slog.Group(fmt.Sprintf("s%03d", 300-i), slog.Int("i", i))
	}
	grouped := append([]slog.Attr{slog.Group("g", slog.Int("b", 1), slog.Group("a", slog.Int("x", 1)))}, many...)
	arrays := make([]any, 300) // past maxGroupRefs
	for i := range arrays {
		arrays[i] = slog.Any(fmt.Sprintf("a%03d", i), []int{i, i + 1})
	}
	ids := make([]int, 40)
	for i := range ids {
		ids[i] = 1000 + i
	}
	cases := []struct {
		name   string
		ctx    context.Context
		level  slog.Level
		msg    string
		with   func(slog.Handler) slog.Handler
		attrs  []slog.Attr
		atCall bool // encoded at the call (else built as an SDK record first)
	}{
		{"5 attrs", nil, slog.LevelInfo, "hello", nil, []slog.Attr{slog.String("s", "x"), slog.Int("i", 1), slog.Bool("b", true),
			slog.Float64("f", 1.5), slog.Duration("d", time.Second)}, true},
		{"kinds", nil, slog.LevelWarn, "[b]markup[/b]", nil, []slog.Attr{slog.Time("t", t0), slog.Uint64("u", 1<<63+5),
			slog.Any("bytes", []byte{0, 1}), slog.Any("struct", pt{1, 2}), slog.Any("map", map[string]int{"a": 1}),
			slog.Any("slice", []any{"a", 1, []int{2}}), slog.Any("ints", []int{1, 2}), slog.String("empty", "")}, true},
		{"groups", nil, slog.LevelInfo, "g", nil, []slog.Attr{slog.Group("a", slog.Group("b", slog.Int("x", 1)), slog.String("y", "z")),
			slog.Int("a", 2)}, true},
		{"error", nil, slog.LevelError, "failed", nil, []slog.Attr{slog.Any("error", fmt.Errorf("load: %w", errors.New("not found")))}, true},
		{"span and odd level", span, slog.Level(2), "in span", nil, []slog.Attr{slog.String("s", "x")}, true},
		{"With and WithGroup", nil, slog.LevelDebug, "w", func(h slog.Handler) slog.Handler {
			return h.WithAttrs([]slog.Attr{slog.String("svc", "orders")}).WithGroup("req").WithAttrs([]slog.Attr{slog.Int("id", 7)})
		}, []slog.Attr{slog.Int("status", 200)}, true},
		{"duplicate keys", nil, slog.LevelInfo, "dup", nil, []slog.Attr{slog.Int("k", 1), slog.Int("k", 2), slog.String("log.level", "x")}, true},
		{"not UTF-8", nil, slog.LevelInfo, "bad \xff", nil, []slog.Attr{slog.String("k\xfe", "v\xff")}, true},
		{"empty message", nil, slog.LevelInfo, "", nil, nil, true},
		{"group members unsorted, duplicated", nil, slog.LevelInfo, "g", nil, []slog.Attr{slog.Group("g", slog.Int("c", 1),
			slog.Int("a", 2), slog.String("b", "x"), slog.Int("a", 3)), slog.Group("", slog.Int("inlined", 1))}, true},
		{"more groups than references", nil, slog.LevelInfo, "g", nil, []slog.Attr{slog.Group("top", subgroups...)}, true},
		{"groups left to the SDK", nil, slog.LevelInfo, "g", nil, grouped, false},
		{"groups and a WithGroup", nil, slog.LevelInfo, "w", func(h slog.Handler) slog.Handler {
			return h.WithGroup("req").WithAttrs([]slog.Attr{slog.Group("pre", slog.Int("z", 1), slog.Int("y", 2))}).WithGroup("inner")
		}, []slog.Attr{slog.Group("resp", slog.Int("status", 200), slog.Int("bytes", 512))}, true},
		{"nil value", nil, slog.LevelInfo, "nil", nil, []slog.Attr{slog.Any("x", nil), slog.Int("y", 1)}, true},
		{"over the count limit", nil, slog.LevelInfo, "many", nil, many, false},
		{"deeper than encodeDepth", nil, slog.LevelInfo, "deep", nil, []slog.Attr{slog.Any("v", nestedMaps(40))}, false},
		{"deeper than the SDK's limit", nil, slog.LevelInfo, "deeper", nil, []slog.Attr{slog.Any("v", nestedMaps(80))}, false},
		{"shallow enough", nil, slog.LevelInfo, "deep", nil, []slog.Attr{slog.Any("v", nestedMaps(encodeDepth-2))}, true},
		{"over the batch cap", nil, slog.LevelInfo, "big", nil, []slog.Attr{slog.String("v", strings.Repeat("x", HTTPMaxExportBatchBytes))}, false},
		{"slices", nil, slog.LevelInfo, "s", nil, []slog.Attr{slog.Any("tags", []string{"a", "b\xff", ""}), slog.Any("ids", ids),
			slog.Any("array", [3]int8{1, -2, 3}), slog.Any("points", []pt{{1, 2}, {3, 4}}), slog.Any("mixed", []any{"a", 1.5, nil, []int{2}, map[string]int{"m": 1}}),
			slog.Any("named", levels{4, 5}), slog.Any("errs", []error{errors.New("e1"), nil}), slog.Any("nil", []int(nil)), slog.Any("empty", []string{}),
			slog.Any("bytes", [2]byte{7, 8}), slog.Group("g", slog.Any("in group", []bool{true, false}), slog.Int("n", 1))}, true},
		{"slices in a WithGroup", nil, slog.LevelInfo, "w", func(h slog.Handler) slog.Handler {
			return h.WithAttrs([]slog.Attr{slog.Any("with", []string{"x", "y"})}).WithGroup("req")
		}, []slog.Attr{slog.Any("ids", []int{1, 2, 3}), slog.Group("resp", slog.Any("codes", []int{200, 404}))}, true},
		{"more arrays than references", nil, slog.LevelInfo, "a", nil, []slog.Attr{slog.Group("top", arrays...)}, true},
		{"slices deeper than encodeDepth", nil, slog.LevelInfo, "deep", nil, []slog.Attr{slog.Any("v", nestedSlices(40))}, false},
		{"slices deeper than maxDepth", nil, slog.LevelInfo, "deeper", nil, []slog.Attr{slog.Any("v", nestedSlices(maxDepth+5))}, true},
		{"slices left to the SDK", nil, slog.LevelInfo, "many", nil, append([]slog.Attr{slog.Any("ids", ids)}, many...), false},
		{"maps of strings", nil, slog.LevelInfo, "m", nil, []slog.Attr{slog.Any("labels", map[string]string{"team": "pay", "tier": "gold", "a": ""}),
			slog.Any("named", stringLabels{"k": "v\xff"}), slog.Any("nil", map[string]string(nil)), slog.Any("empty", map[string]string{}),
			slog.Any("colliding", map[string]string{"\xff": "a", "\xfe": "b", "ok": "c"}), slog.Group("g", slog.Any("in group", map[string]string{"x": "y"})),
			slog.Any("anys", map[string]any{"i": 1, "u": uint64(math.MaxUint64), "f": 1.5, "b": true, "nil": nil, "s": "x\xff", "u8": uint8(3)})}, true},
		{"maps of strings left to the SDK", nil, slog.LevelInfo, "many", nil, append([]slog.Attr{slog.Any("labels", map[string]string{"b": "2", "a": "1"})}, many...), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var enc, plain requestRecorder
			pe, he := encodedPipeline(t, &enc)
			pp, hp := encodedPipeline(t, sdkOnly{&plain})
			if pe.procs[0].encExp == nil || pp.procs[0].encExp != nil {
				t.Fatal("the pipelines do not encode as intended")
			}
			ctx := c.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			for i, h := range []slog.Handler{he, hp} {
				if c.with != nil {
					h = c.with(h)
				}
				r := slog.NewRecord(t0, c.level, c.msg, 0x1234)
				r.AddAttrs(c.attrs...)
				if err := h.Handle(ctx, r); err != nil {
					t.Fatal(err)
				}
				if i > 0 {
					break
				}
				proc := pe.procs[0]
				proc.mu.Lock()
				atCall := proc.curEnc != nil && proc.curEnc.len() == 1 && proc.curEnc.scopes[0] == he.fast.enc
				queued := proc.curEnc != nil && proc.curEnc.len() == 1
				proc.mu.Unlock()
				if !queued {
					t.Fatal("the record is not in the open encoded batch")
				}
				if atCall != c.atCall {
					t.Fatalf("encoded at the call: %v, want %v", atCall, c.atCall)
				}
			}
			for _, p := range []*Pipeline{pe, pp} {
				if err := p.ForceFlush(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			got, want := enc.request(t), plain.request(t)
			if !proto.Equal(got, want) {
				t.Fatalf("encoded at the call:\n%.2000v\nas an SDK record:\n%.2000v", got.String(), want.String())
			}
		})
	}
}

// TestEncodedSDKLoggerRecords: records emitted through the SDK's own loggers (not a Handler)
// are encoded when queued, repaired if not UTF-8, as the SDK-record queue repairs them at
// export.
func TestEncodedSDKLoggerRecords(t *testing.T) {
	var enc, plain requestRecorder
	for _, exp := range []sdklog.Exporter{&enc, sdkOnly{&plain}} {
		p, _ := encodedPipeline(t, exp)
		var r log.Record
		r.SetTimestamp(time.Unix(5, 0))
		r.SetObservedTimestamp(time.Unix(6, 0))
		r.SetBody(attribute.StringValue("body \xff"))
		r.AddAttributes(attribute.String("k", "v\xfe"), attribute.Int("n", 1))
		l := p.Provider().Logger("direct", log.WithInstrumentationVersion("v1"))
		l.Emit(context.Background(), r)
		if err := p.ForceFlush(context.Background()); err != nil {
			t.Fatal(err)
		}
		if st := p.Stats(); st.Exported != 1 {
			t.Fatalf("stats %+v", st)
		}
	}
	got, want := enc.request(t), plain.request(t)
	if !proto.Equal(got, want) {
		t.Fatalf("encoded when queued:\n%v\nas an SDK record:\n%v", got, want)
	}
}

// encodeDiscarder encodes each request as the exporters do, and drops it.
type encodeDiscarder struct {
	mu  sync.Mutex
	enc logsEncoder
}

func (x *encodeDiscarder) Export(_ context.Context, recs []sdklog.Record) error {
	return x.encode(sdkRecords(recs))
}
func (x *encodeDiscarder) exportEncoded(_ context.Context, pt encPart) error { return x.encode(pt) }
func (x *encodeDiscarder) Shutdown(context.Context) error                    { return nil }
func (x *encodeDiscarder) ForceFlush(context.Context) error                  { return nil }
func (x *encodeDiscarder) encode(recs recordSource) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.enc.encode(recs)
}

// BenchmarkEncodedQueue: a record's whole cost in a Pipeline whose exporter encodes requests
// (as ours do) and sends them nowhere: queued encoded at the call, against queued as an SDK
// record and encoded at export. Run with -cpu 1 so that the exports' CPU is in ns/op.
func BenchmarkEncodedQueue(b *testing.B) {
	for _, c := range []struct {
		name string
		exp  func() sdklog.Exporter
	}{
		{"encoded", func() sdklog.Exporter { return new(encodeDiscarder) }},
		{"sdk-records", func() sdklog.Exporter { return sdkOnly{new(encodeDiscarder)} }},
	} {
		b.Run("impl="+c.name, func(b *testing.B) {
			p, err := NewPipeline(context.Background(), WithExporter(c.exp()))
			if err != nil {
				b.Fatal(err)
			}
			defer func() { _ = p.Shutdown(context.Background()) }()
			l := slog.New(NewHandler(p.Provider(), nil).WithLogger("bench", "core"))
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				l.LogAttrs(ctx, slog.LevelInfo, "Test logging, but use a somewhat realistic message length.",
					slog.String("string", "7e3b3b2aaeff56a7108fe11e154200dd/7819479873059528190"), slog.Int("status", 32768),
					slog.Duration("duration", 23*time.Second), slog.Time("time", t0Bench), slog.Any("error", errors.New("fail")))
			}
			if err := p.ForceFlush(context.Background()); err != nil {
				b.Fatal(err)
			}
		})
	}
}

var t0Bench = time.Date(2022, time.May, 1, 0, 0, 0, 0, time.UTC)

// TestEncodedScopeRepaired: a logger whose name is not UTF-8 (a Handler's and an SDK logger's)
// has its records delivered under the name repaired; queued as SDK records, every request
// of them would be refused.
func TestEncodedScopeRepaired(t *testing.T) {
	var enc requestRecorder
	p, h := encodedPipeline(t, &enc)
	slog.New(h.WithLogger("bad\xff", "c")).Info("via the handler")
	var r log.Record
	r.SetBody(attribute.StringValue("via the SDK"))
	p.Provider().Logger("bad\xfe", log.WithInstrumentationVersion("v\xff")).Emit(context.Background(), r)
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Exported != 2 || st.Undelivered() != 0 {
		t.Fatalf("stats %+v", st)
	}
	var names []string
	for _, sl := range enc.request(t).ResourceLogs[0].ScopeLogs {
		names = append(names, sl.Scope.Name+" "+sl.Scope.Version)
	}
	if got := strings.Join(names, ", "); got != "bad\uFFFD , bad\uFFFD v\uFFFD" {
		t.Fatalf("scopes %q", got)
	}
}
