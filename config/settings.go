package config

import (
	"io/fs"
	"log/slog"
	"strconv"
	"strings"

	"github.com/logbridge/logbridge/vocab"
)

// Env var suffixes; the full name is "<PREFIX>_" + suffix (see EnvName).
const (
	EnvLogging         = "LOGGING"              // level spec: core=debug,server=info,all=warn
	EnvConfig          = "LOG_CONFIG"           // path of a YAML config file
	EnvFile            = "LOG_FILE"             // log file path; empty: no file
	EnvFormat          = "LOG_FORMAT"           // file format: text or json
	EnvWidth           = "LOG_WIDTH"            // console width in columns
	EnvColor           = "LOG_COLOR"            // console color: auto, always or never
	EnvSource          = "LOG_SOURCE"           // add the caller's file:line to records
	EnvConsole         = "LOG_CONSOLE"          // console sink on or off
	EnvConsoleLevel    = "LOG_CONSOLE_LEVEL"    // console sink's own minimum level
	EnvHighlight       = "LOG_HIGHLIGHT"        // highlight numbers, strings, URLs in messages
	EnvFileLevel       = "LOG_FILE_LEVEL"       // file sink's own minimum level
	EnvFileMaxSizeMB   = "LOG_FILE_MAX_SIZE_MB" // rotate at this size
	EnvFileMaxBackups  = "LOG_FILE_MAX_BACKUPS" // rotated files to keep
	EnvFileMaxAgeDays  = "LOG_FILE_MAX_AGE_DAYS"
	EnvFileCompress    = "LOG_FILE_COMPRESS"  // gzip rotated files
	EnvFileMode        = "LOG_FILE_MODE"      // permission of a new log file, octal
	EnvOTLP            = "LOG_OTLP"           // OTLP sink on or off
	EnvOTLPLevel       = "LOG_OTLP_LEVEL"     // OTLP sink's own minimum level
	EnvBaggage         = "LOG_BAGGAGE"        // baggage keys added to records: tenant,user.id
	EnvConsoleFormat   = "LOG_CONSOLE_FORMAT" // console format: text or json
	EnvConsoleStream   = "LOG_CONSOLE_STREAM" // console stream: stderr or stdout
	EnvLevelStyle      = "LOG_LEVEL_STYLE"    // level key and names in JSON lines: slog, gcp or ecs
	EnvRate            = "LOG_RATE"           // storm control: core=10/s:50,all=1000/s
	EnvRateKey         = "LOG_RATE_KEY"       // storm control per message template or call site
	envPrefixSeparator = "_"
)

// EnvName returns the env var name for prefix and suffix: EnvName("DEMO", EnvFile) is
// "DEMO_LOG_FILE".
func EnvName(prefix, suffix string) string {
	return strings.ToUpper(prefix) + envPrefixSeparator + suffix
}

// setting is one configurable value, reachable from a YAML key and an env var.
type setting struct {
	// Env is the env var suffix (see EnvName).
	Env string
	// YAML is the dotted YAML key, e.g. "file.path"; empty when the setting has no YAML form.
	YAML string
	// Doc says what the setting does, for documentation.
	Doc string
	// set parses value into cfg, returning a problem description or "".
	set func(cfg *Config, value string) string
}

