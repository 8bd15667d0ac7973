package otellog

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/logbridge/logbridge/config"
)

// core is the state every logger of one Bridge shares.
type core struct {
	reg     *registry
	sinks   []*sink
	rep     *reporter
	loggers sync.Map // loggerKey -> *slog.Logger
}

type loggerKey struct{ name, category string }

func newCore(reg *registry, sinks []*sink, reportInterval time.Duration) *core {
	c := &core{reg: reg, sinks: sinks}
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

// logger returns the (cached) logger for name in category.
func (c *core) logger(name, category string) (*slog.Logger, error) {
	key := loggerKey{name, category}
	if l, ok := c.loggers.Load(key); ok {
		return l.(*slog.Logger), nil
	}
	cat, err := c.reg.lookup(category)
	if err != nil {
		return nil, err
	}
	l, _ := c.loggers.LoadOrStore(key, slog.New(c.handlerFor(name, cat, false)))
	return l.(*slog.Logger), nil
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
func diagsError(diags []config.Diagnostic) error {
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
}

// sinkStats returns every sink's counters.
func (c *core) sinkStats() []SinkStats {
	out := make([]SinkStats, len(c.sinks))
	for i, s := range c.sinks {
		out[i] = SinkStats{Name: s.name, Errors: s.errors.Load()}
	}
	return out
}
