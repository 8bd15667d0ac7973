package console

import (
	"encoding"
	"fmt"
	"log/slog"
	"reflect"

	"github.com/logbridge/logbridge/internal/stacktrace"
	"github.com/logbridge/logbridge/internal/textenc"
	"github.com/logbridge/logbridge/internal/valuefmt"
)

// appendAnyText appends the text of a KindAny value as slog.TextHandler shows it (%+v,
// MarshalText, []byte as a string), without fmt for the common shapes, and tells the style.
// A panic in the value's methods is caught and shown as the value.
func (s *state) appendAnyText(b []byte, v any) (out []byte, sgr string) {
	start := len(b)
	defer func() {
		if p := recover(); p != nil {
			text := textenc.PanicValue(v, p)
			out, sgr = append(b[:start], text...), sgrErr
			if text == textenc.NilText {
				sgr = sgrNil
			}
		}
	}()
	switch x := v.(type) {
	case nil:
		return append(b, textenc.NilText...), sgrNil
	case error:
		kind := textenc.ErrKindOf(x)
		if kind == textenc.ErrLeaf {
			return append(b, x.Error()...), sgrErr // no causes, no stack
		}
		b = textenc.AppendError(b, x) // a join's text without building it
		if s.keyed && (hasCauses(x, kind) || stacktrace.Has(x)) {
			s.errs = append(s.errs, keyedErr{err: x}) // the key: see appendAttr
		}
		return b, sgrErr
	case encoding.TextMarshaler:
		t, err := x.MarshalText()
		if err != nil {
			return append(append(b, "!ERROR:"...), err.Error()...), sgrErr
		}
		return append(b, t...), sgrString
	case []byte:
		return append(b, x...), sgrString
	case fmt.Stringer:
		// %+v calls String too; fmt.Formatter implementations keep their own %+v.
		if _, ok := v.(fmt.Formatter); !ok {
			return append(b, x.String()...), sgrAny
		}
	case *slog.Source:
		return textenc.AppendShortSource(b, x.File, x.Line), sgrDim
	}
	rv := reflect.ValueOf(v)
	if bs, ok := byteSliceOf(rv); ok {
		return append(b, bs...), sgrString
	}
	// %+v, safe from cyclic values (flat structs by a per-type plan, in valuefmt).
	return valuefmt.AppendPlusV(b, v), sgrAny
}

// byteSliceOf returns rv's bytes when its type is a (possibly named) []byte.
func byteSliceOf(rv reflect.Value) ([]byte, bool) {
	if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
		return rv.Bytes(), true
	}
	return nil, false
}
