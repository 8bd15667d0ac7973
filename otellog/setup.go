package otellog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	otellogapi "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"

	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/otlpsink"
	"github.com/logbridge/logbridge/vocab"
)

// Option configures Setup.
type Option func(*options)

type options struct {
	prefix         string
	categories     []string
	configFile     string
	defaults       *config.Config
	levels         string
	console        io.Writer
	extra          []*sink
	provider       otellogapi.LoggerProvider
	otlpOpts       []otlpsink.PipelineOption
	install        bool
	reportInterval time.Duration
	stdLogLevel    slog.Level
	maxBlock       time.Duration
	diags          []vocab.Diagnostic // found while building sinks
	ctxFuncs       []func(context.Context) []slog.Attr
	meterProvider  metric.MeterProvider
}

// WithEnvPrefix reads the application's env vars: WithEnvPrefix("DEMO") reads DEMO_LOGGING,
// DEMO_LOG_FILE, DEMO_LOG_WIDTH, DEMO_LOG_CONFIG and the rest (the README's table lists them all).
func WithEnvPrefix(prefix string) Option { return func(o *options) { o.prefix = prefix } }

// WithCategories declares the application's categories. Loggers can only be made for declared
// categories and their sub-categories ("core" allows "core::db").
func WithCategories(categories ...string) Option {
	return func(o *options) { o.categories = append(o.categories, categories...) }
}

// WithConfigFile reads a YAML configuration file (see config.ApplyYAML); <PREFIX>_LOG_CONFIG
// overrides the path.
func WithConfigFile(path string) Option { return func(o *options) { o.configFile = path } }

// WithConfig sets the code defaults, which the YAML file and env vars override.
func WithConfig(cfg config.Config) Option { return func(o *options) { o.defaults = &cfg } }

// WithLevels sets default levels in code, as a spec ("core=debug,all=warn"); the YAML file and
// env vars override it.
func WithLevels(spec string) Option { return func(o *options) { o.levels = spec } }

// WithConsoleWriter sends the console sink to w instead of os.Stderr.
func WithConsoleWriter(w io.Writer) Option { return func(o *options) { o.console = w } }

// WithSink adds a sink of the caller's: any slog.Handler. It receives a clone of every record
// its category lets through, with "logger" and "log.category" attributes added to each logger.
// It is called on the logging goroutine, like any slog.Handler: unlike the console and file
// (see WithMaxBlock), a handler that blocks holds up the call.
func WithSink(name string, h slog.Handler) Option {
	return func(o *options) { o.extra = append(o.extra, &sink{name: name, handler: h, foreign: true}) }
}

// WithDiagnosticSink adds a sink as WithSink does that also receives logbridge's own reports
// (configuration warnings, a failing sink, undelivered OTLP records), as the console and file
// do: for a sink that stands in for them, such as a JSON handler on standard output.
func WithDiagnosticSink(name string, h slog.Handler) Option {
	return func(o *options) {
		o.extra = append(o.extra, &sink{name: name, handler: h, foreign: true, diagnostics: true})
	}
}

// WithLoggerProvider makes the OTLP sink emit through the caller's LoggerProvider instead of
// building one from OTEL_* env vars. The caller keeps ownership: Shutdown does not shut it down.
func WithLoggerProvider(lp otellogapi.LoggerProvider) Option {
	return func(o *options) { o.provider = lp }
}

// WithOTLPOptions passes options to the OTLP pipeline built from OTEL_* env vars.
func WithOTLPOptions(opts ...otlpsink.PipelineOption) Option {
	return func(o *options) { o.otlpOpts = append(o.otlpOpts, opts...) }
}

// WithInstallDefault says whether Setup installs the bridge as slog's default logger (for
// uncategorized records), routes the standard log package into it, makes it the package-level
// default for Get and routes OpenTelemetry's own errors and logs to the console and file. On by
// default; Shutdown undoes it. Either way, what the OTLP exporters report while Setup makes them
// (bad OTEL_* values, which they quote raw) goes to the console and file with the headers'
// values and URL user info redacted, not to OpenTelemetry's error handler.
func WithInstallDefault(install bool) Option { return func(o *options) { o.install = install } }

// WithReportInterval sets how often at most each kind of problem (a failing sink, dropped
// records) is reported. Default DefaultReportInterval; zero or less means the default.
func WithReportInterval(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.reportInterval = d
		}
	}
}

