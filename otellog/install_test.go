package otellog

import (
	"context"
	"log"
	"log/slog"
	"strings"
	"testing"
)

// TestSetupTwice: Setup A, Setup B, Shutdown A (the natural way to swap configuration): default
// records and standard log lines reach B; after B shuts down too, slog's default and the log
// package are what they were before A, never the dead A.
func TestSetupTwice(t *testing.T) {
	origSlog, origOut := slog.Default(), log.Writer()
	t.Setenv("TEST_LOG_OTLP", "false")
	a, conA := setup(t)
	b, conB := setup(t)
	if err := a.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	slog.Warn("default after A shut down")
	log.Print("std log after A shut down")
	if g, err := Get("x", "core"); err != nil {
		t.Fatal(err)
	} else {
		g.Warn("via Get after A shut down")
	}
	for _, want := range []string{"default after A shut down", "std log after A shut down", "via Get after A shut down"} {
		if !strings.Contains(conB.String(), want) {
			t.Errorf("B lacks %q:\n%s", want, conB.String())
		}
		if strings.Contains(conA.String(), want) {
			t.Errorf("the dead A got %q", want)
		}
	}
	if err := b.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if slog.Default() != origSlog || log.Writer() != origOut {
		t.Fatalf("after both shut down: slog default %p (was %p), log output %T (was %T)", slog.Default(), origSlog, log.Writer(), origOut)
	}
	if _, err := Get("x", "core"); err == nil {
		t.Fatal("Get still returns a logger of a dead bridge")
	}
}

// TestShutdownLeavesOthersInstalls: a default the program installed after Setup stays.
func TestShutdownLeavesOthersInstalls(t *testing.T) {
	origSlog, origOut, origFlags := slog.Default(), log.Writer(), log.Flags()
	defer func() {
		slog.SetDefault(origSlog)
		log.SetOutput(origOut)
		log.SetFlags(origFlags)
	}()
	t.Setenv("TEST_LOG_OTLP", "false")
	a, _ := setup(t)
	own := slog.New(slog.DiscardHandler)
	slog.SetDefault(own)
	if err := a.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if slog.Default() != own {
		t.Fatal("Shutdown replaced the program's own slog default")
	}
}
