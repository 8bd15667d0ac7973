package collectortest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const logsLine = `{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},` +
	`"scopeLogs":[{"scope":{"name":"app","version":"1.0"},"logRecords":[` +
	`{"timeUnixNano":"1700000000000000123","observedTimeUnixNano":"1700000001000000000","severityNumber":9,"severityText":"INFO",` +
	`"body":{"stringValue":"hello"},"flags":1,"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",` +
	`"attributes":[{"key":"s","value":{"stringValue":"x"}},{"key":"i","value":{"intValue":"-42"}},` +
	`{"key":"d","value":{"doubleValue":2.5}},{"key":"b","value":{"boolValue":false}},{"key":"y","value":{"bytesValue":"AAEC"}},` +
	`{"key":"a","value":{"arrayValue":{"values":[{"intValue":"1"},{"stringValue":"two"}]}}},` +
	`{"key":"m","value":{"kvlistValue":{"values":[{"key":"k","value":{"stringValue":"v"}}]}}},{"key":"e","value":{}}]},` +
	`{"body":{"kvlistValue":{"values":[{"key":"msg","value":{"stringValue":"structured"}}]}}}]}]}]}`

func TestParseLogsLine(t *testing.T) {
	recs, err := parseLogsLine([]byte(logsLine))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	want := LogRecord{
		Resource:       map[string]any{"service.name": "svc"},
		Scope:          "app",
		ScopeVersion:   "1.0",
		Time:           time.Unix(0, 1700000000000000123),
		ObservedTime:   time.Unix(1700000001, 0),
		SeverityNumber: 9,
		SeverityText:   "INFO",
		Body:           "hello",
		Attributes: map[string]any{
			"s": "x", "i": int64(-42), "d": 2.5, "b": false, "y": []byte{0, 1, 2},
			"a": []any{int64(1), "two"}, "m": map[string]any{"k": "v"}, "e": nil,
		},
		TraceID: "0102030405060708090a0b0c0d0e0f10",
		SpanID:  "0102030405060708",
		Flags:   1,
	}
	if !reflect.DeepEqual(recs[0], want) {
		t.Errorf("record 0:\n got %#v\nwant %#v", recs[0], want)
	}
	if recs[1].Body != `{"msg":"structured"}` || !recs[1].Time.IsZero() || recs[1].TraceID != "" {
		t.Errorf("record 1 = %#v", recs[1])
	}
}

func TestParseTracesLine(t *testing.T) {
	line := `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},` +
		`"scopeSpans":[{"scope":{"name":"tr"},"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718",` +
		`"parentSpanId":"0102030405060708","name":"GET /","kind":2,"startTimeUnixNano":"1000","endTimeUnixNano":"2000",` +
		`"attributes":[{"key":"http.status_code","value":{"intValue":"500"}}],"status":{"code":2,"message":"boom"}}]}]}]}`
	spans, err := parseTracesLine([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	want := Span{
		Resource: map[string]any{"service.name": "svc"}, Scope: "tr",
		TraceID: "0102030405060708090a0b0c0d0e0f10", SpanID: "1112131415161718", ParentSpanID: "0102030405060708",
		Name: "GET /", Kind: 2, Start: time.Unix(0, 1000), End: time.Unix(0, 2000),
		Attributes: map[string]any{"http.status_code": int64(500)}, StatusCode: 2, StatusMessage: "boom",
	}
	if len(spans) != 1 || !reflect.DeepEqual(spans[0], want) {
		t.Errorf("spans = %#v", spans)
	}
	ref, err := refParseTracesLine([]byte(line))
	if err != nil || !reflect.DeepEqual(spans, ref) {
		t.Errorf("reference parser: %#v, %v", ref, err)
	}
}

// errorRecorder is a testing.TB that records Errorf calls instead of failing.
type errorRecorder struct {
	testing.TB
	errs []string
}

func (e *errorRecorder) Errorf(format string, args ...any) {
	e.errs = append(e.errs, fmt.Sprintf(format, args...))
}

// TestTailPartialLines reads a file while it is written: a partly written
// last line waits for its end, and a malformed complete line is reported and
// skipped without losing the lines around it.
func TestTailPartialLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.jsonl")
	tl := &tail{path: path}
	rec := &errorRecorder{TB: t}
	var got []LogRecord
	read := func() {
		tl.read(rec, func(line []byte) error {
			recs, err := parseLogsLine(line)
			got = append(got, recs...)
			return err
		})
	}
	read() // no file yet: nothing, no error
	appendTo := func(s string) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(s); err != nil {
			t.Fatal(err)
		}
	}
	half := len(logsLine) / 2
	appendTo(logsLine + "\n" + logsLine[:half])
	read()
	if len(got) != 2 {
		t.Fatalf("after one line and a half: %d records, want 2", len(got))
	}
	appendTo(logsLine[half:] + "\n{not json\n\n" + logsLine + "\n")
	read()
	if len(got) != 6 {
		t.Errorf("after the rest: %d records, want 6", len(got))
	}
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "malformed line") {
		t.Errorf("errors = %q, want one about the malformed line", rec.errs)
	}
	read()
	if len(got) != 6 {
		t.Errorf("a read with nothing new added records: %d", len(got))
	}
}

