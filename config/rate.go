package config

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/logbridge/logbridge/vocab"
)

// RateOff is the rate spec value that turns storm control off for a category.
const RateOff = "off"

// What a storm-control rate limits (Config.RateKey).
const (
	RateKeyMessage = "message" // each message template: the level and the message text
	RateKeySite    = "site"    // each call site: the level and the program counter of the log call
)

// Rate is a storm-control limit: how many records per second one message template of a
// category may log, after a burst. The zero Rate is no limit.
type Rate struct {
	PerSecond float64 // records per second; 0: no limit
	Burst     int     // records let through at once before the rate applies (at least 1 when limited)
}

// Limited reports whether r limits anything.
func (r Rate) Limited() bool { return r.PerSecond > 0 }

// String renders r as a rate spec value: "10/s:20", or "off".
func (r Rate) String() string {
	if !r.Limited() {
		return RateOff
	}
	return strconv.FormatFloat(r.PerSecond, 'f', -1, 64) + "/s:" + strconv.Itoa(r.Burst)
}

// ParseRate parses one rate spec value: "off" (or "0"), or a positive number of records per
// second, with an optional "/s", then optionally ":" and the burst, a positive whole number:
// "10", "10/s", "0.5/s:5". The burst defaults to one second's worth (at least 1).
func ParseRate(s string) (Rate, string) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == RateOff || s == "0" {
		return Rate{}, ""
	}
	const want = "want records per second, like 10/s or 10/s:50 (rate:burst), or off"
	perSec, burst, hasBurst := strings.Cut(s, ":")
	perSec = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(perSec), "/s"))
	n, err := strconv.ParseFloat(perSec, 64)
	if err != nil || n <= 0 || math.IsInf(n, 0) || math.IsNaN(n) {
		return Rate{}, "not a rate: " + want
	}
	r := Rate{PerSecond: n, Burst: int(min(math.Ceil(n), math.MaxInt32))}
	if hasBurst {
		b, p := parseCount(burst, true)
		if p != "" {
			return Rate{}, "burst " + p + ": " + want
		}
		r.Burst = b
	}
	return r, ""
}

// RateSettings is the storm control configuration: the limits per category, accumulated from
// every source, lowest precedence first. Storm control is off for a category without a limit.
type RateSettings struct {
	// Default is the limit of a category that is not set explicitly and has no set parent
	// (the "all" key).
	Default Rate
	// Categories holds the explicitly set categories; KeyRoot holds the root's (records
	// without a category).
	Categories map[string]Rate
	// resetAll: the spec had "all", so Apply forgets what earlier sources set.
	resetAll bool
}

// ParseRates parses a rate spec such as "core=10/s,server::db=100/s:500,all=1000". Pairs are
// separated by commas; each value is as ParseRate reads it. "all" sets every category and the
// root, "root" the root only; a category named explicitly keeps its own limit. Each malformed
// piece yields a vocab.Diagnostic naming it and source; the valid pairs still apply.
func ParseRates(spec, source string) (RateSettings, []vocab.Diagnostic) {
	var out RateSettings
	var diags []vocab.Diagnostic
	for p := range specPieces(spec) {
		name := strings.ToLower(strings.TrimSpace(p.name))
		var problem string
		var r Rate
		switch {
		case !p.hasValue:
			problem = `missing "=rate" (want category=rate)`
		case name != KeyAll && name != KeyRoot && !validCategory(name):
			problem = invalidCategory(name)
		default:
			r, problem = ParseRate(p.value)
		}
		if problem != "" {
			diags = append(diags, vocab.Diagnostic{Source: source, Piece: p.piece, Problem: problem})
			continue
		}
		if name == KeyAll {
			out.Default, out.resetAll = r, true
			continue
		}
		if out.Categories == nil {
			out.Categories = map[string]Rate{}
		}
		out.Categories[name] = r
	}
	return out, diags
}

// Apply layers o (from ParseRates) over s: "all" resets every category and the root
// (forgetting what earlier sources set), then o's categories apply.
func (s *RateSettings) Apply(o RateSettings) {
	cats := maps.Clone(s.Categories)
	if o.resetAll {
		s.Default, cats = o.Default, nil
	}
	for name, r := range o.Categories {
		if cats == nil {
			cats = map[string]Rate{}
		}
		cats[name] = r
	}
	s.Categories = cats
}

// Effective returns the limit in force for category (KeyRoot for the root): its own, else its
// nearest set parent's, else Default.
func (s RateSettings) Effective(category string) Rate {
	if r, ok := nearest(s.Categories, category); ok {
		return r
	}
	return s.Default
}

// Spec renders s as a rate spec that ParseRates reads back to the same settings:
// "all=<default>" followed by the explicit categories in name order.
func (s RateSettings) Spec() string {
	var b strings.Builder
	b.WriteString(KeyAll + "=" + s.Default.String())
	for _, c := range slices.Sorted(maps.Keys(s.Categories)) {
		b.WriteString("," + c + "=" + s.Categories[c].String())
	}
	return b.String()
}

// rateSetter applies a rate spec from an env var or YAML, reporting its malformed pieces.
func rateSetter(c *Config, v string) string {
	rates, diags := ParseRates(v, "")
	c.Rates.Apply(rates)
	problems := make([]string, len(diags))
	for i, d := range diags {
		problems[i] = d.Error()
	}
	return strings.Join(problems, "; ")
}
