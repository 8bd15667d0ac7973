package otlpsink

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logbridge/logbridge/vocab"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/log/embedded"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// provider is the LoggerProvider a Pipeline builds: an sdk/log LoggerProvider whose only
// processor is ours. Other code sees a plain log.LoggerProvider; a Handler recognizes it and
// takes the fast path (see fastLogger).
type provider struct {
	embedded.LoggerProvider

	sdk    *sdklog.LoggerProvider
	proc   *Processor
	pre    []sdklog.Processor // WithProcessors, run before proc
	limits recordLimits       // the SDK provider's

	mu   sync.Mutex
	fast map[string]*fastLogger
}

var _ log.LoggerProvider = (*provider)(nil)

// Logger returns the SDK's logger called name.
func (p *provider) Logger(name string, opts ...log.LoggerOption) log.Logger {
	return p.sdk.Logger(name, opts...)
}

// maxFastLoggers bounds the cache of fast emitters by logger name.
const maxFastLoggers = 4096

// fastLogger returns the fast emitter for the logger called name. Once the provider is shut
// down it returns one that hands records to the Processor only to be counted as
// DroppedShutdown; nil if no template can be had otherwise.
func (p *provider) fastLogger(name string) *fastLogger {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f, ok := p.fast[name]; ok {
		return f
	}
	tmpl, ok := p.proc.capture(p.sdk.Logger(name))
	if !ok {
		if p.proc.stopped.Load() {
			// Shut down: records still go to the Processor, which counts them as
			// DroppedShutdown (the SDK's no-op logger would lose them uncounted).
			return &fastLogger{proc: p.proc}
		}
		return nil
	}
	f := &fastLogger{tmpl: tmpl, proc: p.proc, pre: p.pre}
	if p.proc.encExp != nil && len(p.pre) == 0 && p.limits.length < 0 {
		// Records go to the queue encoded (encoded.go), but for those the SDK would change.
		f.enc, f.countLimit = newEncScope(tmpl), p.limits.count
	}
	if p.fast == nil || len(p.fast) >= maxFastLoggers {
		// Bounded: a program making a logger per request ID must not keep one per name.
		// Handlers keep the fastLogger they were given.
		p.fast = map[string]*fastLogger{}
	}
	p.fast[name] = f
	return f
}

// fastLogger emits records for one logger straight into the Processor. The SDK's
// Logger.Emit copies the API record into a new sdk Record (allocated on the heap, attributes
// appended one at a time, each append growing the overflow array) and then hands a pointer to
// the processors. A fastLogger instead starts from a template record the SDK itself made for
// this logger (resource, instrumentation scope, attribute limits: everything that is not
// per-record), fills in the per-record fields with the Record's setters, and appends all
// attributes in one call. The Processor copies the record into its batch, so nothing escapes
// to the heap but the overflow attributes (beyond 5). Tests compare its output with the SDK
// path's, field by field.
type fastLogger struct {
	tmpl sdklog.Record
	proc *Processor
	pre  []sdklog.Processor // called before proc, as the SDK calls processors in order

	enc        *encScope // non-nil: records are encoded at the call (see emitEncoded)
	countLimit int       // the SDK's attribute count limit, for enc's records
}

// capture returns the record the SDK builds when logger emits an empty record: the template
// for a fastLogger. Called once per logger name.
func (p *Processor) capture(logger log.Logger) (sdklog.Record, bool) {
	p.captureMu.Lock()
	defer p.captureMu.Unlock()
	slot := new(captureSlot)
	p.capturing.Add(1)
	logger.Emit(context.WithValue(context.Background(), captureKey{}, slot), log.Record{})
	p.capturing.Add(-1)
	return slot.rec, slot.ok
}

// stdLevels are the levels a fastHandler keeps record templates for.
var stdLevels = [...]slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError, vocab.LevelCritical}

func stdLevelIndex(l slog.Level) int {
	switch l {
	case slog.LevelDebug:
		return 0
	case slog.LevelInfo:
		return 1
	case slog.LevelWarn:
		return 2
	case slog.LevelError:
		return 3
	case vocab.LevelCritical:
		return 4
	}
	return -1
}

