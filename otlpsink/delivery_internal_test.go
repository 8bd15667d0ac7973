package otlpsink

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/logbridge/logbridge/internal/testkit"
	"github.com/logbridge/logbridge/vocab"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

func TestRedactorHeaderSyntaxes(t *testing.T) {
	tests := []struct {
		name    string
		headers string
		text    string
		want    string
	}{
		{"colon style with padding", "Authorization: Basic dXNlcjpTM0NSRVQ=",
			`invalid header key: Authorization: Basic dXNlcjpTM0NSRVQ`, `invalid header key: Authorization: REDACTED`},
		{"colon style, padded form", "Authorization: Basic dXNlcjpTM0NSRVQ=",
			`header "dXNlcjpTM0NSRVQ="`, `header "REDACTED"`},
		{"spaces around", " x-api-key = s3cr3t-spaced ", "key s3cr3t-spaced.", "key REDACTED."},
		{"quoted", `x-api-key="quoted-s3cr3t"`, `got "quoted-s3cr3t"`, `got "REDACTED"`},
		{"url-encoded", "authorization=Bearer%20t0ken-abc", "Bearer t0ken-abc and t0ken-abc", "REDACTED and REDACTED"},
		{"short value whole token", "x-scope-orgid=logs", "tenant logs refused", "tenant REDACTED refused"},
		{"short value inside a path", "x-scope-orgid=logs", "http://h:4318/v1/logs: 401", "http://h:4318/v1/logs: 401"},
		{"short value inside a word", "x-scope-orgid=logs", "catalogs blogs", "catalogs blogs"},
		{"short value after = and :", "x-k=abc", "k=abc, k: abc", "k=REDACTED, k: REDACTED"},
		{"user info of any URL", "", "dial http://bob:pw@host:1/x failed", "dial http://REDACTED@host:1/x failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(envHeaders, tt.headers)
			t.Setenv(envLogsHeaders, "")
			t.Setenv(envEndpoint, "")
			t.Setenv(envLogsEndpoint, "")
			if got := newRedactorFromEnv().redact(tt.text); got != tt.want {
				t.Errorf("redact(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// FuzzRedactWholeToken: a secret standing as a token between separators never survives
// redaction, whatever surrounds it.
func FuzzRedactWholeToken(f *testing.F) {
	f.Add("abc", "x=", ", y")
	f.Add("dXNlcjpTM0NSRVQ=", "Basic ", "")
	f.Add("logs", "/v1/", ": 401")
	f.Fuzz(func(t *testing.T, secret, before, after string) {
		secret = strings.TrimSpace(secret)
		if len(secret) < minSecret || strings.ContainsAny(secret, ",=: \"'") || !utf8.ValidString(secret) ||
			strings.ContainsFunc(secret, func(r rune) bool { return r < ' ' || r == 0x7f || unicode.IsSpace(r) }) {
			return
		}
		t.Setenv(envHeaders, "k="+secret)
		r := newRedactorFromEnv()
		text := before + " " + secret + " " + after
		if out := r.redact(text); strings.Contains(" "+out+" ", " "+secret+" ") {
			t.Errorf("redact(%q) = %q: the secret stands in it", text, out)
		}
	})
}

func TestValidValueEveryDepth(t *testing.T) {
	bad := "caf\xe9"
	tests := []struct {
		name string
		v    attribute.Value
	}{
		{"string", attribute.StringValue(bad)},
		{"string slice", attribute.StringSliceValue([]string{"ok", bad})},
		{"slice", attribute.SliceValue(attribute.IntValue(1), attribute.StringValue(bad))},
		{"map value", attribute.MapValue(attribute.String("k", bad))},
		{"map key", attribute.MapValue(attribute.String("k"+bad, "v"))},
		{"nested", attribute.SliceValue(attribute.MapValue(attribute.KeyValue{Key: "m",
			Value: attribute.SliceValue(attribute.StringSliceValue([]string{bad}))}))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := convertAny(tt.v, nil)
			if s := got.String(); !utf8.ValidString(s) || !strings.Contains(s, "caf\uFFFD") {
				t.Errorf("convertAny(%s) = %q, want valid UTF-8 with the bad byte replaced", tt.name, s)
			}
			if got.Type() != tt.v.Type() {
				t.Errorf("type %v, want %v", got.Type(), tt.v.Type())
			}
		})
	}
}

// captured is a processor that keeps a clone of every record the SDK hands it.
type captured struct{ recs []sdklog.Record }

func (c *captured) OnEmit(_ context.Context, r *sdklog.Record) error {
	c.recs = append(c.recs, r.Clone())
	return nil
}
func (*captured) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }
func (*captured) Shutdown(context.Context) error                         { return nil }
func (*captured) ForceFlush(context.Context) error                       { return nil }

// sdkRecord returns a record as the SDK makes it (with its attribute limits).
func sdkRecord() sdklog.Record {
	c := &captured{}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(c))
	lp.Logger("test").Emit(context.Background(), log.Record{})
	return c.recs[0]
}

func TestTruncateRecord(t *testing.T) {
	r := sdkRecord()
	r.SetBody(attribute.StringValue(strings.Repeat("b", 100000)))
	r.SetAttributes(attribute.String("small", "keep me"), attribute.String("big", strings.Repeat("é", 50000)),
		attribute.KeyValue{Key: "nested", Value: attribute.SliceValue(attribute.StringValue(strings.Repeat("n", 30000)))})
	before := recordSize(&r)
	if !truncateRecord(&r, 20000) {
		t.Fatal("not truncated")
	}
	if size := recordSize(&r); size > 20000 || size < 15000 {
		t.Errorf("size after %d, want at most 20000 and not much less", size)
	}
	var marker, small, big attribute.Value
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		switch kv.Key {
		case TruncatedKey:
			marker = kv.Value
		case "small":
			small = kv.Value
		case "big":
			big = kv.Value
		}
		return true
	})
	if marker.AsInt64() != int64(before) {
		t.Errorf("marker %v, want the size before, %d", marker.String(), before)
	}
	if small.AsString() != "keep me" {
		t.Errorf("a small value was cut: %q", small.AsString())
	}
	if !utf8.ValidString(big.AsString()) || !strings.HasPrefix(r.Body().AsString(), "bbb") {
		t.Error("cut values are not valid UTF-8 prefixes")
	}
}

