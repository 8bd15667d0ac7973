package console

import (
	"errors"
	"fmt"
	"log/slog"
)

// widthCase is a record of the width table tests, logged through f.
type widthCase struct {
	name   string
	source bool // show a fixed source location, app/server.go:228
	f      func(*slog.Logger)
}

var widthCases = []widthCase{
	{"quickstart record", false, func(l *slog.Logger) {
		withLogger("quickstart.engine", "core")(l).Info("engine [green]ready[/green] on device [cyan]cuda:0[/cyan]", "batch_size", 32, "dtype", "bf16")
	}},
	{"with source", true, func(l *slog.Logger) {
		withLogger("quickstart.engine", "core")(l).Info("engine [green]ready[/green] on device [cyan]cuda:0[/cyan]", "batch_size", 32, "dtype", "bf16")
	}},
	{"long logger name and URL", false, func(l *slog.Logger) {
		withLogger("payments.reconciliation", "billing::ledger")(l).Warn("slow upstream, see https://status.example.com/incidents/2024-03-09/payments-api for details", "waited", "1.5s")
	}},
	{"long logger name with source", true, func(l *slog.Logger) {
		withLogger("payments.reconciliation", "billing::ledger")(l).Info("request served", "status", 200)
	}},
	{"error tree", false, func(l *slog.Logger) {
		root := errors.New("dial tcp 10.0.0.9:443: connect: connection refused")
		withLogger("quickstart.http", "server")(l).Error("[red]upstream unavailable[/red]",
			"error", fmt.Errorf("fetch quota: %w", fmt.Errorf("call billing: %w", root)))
	}},
	{"names starting with a joiner", false, func(l *slog.Logger) {
		// U+FE0F has no base of its own: it joins the space before it and widens it.
		withLogger("\ufe0fengine", "\u0301core")(l).Info("ready", "n", 1)
	}},
	{"joined errors", false, func(l *slog.Logger) {
		withLogger("quickstart.http", "server")(l).Error("upstream unavailable",
			"error", errors.Join(errors.New("dial tcp 10.0.0.9:443: connection refused"), errors.New("retry budget exhausted")))
	}},
}

// fixedSource is a ReplaceAttr that sets the source location to app/server.go:228.
func fixedSource(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.SourceKey && groups == nil {
		return slog.Any(a.Key, &slog.Source{File: "/src/app/server.go", Line: 228})
	}
	return a
}
