package otellog

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/logbridge/logbridge/filelog"
	"github.com/logbridge/logbridge/otlpsink"
	"github.com/logbridge/logbridge/vocab"
)

// neverDeliveredWait bounds Shutdown's last attempt when no OTLP export ever succeeded: with
// no collector there, waiting for the whole deadline would only delay the program's exit.
const neverDeliveredWait = 250 * time.Millisecond

// otlpPollInterval is how often the monitor looks at the OTLP counters, to notice an
// outage's end soon; reports still go out at most once per report interval.
const otlpPollInterval = 250 * time.Millisecond

// otlpWatch follows the OTLP pipeline's health for the reports: when exports started
// failing, whether anything was ever delivered, and what the last loss report said.
type otlpWatch struct {
	mu          sync.Mutex
	firstErr    string    // the first export failure's text, for the never-delivered summary
	outageSince time.Time // when an export first failed since exports last worked; zero if none
	outageBase  uint64    // Exported then

	// Used by the monitor goroutine only.
	lastLoss       otlpsink.Stats // at the previous loss report
	lastLossAt     time.Time
	recoveredAt    time.Time // when exports worked again; zero unless its notice is pending
	announcedNever bool      // "no collector reachable" was said
}

// exportFailed is the OTLP processor's error callback: a failed export attempt (its text
// has secrets redacted). While no export ever succeeded it is only noted: the monitor says
// once that no collector is reachable, and Shutdown says how many records stayed local, so
// that a first run without a collector is not a wall of warnings. Afterwards failures are
// reported at most once per report interval, as are the warnings of exports that delivered.
func (b *Bridge) exportFailed(err error) {
	rep := b.reporter.Load()
	if rep == nil || b.otlp == nil {
		return
	}
	if ee := (*otlpsink.ExportError)(nil); errors.As(err, &ee) && ee.Warning {
		// Delivered: no outage begins (nor a recovery notice after it), but the receiver
		// has something to say (or is not an OTLP receiver at all).
		rep.report("otlp-warning", -1, slog.LevelWarn, "OTLP export delivered with a warning", slog.String("error", err.Error()))
		return
	}
	st := b.otlp.Stats()
	b.watch.mu.Lock()
	if b.watch.outageSince.IsZero() {
		b.watch.outageSince, b.watch.outageBase = time.Now(), st.Exported
	}
	if b.watch.firstErr == "" {
		b.watch.firstErr = err.Error()
		if ee := (*otlpsink.ExportError)(nil); errors.As(err, &ee) && ee.Err != nil {
			b.watch.firstErr = b.otlp.Redact(ee.Err.Error()) // the cause, without "export of n records failed"
		}
	}
	b.watch.mu.Unlock()
	if st.Exported == 0 {
		return
	}
	rep.report("otlp-export", -1, slog.LevelWarn, "OTLP export failed", slog.String("error", err.Error()))
}

// watchOTLP runs at every poll of the monitor: it notices outages and their end, and reports
// losses at most once per interval.
func (b *Bridge) watchOTLP(now time.Time, interval time.Duration) {
	w := &b.watch
	st := b.otlp.Stats()
	w.mu.Lock()
	since, base := w.outageSince, w.outageBase
	w.mu.Unlock()
	if !since.IsZero() && w.recoveredAt.IsZero() && st.Exported > base {
		w.recoveredAt = now
	}
	// The recovery notice waits for the backlog to go out (or an interval), so that it can say
	// how many records the outage held back.
	if !w.recoveredAt.IsZero() && (st.Pending == 0 || now.Sub(w.recoveredAt) >= interval) {
		if base > 0 || w.announcedNever {
			b.core.rep.write(-1, slog.LevelInfo, "OTLP export recovered",
				slog.Duration("outage", w.recoveredAt.Sub(since).Round(time.Millisecond)),
				slog.Uint64("delivered_since", st.Exported-base), slog.Uint64("pending", st.Pending))
		}
		w.mu.Lock()
		if w.outageSince.Equal(since) {
			w.outageSince = time.Time{}
		}
		w.mu.Unlock()
		w.recoveredAt = time.Time{}
	}
	if st.Exported == 0 && !since.IsZero() && !w.announcedNever && now.Sub(since) >= interval {
		w.announcedNever = true
		b.core.rep.write(-1, slog.LevelWarn, "OTLP: no collector reachable yet; records wait in the queue",
			slog.String("export", b.otlp.Description()), slog.Uint64("waiting", st.Pending), slog.String("error", b.firstExportError()))
	}
	if now.Sub(w.lastLossAt) >= interval {
		if lost, lastLost := st.Undelivered(), w.lastLoss.Undelivered(); lost > lastLost {
			attrs := []slog.Attr{slog.Uint64("undelivered_since_last_report", lost-lastLost), slog.Uint64("undelivered_total", lost)}
			if st.LastError != "" {
				attrs = append(attrs, slog.String("last_error", st.LastError))
			}
			b.core.rep.write(-1, slog.LevelWarn, "OTLP export is losing records", attrs...)
		}
		w.lastLoss, w.lastLossAt = st, now
	}
}

