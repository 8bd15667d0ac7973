package otlpsink

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/logbridge/logbridge/internal/markup"
	"github.com/logbridge/logbridge/internal/resolve"
	"github.com/logbridge/logbridge/internal/valuefmt"
	"github.com/logbridge/logbridge/vocab"
)

// DefaultScopeName is the instrumentation scope name of records from a Handler that was not
// given a logger name with [Handler.WithLogger].
const DefaultScopeName = "github.com/logbridge/logbridge"

// Options configures a Handler. A nil *Options means the zero value: level Info, no source,
// no ReplaceAttr.
type Options struct {
	// Level is the minimum level of records the handler emits; nil means slog.LevelInfo.
	// It is read on every call, so a *slog.LevelVar changes the level at runtime.
	Level slog.Leveler

	// AddSource adds the code.file.path, code.function.name and code.line.number attributes
	// (current semantic-convention names) of the call site.
	AddSource bool

	// ReplaceAttr rewrites or drops attributes before they are converted, as in
	// slog.HandlerOptions: it is called for every non-group attribute from WithAttrs and from
	// records, with the resolved value and the names of the enclosing groups; an attribute it
	// returns with an empty key is dropped. It is not called for the fields an OTLP record
	// carries natively (time, level, message, source) nor for log.category and log.level.
	// A panic in it is the attribute's value ("!PANIC: ..."); the record is still emitted.
	ReplaceAttr func(groups []string, a slog.Attr) slog.Attr
}

// Handler is a slog.Handler that converts records to OpenTelemetry log records and emits
// them through a log.LoggerProvider. See the package documentation for the mapping.
type Handler struct {
	lp     log.LoggerProvider
	logger log.Logger
	fast   *fastHandler // set when lp is a Pipeline's provider: emits without the SDK's copy
	room   int          // a Pipeline's conversion budget of a record (conversionRoom); else 0: none

	level   slog.Leveler
	source  bool
	replace func(groups []string, a slog.Attr) slog.Attr

	category    attribute.KeyValue
	hasCategory bool

	attrs  []attribute.KeyValue // top-level attributes from WithAttrs; unique keys
	size   int                  // attrs' estimated encoded size (see converter.size)
	err    error                // the last error among the handler's attributes (exception.*)
	errMsg string               // its text
	group  *group               // innermost group opened with WithGroup, nil if none
	groups []string             // names of the open groups, outermost first
}

var _ slog.Handler = (*Handler)(nil)

// group is a group opened with WithGroup and the attributes added to it with WithAttrs.
type group struct {
	name  string
	attrs []attribute.KeyValue // unique keys
	size  int                  // attrs' estimated encoded size (see converter.size)
	next  *group               // the enclosing group
}

// NewHandler returns a Handler that emits through lp (any LoggerProvider: a Pipeline's, an
// sdk/log LoggerProvider of the caller's, a no-op one). Records go to lp.Logger(DefaultScopeName)
// until WithLogger names another logger.
//
// The handler makes attribute keys unique itself, so a provider built with
// sdklog.WithAllowKeyDuplication (as NewPipeline builds it) skips the SDK's own, slower
// deduplication; a provider without that option works just the same, only slower.
func NewHandler(lp log.LoggerProvider, opts *Options) *Handler {
	if opts == nil {
		opts = &Options{}
	}
	h := &Handler{
		lp:      lp,
		level:   opts.Level,
		source:  opts.AddSource,
		replace: opts.ReplaceAttr,
	}
	if h.level == nil {
		h.level = slog.LevelInfo
	}
	h.setLogger(DefaultScopeName)
	return h
}

func (h *Handler) setLogger(name string) {
	h.logger = h.lp.Logger(name)
	h.fast, h.room = nil, 0
	if p, ok := h.lp.(*provider); ok {
		var cat *attribute.KeyValue
		if h.hasCategory {
			cat = &h.category
		}
		if h.fast = newFastHandler(p.fastLogger(name), cat); h.fast != nil {
			h.room = conversionRoom(h.fast.proc)
		}
	} else if m, ok := h.lp.(*multiProvider); ok {
		for _, proc := range m.procs { // the largest: each processor cuts to its own cap
			h.room = max(h.room, conversionRoom(proc))
		}
	}
}

