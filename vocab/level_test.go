package vocab

import (
	"log/slog"
	"strings"
	"testing"
)

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in      string
		want    slog.Level
		wantErr string
	}{
		{"debug", slog.LevelDebug, ""},
		{"DEBUG", slog.LevelDebug, ""},
		{" Info ", slog.LevelInfo, ""},
		{"warn", slog.LevelWarn, ""},
		{"Warning", slog.LevelWarn, ""},
		{"error", slog.LevelError, ""},
		{"critical", LevelCritical, ""},
		{"fatal", LevelCritical, ""},
		{"info+2", slog.LevelInfo + 2, ""},
		{"debug-4", slog.LevelDebug - 4, ""},
		{"critical+1", LevelCritical + 1, ""},
		{"loud", 0, `unknown level "loud"`},
		{"", 0, "missing level"},
		{"info+x", 0, "bad level offset"},
		{"+2", 0, "unknown level"},
	}
	for _, tt := range tests {
		got, err := ParseLevel(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseLevel(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestLevelNamesRoundTrip(t *testing.T) {
	for l := slog.LevelDebug - 8; l <= LevelCritical+4; l++ {
		got, err := ParseLevel(LevelKey(l))
		if err != nil || got != l {
			t.Errorf("ParseLevel(LevelKey(%d) = %q) = %v, %v", l, LevelKey(l), got, err)
		}
	}
	if LevelName(slog.LevelWarn) != "WARNING" || LevelName(LevelCritical) != "CRITICAL" || LevelKey(slog.LevelWarn) != "warn" {
		t.Errorf("names: %s %s %s", LevelName(slog.LevelWarn), LevelName(LevelCritical), LevelKey(slog.LevelWarn))
	}
}
