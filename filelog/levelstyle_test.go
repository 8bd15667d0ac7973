package filelog

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/vocab"
)

func TestLevelStyle(t *testing.T) {
	levels := []slog.Level{slog.LevelDebug - 2, slog.LevelDebug, slog.LevelInfo, slog.LevelInfo + 1, slog.LevelWarn, slog.LevelError, vocab.LevelCritical, vocab.LevelCritical + 4}
	for _, tc := range []struct {
		style vocab.LevelStyle
		key   string
		want  []string
	}{
		{"", "level", []string{"DEBUG-2", "DEBUG", "INFO", "INFO+1", "WARNING", "ERROR", "CRITICAL", "CRITICAL+4"}},
		{vocab.LevelStyleSlog, "level", []string{"DEBUG-2", "DEBUG", "INFO", "INFO+1", "WARNING", "ERROR", "CRITICAL", "CRITICAL+4"}},
		{vocab.LevelStyleGCP, "severity", []string{"DEBUG", "DEBUG", "INFO", "INFO", "WARNING", "ERROR", "CRITICAL", "CRITICAL"}},
		{vocab.LevelStyleECS, "log.level", []string{"debug-2", "debug", "info", "info+1", "warn", "error", "critical", "critical+4"}},
	} {
		for _, withReplace := range []bool{false, true} {
			var buf bytes.Buffer
			opts := &Options{Format: vocab.FormatJSON, LevelStyle: tc.style, Level: slog.Level(-100)}
			if withReplace {
				opts.ReplaceAttr = func(_ []string, a slog.Attr) slog.Attr { return a }
			}
			l := slog.New(NewHandler(&buf, opts))
			for _, lv := range levels {
				l.Log(t.Context(), lv, "m")
			}
			lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			for i, line := range lines {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatalf("%q: %v", line, err)
				}
				if m[tc.key] != tc.want[i] || (tc.key != "level" && m["level"] != nil) {
					t.Errorf("style %q (ReplaceAttr %v), level %v: %s", tc.style, withReplace, levels[i], line)
				}
			}
		}
	}
}