// WithLogger returns a copy of h that emits through the logger named name (the scope name of
// its records, per the OpenTelemetry rule for logger names) and adds the attribute
// log.category=category to every record (none if category is empty). The copy keeps h's
// attributes and groups.
func (h *Handler) WithLogger(name, category string) slog.Handler {
	h2 := *h
	h2.hasCategory = category != ""
	h2.category = attribute.KeyValue{Key: vocab.AttrCategory, Value: str(category)}
	h2.setLogger(validUTF8(name))
	if h2.hasCategory {
		h2.attrs = withoutKey(h.attrs, vocab.AttrCategory) // ours wins
	}
	return &h2
}

// withoutKey returns kvs without the attribute called key (kvs itself if it has none).
func withoutKey(kvs []attribute.KeyValue, key attribute.Key) []attribute.KeyValue {
	for i := range kvs {
		if kvs[i].Key == key {
			return slices.Delete(slices.Clone(kvs), i, i+1)
		}
	}
	return kvs
}

// Enabled reports whether a record at level l would be emitted: l is at least the handler's
// level and the provider's logger is enabled for it (a no-op or shut down provider is not).
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool {
	if l < h.level.Level() {
		return false
	}
	if h.fast != nil {
		return true // after Shutdown too: the Processor counts the record as DroppedShutdown
	}
	return h.logger.Enabled(ctx, log.EnabledParameters{Severity: severity(l)})
}

// WithAttrs returns a copy of h whose records carry attrs (inside the open groups, if any).
// The attributes are converted once, here.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	h2 := *h
	c := converter{replace: h.replace}
	c.room, c.bounded = h.room, h.room > 0
	var idx keyIndex
	if h.group == nil {
		kvs := slices.Clone(h.attrs)
		c.size = h.size
		for _, a := range attrs {
			kvs = c.add(kvs, &idx, a, nil, true)
		}
		// The handler's own attributes win over these; leaving them out here keeps the
		// per-record list free of duplicates.
		kvs = withoutKey(kvs, vocab.AttrLevel)
		if h.hasCategory {
			kvs = withoutKey(kvs, vocab.AttrCategory)
		}
		h2.attrs, h2.size = slices.Clip(kvs), c.size
	} else {
		kvs := slices.Clone(h.group.attrs)
		c.size = h.group.size
		for _, a := range attrs {
			kvs = c.add(kvs, &idx, a, h.groups, true)
		}
		h2.group = &group{name: h.group.name, attrs: slices.Clip(kvs), size: c.size, next: h.group.next}
	}
	idx.release()
	if c.err != nil {
		h2.err, h2.errMsg = c.err, c.errMsg
	}
	return &h2
}

// WithGroup returns a copy of h in which later attributes (from WithAttrs and records) are
// members of a group named name, which becomes a map value. An empty name returns h.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.group = &group{name: validUTF8(name), next: h.group}
	h2.groups = append(slices.Clip(h.groups), name)
	return &h2
}

// inlineAttrs is how many attributes Handle converts without allocating.
const inlineAttrs = 16