// TestTruncateRecordCollections: a record over the budget through arrays or maps of many
// elements (which no cap on string lengths can bring within it) keeps their first elements,
// at every depth, and arrives within the budget, marked; its other values stay whole.
func TestTruncateRecordCollections(t *testing.T) {
	ints := make([]int64, 200000)
	vals := make([]attribute.Value, len(ints))
	strs := make([]string, len(ints))
	members := make([]attribute.KeyValue, 50000)
	for i := range ints {
		ints[i] = int64(i) * 1000003
		vals[i] = attribute.Int64Value(ints[i])
		strs[i] = "item-" + strconv.Itoa(i)
	}
	for i := range members {
		members[i] = attribute.Int64(fmt.Sprintf("k%06d", i), int64(i))
	}
	nested := make([]attribute.Value, 100)
	for i := range nested {
		nested[i] = attribute.SliceValue(vals[:5000]...)
	}
	const budget = 64 << 10
	cases := []struct {
		name  string
		value attribute.Value
	}{
		{"typed ints", attribute.Int64SliceValue(ints)},
		{"typed strings", attribute.StringSliceValue(strs)},
		{"values (what a []int converts to)", attribute.SliceValue(vals...)},
		{"map", attribute.MapValue(members...)},
		{"arrays in an array", attribute.SliceValue(nested...)},
		{"long strings besides", attribute.SliceValue(attribute.StringValue(strings.Repeat("s", 200000)), attribute.SliceValue(vals...))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := sdkRecord()
			r.SetBody(attribute.StringValue("a message"))
			r.SetAttributes(attribute.String("small", "keep me"), attribute.KeyValue{Key: "big", Value: c.value})
			before := recordSize(&r)
			if !truncateRecord(&r, budget) {
				t.Fatal("not truncated")
			}
			if size := recordSize(&r); size > budget || size < budget/4 {
				t.Errorf("size after %d, want at most %d and not much less", size, budget)
			}
			got := map[attribute.Key]attribute.Value{}
			r.WalkAttributes(func(kv attribute.KeyValue) bool {
				got[kv.Key] = kv.Value
				return true
			})
			if got["small"].AsString() != "keep me" || r.Body().AsString() != "a message" {
				t.Errorf("a small value was cut: %q, body %q", got["small"].AsString(), r.Body().AsString())
			}
			if got[TruncatedKey].AsInt64() != int64(before) {
				t.Errorf("marker %v, want the size before, %d", got[TruncatedKey].String(), before)
			}
			if !isPrefix(got["big"], c.value) {
				t.Errorf("the cut value is not a prefix of the original, element by element")
			}
		})
	}
}

