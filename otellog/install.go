package otellog

import (
	"io"
	"log"
	"log/slog"
	"sync"
)

// installation is what one bridge's Setup installed process-wide (slog's default, the log
// package's output, the package default for Get, OpenTelemetry's diagnostics), and what was in
// place before. Setup may run more than once: installations form a stack, and Shutdown of one
// that is not the newest hands what it replaced on to the next one, so that the newest live
// bridge keeps receiving default records and a dead one is never restored.
type installation struct {
	b      *Bridge
	logger *slog.Logger // made slog's default
	out    io.Writer    // made the log package's output

	// What was in place before; handed on to the installation made next when this one is
	// removed first.
	prevSlog    *slog.Logger
	prevOut     io.Writer
	prevFlags   int
	prevPrefix  string
	prevBridge  *Bridge
	restoreOTel func()
}

// installs is the stack of installations, oldest first.
var installs struct {
	mu   sync.Mutex
	list []*installation
}

// push records what is in place and installs in over it.
func (in *installation) push() {
	installs.mu.Lock()
	defer installs.mu.Unlock()
	in.prevSlog = slog.Default()
	in.prevOut, in.prevFlags, in.prevPrefix = log.Writer(), log.Flags(), log.Prefix()
	in.prevBridge = defaultBridge.Swap(in.b)
	installs.list = append(installs.list, in)
	slog.SetDefault(in.logger)
	log.SetOutput(in.out)
	log.SetFlags(0)
	log.SetPrefix("")
}

// remove undoes in. When a newer installation is in force it only hands what in replaced on
// to it; otherwise it restores what was there before, each piece only if it is still in's own
// (the program may have installed something of its own since).
func (in *installation) remove() {
	installs.mu.Lock()
	defer installs.mu.Unlock()
	k := -1
	for i, x := range installs.list {
		if x == in {
			k = i
		}
	}
	if k < 0 {
		return
	}
	installs.list = append(installs.list[:k], installs.list[k+1:]...)
	if k < len(installs.list) {
		next := installs.list[k]
		next.prevSlog, next.prevOut, next.prevFlags, next.prevPrefix = in.prevSlog, in.prevOut, in.prevFlags, in.prevPrefix
		next.prevBridge, next.restoreOTel = in.prevBridge, in.restoreOTel
		return
	}
	slogOwn, logOwn := slog.Default() == in.logger, log.Writer() == in.out
	out, flags, prefix := log.Writer(), log.Flags(), log.Prefix()
	if logOwn {
		out, flags, prefix = in.prevOut, in.prevFlags, in.prevPrefix
	}
	in.restoreOTel()
	if slogOwn {
		slog.SetDefault(in.prevSlog) // may point the log package at prevSlog's handler
	}
	log.SetOutput(out) // what was there before us, or what the program put there since
	log.SetFlags(flags)
	log.SetPrefix(prefix)
	defaultBridge.CompareAndSwap(in.b, in.prevBridge)
}
