package otellog

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// addingSink is a foreign sink that adds an attribute to each record it is given (as a
// handler may) and keeps the attribute keys it then sees.
type addingSink struct {
	mu   sync.Mutex
	keys [][]string
}

func (s *addingSink) Enabled(context.Context, slog.Level) bool { return true }
func (s *addingSink) WithAttrs([]slog.Attr) slog.Handler       { return s }
func (s *addingSink) WithGroup(string) slog.Handler            { return s }
func (s *addingSink) Handle(_ context.Context, r slog.Record) error {
	r.AddAttrs(slog.Int("added", 1))
	var keys []string
	r.Attrs(func(a slog.Attr) bool { keys = append(keys, a.Key); return true })
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = append(s.keys, keys)
	return nil
}

// A foreign sink gets a record of its own: one sink adding attributes to its record does not
// change what the next sink gets, even when the record's attribute array has room to grow
// into (slog.Record copies share it; only Clone separates them).
func TestForeignSinkGetsClone(t *testing.T) {
	first, second := &addingSink{}, &addingSink{}
	c := testCore(t, "all=debug",
		&sink{name: "first", handler: first, foreign: true},
		&sink{name: "second", handler: second, foreign: true})
	h := mustLogger(t, c, "app", "core").Handler()
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		r.AddAttrs(slog.String(k, k)) // one at a time: the overflow array grows with room to spare
	}
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*addingSink{first, second} {
		if len(s.keys) != 1 {
			t.Fatalf("%d records", len(s.keys))
		}
		got := s.keys[0]
		if len(got) == 0 || got[len(got)-1] != "added" || len(got) < 9 {
			t.Fatalf("keys %v", got)
		}
		for _, k := range got {
			if k == "!BUG" {
				t.Errorf("a sink got a record shared with another (slog: %q): keys %v", k, got)
			}
		}
	}
}