// TestConvertRoom: arrays and maps take no more elements once the conversion budget is
// spent, at every depth, and keep the first of a slice's; without a budget they keep all.
func TestConvertRoom(t *testing.T) {
	ints := make([]int, 1_000_000)
	for i := range ints {
		ints[i] = i
	}
	strs := make([]string, 100_000)
	for i := range strs {
		strs[i] = "s" + strconv.Itoa(i)
	}
	m := make(map[string]int, 100_000)
	for i := range 100_000 {
		m["k"+strconv.Itoa(i)] = i
	}
	nested := [][]int{ints, ints, ints}
	const budget = 10_000
	tests := []struct {
		name     string
		v        any
		elements func(attribute.Value) int // how many leaves the value kept
	}{
		{"ints", ints, func(v attribute.Value) int { return len(v.AsSlice()) }},
		{"strings", strs, func(v attribute.Value) int { return len(v.AsSlice()) }},
		{"map", m, func(v attribute.Value) int { return len(v.AsMap()) }},
		{"arrays in an array", nested, func(v attribute.Value) int {
			n := 0
			for _, e := range v.AsSlice() {
				n += len(e.AsSlice())
			}
			return n
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			room := budget
			got := convertAny(tt.v, &room)
			if n := tt.elements(got); n == 0 || n > budget/2 {
				t.Errorf("kept %d elements within a budget of %d bytes, want some, at most %d", n, budget, budget/2)
			}
			if size := valueSize(got); size > 2*budget {
				t.Errorf("converted value's size %d, want about the budget, %d", size, budget)
			}
			if whole := convertAny(tt.v, nil); !isPrefix(got, whole) {
				t.Error("the value kept is not what the whole value starts with")
			}
		})
	}
	if whole := convertAny(ints, nil); len(whole.AsSlice()) != len(ints) {
		t.Errorf("without a budget kept %d of %d elements", len(whole.AsSlice()), len(ints))
	}
}

// TestStringMapValue: a map of strings (or of basic values) converts, with the converter's budget or without it,
// in either mode (a record encoded at the call or an SDK record), to the map value of its
// entries, keys in order: whole within no budget, as the reflection path converts it; cut
// to its first keys within one.
func TestStringMapValue(t *testing.T) {
	big := make(map[string]string, 100_000)
	for i := range 100_000 {
		big[fmt.Sprintf("k%06d", i)] = strconv.Itoa(i)
	}
	convert := func(encoding bool, room int, x any) []attribute.KeyValue {
		c := converter{encoding: encoding, room: room, bounded: room > 0}
		defer c.release()
		kvs := []attribute.KeyValue{{Key: "m", Value: c.anyValue(x)}}
		c.groups.materialize(kvs)
		return kvs[0].Value.AsMap()
	}
	for _, encoding := range []bool{false, true} {
		for _, x := range []any{map[string]string{"b": "2", "a": "1", "c": "\xff"}, stringLabels{"k": "v"}, big,
			map[string]any{"i": 1, "u": uint64(math.MaxUint64), "f": float32(1.5), "b": true, "nil": nil, "s": "x\xff", "i8": int8(-3)}} {
			got, want := convert(encoding, 0, x), convertTop(reflect.ValueOf(x), nil).AsMap()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("encoding %v, %T of %d: %d entries, want the reflection path's %d, the same", encoding, x, reflect.ValueOf(x).Len(), len(got), len(want))
			}
		}
		got := convert(encoding, 10_000, big)
		if len(got) == 0 || len(got) > 5_000 {
			t.Fatalf("encoding %v: kept %d entries within a budget of 10000 bytes", encoding, len(got))
		}
		for i, kv := range got {
			if want := fmt.Sprintf("k%06d", i); string(kv.Key) != want || kv.Value.AsString() != strconv.Itoa(i) {
				t.Fatalf("encoding %v: entry %d is %s=%s, want %s=%d (the first keys in order)", encoding, i, kv.Key, kv.Value.AsString(), want, i)
			}
		}
		colliding := convert(encoding, 0, map[string]string{"\xff": "a", "\xfe": "b"})
		if len(colliding) != 1 || colliding[0].Value.AsString() != "a" {
			t.Errorf("encoding %v: keys made equal by UTF-8 repair gave %v, want the later key's entry", encoding, colliding)
		}
	}
}

