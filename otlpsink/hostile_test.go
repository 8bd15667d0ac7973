package otlpsink_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/logbridge/logbridge/otlpsink"
)

// TestHandlerHostileInput logs hostile input through the real OTLP/HTTP exporter (to a fake
// receiver that decodes the protobuf): nothing panics or hangs, and every record is delivered
// (invalid UTF-8, which protobuf refuses, is repaired instead of sinking its batch).
func TestHandlerHostileInput(t *testing.T) {
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	type node struct {
		Next *node
		Kids []any
	}
	n := &node{}
	n.Next = n
	n.Kids = []any{n, cyclic}
	deep := slog.String("leaf", "x")
	for range 100 {
		deep = slog.Group("g", deep)
	}
	many := make([]slog.Attr, 10_000)
	for i := range many {
		many[i] = slog.Int(strings.Repeat("k", i%50+1)+string(rune('a'+i%26))+string(rune('A'+i/26%26))+string(rune('0'+i/676)), i)
	}
	cases := []struct {
		name string
		f    func(l *slog.Logger)
	}{
		{"1 MiB message", func(l *slog.Logger) { l.Info(strings.Repeat("m", 1<<20)) }},
		{"invalid UTF-8", func(l *slog.Logger) {
			l.Info("bad \xff msg", "k\xfe", "v\xfd", slog.Group("g\xff", "x", "\xc3"), "err", errors.New("e\xff"),
				"any", []string{"\xff"}, "m", map[string]string{"\xfe": "\xfd"})
		}},
		{"invalid UTF-8 group and logger", func(l *slog.Logger) {
			l.Handler().(*otlpsink.Handler).WithLogger("name\xff", "cat\xfe").WithGroup("grp\xff").Handle(context.Background(),
				slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0))
		}},
		{"NUL, escapes, CR/LF", func(l *slog.Logger) {
			l.Info("a\x00b\x1b[31mred\x1b]8;;http://x\x07\r\nforged=1", "v", "\x00\x1b[2J\r\n")
		}},
		{"markup", func(l *slog.Logger) { l.Info("[bold]unbalanced [/i] [red", "v", "[bold]not markup[/]") }},
		{"10,000 attributes", func(l *slog.Logger) { l.LogAttrs(context.Background(), slog.LevelInfo, "many", many...) }},
		{"100-deep groups", func(l *slog.Logger) {
			h := slog.Handler(l.Handler())
			for range 100 {
				h = h.WithGroup("w")
			}
			slog.New(h).Info("deep", deep)
		}},
		{"panicking LogValuer", func(l *slog.Logger) { l.Info("p", "v", panicValuer{}) }},
		{"cyclic values", func(l *slog.Logger) { l.Info("c", "map", cyclic, "node", n) }},
		{"nil errors", func(l *slog.Logger) {
			var typedNil *nilPtrErr
			l.Error("nil", "err", nil, "typed", error(typedNil))
		}},
	}
	recv := newReceiver(t)
	clearEnv(t, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": recv.srv.URL})
	ctx := context.Background()
	p, err := otlpsink.NewPipeline(ctx, otlpsink.WithProcessorOptions(otlpsink.WithRetryMaxElapsed(0)))
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(otlpsink.NewHandler(p.Provider(), nil))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := p.Stats()
			c.f(logger)
			if err := p.ForceFlush(ctx); err != nil {
				t.Fatal(err)
			}
			st := p.Stats()
			if st.Exported != before.Exported+1 || st.Undelivered() != 0 {
				t.Errorf("stats %+v, want the record delivered (last error %q)", st, st.LastError)
			}
		})
	}
	_ = p.Shutdown(ctx)
	for _, req := range recv.requests() {
		for _, rl := range req.body.ResourceLogs {
			for _, sl := range rl.ScopeLogs {
				for _, r := range sl.LogRecords {
					if !utf8.ValidString(r.GetBody().GetStringValue()) {
						t.Errorf("invalid UTF-8 body arrived")
					}
				}
			}
		}
	}
}
