package collectortest

// A reference reader of the collector's OTLP JSON built on encoding/json, to
// check the hand-written parser against.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// OTLP JSON as the collector's file exporter writes it (the protobuf JSON
// mapping: lowerCamelCase names, 64-bit integers as strings, ids as hex).

type otlpLogsLine struct {
	ResourceLogs []struct {
		Resource  otlpResource `json:"resource"`
		ScopeLogs []struct {
			Scope      otlpScope `json:"scope"`
			LogRecords []struct {
				TimeUnixNano         flexInt  `json:"timeUnixNano"`
				ObservedTimeUnixNano flexInt  `json:"observedTimeUnixNano"`
				SeverityNumber       flexInt  `json:"severityNumber"`
				SeverityText         string   `json:"severityText"`
				Body                 otlpAny  `json:"body"`
				Attributes           []otlpKV `json:"attributes"`
				Flags                flexInt  `json:"flags"`
				TraceID              string   `json:"traceId"`
				SpanID               string   `json:"spanId"`
				EventName            string   `json:"eventName"`
			} `json:"logRecords"`
		} `json:"scopeLogs"`
	} `json:"resourceLogs"`
}

type otlpTracesLine struct {
	ResourceSpans []struct {
		Resource   otlpResource `json:"resource"`
		ScopeSpans []struct {
			Scope otlpScope `json:"scope"`
			Spans []struct {
				TraceID           string   `json:"traceId"`
				SpanID            string   `json:"spanId"`
				ParentSpanID      string   `json:"parentSpanId"`
				Name              string   `json:"name"`
				Kind              flexInt  `json:"kind"`
				StartTimeUnixNano flexInt  `json:"startTimeUnixNano"`
				EndTimeUnixNano   flexInt  `json:"endTimeUnixNano"`
				Attributes        []otlpKV `json:"attributes"`
				Status            struct {
					Code    flexInt `json:"code"`
					Message string  `json:"message"`
				} `json:"status"`
			} `json:"spans"`
		} `json:"scopeSpans"`
	} `json:"resourceSpans"`
}

type otlpResource struct {
	Attributes []otlpKV `json:"attributes"`
}

type otlpScope struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type otlpKV struct {
	Key   string  `json:"key"`
	Value otlpAny `json:"value"`
}

// otlpAny is an AnyValue; exactly one field is set (none for an empty value).
type otlpAny struct {
	StringValue *string  `json:"stringValue"`
	BoolValue   *bool    `json:"boolValue"`
	IntValue    *flexInt `json:"intValue"`
	DoubleValue *float64 `json:"doubleValue"`
	BytesValue  *string  `json:"bytesValue"`
	ArrayValue  *struct {
		Values []otlpAny `json:"values"`
	} `json:"arrayValue"`
	KvlistValue *struct {
		Values []otlpKV `json:"values"`
	} `json:"kvlistValue"`
}

// flexInt reads an integer written either as a JSON number or as a string
// (the protobuf JSON mapping writes 64-bit integers as strings).
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		*f = 0
		return nil
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*f = flexInt(n)
		return nil
	}
	n, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		// An enum written by name (not what the collector writes): ignore it.
		if b[0] < '0' || b[0] > '9' {
			*f = 0
			return nil
		}
		return fmt.Errorf("integer %q: %v", b, err)
	}
	*f = flexInt(n)
	return nil
}

func (f flexInt) time() time.Time {
	if f == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(f))
}

// value converts an AnyValue into plain Go values.
func (v otlpAny) value() any {
	switch {
	case v.StringValue != nil:
		return *v.StringValue
	case v.BoolValue != nil:
		return *v.BoolValue
	case v.IntValue != nil:
		return int64(*v.IntValue)
	case v.DoubleValue != nil:
		return *v.DoubleValue
	case v.BytesValue != nil:
		b, err := base64.StdEncoding.DecodeString(*v.BytesValue)
		if err != nil {
			return *v.BytesValue
		}
		return b
	case v.ArrayValue != nil:
		out := make([]any, len(v.ArrayValue.Values))
		for i, e := range v.ArrayValue.Values {
			out[i] = e.value()
		}
		return out
	case v.KvlistValue != nil:
		return attrMap(v.KvlistValue.Values)
	}
	return nil
}

// str renders an AnyValue as a string: a string as itself, others as JSON.
func (v otlpAny) str() string {
	if v.StringValue != nil {
		return *v.StringValue
	}
	val := v.value()
	if val == nil {
		return ""
	}
	b, err := json.Marshal(val)
	if err != nil {
		return fmt.Sprint(val)
	}
	return string(b)
}

func attrMap(kvs []otlpKV) map[string]any {
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value.value()
	}
	return m
}

// refParseLogsLine flattens one line of the logs file.
func refParseLogsLine(line []byte) ([]LogRecord, error) {
	var doc otlpLogsLine
	if err := json.Unmarshal(line, &doc); err != nil {
		return nil, err
	}
	var out []LogRecord
	for _, rl := range doc.ResourceLogs {
		res := attrMap(rl.Resource.Attributes)
		for _, sl := range rl.ScopeLogs {
			for _, lr := range sl.LogRecords {
				out = append(out, LogRecord{
					Resource:       res,
					Scope:          sl.Scope.Name,
					ScopeVersion:   sl.Scope.Version,
					Time:           lr.TimeUnixNano.time(),
					ObservedTime:   lr.ObservedTimeUnixNano.time(),
					SeverityNumber: int(lr.SeverityNumber),
					SeverityText:   lr.SeverityText,
					Body:           lr.Body.str(),
					EventName:      lr.EventName,
					Attributes:     attrMap(lr.Attributes),
					TraceID:        lr.TraceID,
					SpanID:         lr.SpanID,
					Flags:          uint32(lr.Flags),
				})
			}
		}
	}
	return out, nil
}

// refParseTracesLine flattens one line of the traces file.
func refParseTracesLine(line []byte) ([]Span, error) {
	var doc otlpTracesLine
	if err := json.Unmarshal(line, &doc); err != nil {
		return nil, err
	}
	var out []Span
	for _, rs := range doc.ResourceSpans {
		res := attrMap(rs.Resource.Attributes)
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				out = append(out, Span{
					Resource:      res,
					Scope:         ss.Scope.Name,
					TraceID:       s.TraceID,
					SpanID:        s.SpanID,
					ParentSpanID:  s.ParentSpanID,
					Name:          s.Name,
					Kind:          int(s.Kind),
					Start:         s.StartTimeUnixNano.time(),
					End:           s.EndTimeUnixNano.time(),
					Attributes:    attrMap(s.Attributes),
					StatusCode:    int(s.Status.Code),
					StatusMessage: s.Status.Message,
				})
			}
		}
	}
	return out, nil
}
