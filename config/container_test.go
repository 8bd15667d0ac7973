package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/vocab"
)

// TestContainerSettings: the console format and stream, the level style and the baggage
// allow-list from env vars and YAML; bad values are reported and leave the default.
func TestContainerSettings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		yaml    string
		want    func(Config) bool
		problem string // in the one diagnostic, "" for none
	}{
		{"env", map[string]string{"X_LOG_CONSOLE_FORMAT": " JSON\n", "X_LOG_CONSOLE_STREAM": "stdout", "X_LOG_LEVEL_STYLE": "gcp", "X_LOG_BAGGAGE": "tenant, user.id,"}, "",
			func(c Config) bool {
				return c.Console.Format == vocab.FormatJSON && c.Console.Stream == StreamStdout && c.LevelStyle == vocab.LevelStyleGCP && slices.Equal(c.Baggage, []string{"tenant", "user.id"})
			}, ""},
		{"yaml", nil, "console: {format: json, stream: stdout}\nlevel_style: ecs\nbaggage: tenant\n",
			func(c Config) bool {
				return c.Console.Format == vocab.FormatJSON && c.Console.Stream == StreamStdout && c.LevelStyle == vocab.LevelStyleECS && slices.Equal(c.Baggage, []string{"tenant"})
			}, ""},
		{"bad format", map[string]string{"X_LOG_CONSOLE_FORMAT": "xml"}, "", func(c Config) bool { return c.Console.Format == "" }, "want text or json"},
		{"bad stream", map[string]string{"X_LOG_CONSOLE_STREAM": "stdlog"}, "", func(c Config) bool { return c.Console.Stream == "" }, "want one of stderr, stdout"},
		{"bad style", map[string]string{"X_LOG_LEVEL_STYLE": "aws"}, "", func(c Config) bool { return c.LevelStyle == "" }, "want slog, gcp or ecs"},
		{"bad baggage key", map[string]string{"X_LOG_BAGGAGE": "tenant,user id"}, "", func(c Config) bool { return c.Baggage == nil }, `bad key "user id"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Default()
			var diags []vocab.Diagnostic
			if tc.yaml != "" {
				diags = append(diags, ApplyYAML(&cfg, []byte(tc.yaml), "app.yaml")...)
			}
			diags = append(diags, ApplyEnv(&cfg, "X", func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })...)
			if !tc.want(cfg) {
				t.Errorf("config %+v", cfg)
			}
			switch {
			case tc.problem == "" && len(diags) > 0:
				t.Errorf("diagnostics %v", diags)
			case tc.problem != "" && (len(diags) != 1 || !strings.Contains(diags[0].Error(), tc.problem)):
				t.Errorf("diagnostics %v, want one with %q", diags, tc.problem)
			}
		})
	}
}

// FuzzParseKeyList: the baggage allow-list parser never panics; what it accepts is a list of
// trimmed, non-empty keys without separators, which parses back to itself.
func FuzzParseKeyList(f *testing.F) {
	for _, s := range []string{"tenant,user.id", " a , b ,", "", ",,,", "user id", "k=v", "a;b", "\ttenant\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		keys, problem := parseKeyList(s)
		if problem != "" {
			if keys != nil {
				t.Fatalf("%q: keys %q with problem %q", s, keys, problem)
			}
			return
		}
		for _, k := range keys {
			if k == "" || strings.ContainsFunc(k, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune(",;=\"", r) }) {
				t.Fatalf("%q: bad key %q in %q", s, k, keys)
			}
		}
		again, problem := parseKeyList(strings.Join(keys, ","))
		if problem != "" || !slices.Equal(again, keys) {
			t.Fatalf("%q: %q parses back as %q (%s)", s, keys, again, problem)
		}
	})
}
