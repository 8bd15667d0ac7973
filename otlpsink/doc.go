// Package otlpsink is logbridge's OpenTelemetry sink: a slog.Handler that converts records to
// OpenTelemetry log records, a Processor that exports them in batches without losing any
// silently, and a Pipeline that builds the whole chain from the standard OTEL_* env vars.
//
//	p, err := otlpsink.NewPipeline(ctx)
//	if err != nil { ... }
//	defer p.Shutdown(shutdownCtx)
//	h := otlpsink.NewHandler(p.Provider(), &otlpsink.Options{Level: slog.LevelDebug})
//	logger := slog.New(h.WithLogger("shop/cart", "core"))
//	logger.InfoContext(ctx, "[bold]cart[/] checked out", "items", 3)
//
// # Records
//
// Every record gets:
//
//   - Timestamp: the slog record's time. ObservedTimestamp: the same (the data model's rule
//     for events that originate in the application; slog takes the time at the call), or
//     the current time for a record without a time.
//   - Body: the message as a string, with Rich markup stripped ("[bold]cart[/]" gives
//     "cart"). Markup is interpreted in the message only; attribute values are data.
//   - SeverityNumber: slog levels map as otelslog maps them (Debug to DEBUG, Info to INFO,
//     Warn to WARN, Error to ERROR, each offset in between to the numbers in between), so
//     vocab.LevelCritical (12) is FATAL; clamped to TRACE..FATAL4. SeverityText is
//     vocab.LevelName: "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL".
//   - Trace context: trace_id, span_id and flags of the span in the context passed to the
//     *Context logging calls.
//   - Attributes log.level (vocab.LevelKey: "debug", "info", "warn", "error", "critical")
//     and, for a handler from WithLogger, log.category. They come first, so that the SDK's
//     attribute count limit (OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT, 128) never drops them, and
//     win over a caller's attribute of the same key.
//   - With Options.AddSource, code.file.path, code.function.name and code.line.number.
//   - The instrumentation scope is the logger's name (WithLogger), or DefaultScopeName.
//
// Attribute values convert as otelslog v0.21 converts them, but for values of named scalar
// types (type Port int, type Mode string), which otelslog writes as "unhandled: (T) v": here
// they convert by their kind, to the underlying number, string or boolean, or to their text
// for an integer type with a String method (an enum). Otherwise: strings, booleans, int64 and
// float64 directly; durations to float64 seconds (the semantic conventions' unit for durations; otelslog sends
// int64 nanoseconds); times to int64 nanoseconds since the Unix
// epoch; uint64 to int64 (or float64 above MaxInt64); groups (slog.Group, WithGroup) to map
// values; LogValuer values resolved first; and KindAny values by type: slices and arrays to
// slices, maps to maps, pointers followed, []byte as bytes, complex numbers as {r, i} maps,
// errors to their text, and only what is left (structs, enums with a String method) through
// fmt's %+v. Nesting deeper than 100 levels, and cyclic values, end in "<max-depth-exceeded>"
// rather than recursing forever (inside a value printed with %+v, a repeat shows "<cycle>", as
// on the console and in the file); a panicking Error or String method gives "!PANIC in ...".
// An attribute without a key is dropped (OTLP has no key-less attributes).
//
// Errors: the last error-valued attribute of the record or handler (any key, not one nested
// in a group value) becomes the record's exception, as otelslog does: exception.message and
// exception.type (the type exactly as the SDK derives it for Record.SetErr), unless the
// record already carries those attributes. Unlike otelslog, the error attribute itself stays
// too, as a string under its own key, so that a second error, or the key, is not lost. An
// error that carries a stack (a StackTrace method of the github.com/pkg/errors or
// cockroachdb/errors shape, or httplog's PanicError) also gives exception.stacktrace, in Go's
// traceback layout (of the innermost stack in the error chain, innermost call first).
//
// Keys are unique in every record and map value: for a repeated key the first position and
// the last value are kept, as the SDK's deduplication does. This is why a Pipeline's
// provider runs with sdklog.WithAllowKeyDuplication, skipping the SDK's own, slower
// deduplication; a provider of the caller's without that option works the same, only slower.
//
// # The handler
//
// Handler implements all four slog.Handler methods and never modifies or retains the records
// it is given (the fan-out may pass one record to several sinks). WithAttrs converts its
// attributes once; Handle converts up to 16 attributes on the stack. On a Pipeline's provider
// the handler takes a fast path: it fills a template record the SDK built for the logger (its
// resource, scope and limits; one per level, already holding log.level and log.category) and
// hands it straight to the Processor, instead of having the SDK copy each record into a new
// heap record attribute by attribute. The result is the same record, field for field (a test
// checks it). Handle never panics: a panic in ReplaceAttr becomes the attribute's value
// ("!PANIC: ...") and the record is still emitted, panics in logged values are contained as
// described above.
//
// Allocations per record: a record with up to 5 attributes in total (including log.level,
// log.category and exception.*) allocates nothing on the fast path; beyond 5, the SDK
// record's overflow array costs one allocation (both otel/log.Record and sdk/log.Record keep
// 5 attributes inline). On another provider, the SDK's Logger.Emit adds an allocation for its
// heap record and one per doubling of its overflow array, as attributes are appended one at a
// time.
//
// Records encoded at the call: when the Pipeline's exporter is logbridge's own (below, "Which
// exporter runs"), with no WithProcessors and no value length limit, the fast path does not
// build an SDK record at all: it encodes the record straight to the protobuf of its OTLP
// LogRecord, on the log call's goroutine, and the Processor queues those bytes (an export is
// their concatenation under the resource and scope). The bytes are what encoding the SDK
// record would give (a test compares the two for every kind of record), groups and slices
// included (kept as member and item lists until encoded, so that neither attribute.MapValue
// nor attribute.SliceValue, which makes an array type per length past 5 items and keeps it
// for good, nor the encoder copies them), maps of strings and of basic values too. Such a
// record allocates nothing beyond what the log call's own arguments do, whatever its shape
// (but other maps and arrays nested in arrays, which go through reflection and
// attribute.MapValue/SliceValue), and holds about 400 bytes of memory while queued against
// the SDK BatchProcessor's 704 (bench BenchmarkMemory). A record the SDK would change (more
// attributes than OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT, an attribute it drops as invalid,
// values nested deeper than 32, a record over the batch byte cap, which is cut down) is built
// as an SDK record and encoded from it; records emitted through the SDK's own loggers are
// encoded when queued. Cutting a record down for a receiver that refuses it as too large
// rebuilds it as an SDK record first.
//
// # The processor
//
// Processor replaces the SDK's BatchProcessor, which drops the oldest record when its queue
// (2048 by default) is full and says so only through OpenTelemetry's internal logger. Records
// go into batches of up to OTEL_BLRP_MAX_EXPORT_BATCH_SIZE (default 512) records and an
// estimated encoded size of WithMaxExportBatchBytes (3 MiB; a Pipeline over http/protobuf uses
// 15 MiB), which fit the collector's default limits; a record larger than that alone is cut
// down (see TruncatedKey). A full batch, or the open
// one every OTEL_BLRP_SCHEDULE_DELAY (1 s), is sealed and taken by one of a small pool of
// export goroutines (4 for a Pipeline's OTLP exporter, which allows concurrent exports; 1 by
// default, as the sdklog.Exporter contract wants), each export bounded by
// OTEL_BLRP_EXPORT_TIMEOUT (30 s).
//
// Bounds:
//
//   - Memory: the processor holds at most OTEL_BLRP_MAX_QUEUE_SIZE records (default
//     DefaultMaxQueueSize, 16384), queued and being exported together, plus the empty batch
//     buffers kept for reuse (at most 4; the rest are released after a burst). A queue whose
//     worst case exceeds 256 MiB gets a Diagnostic. A record encoded at the call is its
//     bytes (about 300 for a message and a handful of attributes); an SDK record is a slot of
//     about 600 bytes (5 attributes inline) plus what its strings and overflow attributes use.
//     Measured, 1,000,000 records emitted to a dead collector grow the heap by about 5 MiB (13
//     MiB as SDK records), however many are emitted.
//   - Latency of a log call: when the queue is full and exports are succeeding, OnEmit waits
//     for room, at most WithMaxBlock (DefaultMaxBlock, 1 s). A wait that times out with no
//     export finishing during it marks the exporter as stalled; while it is stalled, or while
//     exports are failing, a full queue drops at once, without waiting, until an export
//     succeeds again. (A wait that times out while exports do finish, slowly, drops only its
//     own record: the next calls wait again.) So a log call blocks
//     at most 1 s, and only while the collector is taking records (a producer faster than
//     the collector is slowed to its pace rather than losing records). With the collector
//     down, once an export has failed, a full queue never blocks; with the collector hung,
//     one call waits the bound, then calls drop at once. Stats.Waiting shows the calls
//     waiting at any moment; Shutdown wakes them (their records count as DroppedShutdown).
//   - Retries: an export that failed transiently, per the OTLP specification (HTTP 429, 502,
//     503, 504; gRPC Cancelled, DeadlineExceeded, Aborted, OutOfRange, Unavailable, DataLoss,
//     and ResourceExhausted with RetryInfo; no answer at all), is retried with exponential
//     backoff (100 ms to 5 s, jittered), or after the server's Retry-After / RetryInfo delay if
//     longer, for up to WithRetryMaxElapsed (1 minute). Any other answer fails the batch at
//     once (FailedPermanent), reported once with its status; so does a redirect (3xx), which
//     the Pipeline's HTTP exporter does not follow (the report says where it points). A batch
//     refused as too large is split in two and each half sent; a single record so refused is
//     halved until it fits.
//     The OTLP exporters' own retries are turned off by the Pipeline so that the processor,
//     which knows the queue and the shutdown deadline, is the only one retrying. A batch keeps its queue room while it is retried, so records
//     that fit the queue during an outage are delivered when the collector returns.
//
// Nothing is lost silently: Stats counts every record handed to OnEmit as exported, pending
// or lost, or of unknown outcome, and a snapshot satisfies Emitted == Exported +
// Undelivered() + OutcomeUnknown + Pending exactly.
// Lost records are counted as DroppedQueueFull (queue full), DroppedShutdown (emitted after
// Shutdown began, also after it returned), FailedExport (retries exhausted), FailedPermanent
// (a status not to retry), FailedRejected (refused by the receiver
// in an OTLP partial-success response) or FailedShutdown (still held when Shutdown's context
// ended). OutcomeUnknown counts records whose request was sent but unanswered when Shutdown's
// context ended: maybe delivered. An error handler (WithErrorHandler) hears of each failed
// export attempt, of each delivered one with a warning (ExportError.Warning: a partial success
// rejecting nothing with a message, or, from the Pipeline's HTTP exporter, a 2xx answer whose
// body is not an OTLP response, as a web page where the endpoint points is) and, once per
// schedule delay, of drops; the processor never logs by itself, so nothing it reports feeds
// back into OTLP.
//
// Shutdown(ctx) stops accepting records, exports what is held, retrying failures every
// 100 ms (within the retry budget) until ctx ends, and returns by ctx's deadline even if the
// exporter hangs (exports get ctx-bound contexts, which the OTLP exporters honor, and a hung
// one is abandoned); it returns a *DeliveryError with the number of records it could not
// deliver, which Stats counts as FailedShutdown. ForceFlush(ctx) waits for the records
// emitted before it, and reports how many are still queued if ctx ends first.
//
// Record ownership: the SDK's Logger.Emit builds a fresh sdk Record for every call (and a
// fresh overflow array for its attributes) and keeps no reference after OnEmit returns, so
// the processor keeps a shallow copy of it instead of a Clone, saving an allocation per
// record. That is safe as long as no processor registered after this one modifies records
// in place; if one does, use WithCloneRecords.
//
// # The pipeline
//
// NewPipeline reads:
//
//   - OTEL_SDK_DISABLED: "true" (any case) gives a no-op provider: nothing is sent.
//   - OTEL_LOGS_EXPORTER: a comma list of otlp (the default), console (the SDK's stdout
//     exporter, writing JSON to standard error so that standard output stays the program's;
//     see WithConsoleExporterWriter) and none (nothing is sent). Anything else is an error.
//   - OTEL_EXPORTER_OTLP_LOGS_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf (the
//     default) or grpc. http/json, which the Go exporters do not implement, and anything else
//     are errors naming the variable.
//   - OTEL_EXPORTER_OTLP_[LOGS_]ENDPOINT (a URL with http or https; the LOGS_ one is the
//     whole URL, the other a base that /v1/logs is appended to), _HEADERS (key=value pairs,
//     values percent-encoded), _TIMEOUT (whole milliseconds), _COMPRESSION (gzip or none),
//     _INSECURE, _CERTIFICATE, _CLIENT_CERTIFICATE and _CLIENT_KEY. Each value is trimmed of
//     stray whitespace and checked once, and the exporter is given explicit options built
//     from it, so that it parses none of these variables itself (it would do so without
//     trimming, warn, and fall back to its own https default). An unusable value is an error
//     naming the variable and the problem; a malformed header is named by its position and
//     key, never its value. A 404 answer to a LOGS_ endpoint without /v1/logs gets a hint, and
//     so does an export failing in the words of an endpoint that speaks another protocol: a
//     collector's gRPC port for http/protobuf, its HTTP port for grpc, plain text for https.
//     An endpoint's user info and query, which no exporter sends, get a diagnostic (naming
//     the endpoint without them): credentials belong in the HEADERS variables.
//   - The endpoint defaults to the specification's http://localhost:4318 (grpc:
//     http://localhost:4317), plain http, when no endpoint variable is set (https when
//     INSECURE is false or a certificate variable is set); the Go exporters alone would use
//     https.
//   - OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT and _VALUE_LENGTH_LIMIT, trimmed and given to the
//     LoggerProvider.
//
// Which exporter runs: logbridge's own, over http/protobuf unless WithHTTPOptions is given
// and over grpc unless WithGRPCOptions is given (those are otlploghttp's and otlploggrpc's
// options, so the SDK's exporter then runs, configured by them over the settings above). Over
// grpc the own exporter sends the same encoded bytes as the Export call's message (a codec
// that passes bytes through), with the headers as metadata, gzip, TLS and the timeout as
// otlploggrpc has them, and returns the call's status error as otlploggrpc does (classified
// by its code and RetryInfo). The own HTTP exporter
// encodes a batch straight to the protobuf of the request, without building the SDK's
// logpb objects and marshalling them by reflection; the records it sends are the same,
// field for field (a test compares its bytes, decoded, with what otlploghttp sends). It
// posts them with the same settings (endpoint and path, headers, timeout, gzip, TLS, the
// proxy from HTTPS_PROXY/HTTP_PROXY/NO_PROXY), with the User-Agent "logbridge OTLP over
// HTTP/protobuf logs exporter/1", and its answers mean what otlploghttp's do to the
// Processor (retryable statuses with Retry-After, partial success, permanent statuses
// with the server's message). Why: in a burst, otlploghttp's encoding cost more CPU than the
// log calls (about 0.9 s and 34 allocations a record for 204,800 records), taken from a
// collector that usually shares the machine; the own exporter's whole export path costs
// about a sixth of that (0.3 s a burst, profiled). Measured end to end (bench
// BenchmarkE2E, http/protobuf, 204,800 records from log call to the real collector's file
// exporter, 2 shared cores, rounds alternating with the otlploghttp build): the fan-out
// (console, file, OTLP) delivered 69-90k records/s against 47-51k/s, OTLP alone 93-105k/s
// against 56-61k/s, with the collector's own ceiling at 122-158k/s in those rounds.
//
// The resource comes from OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME
// (resource.WithFromEnv, which trims them) over the telemetry SDK, process and host
// attributes and a default service.name: the executable's base name (not the SDK's
// "unknown_service:<exe>", so that a service that forgot OTEL_SERVICE_NAME is still findable
// by its program name; WithServiceName changes it). The Processor reads OTEL_BLRP_*. A bad
// value of these tuning variables (and of OTEL_SDK_DISABLED) is a Diagnostic naming the
// variable, and the default applies.
//
// Secrets: the values of OTEL_EXPORTER_OTLP_[LOGS_]HEADERS and the user info of endpoint
// URLs never appear in text this package produces: errors, Description, Stats.LastError and
// what the error handler receives. Pipeline.Redact offers the same for text from elsewhere.
package otlpsink
