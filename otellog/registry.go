package otellog

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/vocab"
)

// Uncategorized is the category of records from loggers that carry none: slog.Default, the
// standard log package, third-party packages. Its level is the root level.
const Uncategorized = "uncategorized"

// ErrUnknownCategory is returned (wrapped) when a logger is asked for with a category the
// application did not declare.
var ErrUnknownCategory = errors.New("unknown category")

// category is the level state one category's loggers share. Loggers hold a pointer to it, so a
// level change reaches loggers made earlier at once.
type category struct {
	name  string
	level atomic.Int64 // the effective slog.Level
}

func (c *category) enabled(l slog.Level) bool { return int64(l) >= c.level.Load() }

// registry holds the declared categories and the level settings, and keeps every category's
// effective level up to date.
type registry struct {
	mu       sync.Mutex
	declared map[string]bool      // top-level categories the application declared
	settings config.LevelSettings // explicit levels, all sources applied
	cats     map[string]*category // every category handed out so far, by name
	root     *category            // Uncategorized
	diag     *category            // DiagnosticsCategory
}

// newRegistry declares the categories and applies settings; explicit levels of undeclared
// categories are dropped with a diagnostic.
func newRegistry(declared []string, settings config.LevelSettings) (*registry, []vocab.Diagnostic, error) {
	r := &registry{
		declared: make(map[string]bool, len(declared)),
		settings: config.LevelSettings{Default: settings.Default, Root: settings.Root},
		cats:     make(map[string]*category),
		root:     &category{name: Uncategorized},
		diag:     &category{name: DiagnosticsCategory},
	}
	r.declared[DiagnosticsCategory] = true
	r.cats[DiagnosticsCategory] = r.diag
	for _, d := range declared {
		name := strings.ToLower(strings.TrimSpace(d))
		switch {
		case name == DiagnosticsCategory:
			continue // always declared
		case name == config.KeyAll || name == config.KeyRoot || name == Uncategorized:
			return nil, nil, fmt.Errorf("otellog: category %q is reserved", d)
		case strings.Contains(name, config.SubSeparator) || !config.ValidCategory(name):
			return nil, nil, fmt.Errorf("otellog: invalid category %q (want a name of letters, digits, '_', '-' and '.'; sub-categories like core::db need no declaration)", d)
		}
		r.declared[name] = true
		r.cats[name] = &category{name: name}
	}
	explicit := config.Levels{}
	for _, name := range slices.Sorted(maps.Keys(settings.Categories)) {
		explicit.Pairs = append(explicit.Pairs, settings.Categories[name])
	}
	return r, r.apply(explicit), nil
}

// known reports whether name is a declared category or a sub-category of one.
func (r *registry) known(name string) bool {
	top, _, _ := strings.Cut(name, config.SubSeparator)
	return r.declared[top] && config.ValidCategory(name)
}

// lookup returns the state of category name, creating sub-categories on first use.
func (r *registry) lookup(name string) (*category, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	if key == "" || key == Uncategorized {
		return r.root, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.cats[key]; ok {
		return c, nil
	}
	if !r.known(key) {
		return nil, fmt.Errorf("otellog: %w %q (declared: %s)", ErrUnknownCategory, name, r.declaredList())
	}
	c := &category{name: key}
	c.level.Store(int64(r.effective(key)))
	r.cats[key] = c
	return c, nil
}

// declaredList lists the application's categories (DiagnosticsCategory is logbridge's).
func (r *registry) declaredList() string {
	var names []string
	for _, n := range slices.Sorted(maps.Keys(r.declared)) {
		if n != DiagnosticsCategory {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "none; declare categories with WithCategories"
	}
	return strings.Join(names, ", ")
}

// apply layers levels over the settings. Pairs naming an undeclared category are dropped with a
// diagnostic; "uncategorized=x" is taken as root=x.
func (r *registry) apply(levels config.Levels) []vocab.Diagnostic {
	var diags []vocab.Diagnostic
	valid := levels
	valid.Pairs = nil
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range levels.Pairs {
		switch {
		case p.Category == Uncategorized:
			valid.Root, valid.HasRoot = p.Level, true
		case r.known(p.Category):
			valid.Pairs = append(valid.Pairs, p)
		default:
			diags = append(diags, vocab.Diagnostic{
				Source:  p.Source,
				Piece:   p.Category + "=" + vocab.LevelKey(p.Level),
				Problem: "unknown category " + p.Category + " (declared: " + r.declaredList() + ")",
			})
		}
	}
	r.settings.Apply(valid)
	r.recompute()
	return diags
}

// recompute stores every category's effective level. Callers hold r.mu (or own r exclusively).
func (r *registry) recompute() {
	r.root.level.Store(int64(r.settings.Root))
	for name, c := range r.cats {
		c.level.Store(int64(r.effective(name)))
	}
}

// effective is the level in force for category name. DiagnosticsCategory and its
// sub-categories, unless set explicitly, are at info or more verbose whatever "all" says.
func (r *registry) effective(name string) slog.Level {
	level := r.settings.Effective(name)
	top, _, _ := strings.Cut(name, config.SubSeparator)
	if top == DiagnosticsCategory && !r.setExplicitly(name) {
		level = min(level, slog.LevelInfo)
	}
	return level
}

// setExplicitly reports whether name or one of its parents has a level of its own.
func (r *registry) setExplicitly(name string) bool {
	for c := name; ; {
		if _, ok := r.settings.Categories[c]; ok {
			return true
		}
		parent, ok := config.Parent(c)
		if !ok {
			return false
		}
		c = parent
	}
}

// snapshot returns the settings and the effective level of every known category.
func (r *registry) snapshot() (config.LevelSettings, map[string]slog.Level) {
	r.mu.Lock()
	defer r.mu.Unlock()
	levels := make(map[string]slog.Level, len(r.cats)+1)
	for name, c := range r.cats {
		levels[name] = slog.Level(c.level.Load())
	}
	levels[Uncategorized] = slog.Level(r.root.level.Load())
	return r.settings.Clone(), levels
}
