// Package vocab holds the names every logbridge package shares: the level names and their
// parser, the attribute keys records carry, the configuration [Diagnostic], and the typed color
// and format modes with one parser each. It imports only the standard library, so the sinks
// (console, filelog, otlpsink) use it without pulling in the YAML library that config needs.
package vocab
