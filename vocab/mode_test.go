package vocab

import (
	"strings"
	"testing"
)

func TestParseColorMode(t *testing.T) {
	for in, want := range map[string]ColorMode{
		"": ColorAuto, "auto": ColorAuto, "AUTO": ColorAuto, " always ": ColorAlways, "on": ColorAlways,
		"true": ColorAlways, "force": ColorAlways, "never": ColorNever, "off": ColorNever, "no": ColorNever,
	} {
		got, err := ParseColorMode(in)
		if err != nil || got != want {
			t.Errorf("ParseColorMode(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseColorMode("sometimes"); err == nil || !strings.Contains(err.Error(), `"sometimes"`) {
		t.Errorf("ParseColorMode(sometimes): error %v", err)
	}
	var m ColorMode
	if err := m.UnmarshalText([]byte("never")); err != nil || m != ColorNever {
		t.Errorf("UnmarshalText: %v %v", m, err)
	}
	if b, _ := ColorAlways.MarshalText(); string(b) != "always" {
		t.Errorf("MarshalText: %s", b)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": FormatText, "text": FormatText, " JSON ": FormatJSON, "json": FormatJSON} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), `"xml"`) || !strings.Contains(err.Error(), "want text or json") {
		t.Errorf("ParseFormat(xml): error %v", err)
	}
}

func FuzzParseColorMode(f *testing.F) {
	for _, s := range []string{"", "auto", "on", "Never", "\x1b[31m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseColorMode(s)
		if err != nil {
			if m != ColorAuto || !strings.Contains(err.Error(), "unknown color mode") {
				t.Fatalf("ParseColorMode(%q) = %v, %v", s, m, err)
			}
			return
		}
		// The canonical name parses back to the same mode.
		if back, err := ParseColorMode(m.String()); err != nil || back != m {
			t.Fatalf("ParseColorMode(%q) = %v; its name %q parses to %v, %v", s, m, m.String(), back, err)
		}
	})
}

func TestParseLevelStyle(t *testing.T) {
	for in, want := range map[string]LevelStyle{"": LevelStyleSlog, "slog": LevelStyleSlog, " GCP ": LevelStyleGCP, "ecs": LevelStyleECS} {
		if got, err := ParseLevelStyle(in); err != nil || got != want {
			t.Errorf("ParseLevelStyle(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseLevelStyle("aws"); err == nil || !strings.Contains(err.Error(), `"aws"`) || !strings.Contains(err.Error(), "want slog, gcp or ecs") {
		t.Errorf("ParseLevelStyle(aws): error %v", err)
	}
}