// realisticLogsLine is shaped like the lines the SDK's exports produce: a
// resource with the SDK attributes and n records of six attributes each.
func realisticLogsLine(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}},` +
		`{"key":"telemetry.sdk.language","value":{"stringValue":"go"}}]},"scopeLogs":[{"scope":{"name":"load"},"logRecords":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"timeUnixNano":"1700000000000000123","observedTimeUnixNano":"1700000001000000000","severityNumber":9,`+
			`"severityText":"INFO","body":{"stringValue":"message \"%d\" \u00e9\n"},"attributes":[{"key":"i","value":{"intValue":"%d"}},`+
			`{"key":"log.category","value":{"stringValue":"core"}},{"key":"log.level","value":{"stringValue":"info"}},`+
			`{"key":"a","value":{"stringValue":"b"}},{"key":"x","value":{"boolValue":true}},{"key":"f","value":{"doubleValue":1.5e-3}}],`+
			`"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","flags":1}`, i, i)
	}
	b.WriteString(`]}]}]}`)
	return []byte(b.String())
}

var seedLogsLines = []string{
	logsLine,
	`{"resourceLogs":[]}`,
	`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{}]}]}]}`,
	`{"resourceLogs":[{"resource":{},"scopeLogs":[{"scope":{},"logRecords":[{"body":{"stringValue":"tab\tnewline\nquote\"uni\u00e9\ud83d\ude00"}}]}]}]}`,
	`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"arrayValue":{"values":[{"doubleValue":1},{"boolValue":true},{}]}},"severityNumber":"17"}]}]}]}`,
	`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"big","value":{"intValue":"9223372036854775807"}},{"key":"neg","value":{"intValue":-3}}]}]}]}],"extra":[1,2.5e3,null,true,{"x":"y"}]}`,
	`  {"resourceLogs":null}  `,
}

// TestParserMatchesReference checks the hand-written parser against the
// encoding/json reference on well-formed lines.
func TestParserMatchesReference(t *testing.T) {
	lines := append([]string{string(realisticLogsLine(50))}, seedLogsLines...)
	for i, line := range lines {
		got, err := parseLogsLine([]byte(line))
		if err != nil {
			t.Errorf("line %d: %v", i, err)
			continue
		}
		want, err := refParseLogsLine([]byte(line))
		if err != nil {
			t.Fatalf("line %d: reference: %v", i, err)
		}
		if len(got) != len(want) {
			t.Errorf("line %d: %d records, reference %d", i, len(got), len(want))
			continue
		}
		for j := range got {
			if !reflect.DeepEqual(got[j], want[j]) {
				t.Errorf("line %d record %d:\n got %#v\nwant %#v", i, j, got[j], want[j])
			}
		}
	}
}

func TestParseRejectsBrokenLines(t *testing.T) {
	for _, line := range []string{
		``, `{`, `{"resourceLogs":[`, `{"resourceLogs":[]}x`, `{"resourceLogs":{}}`, `{"a":tru}`,
		`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"cut`,
		`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"12x"}]}]}]}`,
		`{"a":"\x"}`, `{"a":"\u12"}`, "{\"a\":\"\x01\"}", `{"a":01}`, `{"a":-}`, `{"a":1.}`, `{"a":1e}`,
	} {
		if recs, err := parseLogsLine([]byte(line)); err == nil {
			t.Errorf("parseLogsLine(%q) = %d records, no error", line, len(recs))
		}
		if _, err := parseTracesLine([]byte(line)); err == nil && !json.Valid([]byte(line)) {
			t.Errorf("parseTracesLine(%q): no error", line)
		}
	}
}

// FuzzParseLine feeds arbitrary lines to both parsers: they must not panic,
// and must not accept what is not JSON.
func FuzzParseLine(f *testing.F) {
	f.Add(realisticLogsLine(2))
	for _, s := range seedLogsLines {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x","status":{"code":2}}]}]}]}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		_, err1 := parseLogsLine(line)
		_, err2 := parseTracesLine(line)
		if (err1 == nil || err2 == nil) && !json.Valid(line) {
			t.Fatalf("accepted invalid JSON %q", line)
		}
	})
}

func BenchmarkParseLogsLine(b *testing.B) {
	line := realisticLogsLine(512)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseLogsLine(line); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseLogsLineReference(b *testing.B) {
	line := realisticLogsLine(512)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := refParseLogsLine(line); err != nil {
			b.Fatal(err)
		}
	}
}
