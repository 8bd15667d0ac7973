package config

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/logbridge/logbridge/internal/smallfile"
	"github.com/logbridge/logbridge/vocab"
)

// Console streams.
const (
	StreamStderr = "stderr" // the default: the program's standard output stays its own
	StreamStdout = "stdout" // what container platforms read as the log stream
)

// Config is everything logbridge can be configured with, resolved from code defaults, a YAML
// file and environment variables, in that order of precedence.
type Config struct {
	// Levels holds the category levels and the root level.
	Levels LevelSettings
	// AddSource adds the caller's file and line to every record, on every sink.
	AddSource bool
	Console   ConsoleConfig
	File      FileConfig
	OTLP      OTLPConfig
	// Baggage lists the OpenTelemetry baggage keys whose members are added to every record
	// logged with a context holding them (never all baggage: it crosses trust boundaries).
	Baggage []string
	// LevelStyle is the key and value names of the level in JSON lines (console and file):
	// vocab.LevelStyleSlog (also ""), vocab.LevelStyleGCP or vocab.LevelStyleECS.
	LevelStyle vocab.LevelStyle
	// Rates are the storm-control limits per category (see ParseRates); none by default.
	Rates RateSettings
	// RateKey is what storm control limits: RateKeyMessage (default) or RateKeySite.
	RateKey string
}

// ConsoleConfig configures the console sink (stderr).
type ConsoleConfig struct {
	Disabled bool
	// Level is the sink's own minimum, applied after the category level.
	Level slog.Level
	// Color is vocab.ColorAuto (the zero value), vocab.ColorAlways or vocab.ColorNever.
	Color vocab.ColorMode
	// Width wraps long messages at this many columns; 0 means the terminal's width when the
	// output is a terminal and no wrapping otherwise.
	Width int
	// NoHighlight turns off highlighting of numbers, strings, URLs and the like in messages.
	NoHighlight bool
	// Format is vocab.FormatText (the rich console; also "") or vocab.FormatJSON (one JSON object per
	// line, in the file sink's JSON grammar: for containers).
	Format vocab.Format
	// Stream is StreamStderr (also "") or StreamStdout.
	Stream string
}

// FileConfig configures the file sink. The sink is on when Path is set.
type FileConfig struct {
	Path   string
	Format vocab.Format // vocab.FormatText or vocab.FormatJSON
	// Level is the sink's own minimum, applied after the category level.
	Level      slog.Level
	MaxSizeMB  int  // rotate when the file would grow past this size; 0: the default (100)
	MaxBackups int  // rotated files to keep; 0 keeps all (subject to MaxAgeDays)
	MaxAgeDays int  // delete rotated files older than this; 0 keeps them regardless of age
	Compress   bool // gzip rotated files
	// Mode is the permission of a log file the sink creates; 0: 0600. An existing file keeps
	// its own.
	Mode fs.FileMode
}

// OTLPConfig configures the OpenTelemetry sink. Where it sends to is configured by the standard
// OTEL_* environment variables.
type OTLPConfig struct {
	Disabled bool
	// Level is the sink's own minimum, applied after the category level.
	Level slog.Level
}

// Default returns the code defaults: categories at info, the root at warn, console on with
// automatic color, no file, OTLP on; every sink passes what its category lets through.
func Default() Config {
	return Config{
		Levels:  DefaultLevelSettings(),
		Console: ConsoleConfig{Level: slog.LevelDebug, Color: vocab.ColorAuto},
		File:    FileConfig{Level: slog.LevelDebug, Format: vocab.FormatText},
		OTLP:    OTLPConfig{Level: slog.LevelDebug},
	}
}

// LoadOptions says where Load looks.
type LoadOptions struct {
	// Prefix is the application's env var prefix: "DEMO" reads DEMO_LOGGING, DEMO_LOG_FILE, ...
	// Empty means no env vars are read.
	Prefix string
	// File is the YAML file to read; the <PREFIX>_LOG_CONFIG env var overrides it. Empty: none.
	File string
	// Defaults are the code defaults; nil means Default().
	Defaults *Config
	// LookupEnv reads an env var; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// ReadFile reads the YAML file; nil means reading it from disk, refusing anything but a
	// regular file of at most 4 MiB (a path to a device or a named pipe is a diagnostic, not
	// an endless read or a blocked start).
	ReadFile func(string) ([]byte, error)
}

// Load resolves the configuration: code defaults, then the YAML file, then env vars. It never
// fails: each malformed piece is ignored and reported in the returned diagnostics, naming the
// piece and its source, and the valid rest applies.
func Load(opts LoadOptions) (Config, []vocab.Diagnostic) {
	cfg := Default()
	if opts.Defaults != nil {
		cfg = *opts.Defaults
		cfg.Levels = cfg.Levels.Clone()
	}
	lookup := opts.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	readFile := opts.ReadFile
	if readFile == nil {
		readFile = smallfile.Read
	}
	var diags []vocab.Diagnostic

	path, pathSource := opts.File, "code"
	if opts.Prefix != "" {
		if v, ok := lookup(EnvName(opts.Prefix, EnvConfig)); ok {
			path, pathSource = strings.TrimSpace(v), EnvName(opts.Prefix, EnvConfig)
		}
	}
	if path != "" {
		data, err := readFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			diags = append(diags, vocab.Diagnostic{Source: pathSource, Piece: path, Problem: "config file does not exist"})
		case err != nil:
			diags = append(diags, vocab.Diagnostic{Source: pathSource, Piece: path, Problem: "cannot read config file: " + err.Error()})
		default:
			diags = append(diags, ApplyYAML(&cfg, data, path)...)
		}
	}
	if opts.Prefix != "" {
		diags = append(diags, ApplyEnv(&cfg, opts.Prefix, lookup)...)
	}
	return cfg, diags
}

// parseBool accepts the usual spellings of on and off.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "t", "true", "y", "yes", "on":
		return true, true
	case "0", "f", "false", "n", "no", "off":
		return false, true
	}
	return false, false
}

// parseCount parses a non-negative integer, or a positive one when positive is set.
func parseCount(s string, positive bool) (int, string) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	switch {
	case err != nil:
		return 0, "not a whole number"
	case positive && n <= 0:
		return 0, "must be a positive number"
	case n < 0:
		return 0, "must not be negative"
	}
	return n, ""
}

// parseChoice lower-cases s and checks it is one of choices.
func parseChoice(s string, choices ...string) (string, string) {
	v := strings.ToLower(strings.TrimSpace(s))
	for _, c := range choices {
		if v == c {
			return v, ""
		}
	}
	return "", "want one of " + strings.Join(choices, ", ")
}