// Handle converts r and emits it. It does not modify or retain r. It returns nil unless a
// logged value panicked in a way it could not contain.
func (h *Handler) Handle(ctx context.Context, r slog.Record) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("otlpsink: panic while handling a record: %v", p)
		}
	}()
	if ctx == nil {
		ctx = context.Background()
	}
	// log.level and log.category go first, so that an attribute count limit never drops them,
	// and are set again at the end, so that they win over a caller's attribute of that key.
	var buf [inlineAttrs]attribute.KeyValue
	var idx keyIndex
	level := levelAttr(r.Level)
	kvs := append(buf[:0], level)
	if h.hasCategory {
		kvs = append(kvs, h.category)
	}
	kvs = append(kvs, h.attrs...)
	c := converter{replace: h.replace, err: h.err, errMsg: h.errMsg, size: h.size, encoding: h.fast != nil && h.fast.enc != nil}
	c.room, c.bounded = h.room, h.room > 0
	defer c.release()
	if h.group == nil {
		r.Attrs(func(a slog.Attr) bool {
			kvs = c.add(kvs, &idx, a, nil, true)
			return true
		})
	} else {
		kvs = h.addGrouped(&c, kvs, &idx, &r)
	}
	if c.err != nil {
		if c.errMsg != "" {
			kvs = c.addIfAbsent(kvs, &idx, attribute.KeyValue{Key: semconv.ExceptionMessageKey, Value: attribute.StringValue(c.errMsg)})
		}
		if typ := exceptionType(c.err); typ != "" {
			kvs = c.addIfAbsent(kvs, &idx, attribute.KeyValue{Key: semconv.ExceptionTypeKey, Value: attribute.StringValue(typ)})
		}
		if st := exceptionStacktrace(c.err); st != "" {
			kvs = c.addIfAbsent(kvs, &idx, attribute.KeyValue{Key: semconv.ExceptionStacktraceKey, Value: str(st)})
		}
	}
	if h.source && r.PC != 0 {
		kvs = c.addSource(kvs, &idx, r.PC)
	}
	kvs[0] = level
	if h.hasCategory {
		kvs[1] = h.category
	}
	idx.release()

	body := str(markup.Strip(r.Message))
	if h.fast != nil {
		// The record's estimated encoded size (recordSize's sum), from what the converter
		// counted: recordSize itself would copy every group's members again (AsMap).
		size := -1 // unknown
		if !c.encoding {
			size = recordOverhead + len(severityText(r.Level)) + valueSize(body) + kvSize(level, valueSize(level.Value)) + c.size
			if h.hasCategory {
				size += kvSize(h.category, valueSize(h.category.Value))
			}
		}
		h.fast.emit(ctx, &r, body, kvs, c.groups, size)
		return nil
	}
	var rec log.Record
	rec.SetTimestamp(r.Time)
	rec.SetObservedTimestamp(observed(r.Time))
	rec.SetBody(body)
	rec.SetSeverity(severity(r.Level))
	rec.SetSeverityText(severityText(r.Level))
	rec.AddAttributes(kvs...)
	if c.err != nil {
		// The SDK would call Error itself only for exception attributes still missing; both
		// are present now (from the error or from the caller), so this only hands processors
		// the error value.
		rec.SetErr(c.err)
	}
	h.logger.Emit(ctx, rec)
	return nil
}

// addGrouped adds the open groups, with r's attributes in the innermost one, to kvs.
func (h *Handler) addGrouped(c *converter, kvs []attribute.KeyValue, idx *keyIndex, r *slog.Record) []attribute.KeyValue {
	var child attribute.KeyValue
	childSize := 0 // child's map value's estimated size
	hasChild := false
	outer := c.size
	for g := h.group; g != nil; g = g.next {
		var gidx keyIndex
		sp := getMembers(len(g.attrs) + r.NumAttrs() + 1)
		m := append(*sp, g.attrs...)
		c.size = g.size
		if g == h.group && r.NumAttrs() > 0 {
			r.Attrs(func(a slog.Attr) bool {
				m = c.add(m, &gidx, a, h.groups, true)
				return true
			})
		}
		if hasChild {
			m = c.put(m, &gidx, child, childSize)
		}
		gidx.release()
		if len(m) == 0 {
			putMembers(sp, len(m))
			continue // slog: a group without attributes is not output
		}
		child = attribute.KeyValue{Key: attribute.Key(g.name), Value: c.mapValue(m)}
		childSize = mapOverhead + c.size
		putMembers(sp, len(m))
		hasChild = true
	}
	c.size = outer
	if hasChild {
		kvs = c.put(kvs, idx, child, childSize)
	}
	return kvs
}

