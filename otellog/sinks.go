package otellog

import (
	"context"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/console"
	"github.com/logbridge/logbridge/filelog"
	"github.com/logbridge/logbridge/internal/handoff"
	"github.com/logbridge/logbridge/otlpsink"
	"github.com/logbridge/logbridge/vocab"
)

// Sink names, as Stats and the reports name them.
const (
	SinkConsole = "console"
	SinkFile    = "file"
	SinkOTLP    = "otlp"
)

// buildSinks makes the console, file and OTLP sinks the configuration asks for, then the
// caller's own. It fails when a sink cannot work at all: an unwritable file, an invalid OTEL_*
// setting.
func (b *Bridge) buildSinks(ctx context.Context, cfg config.Config, o *options) ([]*sink, error) {
	var sinks []*sink
	if !cfg.Console.Disabled {
		w := o.console
		if w == nil && cfg.Console.Stream == config.StreamStdout {
			w = os.Stdout
		}
		if w == nil {
			w = os.Stderr
		}
		stream := w // after Shutdown, records go to it directly (the own descriptor is closed)
		w = b.ownStream(w)
		s := &sink{name: SinkConsole, diagnostics: true}
		s.guard = b.guardWriter(s, consoleBatches(w), o.maxBlock, stream)
		if cfg.Console.Format == vocab.FormatJSON {
			// JSON lines for containers: the file sink's handler and grammar.
			s.handler = filelog.NewHandler(s.target(w), &filelog.Options{
				Level:      cfg.Console.Level,
				AddSource:  cfg.AddSource,
				Format:     vocab.FormatJSON,
				LevelStyle: cfg.LevelStyle,
			})
		} else {
			s.handler = console.NewHandler(s.target(w), &console.Options{
				Level:       cfg.Console.Level,
				AddSource:   cfg.AddSource,
				Color:       cfg.Console.Color,
				Width:       cfg.Console.Width,
				NoHighlight: cfg.Console.NoHighlight,
			})
		}
		sinks = append(sinks, s)
	}
	if cfg.File.Path != "" {
		f, err := filelog.Open(cfg.File.Path, &filelog.RotateOptions{
			MaxSizeMB:      cfg.File.MaxSizeMB,
			MaxBackups:     cfg.File.MaxBackups,
			MaxAgeDays:     cfg.File.MaxAgeDays,
			Compress:       cfg.File.Compress,
			Mode:           cfg.File.Mode,
			ReopenOnSIGHUP: false, // reopenOnSIGHUP reopens, and says so
			OnError:        b.fileEvent,
		})
		if err != nil {
			return nil, err
		}
		b.closers = append(b.closers, func(context.Context) error { return f.Close() })
		b.reopenOnSIGHUP(f, cfg.File.Path)
		s := &sink{name: SinkFile, diagnostics: true}
		// After Shutdown the file is closed: a record logged then shows on the console, or,
		// without one, on stderr, rather than nowhere.
		var late io.Writer = os.Stderr
		if !cfg.Console.Disabled {
			late = nil // dropped, counted: the console has it
		}
		s.guard = b.guardWriter(s, f, o.maxBlock, late)
		s.handler = filelog.NewHandler(s.target(f), &filelog.Options{
			Level:     cfg.File.Level,
			AddSource: cfg.AddSource,
			Format:    vocab.Format(cfg.File.Format),

			LevelStyle: cfg.LevelStyle,
		})
		sinks = append(sinks, s)
	}
	if !cfg.OTLP.Disabled {
		lp := o.provider
		if lp == nil {
			opts := append([]otlpsink.PipelineOption{
				otlpsink.WithConsoleExporterWriter(b.ownStream(consoleWriterOr(o.console))),
				otlpsink.WithProcessorOptions(otlpsink.WithErrorHandler(b.exportFailed)),
				b.metrics.exportObserver(),
			}, o.otlpOpts...)
			p, err := otlpsink.NewPipeline(ctx, opts...)
			if err != nil {
				return nil, err
			}
			o.diags = append(o.diags, p.Diagnostics()...)
			if p.Enabled() {
				b.otlp = p
				lp = p.Provider()
			} else {
				_ = p.Shutdown(ctx)
			}
		}
		if lp != nil {
			h := otlpsink.NewHandler(lp, &otlpsink.Options{Level: cfg.OTLP.Level, AddSource: cfg.AddSource})
			sinks = append(sinks, &sink{name: SinkOTLP, handler: h})
		}
	}
	return append(sinks, o.extra...), nil
}