// fastHandler is a fastLogger with, for each named level, a template that already holds the
// attributes every record of a handler starts with: log.level and log.category. Each
// attribute costs the SDK's Record.AddAttributes a copy and a limit check; these two are
// paid once per handler (WithLogger) instead of once per record.
type fastHandler struct {
	*fastLogger
	n      int // attributes the templates hold: 1 (log.level) or 2 (and log.category)
	levels [len(stdLevels)]sdklog.Record
}

// newFastHandler returns f's templates for a handler with category (nil f gives nil).
func newFastHandler(f *fastLogger, category *attribute.KeyValue) *fastHandler {
	if f == nil {
		return nil
	}
	fh := &fastHandler{fastLogger: f, n: 1}
	if category != nil {
		fh.n = 2
	}
	for i, l := range stdLevels {
		fh.levels[i] = f.tmpl
		if category != nil {
			fh.levels[i].AddAttributes(levelAttr(l), *category)
		} else {
			fh.levels[i].AddAttributes(levelAttr(l))
		}
	}
	return fh
}

// emit builds the SDK record for r and hands it to the processor, as the SDK's Logger.Emit
// would (taking the span context from ctx). kvs starts with log.level and, if the handler has
// a category, log.category. size is the record's estimated encoded size (recordSize's, or more),
// or negative if the converter did not estimate it (for a fastHandler that encodes). groups
// are the groups kvs refer to, for a fastHandler that encodes (see encGroups).
func (f *fastHandler) emit(ctx context.Context, r *slog.Record, body attribute.Value, kvs []attribute.KeyValue, groups *encGroups, size int) {
	if f.enc != nil {
		if f.emitEncoded(ctx, r, body, kvs, groups) {
			return
		}
		groups.materialize(kvs) // the SDK record gets map values
	}
	var rec sdklog.Record
	if i := stdLevelIndex(r.Level); i >= 0 {
		rec = f.levels[i]
		kvs = kvs[f.n:]
	} else {
		rec = f.tmpl
	}
	rec.SetTimestamp(r.Time)
	rec.SetObservedTimestamp(observed(r.Time))
	rec.SetSeverity(severity(r.Level))
	rec.SetSeverityText(severityText(r.Level))
	rec.SetBody(body)
	sc := spanContext(ctx)
	rec.SetTraceID(sc.TraceID())
	rec.SetSpanID(sc.SpanID())
	rec.SetTraceFlags(sc.TraceFlags())
	rec.AddAttributes(kvs...)
	if len(f.pre) > 0 {
		f.emitThrough(ctx, rec) // they may change the record: OnEmit sizes it again
		return
	}
	if size < 0 {
		size = recordSize(&rec)
	}
	f.proc.enqueue(&rec, size)
}

// emitEncoded queues r encoded, as the SDK record emit would build for it (the same fields,
// appendRecord's encoding), and reports whether it did: false for a record the SDK would
// change (see encodable; one nested deeper than encodeDepth), or one over the batch byte cap,
// which enqueue cuts down as an SDK record.
func (f *fastHandler) emitEncoded(ctx context.Context, r *slog.Record, body attribute.Value, kvs []attribute.KeyValue, groups *encGroups) bool {
	if !encodable(kvs, f.countLimit) {
		return false
	}
	bp := encodeBufs.Get().(*[]byte)
	b, m := openMsg((*bp)[:0], fScopeLogsLogRecords, 2)
	// Every string here is the converter's, made valid UTF-8 (see trustUTF8).
	b, err := appendRecordHead(b, r.Time, severity(r.Level), severityText(r.Level), body, encodeDepth, trustUTF8)
	for i := 0; i < len(kvs) && err == nil; i++ {
		b, err = groups.appendAttr(b, fLogAttributes, kvs[i], encodeDepth)
	}
	sc := spanContext(ctx)
	b = appendRecordTail(b, 0, sc.TraceFlags(), sc.TraceID(), sc.SpanID(), observed(r.Time))
	b = closeMsg(b, m, 2)
	*bp = b
	ok := err == nil && len(b) <= f.proc.cfg.batchBytes
	if ok {
		f.proc.enqueueEncoded(f.enc, b)
	}
	putEncodeBuf(bp)
	return ok
}

