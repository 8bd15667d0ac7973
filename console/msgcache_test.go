package console

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/logbridge/logbridge/vocab"
)

// BenchmarkMessage shows what the message cache saves: rendering the benchmark's message
// (markup and highlighting) each time, against finding it in the cache.
func BenchmarkMessage(b *testing.B) {
	const msg = "Test logging, but use a [bold]somewhat[/] realistic message length."
	for _, cached := range []bool{false, true} {
		name := "uncached"
		if cached {
			name = "cached"
		}
		b.Run(name, func(b *testing.B) {
			h := NewHandler(io.Discard, &Options{Color: vocab.ColorAlways, Env: []string{"TERM=xterm-256color", "COLORTERM=truecolor"}})
			if !cached {
				h.cache = nil
			}
			r := slog.NewRecord(time.Now(), slog.LevelInfo, msg, 0)
			b.ReportAllocs()
			for b.Loop() {
				_ = h.Handle(context.Background(), r)
			}
		})
	}
}

// TestMessageCache checks that a cached message is written exactly as a fresh rendering,
// that messages with newlines are not cached, and that a message is stored only the second
// time it is seen.
func TestMessageCache(t *testing.T) {
	h := NewHandler(io.Discard, &Options{Color: vocab.ColorAlways, Env: colorEnv})
	render := func(msg string) string {
		st := newState(h)
		defer st.free()
		st.indent = 22
		return string(st.appendMessage(nil, msg))
	}
	fresh := func(msg string) string {
		st := newState(h)
		defer st.free()
		st.indent = 22
		return string(st.renderMessage(nil, msg))
	}
	for _, msg := range []string{"[bold]x[/] 42", "plain \"q\" 10.0.0.1", "a\nb [red]c[/]", "[link=https://e.x]l[/link] 7"} {
		want := fresh(msg)
		for i := range 4 {
			if got := render(msg); got != want {
				t.Errorf("%q, call %d: got %q, want %q", msg, i, got, want)
			}
		}
	}
	stored := 0
	for i := range h.cache.slots {
		if e := h.cache.slots[i].Load(); e != nil {
			stored++
			if e.msg == "a\nb [red]c[/]" {
				t.Error("a message with a newline was cached")
			}
		}
	}
	if stored != 3 {
		t.Errorf("%d messages cached, want 3", stored)
	}
	render("once only")
	for i := range h.cache.slots {
		if e := h.cache.slots[i].Load(); e != nil && e.msg == "once only" {
			t.Error("a message seen once was cached")
		}
	}
}
