package collectortest

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// LogRecord is one log record the collector received, flattened out of its
// resource and scope. Attribute values are string, int64, float64, bool,
// []byte, []any or map[string]any, as the OTLP value kinds go.
type LogRecord struct {
	// Resource holds the resource attributes (service.name, ...). Records of
	// one export request share the map: do not modify it.
	Resource map[string]any
	// Scope is the instrumentation scope name: for logbridge, the logger's name.
	Scope string
	// ScopeVersion is the instrumentation scope version.
	ScopeVersion string
	// Time is the record's timestamp (zero when unset).
	Time time.Time
	// ObservedTime is when the SDK observed the record (zero when unset).
	ObservedTime time.Time
	// SeverityNumber is the OTLP severity number (9 = INFO, 17 = ERROR, ...).
	SeverityNumber int
	// SeverityText is the severity text as sent.
	SeverityText string
	// Body is the body as a string; a body that is not a string is rendered
	// as JSON of its value.
	Body string
	// EventName is the record's event name, if any.
	EventName string
	// Attributes holds the record's attributes.
	Attributes map[string]any
	// TraceID is the trace id in lowercase hex ("" when none).
	TraceID string
	// SpanID is the span id in lowercase hex ("" when none).
	SpanID string
	// Flags holds the W3C trace flags.
	Flags uint32
}

// Span is one span the collector received, flattened out of its resource and
// scope.
type Span struct {
	// Resource holds the resource attributes; shared, do not modify.
	Resource map[string]any
	// Scope is the instrumentation scope (tracer) name.
	Scope string
	// TraceID is the trace id in lowercase hex.
	TraceID string
	// SpanID is the span id in lowercase hex.
	SpanID string
	// ParentSpanID is the parent's span id in lowercase hex ("" for a root).
	ParentSpanID string
	// Name is the span name.
	Name string
	// Kind is the OTLP span kind (1 internal, 2 server, 3 client, ...).
	Kind int
	// Start and End are the span's start and end times.
	Start, End time.Time
	// Attributes holds the span's attributes.
	Attributes map[string]any
	// StatusCode is the OTLP status code (0 unset, 1 ok, 2 error).
	StatusCode int
	// StatusMessage is the status description.
	StatusMessage string
}

// The collector's file exporter writes OTLP JSON (the protobuf JSON mapping:
// lowerCamelCase names, 64-bit integers as strings, ids as hex), one export
// request per line. The parser below reads exactly that into the flat types
// above. It is hand-written rather than encoding/json because the tests read
// hundreds of thousands of records under -race, where encoding/json's
// reflection runs about ten times slower; its results are checked against an
// encoding/json reference in the tests, and it is fuzzed.

// parseLogsLine flattens one line of the logs file.
func parseLogsLine(line []byte) ([]LogRecord, error) {
	p := &parser{b: line}
	var out []LogRecord
	p.object(func(k []byte) {
		if string(k) != "resourceLogs" {
			p.skip()
			return
		}
		p.array(func() {
			var res map[string]any
			start := len(out)
			p.object(func(k []byte) {
				switch string(k) {
				case "resource":
					res = p.resource()
				case "scopeLogs":
					p.array(func() {
						var name, version string
						first := len(out)
						p.object(func(k []byte) {
							switch string(k) {
							case "scope":
								name, version = p.scope()
							case "logRecords":
								p.array(func() { out = append(out, p.logRecord()) })
							default:
								p.skip()
							}
						})
						for i := first; i < len(out); i++ {
							out[i].Scope, out[i].ScopeVersion = name, version
						}
					})
				default:
					p.skip()
				}
			})
			if res == nil {
				res = map[string]any{}
			}
			for i := start; i < len(out); i++ {
				out[i].Resource = res
			}
		})
	})
	if err := p.end(); err != nil {
		return nil, err
	}
	return out, nil
}

