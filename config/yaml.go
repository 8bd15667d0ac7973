package config

import (
	"slices"
	"strconv"
	"strings"

	"github.com/logbridge/logbridge/vocab"
	"go.yaml.in/yaml/v3"
)

// ApplyYAML applies a YAML configuration document to cfg. source names the document in
// diagnostics (usually its path). The document looks like:
//
//	levels:            # or a spec string: "core=debug,all=warn"
//	  all: warn
//	  core: debug
//	source: false
//	console: {enabled: true, level: debug, color: auto, width: 120, highlight: true}
//	file:
//	  path: /var/log/app.log
//	  format: text     # or json
//	  level: debug
//	  max_size_mb: 100
//	  max_backups: 5
//	  max_age_days: 30
//	  compress: true
//	otlp: {enabled: true, level: info}
//
// A document that is not valid YAML is ignored as a whole, with one diagnostic; otherwise each
// unknown key or malformed value is reported with its line and skipped, and the rest applies.
func ApplyYAML(cfg *Config, data []byte, source string) []vocab.Diagnostic {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return []vocab.Diagnostic{{Source: source, Problem: "not valid YAML, file ignored: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 { // empty document
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return []vocab.Diagnostic{{Source: at(source, root), Problem: "want a mapping of settings at the top level, file ignored"}}
	}
	y := yamlApplier{cfg: cfg, source: source}
	y.mapping(root, "")
	return y.diags
}

type yamlApplier struct {
	cfg    *Config
	source string
	diags  []vocab.Diagnostic
}

// settingByYAML indexes settings by their YAML key.
var settingByYAML = func() map[string]setting {
	m := make(map[string]setting, len(settings))
	for _, s := range settings {
		if s.YAML != "" {
			m[s.YAML] = s
		}
	}
	return m
}()

// sections are the YAML keys that hold a mapping of settings.
var sections = map[string]bool{"console": true, "file": true, "otlp": true}

func (y *yamlApplier) problem(n *yaml.Node, piece, problem string) {
	y.diags = append(y.diags, vocab.Diagnostic{Source: at(y.source, n), Piece: piece, Problem: problem})
}

func (y *yamlApplier) mapping(m *yaml.Node, prefix string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], resolveAlias(m.Content[i+1])
		key := prefix + strings.ToLower(k.Value)
		switch {
		case key == "levels":
			y.levels(v)
		case prefix == "" && sections[key]:
			if v.Kind != yaml.MappingNode {
				y.problem(v, key, "want a mapping of settings")
				continue
			}
			y.mapping(v, key+".")
		default:
			s, ok := settingByYAML[key]
			if !ok {
				y.problem(k, key, "unknown key"+knownKeys(prefix))
				continue
			}
			if v.Kind != yaml.ScalarNode {
				y.problem(v, key, "want a single value")
				continue
			}
			if p := s.set(y.cfg, v.Value); p != "" {
				y.problem(v, key+": "+v.Value, p)
			}
		}
	}
}

// levels applies "levels:", either a spec string or a mapping of category: level.
func (y *yamlApplier) levels(v *yaml.Node) {
	switch v.Kind {
	case yaml.ScalarNode:
		levels, diags := ParseLevels(v.Value, at(y.source, v))
		y.cfg.Levels.Apply(levels)
		y.diags = append(y.diags, diags...)
	case yaml.MappingNode:
		all := Levels{Source: y.source}
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, lv := v.Content[i], resolveAlias(v.Content[i+1])
			if lv.Kind != yaml.ScalarNode {
				y.problem(lv, k.Value, "want a level name")
				continue
			}
			if d, ok := all.add(k.Value, lv.Value, k.Value+": "+lv.Value, at(y.source, k)); !ok {
				y.diags = append(y.diags, d)
			}
		}
		y.cfg.Levels.Apply(all)
	default:
		y.problem(v, "levels", "want a spec string or a mapping of category: level")
	}
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for depth := 0; n.Kind == yaml.AliasNode && n.Alias != nil && depth < 16; depth++ {
		n = n.Alias
	}
	return n
}

// knownKeys lists the valid keys of a section, for an "unknown key" diagnostic.
func knownKeys(prefix string) string {
	var keys []string
	if prefix == "" {
		keys = append(keys, "levels", "console", "file", "otlp")
	}
	for _, s := range settings {
		if rest, ok := strings.CutPrefix(s.YAML, prefix); ok && s.YAML != "" && !strings.Contains(rest, ".") {
			keys = append(keys, rest)
		}
	}
	slices.Sort(keys)
	return " (known: " + strings.Join(keys, ", ") + ")"
}

// at renders source:line for n.
func at(source string, n *yaml.Node) string {
	if n == nil || n.Line == 0 {
		return source
	}
	return source + ":" + strconv.Itoa(n.Line)
}
