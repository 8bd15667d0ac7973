package otlpsink

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/logbridge/logbridge/internal/spinlock"
	"github.com/logbridge/logbridge/vocab"
	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// Processor defaults. The queue is 8 times the OpenTelemetry default (2048), so that a burst
// is absorbed without blocking; backpressure (MaxBlock) covers the rest. Batches are the
// OpenTelemetry default (512 records; when only the queue size is set, at most a quarter of
// it), and besides capped by their estimated encoded size, so that a batch of large records
// fits what the collector accepts by default: 4 MiB per gRPC message, 20 MiB per HTTP body.
const (
	DefaultMaxQueueSize       = 16384
	DefaultScheduleDelay      = time.Second
	DefaultExportTimeout      = 30 * time.Second
	DefaultMaxExportBatchSize = 512
	DefaultMaxBlock           = time.Second
	DefaultExportConcurrency  = 1
	DefaultRetryMaxElapsed    = time.Minute

	// DefaultMaxExportBatchBytes is the default cap on a batch's estimated encoded size:
	// three quarters of the collector's default gRPC limit (4 MiB), leaving room for the
	// resource, the scope and the estimate's error. A Pipeline exporting over HTTP uses
	// HTTPMaxExportBatchBytes instead.
	DefaultMaxExportBatchBytes = 3 << 20
	// HTTPMaxExportBatchBytes is a Pipeline's default batch size cap over http/protobuf:
	// three quarters of the collector's default HTTP body limit (20 MiB).
	HTTPMaxExportBatchBytes = 15 << 20
)

// Memory bounds. Empty batch buffers are kept for reuse, so that a queue that fills and drains
// again and again (bursts; log calls outpacing the exports on one core) allocates and zeroes no
// new ones: as many as the full queue uses, but at most freeReserveBytes of them (and at least
// freeReserve); the rest are released to the garbage collector. recordBytes is the memory a queued
// record holds: about 600 bytes for a message and six small attributes queued
// (TestRecordBytesMeasured), about 745 in the whole pipeline with the collector down (the
// exporter's protobuf copies of batches being retried included). A queue whose worst case, at
// that rate, exceeds queueWarnBytes gets a Diagnostic.
const (
	freeReserve      = 4
	freeReserveBytes = 16 << 20
	recordBytes      = 750
	queueWarnBytes   = 256 << 20
)

// reserveBuffers is how many empty batch buffers a processor configured by c keeps.
func reserveBuffers(c processorConfig) int {
	per := c.batchSize * int(unsafe.Sizeof(sdklog.Record{}))
	n := c.maxQueue/c.batchSize + 2 // the full queue's batches, a part-filled one and the open one
	return max(freeReserve, min(n, freeReserveBytes/per))
}

// The environment variables the Processor reads (OpenTelemetry's batch log record processor
// settings; durations in milliseconds).
const (
	envMaxQueueSize       = "OTEL_BLRP_MAX_QUEUE_SIZE"
	envScheduleDelay      = "OTEL_BLRP_SCHEDULE_DELAY"
	envExportTimeout      = "OTEL_BLRP_EXPORT_TIMEOUT"
	envMaxExportBatchSize = "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE"
)

// Retry backoff between attempts to export a batch.
const (
	retryInitial  = 100 * time.Millisecond
	retryMax      = 5 * time.Second
	retryShutdown = 100 * time.Millisecond // backoff while Shutdown drains
)

// ProcessorOption configures a Processor. Options take precedence over the OTEL_BLRP_* env
// vars, as with the SDK's BatchProcessor.
type ProcessorOption func(*processorConfig)

type processorConfig struct {
	maxQueue, batchSize, workers int
	batchBytes                   int
	delay, timeout, maxBlock     time.Duration
	retryMaxElapsed              time.Duration
	set                          map[string]bool // env-backed settings given as options
	onError                      func(error)
	observe                      func(ExportOperation)
	red                          *redactor // nil: nothing to redact
	clone                        bool
	diags                        []vocab.Diagnostic
}

// WithMaxQueueSize sets how many records the processor holds at most, queued or being
// exported (OTEL_BLRP_MAX_QUEUE_SIZE; default DefaultMaxQueueSize). Values below 1 are ignored.
func WithMaxQueueSize(n int) ProcessorOption {
	return func(c *processorConfig) {
		if n > 0 {
			c.maxQueue, c.set[envMaxQueueSize] = n, true
		}
	}
}

// WithScheduleDelay sets how long a record waits at most for its batch to fill before the
// batch is exported anyway (OTEL_BLRP_SCHEDULE_DELAY; default DefaultScheduleDelay).
func WithScheduleDelay(d time.Duration) ProcessorOption {
	return func(c *processorConfig) {
		if d > 0 {
			c.delay, c.set[envScheduleDelay] = d, true
		}
	}
}

// WithExportTimeout bounds each export attempt (OTEL_BLRP_EXPORT_TIMEOUT; default
// DefaultExportTimeout).
func WithExportTimeout(d time.Duration) ProcessorOption {
	return func(c *processorConfig) {
		if d > 0 {
			c.timeout, c.set[envExportTimeout] = d, true
		}
	}
}

// WithMaxExportBatchSize sets how many records an export sends at most
// (OTEL_BLRP_MAX_EXPORT_BATCH_SIZE; default DefaultMaxExportBatchSize, or a quarter of a
// smaller queue; at most the queue size).
func WithMaxExportBatchSize(n int) ProcessorOption {
	return func(c *processorConfig) {
		if n > 0 {
			c.batchSize, c.set[envMaxExportBatchSize] = n, true
		}
	}
}

// WithMaxExportBatchBytes caps a batch's estimated encoded size in bytes (default
// DefaultMaxExportBatchBytes; a Pipeline over http/protobuf uses HTTPMaxExportBatchBytes). A
// record larger than that alone is cut down to it (see TruncatedKey). Values below 1 are
// ignored.
func WithMaxExportBatchBytes(n int) ProcessorOption {
	return func(c *processorConfig) {
		if n > 0 {
			c.batchBytes = n
		}
	}
}