// guardWriter puts w, the writer of sink s, behind a hand-off to a goroutine of its own, so that
// a writer that blocks (an unread pipe, a paused terminal, a stuck log driver) holds up neither
// the callers nor the other sinks: after maxBlock without progress the sink is skipped, its
// records counted as dropped and reported through the sinks that still work, until its writer
// moves again.
// With maxBlock < 0 there is no hand-off (nil): the sink writes on the logging goroutine.
// Records written after Shutdown stopped the hand-off go to late, synchronously, or are
// dropped (counted) when late is nil.
func (b *Bridge) guardWriter(s *sink, w io.Writer, maxBlock time.Duration, late io.Writer) *handoff.Writer {
	if maxBlock < 0 {
		return nil
	}
	return handoff.New(w, handoff.Options{
		AfterClose: late,
		Bound:      maxBlock,
		OnStall: func(queued int) {
			b.sinkReport(s, slog.LevelError, "the "+s.name+" sink's writer is blocked; its records are dropped until it moves again",
				slog.Duration("blocked_for_at_least", maxBlockOr(maxBlock)), slog.Int("records_waiting", queued))
		},
		OnResume: func(dropped uint64) {
			b.sinkReport(s, slog.LevelWarn, "the "+s.name+" sink's writer moves again",
				slog.Uint64("dropped_while_blocked", dropped), slog.Uint64("dropped_total", s.guard.Dropped()))
		},
		OnError: func(err error) {
			if c := b.coreOrNil(); c != nil {
				c.sinkFailed(c.index(s), err)
			} else {
				s.errors.Add(1)
			}
		},
	})
}

// The file sink's hand-off passes its queued records on to the File in one write a batch.
var _ handoff.BatchWriter = (*filelog.File)(nil)

// consoleBatches is the writer the console's hand-off passes its records on to: for a file
// descriptor (stderr, stdout: a terminal, a pipe, a file), chunks of whole lines in one write
// each (handoff.Chunked), a system call per chunk rather than per line; any other writer gets
// one Write per record, as it may expect.
func consoleBatches(w io.Writer) io.Writer {
	if f, ok := w.(*os.File); ok {
		return handoff.Chunked(f)
	}
	return w
}

// target is the writer to give s's handler: its hand-off, or w when it has none.
func (s *sink) target(w io.Writer) io.Writer {
	if s.guard == nil {
		return w
	}
	return s.guard.Target()
}

// sinkReport reports an event of sink s's writer through the other diagnostic sinks (not
// rate-limited: stalls and resumptions alternate at most once per bound).
func (b *Bridge) sinkReport(s *sink, level slog.Level, msg string, attrs ...slog.Attr) {
	if c := b.coreOrNil(); c != nil {
		c.rep.write(c.index(s), level, msg, attrs...)
	}
}

// fileEvent reports what the log file met that no write returns: a file deleted or replaced
// at its path (and reopened), a failed reopen or sync. The report reaches the file too, through
// its hand-off (never straight into the File, whose lock may be held).
func (b *Bridge) fileEvent(err error) {
	if c := b.coreOrNil(); c != nil {
		c.rep.report("file-event", -1, slog.LevelWarn, "log file problem", slog.String("error", err.Error()))
	}
}

func maxBlockOr(d time.Duration) time.Duration {
	if d <= 0 {
		return handoff.DefaultBound
	}
	return d
}

// ownStream returns w, or, when w is the process's standard output or error, a descriptor of the
// bridge's own for it (see ownDescriptor), closed by closeSinks: after the OTLP pipeline's
// shutdown (its console exporter's last export) and after the hand-offs stopped (flushSinks).
func (b *Bridge) ownStream(w io.Writer) io.Writer {
	own, closeOwn := ownDescriptor(w)
	if closeOwn != nil {
		b.closers = append(b.closers, closeOwn)
	}
	return own
}

func consoleWriterOr(w io.Writer) io.Writer {
	if w == nil {
		return os.Stderr
	}
	return w
}
