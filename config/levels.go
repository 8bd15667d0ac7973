package config

import (
	"iter"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/logbridge/logbridge/vocab"
)

// Spec keys with a meaning of their own.
const (
	// KeyAll sets every category and the root.
	KeyAll = "all"
	// KeyRoot sets the root level only: the level of records from loggers without a category
	// (slog.Default, the standard log package, third-party code).
	KeyRoot = "root"
)

// SubSeparator separates a category from its sub-category ("core::db"); a sub-category falls
// back to its parent's level unless set itself.
const SubSeparator = "::"

// LevelPair is one category=level piece of a spec.
type LevelPair struct {
	Category string
	Level    slog.Level
	Source   string // where the piece came from, e.g. "DEMO_LOGGING" or "app.yaml:3"
}

// Levels is a parsed level spec: what one configuration source says about levels.
type Levels struct {
	// All, when HasAll, sets every category and the root, clearing what earlier sources set.
	All    slog.Level
	HasAll bool
	// Root, when HasRoot, sets the root level (after All).
	Root    slog.Level
	HasRoot bool
	// Pairs are the per-category levels, in spec order; a later pair for the same category wins.
	Pairs []LevelPair
	// Source names where the spec came from.
	Source string
}

// IsZero reports whether l sets nothing.
func (l Levels) IsZero() bool { return !l.HasAll && !l.HasRoot && len(l.Pairs) == 0 }

// ParseLevels parses a level spec such as "core=debug,server=info,all=warn". Pairs are
// separated by commas, whitespace around pieces and empty pairs are ignored, levels are
// case-insensitive (see vocab.ParseLevel), category names are lower-cased. Each malformed piece yields a vocab.Diagnostic naming it
// and source; the valid pairs still apply.
//
// "all" sets every category and the root regardless of its position in the spec; a category
// named explicitly in the same spec keeps its own level.
func ParseLevels(spec, source string) (Levels, []vocab.Diagnostic) {
	out := Levels{Source: source}
	var diags []vocab.Diagnostic
	for p := range specPieces(spec) {
		if !p.hasValue {
			problem := `missing "=level" (want category=level)`
			if _, err := vocab.ParseLevel(p.piece); err == nil {
				problem = "a level without a category (for every category write " + KeyAll + "=" + strings.ToLower(p.piece) + ")"
			}
			diags = append(diags, vocab.Diagnostic{Source: source, Piece: p.piece, Problem: problem})
			continue
		}
		if d, ok := out.add(p.name, p.value, p.piece, source); !ok {
			diags = append(diags, d)
		}
	}
	return out, diags
}

// add parses one name=value piece into l.
func (l *Levels) add(name, value, piece, source string) (vocab.Diagnostic, bool) {
	name, value = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)
	switch {
	case name == "":
		return vocab.Diagnostic{Source: source, Piece: piece, Problem: "missing category before '='"}, false
	case !validCategory(name):
		return vocab.Diagnostic{Source: source, Piece: piece, Problem: invalidCategory(name)}, false
	}
	level, err := vocab.ParseLevel(value)
	if err != nil {
		return vocab.Diagnostic{Source: source, Piece: piece, Problem: err.Error()}, false
	}
	switch name {
	case KeyAll:
		l.All, l.HasAll = level, true
	case KeyRoot:
		l.Root, l.HasRoot = level, true
	default:
		l.Pairs = append(l.Pairs, LevelPair{Category: name, Level: level, Source: source})
	}
	return vocab.Diagnostic{}, true
}

// specPiece is one comma-separated piece of a name=value spec.
type specPiece struct {
	piece, name, value string // the piece trimmed, and its two sides of '=' (not trimmed)
	hasValue           bool   // the piece has an '='
}