// emitThrough hands rec to the WithProcessors processors, then to ours. It takes the record
// by value so that only pipelines with processors pay for it escaping to the heap (an
// interface's OnEmit may keep the pointer); emit's own record stays on the stack.
func (f *fastHandler) emitThrough(ctx context.Context, rec sdklog.Record) {
	for _, p := range f.pre {
		if err := p.OnEmit(ctx, &rec); err != nil {
			otel.Handle(err) // as the SDK's Logger.Emit does
		}
	}
	_ = f.proc.OnEmit(ctx, &rec)
}

// skipCapture is a WithProcessors processor as the SDK's provider holds it: it does not see
// the empty record a Processor's capture emits to learn a logger's template (which would
// otherwise carry what the processor adds, and every fast record get it twice).
type skipCapture struct{ sdklog.Processor }

func (s skipCapture) OnEmit(ctx context.Context, r *sdklog.Record) error {
	if ctx != nil {
		if _, ok := ctx.Value(captureKey{}).(*captureSlot); ok {
			return nil
		}
	}
	return s.Processor.OnEmit(ctx, r)
}

// multiProvider is the LoggerProvider of a Pipeline with several exporters: the SDK's, whose
// loggers hand each record to every Processor. Once the Pipeline starts shutting down, the
// SDK's loggers report not enabled and drop what they are given, in no counter; a
// multiProvider's loggers instead give such a record to each Processor, which counts it as
// DroppedShutdown, as a single exporter's fast path does.
type multiProvider struct {
	embedded.LoggerProvider

	sdk   *sdklog.LoggerProvider
	procs []*Processor

	closed atomic.Bool  // set by close: records go to the counters, not the SDK
	active atomic.Int64 // emits in progress into the SDK
}

var _ log.LoggerProvider = (*multiProvider)(nil)

// Logger returns the SDK's logger called name, wrapped so that late records are counted.
func (p *multiProvider) Logger(name string, opts ...log.LoggerOption) log.Logger {
	return &countingLogger{Logger: p.sdk.Logger(name, opts...), p: p}
}

// close stops handing records to the SDK and waits, within ctx, until the records being
// handed to it have reached the processors: after that, every record is counted.
func (p *multiProvider) close(ctx context.Context) {
	p.closed.Store(true)
	// Emits in progress end quickly: the processors have stopped accepting, so none waits
	// for room. The wait is bounded by ctx all the same.
	for p.active.Load() > 0 && ctx.Err() == nil {
		time.Sleep(50 * time.Microsecond)
	}
}

// countingLogger is a multiProvider's logger.
type countingLogger struct {
	log.Logger
	p *multiProvider
}

// Enabled is the SDK logger's answer until the Pipeline shuts down, then true: a record
// logged then must reach Emit to be counted. closed is read after the SDK answers: the SDK
// says no once its provider shuts down, which close precedes, so a no for that reason always
// sees closed (read before, a call racing Shutdown could see neither, and its record was
// counted nowhere).
func (l *countingLogger) Enabled(ctx context.Context, param log.EnabledParameters) bool {
	return l.Logger.Enabled(ctx, param) || l.p.closed.Load()
}

// Emit hands r to the SDK's logger or, once the Pipeline shuts down, counts it in each
// Processor as DroppedShutdown.
func (l *countingLogger) Emit(ctx context.Context, r log.Record) {
	// active is raised before closed is read, and close sets closed before reading active:
	// either close waits for this emit, or this emit sees closed.
	l.p.active.Add(1)
	if !l.p.closed.Load() {
		l.Logger.Emit(ctx, r)
		l.p.active.Add(-1)
		return
	}
	l.p.active.Add(-1)
	var late sdklog.Record // stopped processors only count it
	for _, proc := range l.p.procs {
		proc.enqueue(&late, 0)
	}
}
