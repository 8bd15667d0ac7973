package otlpsink

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/logbridge/logbridge/internal/stacktrace"
	"github.com/logbridge/logbridge/internal/textenc"
	"github.com/logbridge/logbridge/internal/valuefmt"
)

// maxDepth bounds how deep convertAny follows nested values (slices, maps, pointers): the
// printer's limit, so that there is one. Cyclic values end there instead of recursing forever.
const maxDepth = valuefmt.MaxDepth

// maxDepthExceeded is the value of an attribute nested deeper than maxDepth (as otelslog).
const maxDepthExceeded = valuefmt.MaxDepthExceeded

// convertValue converts a resolved slog.Value that is not a group. It mirrors otelslog's
// mapping (see the package documentation). room bounds the arrays and maps it builds (see
// convertReflect); nil: no bound.
func convertValue(v slog.Value, room *int) attribute.Value {
	switch v.Kind() {
	case slog.KindString:
		return str(v.String())
	case slog.KindInt64:
		return attribute.Int64Value(v.Int64())
	case slog.KindBool:
		return attribute.BoolValue(v.Bool())
	case slog.KindFloat64:
		return attribute.Float64Value(v.Float64())
	case slog.KindDuration:
		return durationValue(v.Duration())
	case slog.KindTime:
		return attribute.Int64Value(v.Time().UnixNano())
	case slog.KindUint64:
		u := v.Uint64()
		if u > math.MaxInt64 {
			return attribute.Float64Value(float64(u))
		}
		return attribute.Int64Value(int64(u))
	case slog.KindAny:
		return convertAny(v.Any(), room)
	case slog.KindLogValuer:
		return convertValue(v.Resolve(), room)
	}
	// A kind added to slog after this was written: keep the data, visibly.
	return str("unhandled: (" + v.Kind().String() + ") " + safeSprint(v.Any()))
}

// durationValue is a duration in seconds, as a double: the unit the semantic conventions use
// for every duration (http.server.request.duration, ...), and the one the JSON file uses.
func durationValue(d time.Duration) attribute.Value { return attribute.Float64Value(d.Seconds()) }

// convertAny converts the value of a slog.KindAny attribute; room as convertReflect's.
func convertAny(v any, room *int) attribute.Value {
	if val, ok := convertKnown(v); ok {
		return val
	}
	return convertTop(reflect.ValueOf(v), room)
}

// convertKnown converts v if it is one of the types convertAny takes without reflection.
func convertKnown(v any) (attribute.Value, bool) {
	switch x := v.(type) {
	case nil:
		return attribute.Value{}, true
	case string:
		return str(x), true
	case bool:
		return attribute.BoolValue(x), true
	case int:
		return attribute.Int64Value(int64(x)), true
	case int64:
		return attribute.Int64Value(x), true
	case float64:
		return attribute.Float64Value(x), true
	case error:
		return attribute.StringValue(errorString(x)), true
	case time.Duration:
		return durationValue(x), true
	case time.Time:
		return attribute.Int64Value(x.UnixNano()), true
	case []byte:
		return attribute.ByteSliceValue(x), true
	case attribute.Value:
		return validValue(x), true
	}
	return attribute.Value{}, false
}

// convertTop is convertReflect of a KindAny value, with the marker for one nested too deeply.
func convertTop(rv reflect.Value, room *int) attribute.Value {
	val, ok := convertReflect(rv, maxDepth, room)
	if !ok {
		return attribute.StringValue(maxDepthExceeded)
	}
	return val
}

