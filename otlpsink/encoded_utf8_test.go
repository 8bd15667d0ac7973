package otlpsink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"google.golang.org/protobuf/proto"
)

// utf8Valuer, utf8Stringer and utf8TypedErr put a fuzzed string where a LogValuer's value, a
// String method's text and an ErrorType method's type name go.
type (
	utf8Valuer   string
	utf8Stringer string
	utf8TypedErr struct{ msg, typ string }
)

func (v utf8Valuer) LogValue() slog.Value { return slog.StringValue(string(v)) }
func (s utf8Stringer) String() string     { return string(s) }
func (e utf8TypedErr) Error() string      { return e.msg }
func (e utf8TypedErr) ErrorType() string  { return e.typ }

// FuzzEncodedAtCallUTF8 is the proof emitEncoded relies on when it encodes without checking
// strings: whatever bytes the strings of a log call hold (message, keys, values, group names
// of records and of WithGroup, With attributes, the logger's name and category, ReplaceAttr's
// output, error texts and types, joined and wrapped errors, LogValuers, Stringers, maps,
// slices, attribute values), the record is encoded at the call, and the request decodes, which
// proto.Unmarshal refuses if any string field is not valid UTF-8 (as a collector does, the
// whole request with it). It also equals the request of the same call queued as an SDK record
// (whose encoder checks every string).
func FuzzEncodedAtCallUTF8(f *testing.F) {
	f.Add("msg", "key", "value", "group", "logger", "cat")
	f.Add("bad \xff", "k\xfe", "v\xff", "g\xc3", "l\xed\xa0\x80", "c\x80")
	f.Add("[b]\xf0\x9f[/b]", "\xff", "\xfe", "", "\xc0\xaf", "")
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, msg, key, val, group, name, cat string) {
		opts := &Options{AddSource: true, Level: slog.LevelDebug, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == "replaced" {
				return slog.String(val, key)
			}
			return a
		}}
		var enc, plain requestRecorder
		pe, _ := encodedPipeline(t, &enc)
		pp, _ := encodedPipeline(t, sdkOnly{&plain})
		for i, p := range []*Pipeline{pe, pp} {
			h := NewHandler(p.Provider(), opts).WithLogger(name, cat).
				WithAttrs([]slog.Attr{slog.String(key, val)}).WithGroup(group).WithAttrs([]slog.Attr{slog.String(val, key)})
			r := slog.NewRecord(t0, slog.LevelWarn, msg, 0x1234)
			r.AddAttrs(
				slog.String(key, val),
				slog.Group(group, slog.String(key, val), slog.Group(val, slog.String(key, msg))),
				slog.String("replaced", "x"),
				slog.Any("error", utf8TypedErr{msg: val, typ: key}),
				slog.Any("joined", errors.Join(errors.New(key), errors.New(val))),
				slog.Any("wrapped", fmt.Errorf("%s: %w", key, errors.New(val))),
				slog.Any("valuer", utf8Valuer(val)),
				slog.Any("stringer", utf8Stringer(val)),
				slog.Any("map", map[string]string{key: val}),
				slog.Any("fields", map[string]any{key: val, msg: 1}),
				slog.Any("strings", []string{key, val}),
				slog.Any("anys", []any{val, map[string]any{key: []string{val}}}),
				slog.Any("struct", struct{ S string }{val}),
				slog.Any("attr", attribute.StringValue(val)),
				slog.Any("attrs", attribute.MapValue(attribute.String(key, val), attribute.StringSlice(val, []string{key}))),
			)
			if err := h.Handle(context.Background(), r); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				proc := p.procs[0]
				proc.mu.Lock()
				atCall := proc.curEnc != nil && proc.curEnc.len() == 1 && proc.curEnc.scopes[0] == h.(*Handler).fast.enc
				proc.mu.Unlock()
				if !atCall {
					t.Fatal("the record was not encoded at the call")
				}
			}
			if err := p.ForceFlush(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		got, want := enc.request(t), plain.request(t) // each fails the test if it does not decode
		if !proto.Equal(got, want) {
			t.Fatalf("encoded at the call:\n%.3000v\nas an SDK record:\n%.3000v", got.String(), want.String())
		}
	})
}