// WithMaxBlock sets how long OnEmit (a log call) waits at most for room when the queue is
// full while exports are succeeding (default DefaultMaxBlock). Zero or less never waits: a
// full queue drops at once.
func WithMaxBlock(d time.Duration) ProcessorOption {
	return func(c *processorConfig) { c.maxBlock = max(d, 0) }
}

// WithExportConcurrency sets how many exports run at once (default DefaultExportConcurrency,
// 1). The sdklog.Exporter contract says Export is not called concurrently, so more than one
// needs an exporter that allows it: the OTLP http and grpc exporters do (a Pipeline runs them
// with 4), stdoutlog does not.
func WithExportConcurrency(n int) ProcessorOption {
	return func(c *processorConfig) {
		if n > 0 {
			c.workers = n
		}
	}
}

// WithRetryMaxElapsed sets how long a batch whose export fails transiently is retried, with
// exponential backoff from 100 ms to 5 s (or the server's Retry-After / RetryInfo delay, if
// longer), before its records are counted as failed (default DefaultRetryMaxElapsed). A
// server delay that would end past the budget ends the retries at once. Zero means one
// attempt, no retry.
func WithRetryMaxElapsed(d time.Duration) ProcessorOption {
	return func(c *processorConfig) { c.retryMaxElapsed = max(d, 0) }
}

// WithErrorHandler sets a function called with each failed export attempt (an *ExportError),
// and at most once per schedule delay with the records dropped since the last call (a
// *DropError). It is called from the processor's goroutines, never from a log call, and never
// with a lock held; it should return quickly. The processor never logs on its own.
func WithErrorHandler(f func(error)) ProcessorOption {
	return func(c *processorConfig) { c.onError = f }
}

// WithCloneRecords makes OnEmit keep a deep copy (Record.Clone) of each record. Needed only
// when a processor registered after this one on the same LoggerProvider modifies records in
// place; by default the processor keeps the SDK's record as is (see the package
// documentation, "Record ownership").
func WithCloneRecords() ProcessorOption {
	return func(c *processorConfig) { c.clone = true }
}

// withRedactor sets what removes secrets from error text: Stats.LastError and the errors the
// error handler receives. A Pipeline sets it.
func withRedactor(r *redactor) ProcessorOption {
	return func(c *processorConfig) { c.red = r }
}

