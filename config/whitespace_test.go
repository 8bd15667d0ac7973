package config

import (
	"reflect"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/vocab"
)

// TestEnvValuesTrimmed: every <PREFIX>_* setting takes its good value with stray whitespace
// (a Kubernetes secret made from a file ends in a newline) exactly as without it, and a bad
// value is a diagnostic naming the variable and saying what applies instead.
func TestEnvValuesTrimmed(t *testing.T) {
	good := map[string]string{
		EnvFile: "/tmp/app.log", EnvFormat: "json", EnvWidth: "100", EnvColor: "never", EnvSource: "true",
		EnvConsole: "false", EnvConsoleLevel: "error", EnvHighlight: "false", EnvFileLevel: "warn",
		EnvFileMaxSizeMB: "5", EnvFileMaxBackups: "3", EnvFileMaxAgeDays: "7", EnvFileCompress: "true",
		EnvOTLP: "false", EnvOTLPLevel: "debug", EnvLogging: "core=debug,all=warn", EnvFileMode: "0640",
		EnvConsoleFormat: "json", EnvConsoleStream: "stdout", EnvLevelStyle: "gcp", EnvBaggage: "tenant,user.id",
		EnvRate: "core=10/s:50", EnvRateKey: "site",
	}
	bad := map[string]string{
		EnvFormat: "xml", EnvWidth: "wide", EnvColor: "rainbow", EnvSource: "maybe", EnvConsole: "maybe",
		EnvConsoleLevel: "loud", EnvHighlight: "maybe", EnvFileLevel: "loud", EnvFileMaxSizeMB: "big",
		EnvFileMaxBackups: "many", EnvFileMaxAgeDays: "old", EnvFileCompress: "maybe", EnvOTLP: "maybe", EnvOTLPLevel: "loud",
		EnvFileMode: "0644", EnvConsoleFormat: "xml", EnvConsoleStream: "stdin", EnvLevelStyle: "loud",
		EnvBaggage: "a b", EnvRate: "core=fast", EnvRateKey: "line",
	}
	names := []string{EnvLogging}
	for _, s := range settings {
		names = append(names, s.Env)
	}
	for _, name := range names {
		v, ok := good[name]
		if !ok {
			t.Errorf("no good value for %s in this test", name)
			continue
		}
		load := func(value string) (Config, []vocab.Diagnostic) {
			return Load(LoadOptions{Prefix: "DEMO", LookupEnv: env(map[string]string{"DEMO_" + name: value})})
		}
		want, diags := load(v)
		if len(diags) > 0 {
			t.Errorf("DEMO_%s=%q: %v", name, v, diags)
		}
		for _, ws := range []string{v + "\n", " " + v + " ", "\t" + v + "\r\n"} {
			got, diags := load(ws)
			if len(diags) > 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("DEMO_%s=%q: %+v, %v; want %+v as without the whitespace", name, ws, got, diags, want)
			}
		}
		if b, ok := bad[name]; ok {
			_, diags := load(b + "\n")
			if len(diags) != 1 || !strings.Contains(diags[0].Error(), "DEMO_"+name) || !strings.Contains(diags[0].Error(), "applies") {
				t.Errorf("DEMO_%s=%q: diagnostics %v; want one naming it and what applies", name, b, diags)
			}
		}
	}
}

// TestFileMode: the permission is octal, refuses access for others and a file its owner
// could not write.
func TestFileMode(t *testing.T) {
	tests := []struct {
		value   string
		want    uint32
		problem string
	}{
		{"0640", 0o640, ""}, {"600", 0o600, ""}, {"0o660", 0o660, ""},
		{"0644", 0, "never world-readable"}, {"0440", 0, "could not write"},
		{"rw-r-----", 0, "not an octal"}, {"0999", 0, "not an octal"}, {"01777", 0, "not an octal"},
	}
	for _, tt := range tests {
		cfg, diags := Load(LoadOptions{Prefix: "APP", LookupEnv: env(map[string]string{"APP_LOG_FILE_MODE": tt.value})})
		if tt.problem == "" && (len(diags) > 0 || uint32(cfg.File.Mode) != tt.want) {
			t.Errorf("%q: mode %o, %v; want %o", tt.value, cfg.File.Mode, diags, tt.want)
		}
		if tt.problem != "" && (len(diags) != 1 || !strings.Contains(diags[0].Error(), tt.problem) || cfg.File.Mode != 0) {
			t.Errorf("%q: mode %o, %v; want the problem %q", tt.value, cfg.File.Mode, diags, tt.problem)
		}
	}
}