// WithStdLogLevel sets the level of records from the standard log package (default
// slog.LevelWarn, so that the default root level, warn, shows them; they are uncategorized, so
// the root level applies). Lines from log.Fatal* and log.Panic* are at least at ERROR whatever
// this says, and are written out before the call goes on to end the program.
func WithStdLogLevel(l slog.Level) Option { return func(o *options) { o.stdLogLevel = l } }

// WithMaxBlock sets how long the console's or the file's writer may go without finishing a
// write, while records wait for it, before that sink is skipped: its records are then counted
// as dropped (Stats().Sinks) and reported through the sinks that still work, until the writer
// moves again. The records are written by a goroutine of each sink, so a log call never waits
// for a writer that blocks (an unread pipe, a terminal paused with Ctrl-S, a stuck log driver)
// longer than this. Default 1 s, the OTLP queue's bound (otlpsink.DefaultMaxBlock). A negative
// d turns the hand-off off: the console and file then write on the logging goroutine, which a
// blocked writer holds up (it saves the hand-off's cost where the writer cannot block).
func WithMaxBlock(d time.Duration) Option { return func(o *options) { o.maxBlock = d } }

// Bridge is a configured logging pipeline: the category registry and the sinks. Make one with
// Setup; get loggers from it with Logger; call Shutdown before the program exits.
type Bridge struct {
	core     *core
	otlp     *otlpsink.Pipeline // nil when the OTLP sink is off or the caller supplied a provider
	closers  []func(context.Context) error
	config   config.Config
	stop     chan struct{}
	done     chan struct{}
	restore  func()
	metrics  *metrics
	reporter atomic.Pointer[reporter] // set once the core exists; read by pipeline callbacks
	watch    otlpWatch
	shutdown sync.Once
	errShut  error
}

// Setup builds the pipeline from configuration: code defaults and options, then the YAML file,
// then env vars. Configuration problems are reported as warnings on the console and file and the
// valid rest applies; Setup fails only when a sink cannot work: an unwritable log file, an
// invalid OTEL_* setting.
func Setup(ctx context.Context, opts ...Option) (*Bridge, error) {
	o := options{install: true, reportInterval: DefaultReportInterval, stdLogLevel: slog.LevelWarn}
	for _, opt := range opts {
		opt(&o)
	}
	defaults := config.Default()
	if o.defaults != nil {
		defaults = *o.defaults
		defaults.Levels = defaults.Levels.Clone()
	}
	var diags []vocab.Diagnostic
	if o.levels != "" {
		levels, d := config.ParseLevels(o.levels, "WithLevels")
		defaults.Levels.Apply(levels)
		diags = append(diags, d...)
	}
	cfg, d := config.Load(config.LoadOptions{Prefix: o.prefix, File: o.configFile, Defaults: &defaults})
	diags = append(diags, d...)

	b := &Bridge{config: cfg, stop: make(chan struct{}), done: make(chan struct{})}
	// OpenTelemetry's diagnostics are routed before the sinks are built: the exporters report
	// bad OTEL_* values while being made, quoting them raw (secrets included). Without install,
	// OpenTelemetry's error handler is borrowed only while the sinks are built, so that those
	// reports too reach the console and file redacted, never OpenTelemetry's default handler,
	// which prints them as they are on stderr.
	var otelDiag *otelDiagnostics
	var restoreOTel func()
	if o.install {
		otelDiag, restoreOTel = b.routeOTelDiagnostics()
	} else {
		otelDiag, restoreOTel = b.captureOTelErrors()
	}
	var merr error
	if b.metrics, merr = newMetrics(o.meterProvider); merr != nil {
		diags = append(diags, vocab.Diagnostic{Source: "metrics", Problem: merr.Error()})
	}
	sinks, err := b.buildSinks(ctx, cfg, &o)
	if !o.install {
		restoreOTel()
		restoreOTel = func() {}
	}
	var reg *registry
	if err == nil {
		reg, d, err = newRegistry(o.categories, cfg.Levels)
	}
	if err != nil {
		if b.otlp != nil {
			_ = b.otlp.Shutdown(ctx)
		}
		for _, s := range sinks {
			if s.guard != nil {
				s.guard.Close()
			}
		}
		b.closeSinks(ctx)
		restoreOTel()
		return nil, err
	}
	diags = append(diags, o.diags...)
	diags = append(diags, d...)
	b.core = newCore(reg, sinks, o.reportInterval)
	b.core.ctxAttrs = newContextAttrs(o.ctxFuncs, cfg.Baggage)
	b.reporter.Store(b.core.rep)
	rates, d := knownRates(reg, cfg.Rates, "rate settings")
	diags = append(diags, d...)
	b.core.storm.bySite = cfg.RateKey == config.RateKeySite
	b.core.storm.install(rates)
	if err := b.metrics.register(b); err != nil {
		diags = append(diags, vocab.Diagnostic{Source: "metrics", Problem: err.Error()})
	}
	go b.core.storm.run()
	for _, d := range diags {
		b.core.rep.writeUnfiltered(-1, slog.LevelWarn, "configuration ignored", slog.String("problem", d.Error()))
	}
	otelDiag.start(diags)
	if o.install {
		b.install(o.stdLogLevel, restoreOTel)
	}
	go b.monitor(o.reportInterval)
	return b, nil
}