func newProcessorConfig(opts []ProcessorOption) processorConfig {
	c := processorConfig{
		batchBytes:      DefaultMaxExportBatchBytes,
		workers:         DefaultExportConcurrency,
		maxBlock:        DefaultMaxBlock,
		retryMaxElapsed: DefaultRetryMaxElapsed,
		set:             map[string]bool{},
	}
	for _, o := range opts {
		o(&c)
	}
	envInt := func(name string, dst *int, def int) {
		if c.set[name] {
			return
		}
		*dst = def
		v := os.Getenv(name)
		if strings.TrimSpace(v) == "" {
			return // unset, empty or blank: the default, as the other variables
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 {
			c.diags = append(c.diags, vocab.Diagnostic{Source: name, Piece: v,
				Problem: "not a positive integer; using the default " + strconv.Itoa(def)})
			return
		}
		*dst = n
	}
	envDur := func(name string, dst *time.Duration, def time.Duration) {
		ms := int(def / time.Millisecond)
		d := int(*dst / time.Millisecond)
		envInt(name, &d, ms)
		*dst = time.Duration(d) * time.Millisecond
	}
	envInt(envMaxQueueSize, &c.maxQueue, DefaultMaxQueueSize)
	// Unset, the batch is at most a quarter of the queue, so that exports overlap.
	envInt(envMaxExportBatchSize, &c.batchSize, min(DefaultMaxExportBatchSize, max(c.maxQueue/4, 1)))
	envDur(envScheduleDelay, &c.delay, DefaultScheduleDelay)
	envDur(envExportTimeout, &c.timeout, DefaultExportTimeout)
	c.batchSize = min(c.batchSize, c.maxQueue)
	if worst := uint64(c.maxQueue) * recordBytes; worst > queueWarnBytes {
		src := envMaxQueueSize
		if c.set[envMaxQueueSize] {
			src = "WithMaxQueueSize"
		}
		c.diags = append(c.diags, vocab.Diagnostic{Source: src, Piece: strconv.Itoa(c.maxQueue),
			Problem: fmt.Sprintf("a full queue holds about %d MiB (%d bytes per record measured for small records; more with large attributes), kept while the collector is unreachable",
				worst>>20, recordBytes)})
	}
	return c
}

// Stats are a Processor's counters since it was made. A snapshot is consistent: Emitted ==
// Exported + Undelivered() + OutcomeUnknown + Pending, exactly.
type Stats struct {
	Emitted  uint64 // records handed to OnEmit
	Enqueued uint64 // records accepted into the queue
	Exported uint64 // records the exporter delivered

	DroppedQueueFull uint64 // not accepted: the queue was full (after waiting, if allowed)
	DroppedShutdown  uint64 // not accepted: emitted after Shutdown began

	FailedExport   uint64 // exports that failed for good: retries exhausted or cancelled
	FailedRejected uint64 // rejected by the receiver in a partial-success response
	FailedShutdown uint64 // still queued or being exported when Shutdown's context ended

	// FailedPermanent counts records whose export the receiver refused with a status the OTLP
	// specification says not to retry (HTTP 400, 401, 403..., gRPC InvalidArgument,
	// Unauthenticated...): one attempt, then counted here and reported once.
	FailedPermanent uint64
	// OutcomeUnknown counts records whose export request had been sent when Shutdown's
	// deadline ended it, before the answer came back: maybe delivered, maybe not; neither
	// exported nor undelivered.
	OutcomeUnknown uint64

	// Truncated counts records cut down to fit the batch size cap or a receiver's size limit
	// (they carry TruncatedKey); they are counted as any other record besides.
	Truncated uint64
	// Splits counts batches split in two because the receiver refused them as too large.
	Splits uint64
	// ProtocolErrors counts answers that broke the protocol: a partial success with a
	// negative count, or more rejected records than were sent.
	ProtocolErrors uint64

	Pending uint64 // queued or being exported now
	Waiting uint64 // log calls waiting for room now (not yet counted in Emitted)

	ExportAttempts uint64 // calls to the exporter's Export
	ExportErrors   uint64 // attempts that returned an error (including partial successes rejecting records)
	Retries        uint64 // failed attempts followed by another attempt
	LastError      string // text of the latest export error (secrets redacted by a Pipeline)
}

// Undelivered returns the records that were not, and will not be, delivered.
func (s Stats) Undelivered() uint64 {
	return s.DroppedQueueFull + s.DroppedShutdown + s.FailedExport + s.FailedRejected + s.FailedShutdown +
		s.FailedPermanent
}

// add adds o's counters to s; o's LastError, if any, replaces s's.
func (s *Stats) add(o Stats) {
	s.Emitted += o.Emitted
	s.Enqueued += o.Enqueued
	s.Exported += o.Exported
	s.DroppedQueueFull += o.DroppedQueueFull
	s.DroppedShutdown += o.DroppedShutdown
	s.FailedExport += o.FailedExport
	s.FailedRejected += o.FailedRejected
	s.FailedShutdown += o.FailedShutdown
	s.FailedPermanent += o.FailedPermanent
	s.OutcomeUnknown += o.OutcomeUnknown
	s.Truncated += o.Truncated
	s.Splits += o.Splits
	s.ProtocolErrors += o.ProtocolErrors
	s.Pending += o.Pending
	s.Waiting += o.Waiting
	s.ExportAttempts += o.ExportAttempts
	s.ExportErrors += o.ExportErrors
	s.Retries += o.Retries
	if o.LastError != "" {
		s.LastError = o.LastError
	}
}

// ExportError describes a failed export attempt, or an answer worth hearing about; a
// WithErrorHandler function receives it.
type ExportError struct {
	Records  int   // records in the batch
	Attempt  int   // 1 for the first attempt
	Retrying bool  // the batch will be tried again; if false, its records are counted as lost
	Rejected int64 // records the receiver rejected (partial success; the rest were delivered)
	Err      error // the exporter's error

	// Status is the receiver's answer when it refused the batch for good ("HTTP 401
	// Unauthorized", "gRPC InvalidArgument"): the records are counted in FailedPermanent.
	Status string
	// Split is true when the receiver refused the batch as too large: it is sent again in
	// two halves (a single record is cut down instead), nothing is lost.
	Split bool
	// Warning is true for a partial success that rejected nothing but carries a message, or
	// a 2xx answer over HTTP whose body is not an OTLP response: every record was delivered.
	Warning bool
	// Protocol is true when the answer broke the protocol (an impossible partial-success
	// count); Rejected then holds the records counted as rejected.
	Protocol bool
}

// Error describes the attempt and its outcome, then the exporter's error.
func (e *ExportError) Error() string {
	var b strings.Builder
	b.WriteString("otlpsink: export of ")
	b.WriteString(vocab.LogRecords(uint64(e.Records)))
	switch {
	case e.Protocol:
		b.WriteString(": invalid answer from the receiver (")
		b.WriteString(strconv.FormatInt(e.Rejected, 10))
		b.WriteString(" counted as rejected)")
	case e.Warning:
		b.WriteString(" delivered, with a warning from the receiver")
	case e.Split:
		b.WriteString(" refused as too large; sending it again split in two")
	case e.Status != "":
		b.WriteString(" refused by the receiver (")
		b.WriteString(e.Status)
		b.WriteString(", not retried): records lost")
	case e.Rejected > 0:
		b.WriteString(": ")
		b.WriteString(strconv.FormatInt(e.Rejected, 10))
		b.WriteString(" rejected by the receiver")
	case e.Retrying:
		b.WriteString(" failed (attempt ")
		b.WriteString(strconv.Itoa(e.Attempt))
		b.WriteString(", will retry)")
	default:
		b.WriteString(" failed (attempt ")
		b.WriteString(strconv.Itoa(e.Attempt))
		b.WriteString(", giving up: records lost)")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the exporter's error.
func (e *ExportError) Unwrap() error { return e.Err }

// DropError reports records not accepted because the queue was full.
type DropError struct {
	Records uint64 // records dropped since the previous DropError
}

// Error says how many records were dropped.
func (e *DropError) Error() string {
	return "otlpsink: " + vocab.LogRecords(e.Records) + " dropped: export queue full"
}

// DeliveryError is returned by Shutdown and ForceFlush when records could not be delivered
// within the context's deadline.
type DeliveryError struct {
	Records uint64 // records not delivered (Shutdown: lost and counted; ForceFlush: still queued)
	Lost    bool   // true from Shutdown: the records are counted in Stats.FailedShutdown
	Unknown uint64 // from Shutdown: records sent but unanswered at the deadline (Stats.OutcomeUnknown)
	Err     error  // the cause: the context's error (with the last export error), or the last export error
}

// Error says how many records were not delivered, and why.
func (e *DeliveryError) Error() string {
	what := " still queued after flush"
	if e.Lost {
		what = " not delivered at shutdown"
	}
	s := "otlpsink: " + vocab.LogRecords(e.Records) + what
	if e.Unknown > 0 {
		s += ", " + strconv.FormatUint(e.Unknown, 10) + " sent but unanswered (outcome unknown)"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *DeliveryError) Unwrap() error { return e.Err }

// batch is a sealed run of records exported together.
type batch struct {
	seq  uint64
	recs []sdklog.Record // the records, or, for an encoding Processor,
	enc  *encRecords     // their encodings
	left int             // records not yet settled (an export may settle a batch in parts)
	try  *attempt        // the export attempt in flight, nil between attempts; guarded by mu
}

// len is how many records b holds.
func (b *batch) len() int {
	if b.enc != nil {
		return b.enc.len()
	}
	return len(b.recs)
}

// part is the records of one export attempt: some of a batch's SDK records, or some of its
// encoded ones.
type part struct {
	recs []sdklog.Record
	enc  encPart
}

func (pt part) len() int {
	if pt.enc.recs != nil {
		return pt.enc.len()
	}
	return len(pt.recs)
}

// halves splits pt in two.
func (pt part) halves() (part, part) {
	if e := pt.enc; e.recs != nil {
		mid := e.lo + e.len()/2
		return part{enc: encPart{e.recs, e.lo, mid}}, part{enc: encPart{e.recs, mid, e.hi}}
	}
	n := len(pt.recs)
	return part{recs: pt.recs[:n/2]}, part{recs: pt.recs[n/2:]}
}

// Processor is an sdklog.Processor that batches records and exports them with a small pool
// of concurrent exports, without losing records silently. See the package documentation
// ("The processor") for the mechanism and its bounds.
type Processor struct {
	exp    sdklog.Exporter
	encExp encodingExporter // exp, when it takes records encoded at the call; nil otherwise
	cfg    processorConfig

	stopped atomic.Bool // Shutdown began: OnEmit accepts nothing more
	shut    atomic.Bool // Shutdown was called

	mu             sync.Mutex
	work           *sync.Cond        // workers wait here for ready batches
	cur            []sdklog.Record   // the open batch
	curEnc         *encRecords       // the open batch of an encoding Processor
	freeEnc        []*encRecords     // an encoding Processor's empty batch buffers
	encRecordBytes int               // bytes per record of the encoded batch sealed last
	curBytes       int               // estimated encoded size of cur
	ready          []*batch          // sealed batches, oldest first
	inflight       map[*batch]bool   // batches being exported
	free           [][]sdklog.Record // empty batch buffers
	reserve        int               // how many free buffers are kept (reserveBuffers)
	seq            uint64            // sequence number of the next sealed batch
	held           int               // records in cur, ready and inflight
	waiting        int               // log calls in waitForRoom
	progress       chan struct{}     // closed and replaced when records leave the processor
	kick           chan struct{}     // closed and replaced to cut retry backoffs short
	failing        bool              // the latest export attempt failed
	stalled        bool              // a log call timed out waiting for room and no export had finished for MaxBlock
	lastDone       time.Time         // when an export last succeeded
	draining       bool              // Shutdown sealed the last batch: workers exit once none is ready
	closed         bool              // Shutdown finished: held records were counted as lost
	st             Stats             // counters, guarded by mu
	cause          string            // the latest export error that was not Shutdown cutting an export short
	reported       uint64            // DroppedQueueFull already reported through onError

	runCtx    context.Context // parent of export contexts; cancelled when Shutdown's ctx ends
	cancelRun context.CancelFunc
	stop      chan struct{} // closed when Shutdown begins
	workers   sync.WaitGroup
	ticker    sync.WaitGroup

	capturing atomic.Int32 // > 0 while a provider captures a record template
	captureMu sync.Mutex

	scopesMu sync.Mutex
	scopes   map[scopeKey]*encScope // see scopeOf
}

var _ sdklog.Processor = (*Processor)(nil)

// NewProcessor returns a Processor exporting to exp, configured by opts and the OTEL_BLRP_*
// env vars (options win). Invalid env values are ignored in favor of the default; Diagnostics
// names them. The processor starts its goroutines at once; Shutdown stops them.
func NewProcessor(exp sdklog.Exporter, opts ...ProcessorOption) *Processor {
	p := &Processor{
		exp:      exp,
		cfg:      newProcessorConfig(opts),
		inflight: map[*batch]bool{},
		progress: make(chan struct{}),
		kick:     make(chan struct{}),
		stop:     make(chan struct{}),
	}
	if e, ok := exp.(encodingExporter); ok && !p.cfg.clone {
		p.encExp = e
	}
	p.reserve = reserveBuffers(p.cfg)
	p.work = sync.NewCond(&p.mu)
	p.runCtx, p.cancelRun = context.WithCancel(context.Background())
	p.workers.Add(p.cfg.workers)
	for range p.cfg.workers {
		go p.worker()
	}
	p.ticker.Add(1)
	go p.tick()
	return p
}

// Diagnostics returns the problems found in the OTEL_BLRP_* env vars: each names the variable
// and its value, which was ignored for the default.
func (p *Processor) Diagnostics() []vocab.Diagnostic { return p.cfg.diags }

// Enabled reports true, also after Shutdown began: a record emitted then reaches OnEmit and
// is counted as DroppedShutdown, instead of vanishing before any counter saw it.
func (p *Processor) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }

// OnEmit queues a copy of r for export. When the queue is full it waits up to the MaxBlock
// bound for room, but only while exports are succeeding; otherwise the record is dropped and
// counted. It always returns nil.
func (p *Processor) OnEmit(ctx context.Context, r *sdklog.Record) error {
	if p.capturing.Load() != 0 && ctx != nil {
		if slot, ok := ctx.Value(captureKey{}).(*captureSlot); ok {
			slot.rec, slot.ok = *r, true
			return nil
		}
	}
	p.enqueue(r, recordSize(r))
	return nil
}

// enqueue is OnEmit for r, whose estimated encoded size is size (recordSize's estimate, or a
// higher one).
func (p *Processor) enqueue(r *sdklog.Record, size int) {
	// Sizing (and, rarely, cutting a huge record down) happens before taking the lock.
	truncated := false
	if size > p.cfg.batchBytes && !p.stopped.Load() {
		if size = recordSize(r); size > p.cfg.batchBytes { // the caller's estimate may be high
			t := truncatedCopy(r, p.cfg.batchBytes)
			r, size, truncated = &t, recordSize(&t), true
		}
	}
	if p.encExp != nil {
		bp, err := encodeSDKRecord(r)
		if err != nil {
			putEncodeBuf(bp)
			p.refuse(err)
			return
		}
		p.put(nil, p.scopeOf(r), *bp, len(*bp), truncated)
		putEncodeBuf(bp)
		return
	}
	p.put(r, nil, nil, size, truncated)
}

// enqueueEncoded queues rec, a record of scope s encoded at the call. Only for an encoding
// Processor.
func (p *Processor) enqueueEncoded(s *encScope, rec []byte) {
	p.put(nil, s, rec, len(rec), false)
}

// put queues r, or rec, the encoding of a record of scope s, whose (estimated) encoded size
// is size.
func (p *Processor) put(r *sdklog.Record, s *encScope, rec []byte, size int, truncated bool) {
	spinlock.Lock(&p.mu) // log calls on other goroutines contend for it (see spinlock)
	// Emitted is counted with the outcome, never before it, so that a Stats snapshot taken
	// while this call waits for room still balances.
	if p.stopped.Load() {
		p.st.Emitted++
		p.st.DroppedShutdown++
		p.mu.Unlock()
		return
	}
	if p.held >= p.cfg.maxQueue && !p.waitForRoom() {
		p.st.Emitted++
		if p.stopped.Load() {
			p.st.DroppedShutdown++
		} else {
			p.st.DroppedQueueFull++
		}
		p.mu.Unlock()
		return
	}
	p.st.Emitted++
	if p.curLen() > 0 && p.curBytes+size > p.cfg.batchBytes {
		p.seal()
	}
	if truncated {
		p.st.Truncated++
	}
	p.curBytes += size
	n := 0
	switch {
	case rec != nil:
		if p.curEnc == nil {
			p.curEnc = p.newEncBuffer()
		}
		p.curEnc.add(s, rec)
		n = p.curEnc.len()
	default:
		if p.cur == nil {
			p.cur = p.newBuffer()
		}
		if p.cfg.clone && !truncated {
			p.cur = append(p.cur, r.Clone())
		} else {
			p.cur = append(p.cur, *r)
		}
		n = len(p.cur)
	}
	p.held++
	p.st.Enqueued++
	if n >= p.cfg.batchSize {
		p.seal()
	}
	p.mu.Unlock()
}

// refuse accounts for a record an encoding Processor could not encode, repaired or not (no
// record the SDK builds is such: a guard, counted as lost rather than dropped uncounted).
func (p *Processor) refuse(err error) {
	err = fmt.Errorf("otlpsink: a log record could not be encoded, so it is lost: %w", err)
	p.mu.Lock()
	p.st.Emitted++
	p.st.FailedPermanent++
	p.noteError(err)
	p.mu.Unlock()
	p.report(err)
}

// curLen is how many records the open batch holds. Called with p.mu held.
func (p *Processor) curLen() int {
	if p.curEnc != nil {
		return p.curEnc.len()
	}
	return len(p.cur)
}

// waitForRoom waits, with p.mu held (released while waiting), until the queue has room. It
// waits only while exports are succeeding, and at most cfg.maxBlock; a wait that times out
// with no export finishing during it marks the exporter stalled, so that later calls drop at
// once until an export succeeds.
func (p *Processor) waitForRoom() bool {
	if p.failing || p.stalled || p.cfg.maxBlock <= 0 {
		return false
	}
	if len(p.ready) == 0 && p.curLen() > 0 {
		p.seal() // let the exports take what the queue holds
	}
	timer := time.NewTimer(p.cfg.maxBlock)
	defer timer.Stop()
	for p.held >= p.cfg.maxQueue {
		if p.failing || p.stalled || p.stopped.Load() {
			return false
		}
		ch := p.progress
		p.waiting++
		p.mu.Unlock()
		select {
		case <-ch:
			p.mu.Lock()
			p.waiting--
		case <-timer.C:
			p.mu.Lock()
			p.waiting--
			if p.held >= p.cfg.maxQueue {
				// This call gives up at its bound. Later calls drop at once only if exports
				// have stopped finishing; a collector that is slow but working (or a starved
				// CPU) keeps them waiting for room instead of dropping a whole run.
				if time.Since(p.lastDone) >= p.cfg.maxBlock {
					p.stalled = true
				}
				return false
			}
		}
	}
	return true
}

// truncatedCopy returns a deep copy of r cut down to budget bytes (see truncateRecord).
func truncatedCopy(r *sdklog.Record, budget int) sdklog.Record {
	c := r.Clone()
	truncateRecord(&c, budget)
	return c
}

// newBuffer returns an empty batch buffer, reusing a free one. Called with p.mu held.
func (p *Processor) newBuffer() []sdklog.Record {
	if n := len(p.free); n > 0 {
		b := p.free[n-1]
		p.free = p.free[:n-1]
		return b
	}
	return make([]sdklog.Record, 0, p.cfg.batchSize)
}

// newEncBuffer returns an empty buffer of encoded records, reusing a free one. Called with
// p.mu held.
func (p *Processor) newEncBuffer() *encRecords {
	if n := len(p.freeEnc); n > 0 {
		b := p.freeEnc[n-1]
		p.freeEnc = p.freeEnc[:n-1]
		return b
	}
	// Sized for a full batch of records like the last batch's: a buffer grown by appending
	// copies itself at each doubling and ends with up to twice the room it needs (a queue of
	// them in an outage holds that much more memory).
	size := min(p.encRecordBytes*p.cfg.batchSize*17/16, p.cfg.batchBytes)
	return &encRecords{buf: make([]byte, 0, size), ends: make([]int32, 0, p.cfg.batchSize),
		scopes: make([]*encScope, 0, p.cfg.batchSize)}
}

// seal moves the open batch, if any, to the ready list and wakes a worker. Called with p.mu
// held.
func (p *Processor) seal() {
	n := p.curLen()
	if n == 0 {
		return
	}
	if p.curEnc != nil {
		p.encRecordBytes = len(p.curEnc.buf) / n
	}
	p.ready = append(p.ready, &batch{seq: p.seq, recs: p.cur, enc: p.curEnc, left: n})
	p.seq++
	p.cur, p.curEnc, p.curBytes = nil, nil, 0
	p.work.Signal()
}

// worker exports ready batches until Shutdown has drained the queue.
func (p *Processor) worker() {
	defer p.workers.Done()
	for {
		p.mu.Lock()
		for len(p.ready) == 0 && !p.draining {
			p.work.Wait()
		}
		if len(p.ready) == 0 {
			p.mu.Unlock()
			return
		}
		b := p.ready[0]
		p.ready[0] = nil
		p.ready = p.ready[1:]
		p.inflight[b] = true
		p.mu.Unlock()
		p.export(b)
	}
}

// export delivers b's records and releases it.
func (p *Processor) export(b *batch) {
	if b.enc != nil {
		p.deliver(b, part{enc: encPart{b.enc, 0, b.enc.len()}})
	} else {
		p.deliver(b, part{recs: b.recs})
	}
	p.release(b)
}

// outcome is how the records of one attempt ended.
type outcome struct {
	exported, rejected, failed, permanent uint64
}

// deliver exports recs, all or part of b's records, and settles their outcome. A transient
// failure (see classify) is retried with backoff, or after the server's delay if it gives a
// longer one, while the retry budget and Shutdown's context last; a permanent one settles
// the records at once. A batch refused as too large is split and each half delivered; a
// single record refused so is cut down and sent again.
func (p *Processor) deliver(b *batch, pt part) {
	n := pt.len()
	backoff := retryInitial
	start := time.Now()
	repaired := false
	// One observation (WithExportObserver) per operation, with its last attempt's error; a
	// batch split in two is observed as its halves.
	var opErr error
	var opRejected int64
	observe := true
	defer func() {
		if observe {
			p.observeExport(start, n, opRejected, opErr)
		}
	}()
	for try := 1; ; try++ {
		a := &attempt{n: n}
		if p.runCtx.Err() != nil {
			// Shutdown's deadline ended the wait for this attempt: nothing was sent. Not
			// observed: the operation's attempts so far were counted as retries, and its
			// records are in FailedShutdown.
			observe = false
			p.settleShutdown(b, a, nil)
			return
		}
		p.mu.Lock()
		b.try = a
		p.mu.Unlock()
		ctx, cancel := context.WithTimeout(httpSentTrace(context.WithValue(p.runCtx, attemptKey{}, a)), p.cfg.timeout)
		err := p.callExport(ctx, pt)
		cancel()
		opErr = err
		if err == nil {
			p.settle(b, a, nil, outcome{exported: uint64(n)})
			return
		}
		if ps, ok := partialSuccess(err); ok {
			opRejected = min(max(ps.rejected, 0), int64(n))
			p.settlePartial(b, a, try, ps, err)
			return
		}
		if p.runCtx.Err() != nil {
			// Cut short by Shutdown's deadline: lost if never sent, else of unknown outcome.
			p.settleShutdown(b, a, err)
			p.report(&ExportError{Records: n, Attempt: try, Err: err})
			return
		}
		v := classify(err)
		switch {
		case v.tooLarge && n > 1:
			observe = false
			p.attemptFailed(b, err, false)
			p.mu.Lock()
			p.st.Splits++
			p.mu.Unlock()
			p.report(&ExportError{Records: n, Attempt: try, Split: true, Err: err})
			lo, hi := pt.halves()
			p.deliver(b, lo)
			p.deliver(b, hi)
			return
		case (v.tooLarge || v.badUTF8 && !repaired) && !p.decoded(&pt):
			// The paths below change records, which they do on SDK records: p.decoded
			// rebuilds encoded ones (pt holds SDK records from here on), and this is one
			// that could not be rebuilt.
			p.settle(b, a, err, outcome{permanent: uint64(n)})
			p.report(&ExportError{Records: n, Attempt: try, Status: "not decodable", Err: err})
			return
		case v.tooLarge && recordSize(&pt.recs[0]) > minTruncated:
			// One record the receiver finds too large even alone: halve it until it fits.
			first := !hasAttr(&pt.recs[0], TruncatedKey)
			if !shrink(&pt.recs[0]) {
				p.settle(b, a, err, outcome{permanent: 1})
				p.report(&ExportError{Records: n, Attempt: try, Status: v.status, Err: err})
				return
			}
			p.attemptFailed(b, err, false)
			if first {
				p.mu.Lock()
				p.st.Truncated++
				p.mu.Unlock()
			}
			p.report(&ExportError{Records: n, Attempt: try, Retrying: true, Err: err})
			continue
		case v.badUTF8 && !repaired:
			// Records from another bridge may hold strings that are not UTF-8, which no
			// OTLP request may carry: repair them and send again.
			p.attemptFailed(b, err, false)
			repairRecords(pt.recs)
			repaired = true
			continue
		case !v.retry || v.tooLarge || v.badUTF8:
			if v.status == "" {
				v.status = "not retryable"
			}
			p.settle(b, a, err, outcome{permanent: uint64(n)})
			p.report(&ExportError{Records: n, Attempt: try, Status: v.status, Err: err})
			return
		}
		stopping := p.stopped.Load()
		wait := backoff
		if stopping {
			wait = retryShutdown
		}
		// Full jitter on the upper half, so concurrent workers do not retry in lockstep.
		wait = wait/2 + rand.N(wait/2+1)
		elapsed := time.Since(start)
		if elapsed >= p.cfg.retryMaxElapsed || (v.throttle > 0 && elapsed+v.throttle > p.cfg.retryMaxElapsed) {
			// Out of budget, or the server asks for a wait that would end past it.
			p.settle(b, a, err, outcome{failed: uint64(n)})
			p.report(&ExportError{Records: n, Attempt: try, Err: err})
			return
		}
		wait = max(wait, v.throttle)
		p.attemptFailed(b, err, true)
		p.report(&ExportError{Records: n, Attempt: try, Retrying: true, Err: err})
		p.mu.Lock()
		kick := p.kick
		p.mu.Unlock()
		if v.throttle > 0 {
			kick = nil // the server's delay is honoured, even by ForceFlush and Shutdown
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-kick:
		case <-p.runCtx.Done():
		}
		t.Stop()
		backoff = min(backoff*2, retryMax)
	}
}

// hasAttr reports whether r has an attribute called key.
func hasAttr(r *sdklog.Record, key string) bool {
	found := false
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		found = string(kv.Key) == key
		return !found
	})
	return found
}

// shrink cuts r down to half its size (at least minTruncated) and reports whether it got
// smaller.
func shrink(r *sdklog.Record) bool {
	before := recordSize(r)
	c := truncatedCopy(r, before/2)
	if recordSize(&c) >= before {
		return false
	}
	*r = c
	return true
}

// decoded turns an encoded pt into SDK records, for the paths that change records, and
// reports whether pt now holds SDK records.
func (p *Processor) decoded(pt *part) bool {
	if pt.enc.recs == nil {
		return true
	}
	recs, err := pt.enc.decode()
	if err != nil {
		return false
	}
	*pt = part{recs: recs}
	return true
}

// callExport calls the exporter, turning a panic into an error, and an error of another
// exporter's that the processor could not read safely into one it can (readableError).
func (p *Processor) callExport(ctx context.Context, pt part) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("exporter panicked: %v", r)
		}
	}()
	if pt.enc.recs != nil {
		return p.encExp.exportEncoded(ctx, pt.enc)
	}
	return readableError(p.exp.Export(ctx, pt.recs))
}