// converter converts slog attributes into a kvList.
type converter struct {
	replace func(groups []string, a slog.Attr) slog.Attr
	err     error  // the last error-valued attribute at record level
	errMsg  string // its text
	// size is the estimated encoded size (as recordSize counts it) of the attributes added to
	// the list being built; groupValue counts each group's members apart. An attribute whose
	// key was already there is counted again: the estimate errs on the high side, as it must.
	size int
	// encoding is true for a record to be encoded at the call: its groups are kept in groups
	// (see encGroups; taken from the pool at the first group), and no size is estimated (the
	// encoding measures the record).
	encoding bool
	groups   *encGroups
	// room is what is left of the conversion budget for arrays and maps (see
	// convertReflect), when bounded is true.
	room    int
	bounded bool
}

// conversionRoom is the budget of a converter through a handler emitting into proc (into
// several: the largest of theirs), for the arrays and maps of one record, in estimated
// bytes: four times proc's batch byte cap, which is within the cap after truncateRecord's
// cut. A record cut so is over the cap by that estimate, and by its encoding too (valueSize
// counts an element at most 13/4 of its encoded size), so it is cut down and marked when
// queued.
func conversionRoom(proc *Processor) int { return 4 * proc.cfg.batchBytes }

// roomLeft is the pointer convertReflect takes for c's budget: nil for none.
func (c *converter) roomLeft() *int {
	if !c.bounded {
		return nil
	}
	return &c.room
}

// mapValue is the value of a group with members m (which it does not keep).
func (c *converter) mapValue(m []attribute.KeyValue) attribute.Value {
	if !c.encoding {
		return attribute.MapValue(m...) // a copy
	}
	return c.encGroups().add(m)
}

// anyValue is convertAny(x) for c: a map of strings or of basic values is converted without
// reflection, and a record encoded at the call keeps a slice's items by reference (see
// encGroups), not in an attribute.SliceValue.
func (c *converter) anyValue(x any) attribute.Value {
	if m, ok := valuefmt.StringMap(x); ok {
		return mapEntries(c, m, str)
	}
	if m, ok := valuefmt.AnyMap(x); ok {
		return mapEntries(c, m, func(v any) attribute.Value { return convertAny(v, nil) }) // basic values
	}
	if !c.encoding {
		return convertAny(x, c.roomLeft())
	}
	if val, ok := convertKnown(x); ok {
		return val
	}
	rv := reflect.ValueOf(x)
	if !isItems(rv) {
		return convertTop(rv, c.roomLeft())
	}
	return c.encGroups().addItems(rv, c.roomLeft())
}

// mapEntries is convertReflect's map value for m (valuefmt.StringMap, valuefmt.AnyMap),
// built without reflection, each value converted by value: its entries in key order (keys
// made valid UTF-8, a key left twice by that keeping the later entry), as many as c's
// conversion budget leaves, held by reference in a record encoded at the call (mapValue).
func mapEntries[V any](c *converter, m map[string]V, value func(V) attribute.Value) attribute.Value {
	if len(m) == 0 {
		return attribute.MapValue()
	}
	room := c.roomLeft()
	kp := valuefmt.GetKeys()
	keys := valuefmt.SortedKeys((*kp)[:0], m)
	sp := getMembers(len(keys))
	kvs := *sp
	var idx keyIndex
	for _, k := range keys {
		if spent(room) {
			break
		}
		v := value(m[k])
		take(room, v)
		if room != nil {
			*room -= attrOverhead + len(k)
		}
		kvs = addKV(kvs, &idx, attribute.KeyValue{Key: attribute.Key(validUTF8(k)), Value: v})
	}
	idx.release()
	valuefmt.PutKeys(kp, keys)
	v := c.mapValue(kvs)
	putMembers(sp, len(kvs))
	return v
}

// encGroups returns the groups of c's record encoded at the call, taking them from their pool
// the first time.
func (c *converter) encGroups() *encGroups {
	if c.groups == nil {
		c.groups = getEncGroups()
	}
	return c.groups
}

// release gives the groups back to their pool.
func (c *converter) release() {
	if c.groups != nil {
		putEncGroups(c.groups)
	}
}

