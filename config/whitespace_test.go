package config

import (
	"reflect"
	"strings"
	"testing"
)

// TestEnvValuesTrimmed: every <PREFIX>_* setting takes its good value with stray whitespace
// (a Kubernetes secret made from a file ends in a newline) exactly as without it, and a bad
// value is a diagnostic naming the variable and saying what applies instead.
func TestEnvValuesTrimmed(t *testing.T) {
	good := map[string]string{
		EnvFile: "/tmp/app.log", EnvFormat: "json", EnvWidth: "100", EnvColor: "never", EnvSource: "true",
		EnvConsole: "false", EnvConsoleLevel: "error", EnvHighlight: "false", EnvFileLevel: "warn",
		EnvFileMaxSizeMB: "5", EnvFileMaxBackups: "3", EnvFileMaxAgeDays: "7", EnvFileCompress: "true",
		EnvOTLP: "false", EnvOTLPLevel: "debug", EnvLogging: "core=debug,all=warn",
	}
	bad := map[string]string{
		EnvFormat: "xml", EnvWidth: "wide", EnvColor: "rainbow", EnvSource: "maybe", EnvConsole: "maybe",
		EnvConsoleLevel: "loud", EnvHighlight: "maybe", EnvFileLevel: "loud", EnvFileMaxSizeMB: "big",
		EnvFileMaxBackups: "many", EnvFileMaxAgeDays: "old", EnvFileCompress: "maybe", EnvOTLP: "maybe", EnvOTLPLevel: "loud",
	}
	names := []string{EnvLogging}
	for _, s := range Settings {
		names = append(names, s.Env)
	}
	for _, name := range names {
		v, ok := good[name]
		if !ok {
			t.Errorf("no good value for %s in this test", name)
			continue
		}
		load := func(value string) (Config, []Diagnostic) {
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
