package otlpsink

import (
	"errors"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
)

// redacted replaces a secret in text the package produces.
const redacted = "REDACTED"

// minSecret is the shortest secret redacted: replacing every occurrence of one or two
// characters would garble text without protecting anything worth the name.
const minSecret = 3

// longSecret is the length from which a secret is redacted wherever it occurs, even inside a
// longer word; a shorter one only where it stands as a whole token (see isTokenByte), so that
// a short value such as "logs" does not garble "/v1/logs".
const longSecret = 8

// userInfoRe finds the user info of any URL in a text.
var userInfoRe = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@\s"']+@`)

// redactor removes known secrets from text.
type redactor struct {
	secrets []string // longest first, so that a secret containing another goes whole
}

// newRedactorFromEnv collects the secrets in the OTLP env vars: every header value of
// OTEL_EXPORTER_OTLP_[LOGS_]HEADERS whatever the syntax (key=value, or key: value as in an
// HTTP header; quoted or not; raw, URL-decoded and without base64 padding), each of its words
// but an authentication scheme, the raw variables themselves, and the user info of
// OTEL_EXPORTER_OTLP_[LOGS_]ENDPOINT.
func newRedactorFromEnv() *redactor {
	r := &redactor{}
	for _, name := range []string{envLogsHeaders, envHeaders} {
		raw := os.Getenv(name)
		if strings.TrimSpace(raw) == "" {
			continue
		}
		r.add(strings.TrimSpace(raw))
		for _, pair := range strings.Split(raw, ",") {
			pair = strings.TrimSpace(pair)
			eq, colon := strings.IndexByte(pair, '='), strings.IndexByte(pair, ':')
			switch {
			case eq < 0 && colon < 0:
				r.addValue(pair) // malformed: the whole piece may be a secret
			case colon >= 0 && (eq < 0 || colon < eq):
				r.addValue(pair[colon+1:]) // "Authorization: Basic dXNl...=": '=' is padding
				if eq >= 0 {
					r.addValue(pair[eq+1:])
				}
			default:
				r.addValue(pair[eq+1:])
			}
		}
	}
	for _, name := range []string{envLogsEndpoint, envEndpoint} {
		raw := strings.TrimSpace(os.Getenv(name))
		if raw == "" {
			continue
		}
		if u, err := url.Parse(raw); err == nil && u.User != nil {
			r.add(u.User.String())
			r.add(u.User.Username())
			if pw, ok := u.User.Password(); ok {
				r.add(pw)
			}
		} else if at := strings.LastIndex(raw, "@"); at >= 0 {
			// Unparsable URL with what looks like user info: hide everything before the '@'
			// after the scheme.
			start := strings.Index(raw, "://") + 3
			if start < 3 {
				start = 0
			}
			if start < at {
				r.add(raw[start:at])
			}
		}
	}
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

// addValue adds a header value in every form it may be printed in: trimmed of spaces and
// quotes, URL-decoded, without base64 padding; and each of its words but an authentication
// scheme name ("Bearer t0ken": the whole, and "t0ken").
func (r *redactor) addValue(v string) {
	v = strings.Trim(strings.TrimSpace(v), `"'`)
	forms := []string{v}
	if d, err := url.PathUnescape(v); err == nil {
		forms = append(forms, d)
	}
	if d, err := url.QueryUnescape(v); err == nil {
		forms = append(forms, d)
	}
	for _, f := range forms {
		r.addPadded(f)
		for _, w := range strings.Fields(f) {
			switch strings.ToLower(w) {
			case "bearer", "basic", "token", "digest", "apikey", "negotiate":
				continue
			}
			r.addPadded(strings.Trim(w, `"'`))
		}
	}
}

// addPadded adds s, and s without trailing '=' (base64 padding) if it has some.
func (r *redactor) addPadded(s string) {
	r.add(s)
	if t := strings.TrimRight(s, "="); t != s {
		r.add(t)
	}
}

func (r *redactor) add(s string) {
	if len(s) < minSecret {
		return
	}
	for _, x := range r.secrets {
		if x == s {
			return
		}
	}
	r.secrets = append(r.secrets, s)
}

// isTokenByte reports whether c continues a word for the purpose of whole-token matching:
// letters, digits and the characters of paths and identifiers. '=', ':', '.', ',', quotes
// and spaces end a token, so that "k=v", "key: v", "v." and "\"v\"" all show v as one.
func isTokenByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '/' || c == '~' || c == '+' || c == '%'
}

// redact returns s with every known secret replaced, and the user info of every URL in it.
func (r *redactor) redact(s string) string {
	if r == nil {
		return s
	}
	for _, x := range r.secrets {
		if !strings.Contains(s, x) {
			continue
		}
		if len(x) >= longSecret {
			s = strings.ReplaceAll(s, x, redacted)
			continue
		}
		s = replaceTokens(s, x)
	}
	if strings.Contains(s, "://") && strings.Contains(s, "@") {
		s = userInfoRe.ReplaceAllString(s, "${1}"+redacted+"@")
	}
	return s
}

// replaceTokens replaces each occurrence of x in s that stands as a whole token.
func replaceTokens(s, x string) string {
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.Index(s[i:], x)
		if j < 0 {
			break
		}
		start, end := i+j, i+j+len(x)
		if (start == 0 || !isTokenByte(s[start-1])) && (end == len(s) || !isTokenByte(s[end])) {
			b.WriteString(s[last:start])
			b.WriteString(redacted)
			last = end
		}
		i = start + 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// redactURL returns u with its user info, if any, replaced, and known secrets redacted.
// bareURL is u by its scheme, host and path only: without user info, query or fragment, which
// may hold credentials. It names a URL that came from elsewhere (a redirect's Location, an
// endpoint the diagnostics quote) in a text that must not carry them.
func bareURL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

func (r *redactor) redactURL(u string) string {
	if pu, err := url.Parse(u); err == nil && pu.User != nil {
		pu.User = url.User(redacted)
		u = pu.String()
	}
	return r.redact(u)
}

// redactError returns err, or an error with the same meaning whose text has the secrets
// replaced if its text contains any.
func (r *redactor) redactError(err error) error {
	if err == nil || r == nil {
		return err
	}
	msg := err.Error()
	clean := r.redact(msg)
	if clean == msg {
		return err
	}
	var ee *ExportError
	if errors.As(err, &ee) && err == error(ee) {
		c := *ee
		c.Err = &redactedError{msg: r.redact(ee.Err.Error()), err: ee.Err}
		return &c
	}
	return &redactedError{msg: clean, err: err}
}

// redactedError is an error whose text had secrets removed. errors.Is and errors.As still see
// the original error through Unwrap (whose own text is not redacted).
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