// convertReflect converts rv, following at most depth levels of nesting. It reports false
// when the value nests deeper than that (or is cyclic).
//
// room, unless nil, is what is left of the record's conversion budget, in estimated encoded
// bytes (valueSize's): each element of an array or map takes its size from it, and once it is
// spent arrays and maps get no more elements. A record holds at most one batch
// (truncateRecord cuts it to the cap), so elements converted past a few times the cap would
// only be cut again, after a log call spent seconds and gigabytes on a value of millions of
// elements (see conversionRoom).
func convertReflect(rv reflect.Value, depth int, room *int) (attribute.Value, bool) {
	if !rv.IsValid() {
		return attribute.Value{}, true
	}
	switch rv.Kind() {
	case reflect.Bool:
		return attribute.BoolValue(rv.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if rv.Type() == reflect.TypeFor[time.Duration]() {
			return durationValue(time.Duration(rv.Int())), true
		}
		// A named integer with a String method (an enum): its text reads better. Asked of the
		// type: rv.Interface() would copy each element of a []int to the heap to ask it.
		if rv.CanInterface() && rv.Type().Implements(stringerType) {
			break
		}
		return attribute.Int64Value(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return attribute.StringValue(strconv.FormatUint(u, 10)), true
		}
		return attribute.Int64Value(int64(u)), true
	case reflect.Float32, reflect.Float64:
		return attribute.Float64Value(rv.Float()), true
	case reflect.Complex64, reflect.Complex128:
		c := rv.Complex()
		return attribute.MapValue(attribute.Float64("r", real(c)), attribute.Float64("i", imag(c))), true
	case reflect.String:
		return str(rv.String()), true
	case reflect.Interface:
		if rv.IsNil() {
			return attribute.Value{}, true
		}
		return convertReflect(rv.Elem(), depth, room)
	case reflect.Pointer:
		if rv.IsNil() {
			return attribute.Value{}, true
		}
		if rv.CanInterface() {
			switch x := rv.Interface().(type) {
			case error:
				return attribute.StringValue(errorString(x)), true
			case fmt.Stringer:
				return str(safeSprint(x)), true
			}
		}
		if depth <= 0 {
			return attribute.Value{}, false
		}
		return convertReflect(rv.Elem(), depth-1, room)
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return attribute.SliceValue(), true
		}
		if rv.Type().Elem().Kind() == reflect.Uint8 && rv.Kind() == reflect.Slice {
			return attribute.ByteSliceValue(rv.Bytes()), true
		}
		if rv.Len() == 0 {
			return attribute.SliceValue(), true
		}
		if depth <= 0 {
			return attribute.Value{}, false
		}
		// attribute.SliceValue copies the items: they are built in a reused scratch list.
		sp := scratchItems.Get().(*[]attribute.Value)
		items, ok := appendItems((*sp)[:0], rv, depth, room)
		v := attribute.Value{}
		if ok {
			v = attribute.SliceValue(items...)
		}
		putScratchItems(sp, items)
		return v, ok
	case reflect.Map:
		if rv.Len() == 0 {
			return attribute.MapValue(), true
		}
		if depth <= 0 {
			return attribute.Value{}, false
		}
		kvs := make([]attribute.KeyValue, 0, elementsFit(rv.Len(), room))
		iter := rv.MapRange()
		for !spent(room) && iter.Next() {
			k := iter.Key()
			var key string
			if k.Kind() == reflect.String {
				key = k.String()
			} else {
				key = safeSprintReflect(k, depth-1)
			}
			value, ok := convertReflect(iter.Value(), depth-1, room)
			if !ok {
				return attribute.Value{}, false
			}
			take(room, value)
			if room != nil {
				*room -= attrOverhead + len(key)
			}
			kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(validUTF8(key)), Value: value})
		}
		return attribute.MapValue(uniqueKeys(kvs)...), true
	}
	// Structs, funcs, channels, named types with a String method: text, as otelslog does.
	return str(safeSprintReflect(rv, depth)), true
}

// isItems reports whether convertReflect makes an array of the items of rv, and there are
// some: a slice or array (not a []byte) with at least one element.
func isItems(rv reflect.Value) bool {
	switch rv.Kind() {
	case reflect.Slice:
		return rv.Len() > 0 && rv.Type().Elem().Kind() != reflect.Uint8
	case reflect.Array:
		return rv.Len() > 0
	}
	return false
}

// appendItems appends to items the elements of rv (isItems), rv being at depth (above 0), each
// converted one level deeper, as many as room leaves; it reports false when one nests too
// deeply.
func appendItems(items []attribute.Value, rv reflect.Value, depth int, room *int) ([]attribute.Value, bool) {
	items = slices.Grow(items, elementsFit(rv.Len(), room))
	for i := 0; i < rv.Len() && !spent(room); i++ {
		item, ok := convertReflect(rv.Index(i), depth-1, room)
		if !ok {
			return items, false
		}
		take(room, item)
		items = append(items, item)
	}
	return items, true
}