// noteError records err as the latest export error. Called with p.mu held. An error caused
// by Shutdown's deadline cutting an export short keeps the real cause before it beside it.
func (p *Processor) noteError(err error) {
	msg := p.cfg.red.redact(err.Error())
	if p.runCtx.Err() == nil || p.cause == "" {
		p.cause = msg
		p.st.LastError = msg
		return
	}
	if msg != p.cause {
		p.st.LastError = msg + " (last export error before: " + p.cause + ")"
	}
}

// attemptFailed accounts for a failed attempt whose records are sent again (retried, split
// or repaired).
func (p *Processor) attemptFailed(b *batch, err error, retry bool) {
	p.mu.Lock()
	p.st.ExportAttempts++
	p.st.ExportErrors++
	if retry {
		p.st.Retries++
		p.failing = true
	}
	p.noteError(err)
	b.try = nil
	p.mu.Unlock()
}

// settlePartial settles an attempt answered with a partial success. A count that is negative,
// or more than was sent, breaks the protocol: it is reported as such, and the records counted
// as delivered (negative) or rejected (too many). Zero rejected with a message is a warning:
// everything was delivered.
func (p *Processor) settlePartial(b *batch, a *attempt, try int, ps partial, err error) {
	n := int64(a.n)
	switch {
	case ps.rejected < 0 || ps.rejected > n:
		counted := int64(0)
		if ps.rejected > n {
			counted = n
		}
		perr := fmt.Errorf("protocol error: partial success with rejected_log_records=%d for %d records sent (message %q)",
			ps.rejected, n, p.cfg.red.redact(ps.message))
		p.mu.Lock()
		p.st.ProtocolErrors++
		p.mu.Unlock()
		p.settle(b, a, perr, outcome{exported: uint64(n - counted), rejected: uint64(counted)})
		p.report(&ExportError{Records: a.n, Attempt: try, Rejected: counted, Protocol: true, Err: perr})
	case ps.rejected == 0:
		p.settle(b, a, nil, outcome{exported: uint64(n)})
		p.report(&ExportError{Records: a.n, Attempt: try, Warning: true, Err: err})
	default:
		p.settle(b, a, err, outcome{exported: uint64(n - ps.rejected), rejected: uint64(ps.rejected)})
		p.report(&ExportError{Records: a.n, Attempt: try, Rejected: ps.rejected, Err: err})
	}
}