// putValue adds kv to kvs, counting its size (valueSize's) if the converter estimates one.
func (c *converter) putValue(kvs []attribute.KeyValue, idx *keyIndex, kv attribute.KeyValue) []attribute.KeyValue {
	vsize := 0
	if !c.encoding {
		vsize = valueSize(kv.Value)
	}
	return c.put(kvs, idx, kv, vsize)
}

// put adds kv, whose value's estimated encoded size is vsize, to kvs.
func (c *converter) put(kvs []attribute.KeyValue, idx *keyIndex, kv attribute.KeyValue, vsize int) []attribute.KeyValue {
	c.size += kvSize(kv, vsize)
	return addKV(kvs, idx, kv)
}

// addIfAbsent adds kv unless its key is present.
func (c *converter) addIfAbsent(kvs []attribute.KeyValue, idx *keyIndex, kv attribute.KeyValue) []attribute.KeyValue {
	if find(kvs, idx, kv.Key) >= 0 {
		return kvs
	}
	return c.putValue(kvs, idx, kv)
}

// add converts a and adds it to kvs. groups are the names of the groups a is in (for
// ReplaceAttr). recordLevel is true for attributes of the record or handler itself (not
// members of a group value): an error there becomes the record's exception.
func (c *converter) add(kvs []attribute.KeyValue, idx *keyIndex, a slog.Attr, groups []string, recordLevel bool) []attribute.KeyValue {
	k := a.Value.Kind()
	if k == slog.KindLogValuer || k == slog.KindGroup {
		a.Value = resolve.Value(a.Value) // bounded: a LogValuer cycle ends in a marker
		k = a.Value.Kind()
	}
	if c.replace != nil && k != slog.KindGroup {
		a = resolve.Replace(c.replace, groups, a)
		a.Value = resolve.Value(a.Value)
		k = a.Value.Kind()
	}
	if k == slog.KindGroup {
		members := a.Value.Group()
		if len(members) == 0 {
			return kvs // slog: a group without attributes is not output
		}
		if a.Key == "" {
			for _, m := range members {
				kvs = c.add(kvs, idx, m, groups, recordLevel) // slog: a group with an empty key is inlined
			}
			return kvs
		}
		v, vsize := c.groupValue(members, a.Key, groups)
		if v.Type() == attribute.EMPTY {
			return kvs // every member was dropped
		}
		return c.put(kvs, idx, attribute.KeyValue{Key: attribute.Key(validUTF8(a.Key)), Value: v}, vsize)
	}
	if a.Key == "" {
		// slog ignores an empty attribute; OTLP has no attribute without a key, and the SDK
		// would drop one, so a key-less value is dropped here too.
		return kvs
	}
	var v attribute.Value
	switch k {
	case slog.KindString:
		v = str(a.Value.String())
	case slog.KindInt64:
		v = attribute.Int64Value(a.Value.Int64())
	case slog.KindAny:
		x := a.Value.Any()
		if e, ok := x.(error); ok {
			msg := errorString(e)
			if recordLevel {
				c.err, c.errMsg = e, msg
			}
			v = attribute.StringValue(msg)
		} else {
			v = c.anyValue(x)
		}
	default:
		v = convertValue(a.Value, c.roomLeft())
	}
	return c.putValue(kvs, idx, attribute.KeyValue{Key: attribute.Key(validUTF8(a.Key)), Value: v})
}

// groupValue converts the members of the group called key into a map value, or the empty
// value if no member remains, and returns its estimated encoded size.
func (c *converter) groupValue(members []slog.Attr, key string, groups []string) (attribute.Value, int) {
	var gs []string
	if c.replace != nil {
		gs = append(slices.Clip(groups), key)
	}
	outer := c.size
	c.size = 0
	var midx keyIndex
	sp := getMembers(len(members))
	m := *sp
	for _, ma := range members {
		m = c.add(m, &midx, ma, gs, false)
	}
	midx.release()
	var v attribute.Value
	if len(m) > 0 {
		v = c.mapValue(m) // m goes back to the pool
	}
	putMembers(sp, len(m))
	size := mapOverhead + c.size
	c.size = outer
	return v, size
}

