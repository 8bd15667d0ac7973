package console

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/internal/testkit"
	"github.com/logbridge/logbridge/vocab"
)

//go:noinline
func failingWrite() error {
	return testkit.StackError("disk full")
}

func TestErrorStack(t *testing.T) {
	for _, tc := range []struct {
		name  string
		color vocab.ColorMode
	}{{"plain", vocab.ColorNever}, {"color", vocab.ColorAlways}} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			l := slog.New(NewHandler(&buf, &Options{Color: tc.color}))
			l.Error("save failed", "err", fmt.Errorf("save: %w", failingWrite()))
			lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			if len(lines) < 3 {
				t.Fatalf("want the record, its cause and stack frames; got:\n%s", buf.String())
			}
			var frames []string
			for _, line := range lines[1:] {
				if i := strings.Index(line, "at "); i >= 0 {
					frames = append(frames, line)
				}
			}
			if len(frames) == 0 || !strings.Contains(frames[0], "at github.com/logbridge/logbridge/console.failingWrite (console/stack_test.go:") {
				t.Fatalf("first frame line: want failingWrite at its file:line; got:\n%s", buf.String())
			}
			if strings.Contains(buf.String(), "runtime.") || strings.Contains(buf.String(), "testing.tRunner") {
				t.Fatalf("standard-library frames shown:\n%s", buf.String())
			}
			if tc.color == vocab.ColorAlways && !strings.Contains(frames[0], sgrDim+"at ") {
				t.Fatalf("frame not dimmed: %q", frames[0])
			}
			if !strings.HasPrefix(frames[0], strings.Repeat(" ", 10)) {
				t.Fatalf("frame not indented under the message: %q", frames[0])
			}
		})
	}
}

// TestErrorStackBeyondTree: the stack an error carries is shown below a chain of the standard
// library's wrappers and joins, and when the cause tree leaves that error out (deeper than
// maxCauseDepth).
func TestErrorStackBeyondTree(t *testing.T) {
	deep := failingWrite()
	for i := range maxCauseDepth + 4 {
		deep = fmt.Errorf("layer %d: %w", i, deep)
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"wrapped", fmt.Errorf("save: %w", fmt.Errorf("flush: %w", failingWrite()))},
		{"deeper than the tree", deep},
		{"joined", errors.Join(errors.New("retry failed"), fmt.Errorf("save: %w", failingWrite()))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			slog.New(NewHandler(&buf, &Options{Color: vocab.ColorNever})).Error("save failed", "err", tc.err)
			if !strings.Contains(buf.String(), "at github.com/logbridge/logbridge/console.failingWrite (console/stack_test.go:") {
				t.Fatalf("the stack of the error the tree leaves out is missing:\n%s", buf.String())
			}
		})
	}
}
