package otellog

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/vocab"
)

// core is the state every logger of one Bridge shares.
type core struct {
	reg     *registry
	sinks   []*sink
	rep     *reporter
	loggers loggerCache
	// ctxAttrs takes attributes from each record's context; nil when there are none to take.
	ctxAttrs *contextAttrs
	storm    *storm // storm control; off unless rates are set
}

type loggerKey struct{ name, category string }

func newCore(reg *registry, sinks []*sink, reportInterval time.Duration) *core {
	c := &core{reg: reg, sinks: sinks, storm: newStorm(reportInterval)}
	c.rep = newReporter(c, reportInterval)
	return c
}

// handlerFor builds the fan-out for one logger: each sink's handler derived once, so nothing
// about the logger is formatted again per record. With diagOnly, only the diagnostic sinks
// (console and file) get the records, for logs about the OTLP pipeline itself.
func (c *core) handlerFor(name string, cat *category, diagOnly bool) *fanout {
	hs := make([]slog.Handler, len(c.sinks))
	for i, s := range c.sinks {
		if diagOnly && !s.diagnostics {
			hs[i] = slog.DiscardHandler
			continue
		}
		hs[i] = s.forLogger(name, cat.name)
	}
	return &fanout{core: c, cat: cat, hs: hs}
}

// logger returns the logger for name in category, from the cache when it is there.
func (c *core) logger(name, category string) (*slog.Logger, error) {
	key := loggerKey{name, category}
	if l := c.loggers.get(key); l != nil {
		return l, nil
	}
	cat, err := c.reg.lookup(category)
	if err != nil {
		return nil, err
	}
	return c.loggers.add(key, slog.New(c.handlerFor(name, cat, false))), nil
}

// maxCachedLoggers bounds the logger cache: a program that makes a logger per request ID
// keeps the most recently used ones, not one per name ever seen.
const maxCachedLoggers = 1024

// loggerCache keeps up to maxCachedLoggers loggers in two generations: a lookup that finds a
// logger in the older one moves it to the newer; when the newer is full, the older is dropped
// and the newer takes its place. Loggers in use are thus kept, and the rest are freed once
// their users let go of them.
type loggerCache struct {
	mu       sync.Mutex
	cur, old map[loggerKey]*slog.Logger
}

func (lc *loggerCache) get(key loggerKey) *slog.Logger {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if l, ok := lc.cur[key]; ok {
		return l
	}
	if l, ok := lc.old[key]; ok {
		lc.putLocked(key, l)
		return l
	}
	return nil
}

// add caches l for key unless a logger is cached for it already, and returns the cached one.
func (lc *loggerCache) add(key loggerKey, l *slog.Logger) *slog.Logger {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if l0, ok := lc.cur[key]; ok {
		return l0
	}
	lc.putLocked(key, l)
	return l
}

func (lc *loggerCache) putLocked(key loggerKey, l *slog.Logger) {
	if lc.cur == nil || len(lc.cur) >= maxCachedLoggers/2 {
		lc.old, lc.cur = lc.cur, make(map[loggerKey]*slog.Logger, maxCachedLoggers/2)
	}
	lc.cur[key] = l
}

// index returns the position of s in c.sinks.
func (c *core) index(s *sink) int {
	for i, t := range c.sinks {
		if t == s {
			return i
		}
	}
	return -1
}

// coreOrNil returns b's core once Setup has made it (for callbacks that may run before).
func (b *Bridge) coreOrNil() *core {
	if rep := b.reporter.Load(); rep != nil {
		return rep.core
	}
	return nil
}

// sinkFailed counts a failed write and reports it through the other diagnostic sinks.
func (c *core) sinkFailed(i int, err error) {
	s := c.sinks[i]
	n := s.errors.Add(1)
	c.rep.sinkError(i, err)
	c.rep.report("sink:"+s.name, i, slog.LevelError, "the "+s.name+" sink failed to write a record",
		slog.String("error", err.Error()), slog.Uint64("failures_total", n))
}

// setLevels applies a level spec from source and returns its diagnostics joined, or nil.
func (c *core) setLevels(spec, source string) error {
	levels, diags := config.ParseLevels(spec, source)
	diags = append(diags, c.reg.apply(levels)...)
	return diagsError(diags)
}

// diagsError joins diagnostics into one error, nil if there are none.
func diagsError(diags []vocab.Diagnostic) error {
	if len(diags) == 0 {
		return nil
	}
	errs := make([]error, len(diags))
	for i, d := range diags {
		errs[i] = d
	}
	return errors.Join(errs...)
}

// SinkStats counts one sink's failures.
type SinkStats struct {
	Name   string
	Errors uint64 // records the sink failed to write
	// Dropped counts the console's and the file's records not written because the writer was
	// blocked (see WithMaxBlock), or still waiting for it when Shutdown's deadline came.
	Dropped uint64
}

// sinkStats returns every sink's counters.
func (c *core) sinkStats() []SinkStats {
	out := make([]SinkStats, len(c.sinks))
	for i, s := range c.sinks {
		out[i] = SinkStats{Name: s.name, Errors: s.errors.Load()}
		if s.guard != nil {
			out[i].Dropped = s.guard.Dropped()
		}
	}
	return out
}
