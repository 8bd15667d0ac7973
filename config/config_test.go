package config

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/vocab"
)

func diagStrings(ds []vocab.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Error())
	}
	return out
}

// wantDiags checks that got holds exactly len(want) diagnostics, the i-th containing every
// fragment of want[i].
func wantDiags(t *testing.T, got []vocab.Diagnostic, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("diagnostics = %q, want %d of them", diagStrings(got), len(want))
	}
	for i, frags := range want {
		for _, f := range frags {
			if !strings.Contains(got[i].Error(), f) {
				t.Errorf("diagnostic %d = %q, want it to contain %q", i, got[i].Error(), f)
			}
		}
	}
}

func TestParseLevels(t *testing.T) {
	type pair struct {
		cat   string
		level slog.Level
	}
	tests := []struct {
		name      string
		spec      string
		wantAll   *slog.Level
		wantRoot  *slog.Level
		wantPairs []pair
		wantDiags [][]string
	}{
		{name: "issue example", spec: "core=debug,server=info,all=warn",
			wantAll: ptr(slog.LevelWarn), wantPairs: []pair{{"core", slog.LevelDebug}, {"server", slog.LevelInfo}}},
		{name: "empty", spec: ""},
		{name: "whitespace and empty pairs", spec: " , core = DEBUG ,, ,server=Info,",
			wantPairs: []pair{{"core", slog.LevelDebug}, {"server", slog.LevelInfo}}},
		{name: "sub-category", spec: "core::db=error", wantPairs: []pair{{"core::db", slog.LevelError}}},
		{name: "root", spec: "root=info", wantRoot: ptr(slog.LevelInfo)},
		{name: "upper-case category", spec: "Core=debug", wantPairs: []pair{{"core", slog.LevelDebug}}},
		{name: "unknown level", spec: "core=loud,server=info",
			wantPairs: []pair{{"server", slog.LevelInfo}},
			wantDiags: [][]string{{"SRC", `"core=loud"`, `unknown level "loud"`}}},
		{name: "missing category", spec: "=debug,core=info",
			wantPairs: []pair{{"core", slog.LevelInfo}},
			wantDiags: [][]string{{`"=debug"`, "missing category"}}},
		{name: "missing level", spec: "core",
			wantDiags: [][]string{{`"core"`, `missing "=level"`}}},
		{name: "level without category", spec: "DEBUG",
			wantDiags: [][]string{{`"DEBUG"`, "a level without a category", "write all=debug"}}},
		{name: "levels without category", spec: "warn, core=info",
			wantPairs: []pair{{"core", slog.LevelInfo}},
			wantDiags: [][]string{{`"warn"`, "all=warn"}}},
		{name: "empty level", spec: "core=",
			wantDiags: [][]string{{`"core="`, "missing level"}}},
		{name: "bad category", spec: "co re=debug,a:::b=info,x::=info",
			wantDiags: [][]string{{"invalid category"}, {"invalid category"}, {"invalid category"}}},
		{name: "control chars are quoted", spec: "core=\x1b[31m\n",
			wantDiags: [][]string{{`\x1b[31m`}}},
		{name: "last pair wins order kept", spec: "core=debug,core=error",
			wantPairs: []pair{{"core", slog.LevelDebug}, {"core", slog.LevelError}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := ParseLevels(tt.spec, "SRC")
			wantDiags(t, diags, tt.wantDiags)
			if (tt.wantAll != nil) != got.HasAll || tt.wantAll != nil && *tt.wantAll != got.All {
				t.Errorf("all = %v/%v, want %v", got.HasAll, got.All, tt.wantAll)
			}
			if (tt.wantRoot != nil) != got.HasRoot || tt.wantRoot != nil && *tt.wantRoot != got.Root {
				t.Errorf("root = %v/%v, want %v", got.HasRoot, got.Root, tt.wantRoot)
			}
			var pairs []pair
			for _, p := range got.Pairs {
				pairs = append(pairs, pair{p.Category, p.Level})
				if p.Source != "SRC" {
					t.Errorf("pair source = %q", p.Source)
				}
			}
			if len(pairs) != len(tt.wantPairs) {
				t.Fatalf("pairs = %v, want %v", pairs, tt.wantPairs)
			}
			for i := range pairs {
				if pairs[i] != tt.wantPairs[i] {
					t.Errorf("pair %d = %v, want %v", i, pairs[i], tt.wantPairs[i])
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestLevelSettings(t *testing.T) {
	s := DefaultLevelSettings()
	apply := func(spec string) {
		t.Helper()
		l, d := ParseLevels(spec, "test")
		if len(d) > 0 {
			t.Fatal(d)
		}
		s.Apply(l)
	}
	check := func(cat string, want slog.Level) {
		t.Helper()
		if got := s.Effective(cat); got != want {
			t.Errorf("Effective(%q) = %v, want %v (settings %s)", cat, got, want, s.Spec())
		}
	}
	check("core", slog.LevelInfo)
	if s.Root != slog.LevelWarn {
		t.Errorf("root default = %v, want warn", s.Root)
	}
	apply("core=debug,server=info,all=warn")
	check("core", slog.LevelDebug)
	check("core::db", slog.LevelDebug) // falls back to core
	check("core::db::pool", slog.LevelDebug)
	check("server", slog.LevelInfo)
	check("other", slog.LevelWarn)
	apply("core::db=error")
	check("core::db", slog.LevelError)
	check("core::db::pool", slog.LevelError)
	check("core", slog.LevelDebug)
	before := s.Clone()
	apply("all=error") // a later "all" resets everything set earlier
	check("core", slog.LevelError)
	check("core::db", slog.LevelError)
	if s.Root != slog.LevelError {
		t.Errorf("root = %v", s.Root)
	}
	if before.Effective("core") != slog.LevelDebug {
		t.Errorf("Clone shares state: %s", before.Spec())
	}
	apply("root=debug,server=warn")
	if got, want := s.Spec(), "all=error,root=debug,server=warn"; got != want {
		t.Errorf("Spec() = %q, want %q", got, want)
	}
	// Spec round-trips.
	l, d := ParseLevels(s.Spec(), "spec")
	again := DefaultLevelSettings()
	again.Apply(l)
	if len(d) > 0 || again.Spec() != s.Spec() {
		t.Errorf("round trip: %q -> %q (%v)", s.Spec(), again.Spec(), d)
	}
}

func TestApplyYAML(t *testing.T) {
	tests := []struct {
		name      string
		yaml      string
		check     func(t *testing.T, c Config)
		wantDiags [][]string
	}{
		{name: "full", yaml: `
levels:
  all: warn
  core: debug
  core::db: error
source: true
console: {enabled: false, level: info, color: never, width: 100, highlight: false}
file:
  path: /tmp/x.log
  format: JSON
  level: warning
  max_size_mb: 10
  max_backups: 3
  max_age_days: 7
  compress: yes
otlp: {enabled: false, level: error}
`, check: func(t *testing.T, c Config) {
			want := Config{
				Levels:    c.Levels,
				AddSource: true,
				Console:   ConsoleConfig{Disabled: true, Level: slog.LevelInfo, Color: vocab.ColorNever, Width: 100, NoHighlight: true},
				File:      FileConfig{Path: "/tmp/x.log", Format: vocab.FormatJSON, Level: slog.LevelWarn, MaxSizeMB: 10, MaxBackups: 3, MaxAgeDays: 7, Compress: true},
				OTLP:      OTLPConfig{Disabled: true, Level: slog.LevelError},
			}
			if !reflect.DeepEqual(c, want) {
				t.Errorf("config = %+v\nwant     %+v", c, want)
			}
			if got := c.Levels.Spec(); got != "all=warn,core=debug,core::db=error" {
				t.Errorf("levels = %s", got)
			}
			if src := c.Levels.Categories["core"].Source; src != "app.yaml:4" {
				t.Errorf("source of core = %q", src)
			}
		}},
		{name: "levels as spec string", yaml: `levels: "core=debug, all=error"`, check: func(t *testing.T, c Config) {
			if got := c.Levels.Spec(); got != "all=error,core=debug" {
				t.Errorf("levels = %s", got)
			}
		}},
		{name: "empty document", yaml: "", check: func(t *testing.T, c Config) {
			if c.Levels.Spec() != "all=info,root=warn" {
				t.Errorf("levels = %s", c.Levels.Spec())
			}
		}},
		{name: "broken YAML", yaml: "levels: [core\nfile: {", wantDiags: [][]string{{"app.yaml", "not valid YAML, file ignored"}}},
		{name: "not a mapping", yaml: "- a\n- b\n", wantDiags: [][]string{{"app.yaml:1", "want a mapping"}}},
		{name: "bad pieces, rest applies", yaml: `
levels:
  core: loud
  server: info
  "": debug
file:
  path: /tmp/y.log
  format: xml
  max_size_mb: -1
console:
  width: wide
  colour: never
  level: [a]
bogus: 1
otlp: 3
`, check: func(t *testing.T, c Config) {
			if c.File.Path != "/tmp/y.log" || c.File.Format != vocab.FormatText || c.Console.Width != 0 {
				t.Errorf("file/console = %+v %+v", c.File, c.Console)
			}
			if c.Levels.Effective("server") != slog.LevelInfo || c.Levels.Effective("core") != slog.LevelInfo {
				t.Errorf("levels = %s", c.Levels.Spec())
			}
		}, wantDiags: [][]string{
			{"app.yaml:3", `"core: loud"`, `unknown level "loud"`},
			{"app.yaml:5", "missing category"},
			{"app.yaml:8", `"file.format: xml"`, "want text or json"},
			{"app.yaml:9", "file.max_size_mb", "positive"},
			{"app.yaml:11", `"console.width: wide"`, "not a whole number"},
			{"app.yaml:12", `"console.colour"`, "unknown key", "known: color, enabled, format, highlight, level, stream, width"},
			{"app.yaml:13", `"console.level"`, "want a single value"},
			{"app.yaml:14", `"bogus"`, "unknown key"},
			{"app.yaml:15", `"otlp"`, "want a mapping"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			diags := ApplyYAML(&cfg, []byte(tt.yaml), "app.yaml")
			wantDiags(t, diags, tt.wantDiags)
			if tt.check != nil {
				tt.check(t, cfg)
			}
		})
	}
}

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestApplyEnv(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		check     func(t *testing.T, c Config)
		wantDiags [][]string
	}{
		{name: "all set", env: map[string]string{
			"DEMO_LOGGING": "core=debug,all=warn", "DEMO_LOG_FILE": "/tmp/q.log", "DEMO_LOG_WIDTH": "120",
			"DEMO_LOG_FORMAT": "json", "DEMO_LOG_COLOR": "Always", "DEMO_LOG_SOURCE": "1", "DEMO_LOG_CONSOLE": "off",
			"DEMO_LOG_CONSOLE_LEVEL": "info", "DEMO_LOG_HIGHLIGHT": "false", "DEMO_LOG_FILE_LEVEL": "error",
			"DEMO_LOG_FILE_MAX_SIZE_MB": "5", "DEMO_LOG_FILE_MAX_BACKUPS": "2", "DEMO_LOG_FILE_MAX_AGE_DAYS": "1",
			"DEMO_LOG_FILE_COMPRESS": "true", "DEMO_LOG_OTLP": "no", "DEMO_LOG_OTLP_LEVEL": "warn",
			"OTHER_LOG_FILE": "/nope",
		}, check: func(t *testing.T, c Config) {
			want := Config{
				Levels:    c.Levels,
				AddSource: true,
				Console:   ConsoleConfig{Disabled: true, Level: slog.LevelInfo, Color: vocab.ColorAlways, Width: 120, NoHighlight: true},
				File:      FileConfig{Path: "/tmp/q.log", Format: vocab.FormatJSON, Level: slog.LevelError, MaxSizeMB: 5, MaxBackups: 2, MaxAgeDays: 1, Compress: true},
				OTLP:      OTLPConfig{Disabled: true, Level: slog.LevelWarn},
			}
			if !reflect.DeepEqual(c, want) {
				t.Errorf("config = %+v\nwant     %+v", c, want)
			}
			if c.Levels.Spec() != "all=warn,core=debug" {
				t.Errorf("levels = %s", c.Levels.Spec())
			}
		}},
		{name: "width not positive", env: map[string]string{"DEMO_LOG_WIDTH": "0"},
			wantDiags: [][]string{{"DEMO_LOG_WIDTH", `"0"`, "positive"}}},
		{name: "width past any terminal", env: map[string]string{"DEMO_LOG_WIDTH": "99999999999"},
			wantDiags: [][]string{{"DEMO_LOG_WIDTH", `"99999999999"`, "more than 4096 columns", "the default applies"}}},
		{name: "width not a number", env: map[string]string{"DEMO_LOG_WIDTH": "80cols"},
			wantDiags: [][]string{{"DEMO_LOG_WIDTH", `"80cols"`, "not a whole number", "the default applies"}}},
		{name: "bad spec pieces, rest applies", env: map[string]string{"DEMO_LOGGING": "core=loud,=debug,core,server=error"},
			check: func(t *testing.T, c Config) {
				if c.Levels.Spec() != "all=info,root=warn,server=error" {
					t.Errorf("levels = %s", c.Levels.Spec())
				}
			},
			wantDiags: [][]string{{"DEMO_LOGGING", "core=loud"}, {"DEMO_LOGGING", "=debug"}, {"DEMO_LOGGING", `"core"`}}},
		{name: "bad choices", env: map[string]string{"DEMO_LOG_COLOR": "rainbow", "DEMO_LOG_SOURCE": "maybe"},
			wantDiags: [][]string{{"DEMO_LOG_COLOR", "rainbow"}, {"DEMO_LOG_SOURCE", "true or false"}}},
		// The console's own words for color modes: config and console share vocab.ParseColorMode.
		{name: "color on and off", env: map[string]string{"DEMO_LOG_COLOR": "on", "DEMO_LOG_FORMAT": "JSON"}, check: func(t *testing.T, c Config) {
			if c.Console.Color != vocab.ColorAlways || c.File.Format != vocab.FormatJSON {
				t.Errorf("color = %v, format = %q", c.Console.Color, c.File.Format)
			}
		}},
		{name: "color off", env: map[string]string{"DEMO_LOG_COLOR": "off"}, check: func(t *testing.T, c Config) {
			if c.Console.Color != vocab.ColorNever {
				t.Errorf("color = %v", c.Console.Color)
			}
		}},
		{name: "empty file disables", env: map[string]string{"DEMO_LOG_FILE": ""}, check: func(t *testing.T, c Config) {
			if c.File.Path != "" {
				t.Errorf("path = %q", c.File.Path)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			cfg.File.Path = "/from/yaml.log"
			diags := ApplyEnv(&cfg, "demo", env(tt.env))
			wantDiags(t, diags, tt.wantDiags)
			if tt.check != nil {
				tt.check(t, cfg)
			}
		})
	}
}

// TestLoadPrecedence: code defaults < YAML < env.
func TestLoadPrecedence(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(path, []byte("levels: {core: debug, server: error}\nfile: {path: /yaml.log, format: json}\nconsole: {width: 90}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	defaults := Default()
	defaults.File.Path = "/code.log"
	defaults.Console.Width = 70
	defaults.AddSource = true
	defaults.Levels.Apply(Levels{Pairs: []LevelPair{{Category: "tools", Level: slog.LevelDebug}}})

	cfg, diags := Load(LoadOptions{
		Prefix:    "DEMO",
		Defaults:  &defaults,
		LookupEnv: env(map[string]string{"DEMO_LOG_CONFIG": path, "DEMO_LOGGING": "server=info", "DEMO_LOG_FILE": "/env.log"}),
	})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"file path (env over yaml over code)", cfg.File.Path, "/env.log"},
		{"format (yaml over code)", cfg.File.Format, vocab.FormatJSON},
		{"width (yaml over code)", cfg.Console.Width, 90},
		{"source (code)", cfg.AddSource, true},
		{"core (yaml)", cfg.Levels.Effective("core"), slog.LevelDebug},
		{"server (env over yaml)", cfg.Levels.Effective("server"), slog.LevelInfo},
		{"tools (code)", cfg.Levels.Effective("tools"), slog.LevelDebug},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	if defaults.Levels.Effective("core") != slog.LevelInfo {
		t.Error("Load changed the caller's defaults")
	}
}

func TestLoadFileProblems(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte("levels: {core: debug\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.yaml") // valid YAML: all comment
	if err := os.WriteFile(huge, []byte(strings.Repeat("# padding\n", 500_000)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		opts      LoadOptions
		wantDiags [][]string
	}{
		{"missing file from code", LoadOptions{File: filepath.Join(dir, "nope.yaml")}, [][]string{{"code", "nope.yaml", "does not exist"}}},
		{"missing file from env", LoadOptions{Prefix: "APP", LookupEnv: env(map[string]string{"APP_LOG_CONFIG": "/nope/x.yaml"})}, [][]string{{"APP_LOG_CONFIG", "/nope/x.yaml", "does not exist"}}},
		{"a directory", LoadOptions{File: dir}, [][]string{{"cannot read config file", "not a regular file (a directory)"}}},
		{"a device", LoadOptions{File: os.DevNull}, [][]string{{"cannot read config file", os.DevNull, "not a regular file (a device)"}}},
		{"past the size bound", LoadOptions{File: huge}, [][]string{{"cannot read config file", "huge.yaml", "larger than 4 MiB"}}},
		{"broken YAML, env still applies", LoadOptions{File: broken, Prefix: "APP", LookupEnv: env(map[string]string{"APP_LOGGING": "core=error"})}, [][]string{{"broken.yaml", "not valid YAML"}}},
		{"read error", LoadOptions{File: "x.yaml", ReadFile: func(string) ([]byte, error) { return nil, errors.New("boom") }}, [][]string{{"x.yaml", "boom"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := Load(tt.opts)
			wantDiags(t, diags, tt.wantDiags)
			if tt.name == "broken YAML, env still applies" && cfg.Levels.Effective("core") != slog.LevelError {
				t.Errorf("env did not apply: %s", cfg.Levels.Spec())
			}
		})
	}
}

// FuzzParseLevels: never panics; every diagnostic names a piece of the input; valid pairs
// survive a round trip through LevelSettings.Spec.
func FuzzParseLevels(f *testing.F) {
	for _, s := range []string{"core=debug,server=info,all=warn", "", ",,", "=debug", "core", "core::db=ERROR",
		"root=info", "a=b=c", "all=critical+2", " x = warning ", "core=\x00", "\xff=debug"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		levels, diags := ParseLevels(spec, "fuzz")
		for _, d := range diags {
			if d.Piece == "" || !strings.Contains(spec, d.Piece) {
				t.Errorf("diagnostic %q does not name a piece of %q", d.Error(), spec)
			}
			if strings.ContainsAny(d.Error(), "\n\r\x1b") {
				t.Errorf("diagnostic has raw control characters: %q", d.Error())
			}
		}
		s := DefaultLevelSettings()
		s.Apply(levels)
		again, d2 := ParseLevels(s.Spec(), "spec")
		if len(d2) > 0 {
			t.Fatalf("Spec() %q does not parse: %v", s.Spec(), d2)
		}
		s2 := DefaultLevelSettings()
		s2.Apply(again)
		if s2.Spec() != s.Spec() {
			t.Errorf("round trip %q -> %q", s.Spec(), s2.Spec())
		}
	})
}

// FuzzApplyYAML: never panics, whatever the document.
func FuzzApplyYAML(f *testing.F) {
	f.Add("levels: {core: debug}\nfile: {path: /x}\n")
	f.Add("levels: core=debug\nconsole:\n  width: 10\n")
	f.Add("a: &x [1]\nb: *x\n")
	f.Add("levels: [")
	f.Fuzz(func(t *testing.T, doc string) {
		cfg := Default()
		for _, d := range ApplyYAML(&cfg, []byte(doc), "fuzz.yaml") {
			if !strings.HasPrefix(d.Source, "fuzz.yaml") {
				t.Errorf("diagnostic without source: %q", d.Error())
			}
		}
	})
}