func (p *parser) logRecord() LogRecord {
	var r LogRecord
	p.object(func(k []byte) {
		switch string(k) {
		case "timeUnixNano":
			r.Time = nanoTime(p.integer())
		case "observedTimeUnixNano":
			r.ObservedTime = nanoTime(p.integer())
		case "severityNumber":
			r.SeverityNumber = int(p.integer())
		case "severityText":
			r.SeverityText = p.str()
		case "body":
			r.Body = bodyString(p.anyValue())
		case "eventName":
			r.EventName = p.str()
		case "attributes":
			r.Attributes = p.kvList()
		case "traceId":
			r.TraceID = p.str()
		case "spanId":
			r.SpanID = p.str()
		case "flags":
			r.Flags = uint32(p.integer())
		default:
			p.skip()
		}
	})
	if r.Attributes == nil {
		r.Attributes = map[string]any{}
	}
	return r
}

// parseTracesLine flattens one line of the traces file.
func parseTracesLine(line []byte) ([]Span, error) {
	p := &parser{b: line}
	var out []Span
	p.object(func(k []byte) {
		if string(k) != "resourceSpans" {
			p.skip()
			return
		}
		p.array(func() {
			var res map[string]any
			start := len(out)
			p.object(func(k []byte) {
				switch string(k) {
				case "resource":
					res = p.resource()
				case "scopeSpans":
					p.array(func() {
						var name string
						first := len(out)
						p.object(func(k []byte) {
							switch string(k) {
							case "scope":
								name, _ = p.scope()
							case "spans":
								p.array(func() { out = append(out, p.span()) })
							default:
								p.skip()
							}
						})
						for i := first; i < len(out); i++ {
							out[i].Scope = name
						}
					})
				default:
					p.skip()
				}
			})
			if res == nil {
				res = map[string]any{}
			}
			for i := start; i < len(out); i++ {
				out[i].Resource = res
			}
		})
	})
	if err := p.end(); err != nil {
		return nil, err
	}
	return out, nil
}

func (p *parser) span() Span {
	var s Span
	p.object(func(k []byte) {
		switch string(k) {
		case "traceId":
			s.TraceID = p.str()
		case "spanId":
			s.SpanID = p.str()
		case "parentSpanId":
			s.ParentSpanID = p.str()
		case "name":
			s.Name = p.str()
		case "kind":
			s.Kind = int(p.integer())
		case "startTimeUnixNano":
			s.Start = nanoTime(p.integer())
		case "endTimeUnixNano":
			s.End = nanoTime(p.integer())
		case "attributes":
			s.Attributes = p.kvList()
		case "status":
			p.object(func(k []byte) {
				switch string(k) {
				case "code":
					s.StatusCode = int(p.integer())
				case "message":
					s.StatusMessage = p.str()
				default:
					p.skip()
				}
			})
		default:
			p.skip()
		}
	})
	if s.Attributes == nil {
		s.Attributes = map[string]any{}
	}
	return s
}

// resource reads a Resource object into its attribute map.
func (p *parser) resource() map[string]any {
	var m map[string]any
	p.object(func(k []byte) {
		if string(k) == "attributes" {
			m = p.kvList()
		} else {
			p.skip()
		}
	})
	if m == nil {
		m = map[string]any{}
	}
	return m
}

// scope reads an InstrumentationScope's name and version.
func (p *parser) scope() (name, version string) {
	p.object(func(k []byte) {
		switch string(k) {
		case "name":
			name = p.str()
		case "version":
			version = p.str()
		default:
			p.skip()
		}
	})
	return name, version
}

// kvList reads an array of KeyValue into a map (a later key wins).
func (p *parser) kvList() map[string]any {
	m := map[string]any{}
	p.array(func() {
		var key string
		var val any
		p.object(func(k []byte) {
			switch string(k) {
			case "key":
				key = p.str()
			case "value":
				val = p.anyValue()
			default:
				p.skip()
			}
		})
		m[key] = val
	})
	return m
}

