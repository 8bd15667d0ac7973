package otellog

import (
	"context"
	"io"
	"os"

	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/console"
	"github.com/logbridge/logbridge/filelog"
	"github.com/logbridge/logbridge/otlpsink"
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
		if w == nil {
			w = os.Stderr
		}
		color, _ := console.ParseColorMode(cfg.Console.Color) // config validated it
		h := console.NewHandler(w, &console.Options{
			Level:       cfg.Console.Level,
			AddSource:   cfg.AddSource,
			Color:       color,
			Width:       cfg.Console.Width,
			NoHighlight: cfg.Console.NoHighlight,
		})
		sinks = append(sinks, &sink{name: SinkConsole, handler: h, diagnostics: true})
	}
	if cfg.File.Path != "" {
		f, err := filelog.Open(cfg.File.Path, &filelog.RotateOptions{
			MaxSizeMB:      cfg.File.MaxSizeMB,
			MaxBackups:     cfg.File.MaxBackups,
			MaxAgeDays:     cfg.File.MaxAgeDays,
			Compress:       cfg.File.Compress,
			Mode:           cfg.File.Mode,
			ReopenOnSIGHUP: false, // reopenOnSIGHUP reopens, and says so
		})
		if err != nil {
			return nil, err
		}
		b.closers = append(b.closers, func(context.Context) error { return f.Close() })
		b.reopenOnSIGHUP(f, cfg.File.Path)
		h := filelog.NewHandler(f, &filelog.Options{
			Level:     cfg.File.Level,
			AddSource: cfg.AddSource,
			Format:    filelog.Format(cfg.File.Format),
		})
		sinks = append(sinks, &sink{name: SinkFile, handler: h, diagnostics: true})
	}
	if !cfg.OTLP.Disabled {
		lp := o.provider
		if lp == nil {
			opts := append([]otlpsink.PipelineOption{
				otlpsink.WithConsoleWriter(consoleWriterOr(o.console)),
				otlpsink.WithProcessorOptions(otlpsink.WithErrorHandler(b.exportFailed)),
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

func consoleWriterOr(w io.Writer) io.Writer {
	if w == nil {
		return os.Stderr
	}
	return w
}
