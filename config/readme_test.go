package config

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEListsEverySetting keeps the README's env var table in step with Settings.
func TestREADMEListsEverySetting(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	names := []string{EnvLogging, EnvConfig}
	for _, s := range Settings {
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