// anyValue reads an AnyValue as a plain Go value: string, int64, float64,
// bool, []byte, []any, map[string]any, or nil when empty. When several kinds
// are set, the last one wins.
func (p *parser) anyValue() any {
	var v any
	p.object(func(k []byte) {
		switch string(k) {
		case "stringValue":
			v = p.str()
		case "boolValue":
			v = p.boolean()
		case "intValue":
			v = p.integer()
		case "doubleValue":
			v = p.double()
		case "bytesValue":
			s := p.str()
			if b, err := base64.StdEncoding.DecodeString(s); err == nil {
				v = b
			} else {
				v = s
			}
		case "arrayValue":
			vals := []any{}
			p.object(func(k []byte) {
				if string(k) == "values" {
					vals = vals[:0]
					p.array(func() { vals = append(vals, p.anyValue()) })
				} else {
					p.skip()
				}
			})
			v = vals
		case "kvlistValue":
			m := map[string]any{}
			p.object(func(k []byte) {
				if string(k) == "values" {
					m = p.kvList()
				} else {
					p.skip()
				}
			})
			v = m
		default:
			p.skip()
		}
	})
	return v
}

func nanoTime(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// bodyString renders a body value: a string as itself, others as JSON.
func bodyString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// parser reads JSON from b. After the first error every method returns
// zero values without reading further; end reports that error.
type parser struct {
	b   []byte
	i   int
	err error
}

func (p *parser) fail(what string) {
	if p.err == nil {
		p.err = fmt.Errorf("offset %d: %s", p.i, what)
	}
	p.i = len(p.b)
}

// The scanning loops below work on locals rather than on p's fields: under
// -race every access to p is instrumented.

func (p *parser) ws() { p.peek() }

// peek skips space and returns the next byte, or 0 at the end.
func (p *parser) peek() byte {
	b, i := p.b, p.i
	for i < len(b) {
		switch c := b[i]; c {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			p.i = i
			return c
		}
	}
	p.i = i
	return 0
}

// end checks that nothing but space follows the value.
func (p *parser) end() error {
	// peek returns 0 at the end and for a NUL byte alike: the position tells them apart.
	if p.peek(); p.err == nil && p.i < len(p.b) {
		p.fail("data after the value")
	}
	return p.err
}

// object reads an object, calling member for each key with the parser at the
// member's value, which member must consume. A null counts as an empty object.
func (p *parser) object(member func(key []byte)) {
	switch p.peek() {
	case '{':
		p.i++
	case 'n':
		p.literal("null")
		return
	default:
		p.fail("want an object")
		return
	}
	if p.peek() == '}' {
		p.i++
		return
	}
	for p.err == nil {
		if p.peek() != '"' {
			p.fail("want a key")
			return
		}
		key := p.rawStr()
		if p.peek() != ':' {
			p.fail("want ':'")
			return
		}
		p.i++
		member(key)
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return
		default:
			p.fail("want ',' or '}'")
		}
	}
}

// array reads an array, calling elem with the parser at each element, which
// elem must consume. A null counts as an empty array.
func (p *parser) array(elem func()) {
	switch p.peek() {
	case '[':
		p.i++
	case 'n':
		p.literal("null")
		return
	default:
		p.fail("want an array")
		return
	}
	if p.peek() == ']' {
		p.i++
		return
	}
	for p.err == nil {
		elem()
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return
		default:
			p.fail("want ',' or ']'")
		}
	}
}

func (p *parser) literal(lit string) {
	p.ws()
	if len(p.b)-p.i < len(lit) || string(p.b[p.i:p.i+len(lit)]) != lit {
		p.fail("want " + lit)
		return
	}
	p.i += len(lit)
}

// skip reads and discards any value.
func (p *parser) skip() {
	switch c := p.peek(); {
	case c == '{':
		p.object(func([]byte) { p.skip() })
	case c == '[':
		p.array(p.skip)
	case c == '"':
		p.rawStr()
	case c == 't':
		p.literal("true")
	case c == 'f':
		p.literal("false")
	case c == 'n':
		p.literal("null")
	default:
		p.number()
	}
}

