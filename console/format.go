package console

import (
	"encoding"
	"fmt"
	"log/slog"
	"reflect"
	"strconv"
	"sync"

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
		if textenc.ErrKindOf(x) == textenc.ErrLeaf {
			return append(b, x.Error()...), sgrErr // no causes, no stack
		}
		b = textenc.AppendError(b, x) // a join's text without building it
		if s.keyed && (hasCausesUnguarded(x) || stacktrace.Has(x)) {
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
	if rv.Kind() == reflect.Struct {
		if _, ok := v.(fmt.Formatter); !ok {
			if p := planFor(rv.Type()); p.ok {
				return appendPlainStruct(b, rv, p), sgrAny
			}
		}
	}
	s.scratch = valuefmt.AppendPlusV(s.scratch[:0], v) // %+v, safe from cyclic values
	return append(b, s.scratch...), sgrAny
}

// byteSliceOf returns rv's bytes when its type is a (possibly named) []byte.
func byteSliceOf(rv reflect.Value) ([]byte, bool) {
	if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
		return rv.Bytes(), true
	}
	return nil, false
}

// structPlan says how to print a struct type the way %+v does, when that needs no method
// calls and only basic fields; ok is false otherwise. Plans are built once per type.
type structPlan struct {
	ok     bool
	fields []fieldPlan
}

type fieldPlan struct {
	label string // "Name:", with a leading space for all fields but the first
	kind  reflect.Kind
	sub   *structPlan
}

var structPlans sync.Map // reflect.Type -> *structPlan

func planFor(t reflect.Type) *structPlan {
	if p, ok := structPlans.Load(t); ok {
		return p.(*structPlan)
	}
	p := buildPlan(t, 0)
	structPlans.Store(t, p)
	return p
}

func buildPlan(t reflect.Type, depth int) *structPlan {
	p := &structPlan{}
	if depth > 3 {
		return p
	}
	for i := range t.NumField() {
		f := t.Field(i)
		ft := f.Type
		if f.IsExported() && ft.NumMethod() > 0 {
			return p // fmt would call its String, Error or Format
		}
		fp := fieldPlan{label: f.Name + ":", kind: ft.Kind()}
		if i > 0 {
			fp.label = " " + fp.label
		}
		switch fp.kind {
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
			reflect.Float32, reflect.Float64, reflect.String:
		case reflect.Struct:
			if fp.sub = buildPlan(ft, depth+1); !fp.sub.ok {
				return p
			}
		default:
			return p
		}
		p.fields = append(p.fields, fp)
	}
	p.ok = true
	return p
}

// appendPlainStruct appends %+v of struct value rv by its plan: {A:1 B:x}.
func appendPlainStruct(b []byte, rv reflect.Value, p *structPlan) []byte {
	b = append(b, '{')
	for i := range p.fields {
		fp := &p.fields[i]
		b = append(b, fp.label...)
		f := rv.Field(i)
		switch fp.kind {
		case reflect.Bool:
			b = strconv.AppendBool(b, f.Bool())
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			b = strconv.AppendInt(b, f.Int(), 10)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			b = strconv.AppendUint(b, f.Uint(), 10)
		case reflect.Float32:
			b = strconv.AppendFloat(b, f.Float(), 'g', -1, 32)
		case reflect.Float64:
			b = strconv.AppendFloat(b, f.Float(), 'g', -1, 64)
		case reflect.String:
			b = append(b, f.String()...)
		case reflect.Struct:
			b = appendPlainStruct(b, f, fp.sub)
		}
	}
	return append(b, '}')
}
