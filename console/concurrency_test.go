package console

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/logbridge/logbridge/internal/handoff"
	"github.com/logbridge/logbridge/vocab"
)

// TestConcurrency logs from many goroutines through clones of one handler (WithAttrs,
// WithGroup, WithLogger) to one writer, and checks that every record arrived whole: lines
// never interleave. Run it with -race. The writer is a plain one (the handler locks around
// it) or a hand-off in front of it, as the bridge gives the console (the hand-off's own lock
// serializes the records, and the handler takes none).
func TestConcurrency(t *testing.T) {
	for _, c := range []struct {
		color, handoff bool
	}{{false, false}, {true, false}, {true, true}} {
		t.Run(fmt.Sprintf("color=%v/handoff=%v", c.color, c.handoff), func(t *testing.T) {
			color := c.color
			var buf bytes.Buffer // written only under the handler's lock, or by the hand-off
			opts := &Options{Env: noColorEnv, Width: 60}
			if color {
				opts = &Options{Color: vocab.ColorAlways, Env: colorEnv, Width: 60}
			}
			var w io.Writer = &buf
			var ho *handoff.Writer
			if c.handoff {
				ho = handoff.New(&buf, handoff.Options{})
				defer ho.Close()
				w = ho.Target()
			}
			root := NewHandler(w, opts)
			const goroutines, perG = 16, 200
			var wg sync.WaitGroup
			for g := range goroutines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					h := root.WithLogger(fmt.Sprintf("app.g%d", g), "core")
					l := slog.New(h).With("g", g).WithGroup("grp").With("x", "y")
					for i := range perG {
						switch i % 3 {
						case 0:
							l.Info("record [bold]number[/] 42 with a message long enough to wrap at sixty columns", "i", i)
						case 1:
							l.Warn("two\nlines", "i", i)
						default:
							l.Error("failed", "i", i, "err", fmt.Errorf("w: %w", io.EOF))
						}
					}
				}()
			}
			wg.Wait()
			if ho != nil && !ho.Flush(t.Context()) {
				t.Fatal("the hand-off did not write everything")
			}
			out := stripSGR(buf.String())
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			records := 0
			var record string // the lines of the record being read
			check := func() {
				// At 60 columns the logger follows the body, on its last line or one of its own.
				if record != "" && !strings.Contains(record, "core app.g") {
					t.Fatalf("mangled record: %q", record)
				}
			}
			for _, line := range lines {
				switch {
				case strings.HasPrefix(line, " "):
					// A continuation or cause line of the record above.
					record += "\n" + line
				case len(line) > 13 && line[2] == ':' && line[5] == ':' && line[12] == ' ':
					check()
					records++
					record = line
				default:
					t.Fatalf("mangled line: %q", line)
				}
			}
			check()
			if records != goroutines*perG {
				t.Errorf("%d records, want %d", records, goroutines*perG)
			}
		})
	}
}