// settleShutdown settles an attempt that Shutdown's deadline cut short (or never let start):
// its records are of unknown outcome if the request had been sent, else lost.
func (p *Processor) settleShutdown(b *batch, a *attempt, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.st.ExportAttempts++
		p.st.ExportErrors++
		p.noteError(err)
	}
	b.try = nil
	if p.closed {
		return // Shutdown already counted b's records
	}
	if a.sent.Load() {
		p.st.OutcomeUnknown += uint64(a.n)
	} else {
		p.st.FailedShutdown += uint64(a.n)
	}
	p.settled(b, a.n)
}

// settle accounts for an attempt's last answer: exported records were delivered, rejected
// ones refused by the receiver in a partial success, failed ones lost to transient errors
// that outlasted the budget, permanent ones refused for good.
func (p *Processor) settle(b *batch, a *attempt, err error, o outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.st.ExportAttempts++
	if err != nil {
		p.st.ExportErrors++
		p.noteError(err)
	}
	b.try = nil
	if p.closed {
		return // Shutdown gave up on this batch and counted it
	}
	p.st.Exported += o.exported
	p.st.FailedRejected += o.rejected
	p.st.FailedExport += o.failed
	p.st.FailedPermanent += o.permanent
	if o.failed+o.permanent > 0 {
		p.failing = true
	} else {
		p.failing, p.stalled = false, false
		p.lastDone = time.Now()
	}
	p.settled(b, a.n)
}