// Logger returns the logger called name (the OTLP scope name; shown on the console and in the
// file) in category. The category must be declared with WithCategories, or be a sub-category of
// a declared one ("core::db"); an empty category means Uncategorized. The same name and
// category give the same logger while it is among the 1024 most recently asked for (a bounded
// cache: a logger per request ID costs no memory per name), and an equivalent one after.
func (b *Bridge) Logger(name, category string) (*slog.Logger, error) {
	return b.core.logger(name, category)
}

// MustLogger is like Logger but panics on an unknown category: for package-level variables,
// where a misspelt category should stop the program at start.
func (b *Bridge) MustLogger(name, category string) *slog.Logger {
	l, err := b.Logger(name, category)
	if err != nil {
		panic(err)
	}
	return l
}

// Handler returns the handler for uncategorized records, which the root level governs.
func (b *Bridge) Handler() slog.Handler { return b.core.handlerFor("", b.core.reg.root, false) }

// SetLevels changes levels at runtime with a spec ("core=debug,all=warn"). Loggers made earlier
// follow at once. The valid pieces apply; the error lists each ignored piece.
func (b *Bridge) SetLevels(spec string) error { return b.core.setLevels(spec, "SetLevels") }

// Levels returns the spec in force, as SetLevels takes it.
func (b *Bridge) Levels() string {
	settings, _ := b.core.reg.snapshot()
	return settings.Spec()
}

// LevelHandler returns an http.Handler that shows the levels (GET) and changes them (PUT a
// spec), for operators of a running service. See levelHandler.ServeHTTP for the protocol.
func (b *Bridge) LevelHandler() http.Handler { return levelHandler{b.core} }

// Config returns the configuration Setup resolved.
func (b *Bridge) Config() config.Config { return b.config }

// Stats is what the bridge counted so far.
type Stats struct {
	// Sinks counts each sink's write failures.
	Sinks []SinkStats
	// OTLP holds the OTLP pipeline's counters (zero when it is off or the caller supplied the
	// LoggerProvider).
	OTLP otlpsink.Stats
	// Suppressed counts the records storm control held back, by category (see SetRates);
	// nil when none were.
	Suppressed map[string]uint64
}

// Stats returns the counters.
func (b *Bridge) Stats() Stats {
	st := Stats{Sinks: b.core.sinkStats(), Suppressed: b.core.storm.suppressed()}
	if b.otlp != nil {
		st.OTLP = b.otlp.Stats()
	}
	return st
}

// Shutdown flushes the OTLP sink within ctx's deadline, reports what could not be delivered on
// the console and file, closes the file and undoes what Setup installed. It is safe to call more
// than once; later calls return the first result.
//
// A record logged afterwards through one of the bridge's loggers (a deferred cleanup reporting
// its failure) still shows: the console writes it straight to its stream, synchronously, as the
// standard library's default logger does; without a console, the file's line goes to stderr.
// The file gets nothing more (it counts such records as dropped), nor does OTLP (DroppedShutdown).
func (b *Bridge) Shutdown(ctx context.Context) error {
	b.shutdown.Do(func() {
		close(b.stop)
		<-b.done
		b.core.storm.close() // pending storm summaries, before the sinks flush
		var errs []error
		if b.otlp != nil {
			octx, cancel := b.otlpShutdownContext(ctx)
			err := b.otlp.Shutdown(octx)
			cancel()
			if err != nil {
				errs = append(errs, err)
			}
			b.reportUndelivered(err)
		}
		if ctx.Err() == nil {
			b.Flush(ctx) // the records the sinks still hold count in the summary if they fail
		}
		b.core.rep.reportSinkFailures()
		if b.restore != nil {
			b.restore()
		}
		b.flushSinks(ctx)
		errs = append(errs, b.closeSinks(ctx)...)
		b.errShut = errors.Join(errs...)
	})
	return b.errShut
}

