package vocab

import "strconv"

// Diagnostic is a problem found in one piece of configuration. The valid rest of the
// configuration still applies; the piece named here is ignored.
type Diagnostic struct {
	Source  string // where: an env var name, "file.yaml:12", "SetLevels"
	Piece   string // the offending text, e.g. "core=loud"
	Problem string // what is wrong with it
}

// Error renders d as `source: "piece": problem`.
func (d Diagnostic) Error() string {
	s := d.Source
	if d.Piece != "" {
		if s != "" {
			s += ": "
		}
		s += Quote(d.Piece)
	}
	if s != "" {
		s += ": "
	}
	return s + d.Problem
}

// Quote quotes s for a diagnostic, escaping control characters so that a hostile value cannot
// forge output lines, and shortens it to 200 bytes.
func Quote(s string) string {
	const max = 200
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}