// TestConvertRoomPipelines: a handler on a Pipeline bounds its conversion by four times its
// processor's batch cap, on one with several exporters by the largest of theirs (each cuts
// to its own), and on a provider of another's not at all.
func TestConvertRoomPipelines(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
	for _, tt := range []struct {
		exporters string
		want      int
	}{
		{"otlp", 4 * HTTPMaxExportBatchBytes},
		{"console", 4 * DefaultMaxExportBatchBytes},
		{"console,otlp", 4 * HTTPMaxExportBatchBytes},
	} {
		t.Run(tt.exporters, func(t *testing.T) {
			t.Setenv("OTEL_LOGS_EXPORTER", tt.exporters)
			p, err := NewPipeline(context.Background(), WithConsoleExporterWriter(io.Discard))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Shutdown(context.Background())
			h := NewHandler(p.Provider(), nil).WithLogger("x", "y").(*Handler)
			if h.room != tt.want {
				t.Errorf("conversion budget %d, want %d", h.room, tt.want)
			}
		})
	}
	if h := NewHandler(sdklog.NewLoggerProvider(), nil); h.room != 0 {
		t.Errorf("conversion budget on the SDK's provider %d, want none (0)", h.room)
	}
}

// isPrefix reports whether cut is what truncation keeps of whole: for arrays, a prefix whose
// elements are prefixes of whole's; for maps, some of whole's members with their values so;
// for strings, a prefix; otherwise equal.
func isPrefix(cut, whole attribute.Value) bool {
	if cut.Type() != whole.Type() {
		return false
	}
	switch whole.Type() {
	case attribute.SLICE:
		c, w := cut.AsSlice(), whole.AsSlice()
		if len(c) > len(w) {
			return false
		}
		for i := range c {
			if !isPrefix(c[i], w[i]) {
				return false
			}
		}
		return true
	case attribute.MAP:
		w := map[attribute.Key]attribute.Value{}
		for _, kv := range whole.AsMap() {
			w[kv.Key] = kv.Value
		}
		for _, kv := range cut.AsMap() {
			if wv, found := w[kv.Key]; !found || !isPrefix(kv.Value, wv) {
				return false
			}
		}
		return len(cut.AsMap()) <= len(w)
	case attribute.STRING:
		return strings.HasPrefix(whole.AsString(), cut.AsString())
	case attribute.BOOLSLICE, attribute.INT64SLICE, attribute.FLOAT64SLICE, attribute.STRINGSLICE:
		c, w := reflect.ValueOf(cut.AsInterface()), reflect.ValueOf(whole.AsInterface())
		return c.Len() <= w.Len() && reflect.DeepEqual(c.Interface(), w.Slice(0, c.Len()).Interface())
	}
	return cut == whole
}