// members are the reused scratch lists of a group's members, which attribute.MapValue copies.
// A stack array would escape: c.add leaks its list to its result.
var members = sync.Pool{New: func() any { return new([]attribute.KeyValue) }}

// getMembers returns an empty scratch list with room for n members.
func getMembers(n int) *[]attribute.KeyValue {
	sp := members.Get().(*[]attribute.KeyValue)
	*sp = slices.Grow((*sp)[:0], n)
	return sp
}

// putMembers returns sp to the pool, its first n members cleared (the values may hold strings
// and slices the pool should not keep alive). The list built in it is not stored back, only its
// length used: storing it would make the compiler move every caller's stack list to the heap
// (c.add's list flows to its result). A list grown past 1024 members is left to the GC.
func putMembers(sp *[]attribute.KeyValue, n int) {
	if cap(*sp) > 1024 {
		return
	}
	clear((*sp)[:min(n, cap(*sp))])
	members.Put(sp)
}

// addSource adds the code.* attributes of pc.
func (c *converter) addSource(kvs []attribute.KeyValue, idx *keyIndex, pc uintptr) []attribute.KeyValue {
	fs := runtime.CallersFrames([]uintptr{pc})
	f, _ := fs.Next()
	for _, kv := range [...]attribute.KeyValue{
		{Key: semconv.CodeFilePathKey, Value: str(f.File)},
		{Key: semconv.CodeFunctionNameKey, Value: str(f.Function)},
		{Key: semconv.CodeLineNumberKey, Value: attribute.Int64Value(int64(f.Line))},
	} {
		kvs = c.putValue(kvs, idx, kv)
	}
	return kvs
}

// The log.level attributes of the named levels, built once.
var (
	levelDebug    = attribute.String(vocab.AttrLevel, vocab.LevelKey(slog.LevelDebug))
	levelInfo     = attribute.String(vocab.AttrLevel, vocab.LevelKey(slog.LevelInfo))
	levelWarn     = attribute.String(vocab.AttrLevel, vocab.LevelKey(slog.LevelWarn))
	levelError    = attribute.String(vocab.AttrLevel, vocab.LevelKey(slog.LevelError))
	levelCritical = attribute.String(vocab.AttrLevel, vocab.LevelKey(vocab.LevelCritical))
)

func levelAttr(l slog.Level) attribute.KeyValue {
	switch l {
	case slog.LevelDebug:
		return levelDebug
	case slog.LevelInfo:
		return levelInfo
	case slog.LevelWarn:
		return levelWarn
	case slog.LevelError:
		return levelError
	case vocab.LevelCritical:
		return levelCritical
	}
	return attribute.String(vocab.AttrLevel, vocab.LevelKey(l))
}

func severityText(l slog.Level) string { return vocab.LevelName(l) }

// severity maps a slog level to an OpenTelemetry severity number as otelslog does (Debug ->
// DEBUG, Info -> INFO, Warn -> WARN, Error -> ERROR, and so vocab.LevelCritical -> FATAL),
// clamped to the valid range TRACE..FATAL4.
func severity(l slog.Level) log.Severity {
	const offset = slog.Level(log.SeverityDebug) - slog.LevelDebug
	s := l + offset
	switch {
	case s < slog.Level(log.SeverityTrace1):
		return log.SeverityTrace1
	case s > slog.Level(log.SeverityFatal4):
		return log.SeverityFatal4
	}
	return log.Severity(s)
}

// spanContext returns the span context in ctx, as the SDK's Logger.Emit reads it.
func spanContext(ctx context.Context) trace.SpanContext {
	if ctx == nil {
		return trace.SpanContext{}
	}
	return trace.SpanContextFromContext(ctx)
}

// observed returns the observed timestamp of a record logged at t: t itself, as the
// OpenTelemetry data model has it for events that originate in the application ("typically
// set at the generation time and equal to Timestamp"; slog takes t when the call is made),
// or the current time for a record without one. It saves a second clock read per record.
func observed(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