// settled releases n of b's records from the queue bound. Called with p.mu held.
func (p *Processor) settled(b *batch, n int) {
	b.left -= n
	p.held -= n
	close(p.progress)
	p.progress = make(chan struct{})
}

// release drops b once all its records are settled, keeping its buffer for reuse if the
// small reserve has room.
func (p *Processor) release(b *batch) {
	// The worker owns b's records now. Clearing them (the buffer must not keep their strings
	// and arrays alive) writes the whole buffer: done before taking p.mu, so that log calls do
	// not wait for it.
	recs, enc := b.recs, b.enc
	clear(recs)
	if enc != nil {
		enc.reset()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.inflight, b)
	close(p.progress) // ForceFlush waits for b to leave inflight
	p.progress = make(chan struct{})
	switch {
	case p.closed:
	case enc != nil:
		// A buffer grown past the batch byte cap (by one huge record) is not kept.
		if len(p.freeEnc) < p.reserve && cap(enc.buf) <= p.cfg.batchBytes {
			p.freeEnc = append(p.freeEnc, enc)
		}
	case len(p.free) < p.reserve && cap(recs) <= p.cfg.batchSize:
		p.free = append(p.free, recs[:0])
	}
	b.recs, b.enc = nil, nil
}

// report hands err to the error handler, if any.
func (p *Processor) report(err error) {
	if f := p.cfg.onError; f != nil {
		func() {
			defer func() { _ = recover() }()
			f(p.cfg.red.redactError(err))
		}()
	}
}