// TestTruncateRecordAtCountLimit: a record already at its attribute count limit keeps the
// marker when cut down (the SDK drops the last other attribute instead, and counts it), keeps
// the attributes it had dropped at emit in its count, and, cut down again, keeps the size it
// had before the first cut.
func TestTruncateRecordAtCountLimit(t *testing.T) {
	const limit = 4
	c := &captured{}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(c), sdklog.WithAttributeCountLimit(limit),
		sdklog.WithAllowKeyDuplication())
	var rec log.Record
	rec.SetBody(attribute.StringValue(strings.Repeat("b", 100000)))
	for i := range limit + 2 {
		rec.AddAttributes(attribute.String("a"+strconv.Itoa(i), strings.Repeat("v", 20000)))
	}
	lp.Logger("test").Emit(context.Background(), rec)
	r := c.recs[0]
	if r.AttributesLen() != limit || r.DroppedAttributes() != 2 {
		t.Fatalf("emitted record has %d attributes, %d dropped; want %d, 2", r.AttributesLen(), r.DroppedAttributes(), limit)
	}
	marker := func(r *sdklog.Record) (v int64, found bool) {
		r.WalkAttributes(func(kv attribute.KeyValue) bool {
			if kv.Key == TruncatedKey {
				v, found = kv.Value.AsInt64(), true
			}
			return !found
		})
		return v, found
	}
	before := recordSize(&r)
	for i, budget := range []int{40000, 10000} {
		if !truncateRecord(&r, budget) {
			t.Fatalf("cut %d: not truncated", i+1)
		}
		if v, found := marker(&r); !found || v != int64(before) {
			t.Errorf("cut %d: marker %d (found %v), want the size before the first cut, %d", i+1, v, found, before)
		}
		if r.AttributesLen() != limit || r.DroppedAttributes() != 3 {
			t.Errorf("cut %d: %d attributes, %d dropped; want %d, 3 (the 2 dropped at emit and the one the marker pushed out)",
				i+1, r.AttributesLen(), r.DroppedAttributes(), limit)
		}
		if size := recordSize(&r); size > budget {
			t.Errorf("cut %d: size %d over the budget %d", i+1, size, budget)
		}
	}
}

// blockingExporter holds every Export until release is closed.
type blockingExporter struct{ release chan struct{} }

func (e *blockingExporter) Export(ctx context.Context, _ []sdklog.Record) error {
	select {
	case <-e.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}
func (*blockingExporter) Shutdown(context.Context) error   { return nil }
func (*blockingExporter) ForceFlush(context.Context) error { return nil }

// TestFreeBuffersReleasedAfterBurst: after a burst that filled a large queue drains, at most
// freeReserveBytes of batch buffers stay held.
func TestFreeBuffersReleasedAfterBurst(t *testing.T) {
	exp := &blockingExporter{release: make(chan struct{})}
	p := NewProcessor(exp, WithMaxQueueSize(100000), WithMaxExportBatchSize(100), WithMaxBlock(0),
		WithScheduleDelay(time.Hour), WithExportConcurrency(4))
	defer func() { _ = p.Shutdown(context.Background()) }()
	var rec sdklog.Record
	rec.SetBody(attribute.StringValue("burst"))
	for range 100000 {
		_ = p.OnEmit(context.Background(), &rec)
	}
	close(exp.release)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := p.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	held := 0
	for _, b := range p.free {
		held += cap(b) * int(unsafe.Sizeof(sdklog.Record{}))
	}
	p.mu.Unlock()
	if held > freeReserveBytes {
		t.Errorf("%d bytes of free buffers held after the burst, want at most %d", held, freeReserveBytes)
	}
}

func TestLargeQueueWarned(t *testing.T) {
	t.Setenv(envMaxQueueSize, "1000000")
	c := newProcessorConfig(nil)
	if !hasDiag(c.diags, envMaxQueueSize, "MiB") {
		t.Errorf("no warning naming %s and the estimate: %v", envMaxQueueSize, c.diags)
	}
	c = newProcessorConfig([]ProcessorOption{WithMaxQueueSize(1000000)})
	if !hasDiag(c.diags, "WithMaxQueueSize", "MiB") {
		t.Errorf("no warning naming WithMaxQueueSize: %v", c.diags)
	}
	t.Setenv(envMaxQueueSize, "")
	if c := newProcessorConfig(nil); len(c.diags) != 0 {
		t.Errorf("the default queue is warned about: %v", c.diags)
	}
}

func hasDiag(ds []vocab.Diagnostic, source, text string) bool {
	for _, d := range ds {
		if d.Source == source && strings.Contains(d.Problem, text) {
			return true
		}
	}
	return false
}

// TestRecordBytesMeasured measures the heap a queued record holds (the exporter is blocked, so
// records stay queued) and checks recordBytes, which the large-queue warning uses, against it.
func TestRecordBytesMeasured(t *testing.T) {
	const n = 200000
	exp := &blockingExporter{release: make(chan struct{})}
	defer close(exp.release)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p := NewProcessor(exp, WithMaxQueueSize(n), WithMaxBlock(0), WithScheduleDelay(time.Hour))
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range n {
			var rec sdklog.Record
			rec.SetTimestamp(time.Now())
			rec.SetBody(attribute.StringValue("request served"))
			rec.AddAttributes(attribute.String("log.level", "INFO"), attribute.Int("i", i),
				attribute.String("path", "/api/items"), attribute.Int("status", 200),
				attribute.String("method", "GET"), attribute.Float64("ms", 1.5))
			_ = p.OnEmit(context.Background(), &rec)
		}
	})
	wg.Wait()
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / n
	runtime.KeepAlive(p)
	t.Logf("%.0f bytes per queued record (recordBytes = %d)", per, recordBytes)
	if per < recordBytes/2 || per > recordBytes*2 {
		t.Errorf("measured %.0f bytes per record, recordBytes says %d: update it", per, recordBytes)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_ = p.Shutdown(ctx)
}

