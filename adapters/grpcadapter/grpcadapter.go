// Package grpcadapter routes gRPC's internal logs (google.golang.org/grpc/grpclog) into a
// logbridge Bridge: a grpclog.LoggerV2 over a slog.Logger.
//
// # Levels
//
// grpclog's Info is INFO, Warning WARN, Error ERROR, Fatal CRITICAL (and then the process
// exits with status 1, as grpclog requires: the bridge is shut down first, within 5 seconds,
// so that the record is delivered). V(n) reports verbosity n enabled when it is 0, or when the
// category lets DEBUG records through. gRPC's components prefix their messages with
// "[core]", "[transport]" and so on.
//
// Only this package imports grpc's grpclog: the core packages do not depend on it.
package grpcadapter

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"time"

	"google.golang.org/grpc/grpclog"

	"github.com/logbridge/logbridge/otellog"
	"github.com/logbridge/logbridge/vocab"
)

// Name is the logger name of gRPC's records.
const Name = "grpc"

// fatalFlush bounds the Shutdown that delivers a Fatal record before the exit.
const fatalFlush = 5 * time.Second

// Install makes grpclog write to lb's logger called Name in category (empty: uncategorized,
// under the root level). As grpclog.SetLoggerV2, it must be called before any gRPC function,
// and is not undone.
func Install(lb *otellog.Bridge, category string) error {
	l, err := NewLogger(lb, category)
	if err != nil {
		return err
	}
	grpclog.SetLoggerV2(l)
	return nil
}

// NewLogger returns the grpclog.LoggerV2 Install installs.
func NewLogger(lb *otellog.Bridge, category string) (grpclog.LoggerV2, error) {
	l, err := lb.Logger(Name, category)
	if err != nil {
		return nil, err
	}
	return &logger{h: l.Handler(), exit: func() {
		ctx, cancel := context.WithTimeout(context.Background(), fatalFlush)
		defer cancel()
		_ = lb.Shutdown(ctx)
		os.Exit(1)
	}}, nil
}

// logger is a grpclog.LoggerV2 writing to a slog.Handler.
type logger struct {
	h    slog.Handler
	exit func()
}

var _ grpclog.LoggerV2 = (*logger)(nil)

// log writes one record at l, with the source position of the grpclog caller.
func (g *logger) log(l slog.Level, msg func() string) {
	ctx := context.Background()
	if !g.h.Enabled(ctx, l) {
		return
	}
	var pcs [1]uintptr
	runtime.Callers(3, pcs[:]) // runtime.Callers, log, the LoggerV2 method
	_ = g.h.Handle(ctx, slog.NewRecord(time.Now(), l, msg(), pcs[0]))
}

func sprint(args []any) func() string { return func() string { return fmt.Sprint(args...) } }
func sprintln(args []any) func() string {
	return func() string { return trimNewline(fmt.Sprintln(args...)) }
}
func sprintf(format string, args []any) func() string {
	return func() string { return fmt.Sprintf(format, args...) }
}

func trimNewline(s string) string {
	if n := len(s); n > 0 && s[n-1] == '\n' {
		return s[:n-1]
	}
	return s
}

// Info logs at INFO.
func (g *logger) Info(args ...any) { g.log(slog.LevelInfo, sprint(args)) }

// Infoln logs at INFO.
func (g *logger) Infoln(args ...any) { g.log(slog.LevelInfo, sprintln(args)) }

// Infof logs at INFO.
func (g *logger) Infof(format string, args ...any) { g.log(slog.LevelInfo, sprintf(format, args)) }

// Warning logs at WARN.
func (g *logger) Warning(args ...any) { g.log(slog.LevelWarn, sprint(args)) }

// Warningln logs at WARN.
func (g *logger) Warningln(args ...any) { g.log(slog.LevelWarn, sprintln(args)) }

// Warningf logs at WARN.
func (g *logger) Warningf(format string, args ...any) { g.log(slog.LevelWarn, sprintf(format, args)) }

// Error logs at ERROR.
func (g *logger) Error(args ...any) { g.log(slog.LevelError, sprint(args)) }

// Errorln logs at ERROR.
func (g *logger) Errorln(args ...any) { g.log(slog.LevelError, sprintln(args)) }

// Errorf logs at ERROR.
func (g *logger) Errorf(format string, args ...any) { g.log(slog.LevelError, sprintf(format, args)) }

// Fatal logs at CRITICAL, shuts the bridge down and exits with status 1.
func (g *logger) Fatal(args ...any) {
	g.log(vocab.LevelCritical, sprint(args))
	g.exit()
}

// Fatalln logs at CRITICAL, shuts the bridge down and exits with status 1.
func (g *logger) Fatalln(args ...any) {
	g.log(vocab.LevelCritical, sprintln(args))
	g.exit()
}

// Fatalf logs at CRITICAL, shuts the bridge down and exits with status 1.
func (g *logger) Fatalf(format string, args ...any) {
	g.log(vocab.LevelCritical, sprintf(format, args))
	g.exit()
}

// V reports whether verbosity level l is on: 0 always, more when the category lets DEBUG
// records through.
func (g *logger) V(l int) bool {
	return l <= 0 || g.h.Enabled(context.Background(), slog.LevelDebug)
}
