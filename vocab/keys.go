package vocab

// Attribute keys every record carries (the OTLP sink adds them as attributes; the console and
// file sinks show them in their own layout; the file sink's JSON uses them as keys).
const (
	AttrCategory = "log.category" // the category of the record's logger
	AttrLevel    = "log.level"    // LevelKey of the record's level: debug, info, warn, error, critical
	AttrLogger   = "logger"       // the name of the record's logger
)
