package filelog

import (
	"bytes"
	"encoding/json"
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
	const first = "github.com/logbridge/logbridge/filelog.failingWrite\n\t"
	for _, format := range []vocab.Format{vocab.FormatText, vocab.FormatJSON} {
		t.Run(string(format), func(t *testing.T) {
			var buf bytes.Buffer
			l := slog.New(NewHandler(&buf, &Options{Format: format}))
			l.Error("save failed", "err", fmt.Errorf("save: %w", failingWrite()), "plain", fmt.Errorf("no stack"))
			line := strings.TrimSuffix(buf.String(), "\n")
			if strings.Contains(line, "\n") {
				t.Fatalf("more than one line: %q", buf.String())
			}
			attrs := map[string]string{}
			if format == vocab.FormatJSON {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatal(err)
				}
				for k, v := range m {
					attrs[k] = fmt.Sprint(v)
				}
			} else {
				l, err := parseTextLine(line)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range l.Attrs {
					attrs[a.K] = a.V
				}
			}
			st := attrs["err.stacktrace"]
			if !strings.HasPrefix(st, first) || !strings.Contains(st, "filelog/stack_test.go:") {
				t.Fatalf("err.stacktrace = %q, want the stack from failingWrite; line %s", st, line)
			}
			if _, ok := attrs["plain.stacktrace"]; ok {
				t.Fatalf("an error without a stack got one: %s", line)
			}
		})
	}
}
