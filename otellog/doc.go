// Package otellog is logbridge's front door: Setup builds the whole pipeline from
// configuration, and every logger it hands out routes each record by category and level to a
// colored console, a plain rotating file and an OpenTelemetry collector.
//
//	lb, err := otellog.Setup(ctx, otellog.WithEnvPrefix("DEMO"), otellog.WithCategories("core", "server"))
//	if err != nil { ... }
//	defer lb.Shutdown(shutdownCtx)
//	log := lb.MustLogger("shop.cart", "core")
//	log.InfoContext(ctx, "cart [green]checked out[/green]", "items", 3)
//
// # Categories and levels
//
// Categories are declared by the application (WithCategories). A logger asked for with an
// undeclared category is an error wrapping ErrUnknownCategory, at that point. A sub-category
// ("core::db") needs no declaration and follows its parent's level unless set itself.
// Records from loggers without a category (slog.Default, the standard log package, third-party
// code) belong to Uncategorized, governed by the root level (warn by default).
//
// Levels come from code (WithConfig, WithLevels), then a YAML file (WithConfigFile or
// <PREFIX>_LOG_CONFIG), then env vars (<PREFIX>_LOGGING), then runtime calls: SetLevels and the
// HTTP handler from LevelHandler. Every logger holds a pointer to its category's level, so a
// change reaches loggers made earlier at once; a call its category rejects costs one atomic
// load and a compare.
//
// # Sinks
//
// The console (package console), the file (package filelog) and OTLP (package otlpsink) are
// normal slog.Handlers; each also has its own minimum level on top of the category's. The
// fan-out hands every record to each sink that wants it, in order. A sink that fails or
// panics does not stop the others: its failures are counted (Stats) and reported, at most once
// per report interval, through the console and file. logbridge's own reports (configuration
// warnings, failing sinks, OTLP losses) never go to OTLP, so an export failure cannot feed on
// itself. WithSink adds any slog.Handler of the caller's; WithDiagnosticSink one that gets those
// reports too.
//
// # Context attributes
//
// WithContextAttrs takes attributes from the context of every *Context call (a request id, a
// tenant), and <PREFIX>_LOG_BAGGAGE (YAML "baggage") names the OpenTelemetry baggage members
// to add (an allow-list: baggage crosses trust boundaries, so never all of it). Both run once
// per record, before the fan-out, so every sink gets the same attributes; when they find
// nothing they cost no allocation.
//
// # Storm control
//
// Off by default; a rate per category (config.ParseRates: <PREFIX>_LOG_RATE, the YAML key
// "rate", SetRates) lets each message template (or call site, with the "rate_key" setting)
// through at most its burst, then that many records per second. The records beyond are suppressed on every sink, counted in
// Stats.Suppressed and summed up in a record of the same logger and level ("suppressed 49,873
// records like: ...") when the storm passes and at least once per report interval while it
// lasts, so that nothing is dropped silently.
//
// # Metrics
//
// The pipeline's health (records processed, dropped and exported by outcome, the queue,
// export durations, sink failures, suppressions) is reported as OpenTelemetry metrics through
// the global MeterProvider or WithMeterProvider, named after the SDK self-observability
// conventions (otel.sdk.processor.log.*, otel.sdk.exporter.*). The instruments are
// asynchronous, read from Stats when the provider collects: a log call pays nothing for them.
//
// # Setup and Shutdown
//
// Setup reports configuration problems as warnings on the console and file, naming the piece
// and its source, and applies the valid rest; it fails only when a sink cannot work (an
// unwritable log file, an invalid OTEL_* setting). By default it installs the bridge as
// slog's default, routes the standard log package and OpenTelemetry's own error handler and
// internal logger to the console and file, and makes it the default for Get.
//
// Shutdown flushes the OTLP sink within its context's deadline, reports on the console and
// file how many records could not be delivered, closes the file and undoes what Setup
// installed.
package otellog