// scratchItems are the reused lists convertReflect builds an array's items in.
var scratchItems = sync.Pool{New: func() any { return new([]attribute.Value) }}

// putScratchItems gives sp back to its pool with items (built in it, maybe grown) cleared: the
// values may hold strings the pool should not keep alive. A list grown past 1024 items is left
// to the GC.
func putScratchItems(sp *[]attribute.Value, items []attribute.Value) {
	if cap(items) > 1024 {
		return
	}
	clear(items)
	*sp = items[:0]
	scratchItems.Put(sp)
}

// stringerType is fmt.Stringer's type.
var stringerType = reflect.TypeFor[fmt.Stringer]()

// spent reports whether room is spent (never for no room, nil).
func spent(room *int) bool { return room != nil && *room <= 0 }

// take takes an element's size from room: a leaf's valueSize; an array or map took its own
// elements' as it was built.
func take(room *int, v attribute.Value) {
	if room == nil {
		return
	}
	switch v.Type() {
	case attribute.SLICE, attribute.MAP:
		*room -= 8
	default:
		*room -= valueSize(v)
	}
}

// elementsFit is how many of n elements can fit in room (each takes 2 bytes at least), for a
// list's capacity.
func elementsFit(n int, room *int) int {
	if room == nil {
		return n
	}
	return min(n, max(*room, 0)/2+1)
}

// str is attribute.StringValue of s made valid UTF-8.
func str(s string) attribute.Value { return attribute.StringValue(validUTF8(s)) }

// validUTF8 returns s, with each run of bytes that is not valid UTF-8 replaced by U+FFFD.
// OTLP strings are protobuf strings, which must be valid UTF-8: the exporter refuses to
// marshal a request holding an invalid one, so a single record with, say, a Latin-1 byte in
// a value would otherwise sink its whole batch.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// validValue returns v with every string in it, at any depth (string slices, slices and
// maps, map keys included), made valid UTF-8; v itself if all are.
func validValue(v attribute.Value) attribute.Value {
	r, _ := repairValue(v)
	return r
}

// repairValue is validValue, also reporting whether anything changed.
func repairValue(v attribute.Value) (attribute.Value, bool) {
	switch v.Type() {
	case attribute.STRING:
		if s := v.AsString(); !utf8.ValidString(s) {
			return str(s), true
		}
	case attribute.STRINGSLICE:
		ss := v.AsStringSlice()
		bad := false
		for i, s := range ss {
			if !utf8.ValidString(s) {
				ss[i], bad = validUTF8(s), true
			}
		}
		if bad {
			return attribute.StringSliceValue(ss), true
		}
	case attribute.SLICE:
		vs := v.AsSlice()
		bad := false
		for i, e := range vs {
			if r, changed := repairValue(e); changed {
				vs[i], bad = r, true
			}
		}
		if bad {
			return attribute.SliceValue(vs...), true
		}
	case attribute.MAP:
		kvs := v.AsMap()
		bad := false
		for i, kv := range kvs {
			if kv, changed := repairKeyValue(kv); changed {
				kvs[i], bad = kv, true
			}
		}
		if bad {
			return attribute.MapValue(kvs...), true
		}
	}
	return v, false
}

// repairKeyValue is repairValue for a key and its value.
func repairKeyValue(kv attribute.KeyValue) (attribute.KeyValue, bool) {
	bad := false
	if !utf8.ValidString(string(kv.Key)) {
		kv.Key, bad = attribute.Key(validUTF8(string(kv.Key))), true
	}
	if v, changed := repairValue(kv.Value); changed {
		kv.Value, bad = v, true
	}
	return kv, bad
}

// repairRecords makes every string in recs valid UTF-8: body, attribute keys and values,
// severity text and event name. For records from another bridge, which may hold strings an
// OTLP request cannot carry.
func repairRecords(recs []sdklog.Record) {
	for i := range recs {
		r := &recs[i]
		if b, changed := repairValue(r.Body()); changed {
			r.SetBody(b)
		}
		if t := r.SeverityText(); !utf8.ValidString(t) {
			r.SetSeverityText(validUTF8(t))
		}
		if e := r.EventName(); !utf8.ValidString(e) {
			r.SetEventName(validUTF8(e))
		}
		kvs := make([]attribute.KeyValue, 0, r.AttributesLen())
		bad := false
		r.WalkAttributes(func(kv attribute.KeyValue) bool {
			kv, changed := repairKeyValue(kv)
			bad = bad || changed
			kvs = append(kvs, kv)
			return true
		})
		if bad {
			r.SetAttributes(kvs...)
		}
	}
}