// tick seals the open batch every schedule delay and reports drops.
func (p *Processor) tick() {
	defer p.ticker.Done()
	t := time.NewTicker(p.cfg.delay)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			p.reportDrops()
			return
		case <-t.C:
			p.mu.Lock()
			p.seal()
			p.mu.Unlock()
			p.reportDrops()
		}
	}
}

func (p *Processor) reportDrops() {
	p.mu.Lock()
	n := p.st.DroppedQueueFull - p.reported
	p.reported = p.st.DroppedQueueFull
	p.mu.Unlock()
	if n > 0 {
		p.report(&DropError{Records: n})
	}
}

// oldestUnresolved returns the sequence number of the oldest batch not yet resolved, or
// p.seq if none. Called with p.mu held.
func (p *Processor) oldestUnresolved() uint64 {
	oldest := p.seq
	if len(p.ready) > 0 {
		oldest = p.ready[0].seq
	}
	for b := range p.inflight {
		oldest = min(oldest, b.seq)
	}
	return oldest
}

// unresolvedBefore counts the records in batches older than seq. Called with p.mu held.
func (p *Processor) unresolvedBefore(seq uint64) uint64 {
	var n uint64
	for _, b := range p.ready {
		if b.seq < seq {
			n += uint64(b.len())
		}
	}
	for b := range p.inflight {
		if b.seq < seq {
			n += uint64(b.len())
		}
	}
	return n
}