func (b *Bridge) firstExportError() string {
	b.watch.mu.Lock()
	defer b.watch.mu.Unlock()
	return b.watch.firstErr
}

// neverDelivered reports whether exports were tried and none ever succeeded.
func neverDelivered(st otlpsink.Stats) bool { return st.Exported == 0 && st.ExportErrors > 0 }

// errNeverDelivered is why Shutdown stopped before its deadline when no export ever succeeded:
// the cause its error names, instead of a bare "context canceled" the caller did not cause.
var errNeverDelivered = errors.New("no export ever succeeded, so Shutdown stopped retrying " +
	neverDeliveredWait.String() + " after one failed")

// otlpShutdownContext is ctx, cut short neverDeliveredWait after it is clear that no export
// will succeed: an attempt failed and none ever succeeded (no collector there). Waiting for
// the whole deadline, retrying, would only delay the program's exit.
func (b *Bridge) otlpShutdownContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancelCause := context.WithCancelCause(ctx)
	cancel := func() { cancelCause(nil) }
	go func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if st := b.otlp.Stats(); st.Exported > 0 {
				return // a collector is there: the whole deadline applies
			} else if neverDelivered(st) {
				time.AfterFunc(neverDeliveredWait, func() { cancelCause(errNeverDelivered) })
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return ctx, cancel
}

// reportUndelivered reports, after the OTLP pipeline shut down, how many records it never
// delivered and why. When none was ever delivered, it is one calm line: the collector was
// never reached and the records are in the console and file only.
func (b *Bridge) reportUndelivered(shutdownErr error) {
	st := b.otlp.Stats()
	if st.Undelivered() == 0 && st.OutcomeUnknown == 0 && shutdownErr == nil {
		return
	}
	if neverDelivered(st) {
		attrs := []slog.Attr{slog.String("export", b.otlp.Description()), slog.Uint64("records", st.Undelivered())}
		if e := b.firstExportError(); e != "" {
			attrs = append(attrs, slog.String("error", e))
		}
		b.core.rep.write(-1, slog.LevelWarn, "OTLP collector never reached: "+vocab.LogRecords(st.Undelivered())+" kept in the "+b.localSinks()+" only", attrs...)
		return
	}
	attrs := []slog.Attr{
		slog.Uint64("undelivered", st.Undelivered()), slog.Uint64("emitted", st.Emitted), slog.Uint64("exported", st.Exported),
		slog.Uint64("dropped_queue_full", st.DroppedQueueFull), slog.Uint64("failed_export", st.FailedExport+st.FailedRejected),
		slog.Uint64("failed_refused", st.FailedPermanent),
		slog.Uint64("failed_at_shutdown", st.FailedShutdown+st.DroppedShutdown),
	}
	if st.OutcomeUnknown > 0 {
		// Sent, answer not back by the deadline: perhaps delivered, not counted as lost.
		attrs = append(attrs, slog.Uint64("outcome_unknown", st.OutcomeUnknown))
	}
	if shutdownErr != nil {
		attrs = append(attrs, slog.String("error", shutdownErr.Error()))
	} else if st.LastError != "" {
		attrs = append(attrs, slog.String("last_error", st.LastError))
	}
	if st.Undelivered() == 0 && shutdownErr != nil && st.OutcomeUnknown > 0 {
		// Nothing is known lost: the answers did not come back in time, so say that.
		b.core.rep.write(-1, slog.LevelWarn, "OTLP export unanswered at shutdown: "+vocab.LogRecords(st.OutcomeUnknown)+" sent, arrival unknown", attrs...)
		return
	}
	b.core.rep.write(-1, slog.LevelError, "OTLP records not delivered", attrs...)
}

// localSinks names the diagnostic sinks ("console and file").
func (b *Bridge) localSinks() string {
	var names []string
	for _, s := range b.core.sinks {
		if s.diagnostics {
			names = append(names, s.name)
		}
	}
	if len(names) == 0 {
		return "local sinks"
	}
	return strings.Join(names, " and ")
}

// reopenOnSIGHUP reopens the log file at path on each SIGHUP, the way an external logrotate
// hands over ("postrotate kill -HUP"), and says so, or why it could not, until Shutdown.
func (b *Bridge) reopenOnSIGHUP(f *filelog.File, path string) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	done := make(chan struct{})
	b.closers = append(b.closers, func(context.Context) error {
		signal.Stop(ch)
		close(done)
		return nil
	})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-ch:
			}
			err := f.Reopen()
			rep := b.reporter.Load()
			switch {
			case rep == nil || errors.Is(err, filelog.ErrClosed):
			case err != nil:
				rep.write(-1, slog.LevelError, "log file not reopened on SIGHUP; writing to the file open before", slog.String("path", path), slog.String("error", err.Error()))
			default:
				rep.write(-1, slog.LevelInfo, "log file reopened on SIGHUP", slog.String("path", path))
			}
		}
	}()
}
