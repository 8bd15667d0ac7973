package otlpsink

import (
	"errors"
	"net/url"
	"os"
	"sort"
	"strings"
)

// redacted replaces a secret in text the package produces.
const redacted = "REDACTED"

// minSecret is the shortest secret redacted: replacing every occurrence of one or two
// characters would garble text without protecting anything worth the name.
const minSecret = 3

// redactor removes known secrets from text.
type redactor struct {
	secrets []string // longest first, so that a secret containing another goes whole
}

// newRedactorFromEnv collects the secrets in the OTLP env vars: every header value of
// OTEL_EXPORTER_OTLP_[LOGS_]HEADERS (raw and URL-decoded), the raw variables themselves, and
// the user info of OTEL_EXPORTER_OTLP_[LOGS_]ENDPOINT.
func newRedactorFromEnv() *redactor {
	r := &redactor{}
	for _, name := range []string{EnvLogsHeaders, EnvHeaders} {
		raw := os.Getenv(name)
		if strings.TrimSpace(raw) == "" {
			continue
		}
		r.add(raw)
		for _, pair := range strings.Split(raw, ",") {
			_, v, ok := strings.Cut(pair, "=")
			if !ok {
				r.add(strings.TrimSpace(pair)) // malformed: the whole piece may be a secret
				continue
			}
			v = strings.TrimSpace(v)
			r.addValue(v)
			if d, err := url.PathUnescape(v); err == nil {
				r.addValue(d)
			}
			if d, err := url.QueryUnescape(v); err == nil {
				r.addValue(d)
			}
		}
	}
	for _, name := range []string{EnvLogsEndpoint, EnvEndpoint} {
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

// addValue adds a header value and each of its words but an authentication scheme name
// ("Bearer t0ken": the whole, and "t0ken").
func (r *redactor) addValue(v string) {
	r.add(v)
	for _, w := range strings.Fields(v) {
		switch strings.ToLower(w) {
		case "bearer", "basic", "token", "digest", "apikey":
			continue
		}
		r.add(w)
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

// redact returns s with every known secret replaced.
func (r *redactor) redact(s string) string {
	if r == nil {
		return s
	}
	for _, x := range r.secrets {
		if strings.Contains(s, x) {
			s = strings.ReplaceAll(s, x, redacted)
		}
	}
	return s
}

// redactURL returns u with its user info, if any, replaced, and known secrets redacted.
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
	if err == nil || r == nil || len(r.secrets) == 0 {
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