// Flush waits until the console and the file have written every record logged before it,
// or their writer has been blocked for the WithMaxBlock bound, or ctx is done: for a program
// about to exit without Shutdown, or to read what a sink wrote. It reports whether everything
// was written. (Records at ERROR and above, and the standard log package's Fatal and Panic
// lines, are waited for this way when they are logged.)
func (b *Bridge) Flush(ctx context.Context) bool {
	ok := true
	for _, s := range b.core.sinks {
		if s.guard != nil && !s.guard.Flush(ctx) {
			ok = false
		}
	}
	return ok
}

// flushGrace is the least time Shutdown gives the console and file to write what they hold.
const flushGrace = 50 * time.Millisecond

// flushSinks writes out what the console and file still hold, within ctx's deadline and the
// WithMaxBlock bound, and stops their writers. A sink that cannot finish has what it still held
// counted as dropped and reported through the sinks that could.
func (b *Bridge) flushSinks(ctx context.Context) {
	// The OTLP shutdown may have used the whole deadline: what is left to write then (its
	// report of what it could not deliver) gets flushGrace, which a writer that works needs a
	// fraction of and one declared blocked does not wait for.
	if d, ok := ctx.Deadline(); ctx.Err() != nil || ok && time.Until(d) < flushGrace {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), flushGrace)
		defer cancel()
	}
	sinks := b.core.sinks
	done := make([]bool, len(sinks))
	var wg sync.WaitGroup
	for i, s := range sinks {
		if s.guard != nil {
			wg.Go(func() { done[i] = s.guard.Flush(ctx) })
		}
	}
	wg.Wait()
	for i, s := range sinks {
		if s.guard == nil || done[i] {
			continue
		}
		lost := s.guard.Close()
		b.core.rep.write(i, slog.LevelError, "the "+s.name+" sink could not write its records before shutdown",
			slog.Uint64("dropped_at_shutdown", lost), slog.Uint64("dropped_total", s.guard.Dropped()))
	}
	for i, s := range sinks {
		if s.guard != nil && done[i] {
			s.guard.Flush(ctx)
			s.guard.Close()
		}
	}
}

// closeSinks closes the file, giving up at ctx's deadline (a writer stuck in a write holds the
// file's lock).
func (b *Bridge) closeSinks(ctx context.Context) []error {
	var errs []error
	for _, c := range b.closers {
		ch := make(chan error, 1)
		go func() { ch <- c(ctx) }()
		select {
		case err := <-ch:
			if err != nil {
				errs = append(errs, err)
			}
		case <-ctx.Done():
			errs = append(errs, fmt.Errorf("otellog: closing the log file: %w", ctx.Err()))
		}
	}
	b.closers = nil
	return errs
}

// monitor watches the OTLP pipeline while the bridge runs (see watchOTLP).
func (b *Bridge) monitor(interval time.Duration) {
	defer close(b.done)
	if b.otlp == nil {
		<-b.stop
		return
	}
	t := time.NewTicker(min(interval, otlpPollInterval))
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case now := <-t.C:
			b.watchOTLP(now, interval)
		}
	}
}

// defaultBridge is the bridge Get uses.
var defaultBridge atomic.Pointer[Bridge]

// Get returns a logger from the default bridge (the last one Setup installed), for code that
// has no *Bridge at hand. Before Setup, or with an undeclared category, it returns an error.
func Get(name, category string) (*slog.Logger, error) {
	b := defaultBridge.Load()
	if b == nil {
		return nil, fmt.Errorf("otellog: Get(%q, %q) before Setup", name, category)
	}
	return b.Logger(name, category)
}

// install makes b slog's default and the package default and routes the standard log package;
// it records how to undo that and the OpenTelemetry routing done earlier (see install.go).
func (b *Bridge) install(stdLevel slog.Level, restoreOTel func()) {
	in := &installation{
		b:           b,
		logger:      slog.New(b.Handler()),
		out:         &stdLogWriter{h: b.core.handlerFor("log", b.core.reg.root, false), level: stdLevel},
		restoreOTel: restoreOTel,
	}
	in.push()
	b.restore = in.remove
}