// errorString returns err.Error(), or a description of the panic if Error panics (a typed nil
// pointer, for example). Logging never panics.
func errorString(err error) (s string) {
	defer func() {
		if p := recover(); p != nil {
			s = panicText("Error", p)
		}
	}()
	if textenc.IsJoin(err) {
		// errors.Join's Error builds its text in a growing slice (two allocations): one
		// string of the parts' texts instead.
		var buf [256]byte
		return slabString(textenc.AppendError(buf[:0], err))
	}
	return validUTF8(err.Error())
}

// panicText describes a panic recovered from method m of a logged value.
func panicText(m string, p any) string {
	return "!PANIC in " + m + ": " + safeSprint(p)
}

// safeSprint formats v as fmt's %+v, with valuefmt (cycles and nesting deeper than maxDepth
// end in its markers), a panic in a String or Error method caught.
func safeSprint(v any) string {
	return safeSprintReflect(reflect.ValueOf(v), maxDepth)
}

// safeSprintReflect is safeSprint of rv, found depth levels above the limit.
func safeSprintReflect(rv reflect.Value, depth int) (s string) {
	switch {
	case !rv.IsValid():
		return "<nil>"
	case depth < 0:
		return maxDepthExceeded
	case !rv.CanInterface(): // not reached: convertAny descends only into exported values
		return "<" + rv.Type().String() + ">"
	}
	defer func() {
		if p := recover(); p != nil {
			s = panicText("fmt", p)
		}
	}()
	// The text is built in a reused buffer (a stack array would escape: AppendPlusV leaks its
	// buffer) and copied once into a slab string.
	bp := sprintBufs.Get().(*[]byte)
	*bp = valuefmt.AppendPlusV((*bp)[:0], rv.Interface())
	s = slabString(*bp)
	if cap(*bp) <= 4<<10 {
		sprintBufs.Put(bp)
	}
	return s
}

// sprintBufs are safeSprintReflect's buffers.
var sprintBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// fmtWrapErrorType is the type fmt.Errorf returns for a single %w.
var fmtWrapErrorType = reflect.TypeOf(fmt.Errorf("wrapped: %w", errors.New("err")))

// typeNames caches the exception.type of error types whose name exceptionType derives from
// reflection (so that a named type's "pkg.Name" is not built for every record).
var typeNames sync.Map // reflect.Type -> string

// exceptionType returns the exception.type of err exactly as go.opentelemetry.io/otel/sdk/log
// derives it for Record.SetErr: the ErrorType method if err has one, else the package-qualified
// name of err's type after unwrapping fmt.Errorf("...%w") wrappers.
func exceptionType(err error) (s string) {
	defer func() {
		if p := recover(); p != nil {
			s = reflect.TypeOf(err).String()
		}
	}()
	if et, ok := err.(interface{ ErrorType() string }); ok {
		if s := et.ErrorType(); s != "" {
			return validUTF8(s)
		}
	}
	for reflect.TypeOf(err) == fmtWrapErrorType {
		u := errors.Unwrap(err)
		if u == nil {
			break
		}
		err = u
	}
	t := reflect.TypeOf(err)
	if t == nil {
		return ""
	}
	if pkg, name := t.PkgPath(), t.Name(); pkg != "" && name != "" {
		if s, ok := typeNames.Load(t); ok {
			return s.(string)
		}
		s := pkg + "." + name
		typeNames.Store(t, s)
		return s
	}
	return t.String()
}

// exceptionStacktrace returns the exception.stacktrace of err: the stack its chain carries (a
// pkg/errors-style StackTrace method, a panic recovered by httplog) in Go's traceback layout,
// or "".
func exceptionStacktrace(err error) string { return stacktrace.Format(stacktrace.FromError(err)) }
