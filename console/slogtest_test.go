package console

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"testing/slogtest"

	"github.com/logbridge/logbridge/vocab"
)

// TestSlogtest runs the standard handler conformance tests, reading the (uncolored) output
// back with parseLine.
func TestSlogtest(t *testing.T) {
	var buf bytes.Buffer
	slogtest.Run(t,
		func(*testing.T) slog.Handler {
			buf.Reset()
			return NewHandler(&buf, &Options{Env: noColorEnv})
		},
		func(t *testing.T) map[string]any {
			line := strings.TrimSuffix(buf.String(), "\n")
			if strings.Contains(line, "\n") {
				t.Fatalf("more than one line: %q", buf.String())
			}
			m, err := parseLine(line)
			if err != nil {
				t.Fatal(err)
			}
			return m
		})
}

// TestSlogtestColor runs them with color on too: with the escape sequences removed, the
// output must read back the same.
func TestSlogtestColor(t *testing.T) {
	var buf bytes.Buffer
	slogtest.Run(t,
		func(*testing.T) slog.Handler {
			buf.Reset()
			return NewHandler(&buf, &Options{Color: vocab.ColorAlways, Env: colorEnv})
		},
		func(t *testing.T) map[string]any {
			out := buf.String()
			if p := checkTerminalSafe(out); p != "" {
				t.Fatal(p)
			}
			m, err := parseLine(strings.TrimSuffix(stripSGR(out), "\n"))
			if err != nil {
				t.Fatal(err)
			}
			return m
		})
}

// stripSGR removes the handler's own escape sequences.
func stripSGR(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			if n := ownSequence(s[i:]); n > 0 {
				i += n
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