// settings lists every setting other than the level spec (EnvLogging / "levels") and the config
// file path (EnvConfig), which Load handles itself.
var settings = []setting{
	{EnvFile, "file.path", "log file path; rotated by size; empty: no file", func(c *Config, v string) string {
		c.File.Path = strings.TrimSpace(v)
		return ""
	}},
	{EnvFormat, "file.format", "file format: text or json", func(c *Config, v string) string {
		f, err := vocab.ParseFormat(v)
		if err != nil {
			return err.Error()
		}
		c.File.Format = f
		return ""
	}},
	{EnvWidth, "console.width", "console width in columns, at most 4096 (wraps long messages); default: the terminal's width, no wrapping when not a terminal", func(c *Config, v string) string {
		n, p := parseCount(v, true)
		if p == "" && n > vocab.MaxWidth {
			p = "more than " + strconv.Itoa(vocab.MaxWidth) + " columns"
		}
		if p == "" {
			c.Console.Width = n
		}
		return p
	}},
	{EnvColor, "console.color", "console color: auto, always or never (NO_COLOR, FORCE_COLOR and CLICOLOR_FORCE are honored in auto)", func(c *Config, v string) string {
		m, err := vocab.ParseColorMode(v)
		if err != nil {
			return err.Error()
		}
		c.Console.Color = m
		return ""
	}},
	{EnvSource, "source", "add the caller's file:line to every record (true/false)", boolSetter(func(c *Config, b bool) { c.AddSource = b })},
	{EnvConsole, "console.enabled", "console sink on or off (true/false)", boolSetter(func(c *Config, b bool) { c.Console.Disabled = !b })},
	{EnvConsoleLevel, "console.level", "console sink's own minimum level", levelSetter(func(c *Config) *slog.Level { return &c.Console.Level })},
	{EnvHighlight, "console.highlight", "highlight numbers, quoted strings, URLs... in console messages (true/false)", boolSetter(func(c *Config, b bool) { c.Console.NoHighlight = !b })},
	{EnvFileLevel, "file.level", "file sink's own minimum level", levelSetter(func(c *Config) *slog.Level { return &c.File.Level })},
	{EnvFileMaxSizeMB, "file.max_size_mb", "rotate the file when it would grow past this many megabytes (default 100)", countSetter(true, func(c *Config, n int) { c.File.MaxSizeMB = n })},
	{EnvFileMaxBackups, "file.max_backups", "rotated files to keep (0: all)", countSetter(false, func(c *Config, n int) { c.File.MaxBackups = n })},
	{EnvFileMaxAgeDays, "file.max_age_days", "delete rotated files older than this many days (0: never)", countSetter(false, func(c *Config, n int) { c.File.MaxAgeDays = n })},
	{EnvFileCompress, "file.compress", "gzip rotated files (true/false)", boolSetter(func(c *Config, b bool) { c.File.Compress = b })},
	{EnvFileMode, "file.mode", "permission of a new log file, in octal (default 0600)", func(c *Config, v string) string {
		m, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimPrefix(v, "0o"), "0O"), 8, 32)
		switch {
		case v == "":
			m = 0 // the default
		case err != nil || m > 0o777:
			return "not an octal permission such as 0640"
		case m&0o007 != 0:
			return "gives others access: a log file is never world-readable (want e.g. 0640)"
		case m&0o200 == 0:
			return "the owner could not write the file (want e.g. 0600)"
		}
		c.File.Mode = fs.FileMode(m)
		return ""
	}},
	{EnvOTLP, "otlp.enabled", "OTLP sink on or off (true/false); where it sends is set by OTEL_* variables", boolSetter(func(c *Config, b bool) { c.OTLP.Disabled = !b })},
	{EnvOTLPLevel, "otlp.level", "OTLP sink's own minimum level", levelSetter(func(c *Config) *slog.Level { return &c.OTLP.Level })},
	{EnvConsoleFormat, "console.format", "console format: text (colored, for people) or json (one JSON object per line, the file's JSON grammar: for containers)", func(c *Config, v string) string {
		f, err := vocab.ParseFormat(v)
		if err != nil {
			return err.Error()
		}
		c.Console.Format = f
		return ""
	}},
	{EnvConsoleStream, "console.stream", "console stream: stderr or stdout", func(c *Config, v string) string {
		st, p := parseChoice(v, StreamStderr, StreamStdout)
		if p == "" {
			c.Console.Stream = st
		}
		return p
	}},
	{EnvLevelStyle, "level_style", "level key and names in JSON lines (console and file): slog (level: INFO), gcp (severity: INFO, WARNING...) or ecs (log.level: info)", func(c *Config, v string) string {
		st, err := vocab.ParseLevelStyle(v)
		if err != nil {
			return err.Error()
		}
		c.LevelStyle = st
		return ""
	}},
	{EnvBaggage, "baggage", "OpenTelemetry baggage keys added as attributes to records logged with a context holding them, comma-separated (tenant,user.id); never all baggage", func(c *Config, v string) string {
		keys, p := parseKeyList(v)
		if p == "" {
			c.Baggage = keys
		}
		return p
	}},
	{EnvRate, "rate", "storm control: records per second per message template, per category, with a burst (core=10/s:50,all=off); off by default", rateSetter},
	{EnvRateKey, "rate_key", "what a storm-control rate limits: message (each message template, default) or site (each call site)", func(c *Config, v string) string {
		k, p := parseChoice(v, RateKeyMessage, RateKeySite)
		if p == "" {
			c.RateKey = k
		}
		return p
	}},
}

func boolSetter(f func(*Config, bool)) func(*Config, string) string {
	return func(c *Config, v string) string {
		b, ok := parseBool(v)
		if !ok {
			return "want true or false"
		}
		f(c, b)
		return ""
	}
}

func countSetter(positive bool, f func(*Config, int)) func(*Config, string) string {
	return func(c *Config, v string) string {
		n, p := parseCount(v, positive)
		if p == "" {
			f(c, n)
		}
		return p
	}
}

func levelSetter(field func(*Config) *slog.Level) func(*Config, string) string {
	return func(c *Config, v string) string {
		l, err := vocab.ParseLevel(v)
		if err != nil {
			return err.Error()
		}
		*field(c) = l
		return ""
	}
}

// ApplyEnv applies the env vars of prefix to cfg: the level spec <PREFIX>_LOGGING and every
// setting. Unset variables change nothing; malformed ones are reported and ignored.
func ApplyEnv(cfg *Config, prefix string, lookup func(string) (string, bool)) []vocab.Diagnostic {
	var diags []vocab.Diagnostic
	if v, ok := lookup(EnvName(prefix, EnvLogging)); ok {
		levels, d := ParseLevels(v, EnvName(prefix, EnvLogging))
		cfg.Levels.Apply(levels)
		diags = append(diags, d...)
	}
	for _, s := range settings {
		name := EnvName(prefix, s.Env)
		raw, ok := lookup(name)
		if !ok {
			continue
		}
		// Trimmed once here: a value from a file (a Kubernetes secret) ends in a newline.
		if p := s.set(cfg, strings.TrimSpace(raw)); p != "" {
			diags = append(diags, vocab.Diagnostic{Source: name, Piece: raw, Problem: p + "; ignored: the YAML file's value or the default applies"})
		}
	}
	return diags
}

// parseKeyList parses a comma-separated list of baggage keys; an empty list is valid (none).
func parseKeyList(v string) ([]string, string) {
	var keys []string
	for k := range strings.SplitSeq(v, ",") {
		k = strings.TrimSpace(k)
		switch {
		case k == "":
			continue
		case !isToken(k):
			return nil, "bad key " + strconv.Quote(k) + " (want baggage keys, letters, digits and !#$%&'*+-.^_`|~, separated by commas)"
		}
		keys = append(keys, k)
	}
	return keys, ""
}

// isToken reports whether k is a W3C baggage key: an HTTP token (RFC 9110 tchar).
func isToken(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