// TestForceFlushReturnsAfterEachExport: ForceFlush without a deadline returns once the batch
// it waits for is delivered, however the export's settling and release interleave with it.
func TestForceFlushReturnsAfterEachExport(t *testing.T) {
	p := NewProcessor(testkit.NopExporter{}, WithScheduleDelay(time.Hour), WithExportConcurrency(4), WithMaxExportBatchSize(1))
	defer func() { _ = p.Shutdown(context.Background()) }()
	var rec sdklog.Record
	rec.SetBody(attribute.StringValue("x"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 2000 {
			for range 8 {
				_ = p.OnEmit(context.Background(), &rec)
			}
			_ = p.ForceFlush(context.Background())
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("ForceFlush hangs (hang guard)")
	}
}

// TestRedirectMessage: where a redirect points is named without what may be a credential in
// it (user info, query, fragment), resolved against the request's URL.
func TestRedirectMessage(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "http://collector:4318/v1/logs", nil)
	for _, tc := range []struct {
		location, want string
		hidden         []string
	}{
		{"https://collector:4318/v1/logs", "redirects to https://collector:4318/v1/logs (not followed", nil},
		{"https://bob:hunter2@gw.example/otlp/v1/logs?token=s3cr3t#frag", "redirects to https://gw.example/otlp/v1/logs (", []string{"bob", "hunter2", "s3cr3t", "frag"}},
		{"/otlp/v1/logs", "redirects to http://collector:4318/otlp/v1/logs (", nil},
		{"https://gw.example/\x1b[31mred", "", nil}, // not a URL: the answer's own text is the message
		{"", "", nil},
	} {
		resp := &http.Response{StatusCode: http.StatusFound, Header: http.Header{}, Request: req}
		if tc.location != "" {
			resp.Header.Set("Location", tc.location)
		}
		got := redirectMessage(resp)
		if !strings.HasPrefix(got, tc.want) || tc.want == "" && got != "" {
			t.Errorf("Location %q: %q, want it to start with %q", tc.location, got, tc.want)
		}
		for _, h := range tc.hidden {
			if strings.Contains(got, h) {
				t.Errorf("Location %q: %q shows %q", tc.location, got, h)
			}
		}
	}
}
