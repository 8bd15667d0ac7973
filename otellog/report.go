package otellog

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/logbridge/logbridge/vocab"
)

// DiagnosticsCategory is the category of logbridge's own reports: configuration warnings,
// failing sinks, undelivered records, OpenTelemetry's own errors. A level spec sets it like
// any other category ("logbridge=error" keeps only errors), but "all" leaves it at info or
// more verbose, so that quieting the application does not hide what logbridge lost. Warnings
// about the configuration itself are never filtered. These reports go to the console and
// file sinks only, never to OTLP.
const DiagnosticsCategory = "logbridge"

// reportLogger is the logger name of logbridge's own reports.
const reportLogger = "logbridge"

// DefaultReportInterval is how often at most one kind of problem is reported.
const DefaultReportInterval = 10 * time.Second

// reporter writes logbridge's own diagnostics to the diagnostic sinks, at most once per interval
// for each kind of problem, counting what it held back.
type reporter struct {
	interval time.Duration
	now      func() time.Time
	core     *core
	cat      *category      // DiagnosticsCategory
	targets  []int          // indexes into core.sinks of the diagnostic sinks
	hs       []slog.Handler // their handlers for reportLogger, parallel to targets

	mu      sync.Mutex
	last    map[string]time.Time
	skipped map[string]int
	sinkErr map[int]string // each failing sink's last error, for the summary at Shutdown
}

func newReporter(c *core, interval time.Duration) *reporter {
	r := &reporter{interval: interval, now: time.Now, core: c, cat: c.reg.diag, last: map[string]time.Time{}, skipped: map[string]int{}, sinkErr: map[int]string{}}
	for i, s := range c.sinks {
		if s.diagnostics {
			r.targets = append(r.targets, i)
			r.hs = append(r.hs, s.forLogger(reportLogger, DiagnosticsCategory))
		}
	}
	return r
}

// report writes msg unless a report of the same key went out less than an interval ago, in which
// case it is counted and the count goes with the next one. The sink at index exclude (the one
// that failed, or -1) is skipped.
func (r *reporter) report(key string, exclude int, level slog.Level, msg string, attrs ...slog.Attr) {
	if attrs, ok := r.allow(key, attrs); ok {
		r.write(exclude, level, msg, attrs...)
	}
}

// allow says whether a report of key may go out now, and if so returns attrs with the count of
// the reports of key held back since the last one.
func (r *reporter) allow(key string, attrs []slog.Attr) ([]slog.Attr, bool) {
	now := r.now()
	r.mu.Lock()
	if last, ok := r.last[key]; ok && now.Sub(last) < r.interval {
		r.skipped[key]++
		r.mu.Unlock()
		return nil, false
	}
	r.last[key] = now
	skipped := r.skipped[key]
	delete(r.skipped, key)
	r.mu.Unlock()
	if skipped > 0 {
		attrs = append(attrs, slog.Int("similar_reports_suppressed", skipped))
	}
	return attrs, true
}

// write sends one report to every diagnostic sink but exclude, if the level of
// DiagnosticsCategory lets it through.
func (r *reporter) write(exclude int, level slog.Level, msg string, attrs ...slog.Attr) {
	if r.cat.enabled(level) {
		r.writeUnfiltered(exclude, level, msg, attrs...)
	}
}

// writeUnfiltered sends one report to every diagnostic sink but exclude, whatever the level
// of DiagnosticsCategory: for warnings about the configuration, which must not vanish because
// the configuration they are about set a level too high.
func (r *reporter) writeUnfiltered(exclude int, level slog.Level, msg string, attrs ...slog.Attr) {
	rec := slog.NewRecord(r.now(), level, msg, 0)
	rec.AddAttrs(attrs...)
	for j, i := range r.targets {
		if i == exclude || !r.hs[j].Enabled(context.Background(), level) {
			continue
		}
		if err := handleSafely(context.Background(), r.hs[j], rec.Clone()); err != nil {
			// The sink is failing too; count it, never recurse.
			r.core.sinks[i].errors.Add(1)
		}
	}
}

// sinkError notes sink i's latest error for the summary.
func (r *reporter) sinkError(i int, err error) {
	r.mu.Lock()
	r.sinkErr[i] = err.Error()
	r.mu.Unlock()
}

// reportSinkFailures says, at Shutdown, how many records each failing sink could not write
// over the whole run (the reports while running are rate-limited), through the other sinks.
func (r *reporter) reportSinkFailures() {
	for i, s := range r.core.sinks {
		n := s.errors.Load()
		if n == 0 {
			continue
		}
		r.mu.Lock()
		last := r.sinkErr[i]
		r.mu.Unlock()
		r.write(i, slog.LevelError, "the "+s.name+" sink failed to write "+vocab.LogRecords(n),
			slog.String("sink", s.name), slog.Uint64("failed", n), slog.String("last_error", last))
	}
}
