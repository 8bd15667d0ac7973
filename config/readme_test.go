package config

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEListsEverySetting keeps the README's env var table in step with settings.
func TestREADMEListsEverySetting(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	names := []string{EnvLogging, EnvConfig}
	for _, s := range settings {
		names = append(names, s.Env)
		if s.YAML != "" && !strings.Contains(readme, "`"+s.YAML+"`") {
			t.Errorf("README lacks the YAML key %s", s.YAML)
		}
	}
	for _, n := range names {
		if !strings.Contains(readme, "`<PREFIX>_"+n+"`") {
			t.Errorf("README lacks <PREFIX>_%s", n)
		}
	}
}

// TestREADMEYAMLExample: the README's YAML example applies without a warning.
func TestREADMEYAMLExample(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	_, rest, ok := strings.Cut(readme, "```yaml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no yaml block in README.md")
	}
	cfg := Default()
	if diags := ApplyYAML(&cfg, []byte(example), "README.md"); len(diags) > 0 {
		t.Errorf("the README's YAML example gives warnings: %v", diags)
	}
	if cfg.File.Path == "" || cfg.File.Mode != 0o640 {
		t.Errorf("the README's YAML example gives %+v", cfg.File)
	}
}