// specPieces yields the pieces of a name=value spec, skipping empty ones.
func specPieces(spec string) iter.Seq[specPiece] {
	return func(yield func(specPiece) bool) {
		for piece := range strings.SplitSeq(spec, ",") {
			piece = strings.TrimSpace(piece)
			if piece == "" {
				continue
			}
			name, value, ok := strings.Cut(piece, "=")
			if !yield(specPiece{piece, name, value, ok}) {
				return
			}
		}
	}
}

// invalidCategory is the problem of a malformed category name.
func invalidCategory(name string) string {
	return "invalid category name " + vocab.Quote(name) + " (want letters, digits, '_', '-', '.', and '::' between parts)"
}

// validCategory reports whether name is a well-formed category: parts of [a-z0-9_.-] joined by "::".
func validCategory(name string) bool {
	for part := range strings.SplitSeq(name, SubSeparator) {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
				return false
			}
		}
	}
	return true
}

// ValidCategory reports whether name is a well-formed category name: lower-case parts of
// letters, digits, '_', '-' and '.', joined by "::".
func ValidCategory(name string) bool { return validCategory(name) }

// Parent returns the category a sub-category falls back to ("core::db" -> "core"), and false for
// a top-level category.
func Parent(category string) (string, bool) {
	i := strings.LastIndex(category, SubSeparator)
	if i < 0 {
		return "", false
	}
	return category[:i], true
}

// LevelSettings is the accumulated result of every level source, lowest precedence first.
type LevelSettings struct {
	// Default is the level of a category that is not set explicitly and has no set parent.
	Default slog.Level
	// Root is the level of records that carry no category.
	Root slog.Level
	// Categories holds the explicitly set categories.
	Categories map[string]LevelPair
}

// DefaultLevelSettings are the code defaults: categories at info, the root at warn (third-party
// noise stays quiet unless asked for).
func DefaultLevelSettings() LevelSettings {
	return LevelSettings{Default: slog.LevelInfo, Root: slog.LevelWarn}
}

// Apply layers l over s: "all" resets every category and the root (forgetting categories set by
// earlier sources), then "root" and the pairs apply.
func (s *LevelSettings) Apply(l Levels) {
	if l.HasAll {
		s.Default, s.Root = l.All, l.All
		s.Categories = nil
	}
	if l.HasRoot {
		s.Root = l.Root
	}
	if len(l.Pairs) > 0 {
		s.Categories = maps.Clone(s.Categories)
		if s.Categories == nil {
			s.Categories = make(map[string]LevelPair, len(l.Pairs))
		}
		for _, p := range l.Pairs {
			s.Categories[p.Category] = p
		}
	}
}

// Clone returns a copy of s sharing no state with it.
func (s LevelSettings) Clone() LevelSettings {
	s.Categories = maps.Clone(s.Categories)
	return s
}

// Effective returns the level in force for category: its own, else its nearest set parent's,
// else Default.
func (s LevelSettings) Effective(category string) slog.Level {
	if p, ok := nearest(s.Categories, category); ok {
		return p.Level
	}
	return s.Default
}

// nearest returns the value m holds for category, else for its nearest parent that m holds.
func nearest[V any](m map[string]V, category string) (V, bool) {
	for c := category; ; {
		if v, ok := m[c]; ok {
			return v, true
		}
		parent, ok := Parent(c)
		if !ok {
			var zero V
			return zero, false
		}
		c = parent
	}
}

// Spec renders s as a level spec that ParseLevels reads back to the same settings:
// "all=<default>,root=<root>" followed by the explicit categories in name order.
func (s LevelSettings) Spec() string {
	var b strings.Builder
	b.WriteString(KeyAll + "=" + vocab.LevelKey(s.Default))
	if s.Root != s.Default {
		b.WriteString("," + KeyRoot + "=" + vocab.LevelKey(s.Root))
	}
	for _, c := range slices.Sorted(maps.Keys(s.Categories)) {
		b.WriteString("," + c + "=" + vocab.LevelKey(s.Categories[c].Level))
	}
	return b.String()
}