// number reads a JSON number and returns its text.
func (p *parser) number() []byte {
	p.ws()
	start := p.i
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case p.i < len(p.b) && p.b[p.i] >= '1' && p.b[p.i] <= '9':
		p.digits()
	default:
		p.fail("want a value")
		return nil
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if p.digits() == 0 {
			p.fail("want digits after '.'")
			return nil
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			p.fail("want digits in the exponent")
			return nil
		}
	}
	return p.b[start:p.i]
}

func (p *parser) digits() int {
	b, i := p.b, p.i
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	n := i - p.i
	p.i = i
	return n
}

// rawStr reads a string and returns its contents, unescaped. The result may
// alias the input when the string holds no escape.
func (p *parser) rawStr() []byte {
	if p.peek() != '"' {
		p.fail("want a string")
		return nil
	}
	b := p.b
	start := p.i + 1
	ascii := true
	for i := start; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			s := b[start:i]
			p.i = i + 1
			if !ascii && !utf8.Valid(s) {
				return []byte(strings.ToValidUTF8(string(s), "\uFFFD"))
			}
			return s
		case c == '\\':
			p.i = i
			return p.escapedStr(start)
		case c < 0x20:
			p.i = i
			p.fail("control character in a string")
			return nil
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	p.fail("unterminated string")
	return nil
}

// escapedStr finishes reading a string that holds an escape, from start (just
// after the opening quote), with p.i at the first backslash.
func (p *parser) escapedStr(start int) []byte {
	out := append([]byte(nil), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.Valid(out) {
				out = []byte(strings.ToValidUTF8(string(out), "\uFFFD"))
			}
			return out
		case c < 0x20:
			p.fail("control character in a string")
			return nil
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		p.i++ // the backslash
		if p.i >= len(p.b) {
			break
		}
		e := p.b[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				p.fail("bad \\u escape")
				return nil
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					if r2, ok = p.hex4(); !ok {
						p.fail("bad \\u escape")
						return nil
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
					} else {
						p.i = save // not a pair: the second escape stands alone
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			p.fail("bad escape")
			return nil
		}
	}
	p.fail("unterminated string")
	return nil
}

func (p *parser) hex4() (rune, bool) {
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	p.i += 4
	return r, true
}

// str reads a string value (null reads as "").
func (p *parser) str() string {
	if p.peek() == 'n' {
		p.literal("null")
		return ""
	}
	return string(p.rawStr())
}

func (p *parser) boolean() bool {
	switch p.peek() {
	case 't':
		p.literal("true")
		return true
	case 'f':
		p.literal("false")
	case 'n':
		p.literal("null")
	default:
		p.fail("want a bool")
	}
	return false
}

// integer reads an integer written as a number or as a string (the protobuf
// JSON mapping writes 64-bit integers as strings); an enum written by name, a
// null or an empty string read as 0. Unsigned values above MaxInt64 wrap, as
// they do in OTLP's fixed64 times.
func (p *parser) integer() int64 {
	var text []byte
	switch p.peek() {
	case '"':
		text = p.rawStr()
	case 'n':
		p.literal("null")
		return 0
	default:
		text = p.number()
	}
	if p.err != nil || len(text) == 0 {
		return 0
	}
	if n, err := strconv.ParseInt(string(text), 10, 64); err == nil {
		return n
	}
	if n, err := strconv.ParseUint(string(text), 10, 64); err == nil {
		return int64(n)
	}
	if c := text[0]; c < '0' || c > '9' {
		return 0 // an enum by name
	}
	p.fail(fmt.Sprintf("integer %q", text))
	return 0
}

// double reads a number, or a string holding one ("NaN", "Infinity" and
// "-Infinity" are how the protobuf JSON mapping writes those).
func (p *parser) double() float64 {
	var text []byte
	switch p.peek() {
	case '"':
		text = p.rawStr()
	case 'n':
		p.literal("null")
		return 0
	default:
		text = p.number()
	}
	if p.err != nil {
		return 0
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		p.fail(fmt.Sprintf("number %q", text))
		return 0
	}
	return f
}
