package config

import (
	"strings"
	"testing"
)

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Rate
		problem string // a substring of the problem; "" for none
	}{
		{"10", Rate{10, 10}, ""},
		{"10/s", Rate{10, 10}, ""},
		{" 10/s:50 ", Rate{10, 50}, ""},
		{"0.5/s", Rate{0.5, 1}, ""},
		{"2.5:3", Rate{2.5, 3}, ""},
		{"off", Rate{}, ""},
		{"OFF", Rate{}, ""},
		{"0", Rate{}, ""},
		{"", Rate{}, "not a rate"},
		{"fast", Rate{}, "not a rate"},
		{"-1", Rate{}, "not a rate"},
		{"10/m", Rate{}, "not a rate"},
		{"inf", Rate{}, "not a rate"},
		{"NaN", Rate{}, "not a rate"},
		{"10:0", Rate{}, "burst must be a positive number"},
		{"10:x", Rate{}, "burst not a whole number"},
	} {
		got, problem := ParseRate(tc.in)
		if got != tc.want || (tc.problem == "") != (problem == "") || !strings.Contains(problem, tc.problem) {
			t.Errorf("ParseRate(%q) = %v, %q; want %v, %q", tc.in, got, problem, tc.want, tc.problem)
		}
	}
}

func TestRateSettings(t *testing.T) {
	for _, tc := range []struct {
		specs []string // applied in order
		cat   string
		want  string
		spec  string
	}{
		{nil, "core", "off", "all=off"},
		{[]string{"core=10"}, "core", "10/s:10", "all=off,core=10/s:10"},
		{[]string{"core=10"}, "core::db", "10/s:10", "all=off,core=10/s:10"},
		{[]string{"core=10,core::db=off"}, "core::db", "off", "all=off,core=10/s:10,core::db=off"},
		{[]string{"all=5,core=10"}, "server", "5/s:5", "all=5/s:5,core=10/s:10"},
		{[]string{"root=1"}, KeyRoot, "1/s:1", "all=off,root=1/s:1"},
		{[]string{"core=10", "server=2"}, "core", "10/s:10", "all=off,core=10/s:10,server=2/s:2"},
		{[]string{"core=10", "all=3"}, "core", "3/s:3", "all=3/s:3"}, // all forgets earlier sources
		{[]string{"core=10", "all=off"}, "core", "off", "all=off"},
	} {
		var s RateSettings
		for _, spec := range tc.specs {
			r, diags := ParseRates(spec, "test")
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			s.Apply(r)
		}
		if got := s.Effective(tc.cat).String(); got != tc.want {
			t.Errorf("%v: Effective(%q) = %s, want %s", tc.specs, tc.cat, got, tc.want)
		}
		if got := s.Spec(); got != tc.spec {
			t.Errorf("%v: Spec() = %q, want %q", tc.specs, got, tc.spec)
		}
	}
}

func TestParseRatesDiagnostics(t *testing.T) {
	r, diags := ParseRates("core=10, bad, Server=fast,x y=1,server::db=2/s:4", "DEMO_LOG_RATE")
	var got []string
	for _, d := range diags {
		got = append(got, d.Error())
	}
	want := []string{
		`DEMO_LOG_RATE: "bad": missing "=rate" (want category=rate)`,
		`DEMO_LOG_RATE: "Server=fast": not a rate: want records per second, like 10/s or 10/s:50 (rate:burst), or off`,
		`DEMO_LOG_RATE: "x y=1": invalid category name "x y" (want letters, digits, '_', '-', '.', and '::' between parts)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var s RateSettings
	s.Apply(r)
	if got := s.Spec(); got != "all=off,core=10/s:10,server::db=2/s:4" {
		t.Errorf("valid pieces: %q", got)
	}
}

// TestRateFromEnvAndYAML: the YAML key and the env var, the env var winning per category.
func TestRateFromEnvAndYAML(t *testing.T) {
	env := map[string]string{"DEMO_LOG_RATE": "server=2/s:4,core=bad", "DEMO_LOG_CONFIG": "app.yaml", "DEMO_LOG_RATE_KEY": "line"}
	cfg, diags := Load(LoadOptions{
		Prefix:    "DEMO",
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		ReadFile:  func(string) ([]byte, error) { return []byte("rate: core=5/s:10,server=1\nrate_key: site\n"), nil },
	})
	if got := cfg.Rates.Spec(); got != "all=off,core=5/s:10,server=2/s:4" || cfg.RateKey != RateKeySite {
		t.Errorf("Rates = %q, RateKey %q", got, cfg.RateKey)
	}
	if len(diags) != 2 || !strings.Contains(diags[0].Error(), `DEMO_LOG_RATE: "server=2/s:4,core=bad": "core=bad": not a rate`) ||
		!strings.HasPrefix(diags[1].Error(), `DEMO_LOG_RATE_KEY: "line": want one of message, site`) {
		t.Errorf("diagnostics %v", diags)
	}
}

func FuzzParseRates(f *testing.F) {
	for _, s := range []string{"core=10/s:50,all=1000", "", ",,", "=1", "core", "core::db=0.5/s", "root=off",
		"a=b=c", "all=1e308", "core=1e-300:1", " x = 3 ", "core=\x00", "\xff=1", "core=10:99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		rates, diags := ParseRates(spec, "fuzz")
		for _, d := range diags {
			if d.Piece == "" || !strings.Contains(spec, d.Piece) {
				t.Errorf("diagnostic %q does not name a piece of %q", d.Error(), spec)
			}
			if strings.ContainsAny(d.Error(), "\n\r\x1b") {
				t.Errorf("diagnostic has raw control characters: %q", d.Error())
			}
		}
		var s RateSettings
		s.Apply(rates)
		for _, r := range s.Categories {
			if r.Limited() && r.Burst < 1 {
				t.Errorf("limited rate %v without a burst", r)
			}
		}
		again, d2 := ParseRates(s.Spec(), "spec")
		if len(d2) > 0 {
			t.Fatalf("Spec() %q does not parse: %v", s.Spec(), d2)
		}
		var s2 RateSettings
		s2.Apply(again)
		if s2.Spec() != s.Spec() {
			t.Errorf("round trip %q -> %q", s.Spec(), s2.Spec())
		}
	})
}