// ForceFlush exports every record emitted before the call, waiting until they are resolved
// (delivered or counted as lost) or ctx ends, then flushes the exporter. Records it could not
// export in time stay queued; the returned *DeliveryError says how many.
func (p *Processor) ForceFlush(ctx context.Context) error {
	if p.stopped.Load() {
		return nil
	}
	p.mu.Lock()
	p.seal()
	target := p.seq
	close(p.kick)
	p.kick = make(chan struct{})
	for p.oldestUnresolved() < target {
		ch := p.progress
		p.mu.Unlock()
		select {
		case <-ch:
			p.mu.Lock()
		case <-ctx.Done():
			p.mu.Lock()
			n := p.unresolvedBefore(target)
			p.mu.Unlock()
			if n == 0 {
				return p.exp.ForceFlush(ctx)
			}
			return &DeliveryError{Records: n, Err: context.Cause(ctx)}
		}
	}
	p.mu.Unlock()
	return p.exp.ForceFlush(ctx)
}

// stopAccepting makes OnEmit accept no more records and wakes log calls waiting for room:
// they drop now. The first step of Shutdown; a Pipeline takes it before the LoggerProvider's
// Shutdown, which waits for log calls in progress.
func (p *Processor) stopAccepting() {
	if p.stopped.Swap(true) {
		return
	}
	p.mu.Lock()
	close(p.progress)
	p.progress = make(chan struct{})
	p.mu.Unlock()
}

// Shutdown stops accepting records, exports everything queued (retrying failures) until done
// or until ctx ends, then shuts the exporter down. Records still undelivered when ctx ends are
// counted in Stats.FailedShutdown and reported in the returned *DeliveryError. Shutdown
// returns by ctx's deadline even if the exporter hangs; later calls return nil.
func (p *Processor) Shutdown(ctx context.Context) error {
	if p.shut.Swap(true) {
		return nil
	}
	p.stopAccepting()
	p.mu.Lock()
	// Records cut off by the deadline are counted as FailedShutdown by the workers (an export
	// cancelled mid-flight) or below (still queued); the error reports both.
	failedBefore, unknownBefore := p.st.FailedShutdown, p.st.OutcomeUnknown
	p.seal()
	p.draining = true
	p.work.Broadcast()
	close(p.kick)
	p.kick = make(chan struct{})
	p.mu.Unlock()
	close(p.stop)
	stopAfter := context.AfterFunc(ctx, p.cancelRun)
	defer stopAfter()

	done := make(chan struct{})
	go func() {
		p.workers.Wait()
		p.ticker.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}

	p.mu.Lock()
	p.closed = true
	// What Shutdown still holds is lost, but for attempts whose request went out: those
	// may have been delivered.
	unknown := 0
	for b := range p.inflight {
		if b.try != nil && b.try.sent.Load() {
			unknown += b.try.n
		}
	}
	p.st.OutcomeUnknown += uint64(unknown)
	p.st.FailedShutdown += uint64(p.held - unknown)
	lost := p.st.FailedShutdown - failedBefore
	unknownAll := p.st.OutcomeUnknown - unknownBefore
	p.held = 0
	p.ready = nil
	p.cur, p.curEnc = nil, nil
	clear(p.inflight)
	p.free, p.freeEnc = nil, nil
	lastErr := p.cause
	p.mu.Unlock()
	p.cancelRun()

	var errs []error
	if ctx.Err() != nil {
		// Out of time: still release the exporter's connections, without waiting for it.
		go func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
			defer cancel()
			_ = callWithin(ctx, p.exp.Shutdown)
		}()
	} else if err := callWithin(ctx, func(ctx context.Context) error {
		return errors.Join(p.exp.ForceFlush(ctx), p.exp.Shutdown(ctx))
	}); err != nil {
		errs = append(errs, err)
	}
	if lost > 0 || unknownAll > 0 {
		cause := context.Cause(ctx)
		switch {
		case cause == nil && lastErr != "":
			cause = errors.New(lastErr)
		case cause != nil && lastErr != "":
			// The deadline ended the retries; what made them necessary matters more.
			cause = fmt.Errorf("%w (last export error: %s)", cause, lastErr)
		}
		errs = append([]error{&DeliveryError{Records: lost, Lost: true, Unknown: unknownAll, Err: cause}}, errs...)
	}
	return errors.Join(errs...)
}

// callWithin runs f and returns its error, or ctx's error if ctx ends first (f keeps running).
func callWithin(ctx context.Context, f func(context.Context) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	res := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				res <- fmt.Errorf("exporter panicked: %v", r)
			}
		}()
		res <- f(ctx)
	}()
	select {
	case err := <-res:
		return err
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Stats returns a consistent snapshot of the counters.
func (p *Processor) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.st
	s.Pending = uint64(p.held)
	s.Waiting = uint64(p.waiting)
	return s
}

// captureKey marks the context of the Emit with which a provider captures a record template.
type captureKey struct{}

// captureSlot receives the captured record.
type captureSlot struct {
	rec sdklog.Record
	ok  bool
}
