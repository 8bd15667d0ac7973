package otlpsink

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"google.golang.org/grpc/credentials"

	"github.com/logbridge/logbridge/internal/smallfile"
	"github.com/logbridge/logbridge/vocab"
	"google.golang.org/grpc/credentials/insecure"
)

// The exporter settings read from the environment besides the endpoint and headers.
const (
	envLogsTimeout     = "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT"
	envTimeout         = "OTEL_EXPORTER_OTLP_TIMEOUT"
	envLogsCompression = "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION"
	envCompression     = "OTEL_EXPORTER_OTLP_COMPRESSION"
	envLogsClientKey   = "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY"
	envClientKey       = "OTEL_EXPORTER_OTLP_CLIENT_KEY"
)

// logsPath is the path OTLP/HTTP appends to OTEL_EXPORTER_OTLP_ENDPOINT for logs.
const logsPath = "/v1/logs"

// exporterEnv is what OTEL_EXPORTER_OTLP_[LOGS_]* say about the OTLP exporter, each value
// trimmed of stray whitespace and checked once. The exporters get it as explicit options, so
// they never parse the raw variables themselves (which they would do without trimming,
// warning and then falling back to their own defaults).
type exporterEnv struct {
	endpoint    *url.URL // the URL records go to; never nil after readExporterEnv
	endpointVar string   // the variable endpoint came from, "" for the default
	urlPath     string   // OTLP/HTTP request path
	headers     map[string]string
	timeout     time.Duration // 0: unset
	compression string        // "gzip", "none" or "" (unset)
	tls         *tls.Config   // nil: unset
}

// envValue is one variable's value, trimmed, and its name.
type envValue struct{ name, value string }

// lookupEnv returns the first of names set to something other than whitespace.
func lookupEnv(names ...string) (envValue, bool) {
	for _, n := range names {
		if v := strings.TrimSpace(os.Getenv(n)); v != "" {
			return envValue{n, v}, true
		}
	}
	return envValue{}, false
}

// unsentEndpointParts warns of the parts of an endpoint URL that no exporter sends: user info
// (credentials a user may expect to be sent as basic authentication, which would fail as
// 401 instead) and a query (a token there, the same). Neither is quoted: the diagnostic names
// the endpoint by its scheme, host and path.
func unsentEndpointParts(name string, u *url.URL) []vocab.Diagnostic {
	piece := bareURL(u)
	var diags []vocab.Diagnostic
	if u.User != nil {
		diags = append(diags, vocab.Diagnostic{Source: name, Piece: piece,
			Problem: "its user info is not sent: OTLP exporters take no credentials from the endpoint; " +
				"send them as a header, e.g. OTEL_EXPORTER_OTLP_HEADERS=Authorization=Basic%20<base64 of user:password>"})
	}
	if u.RawQuery != "" || u.ForceQuery {
		diags = append(diags, vocab.Diagnostic{Source: name, Piece: piece,
			Problem: "its query is not sent: OTLP exporters use the scheme, host and path only; a token belongs in OTEL_EXPORTER_OTLP_HEADERS"})
	}
	return diags
}

// grpcSchemePort gives a gRPC endpoint without a port its scheme's, 80 for http and 443 for
// https, as a URL means and as the specification reads an endpoint (HTTP's exporter dials
// the same). Both gRPC exporters dial it: grpc-go would dial 443 for a target without a port
// whatever the scheme, so that http://collector was tried in plain text on the TLS port.
// Over http the port is not likely what was meant (a collector takes OTLP/gRPC on 4317): a
// diagnostic says which port is dialed.
func grpcSchemePort(name string, u *url.URL) []vocab.Diagnostic {
	port := "443"
	if u.Scheme == "http" {
		port = "80"
	}
	u.Host = net.JoinHostPort(u.Hostname(), port)
	if port != "80" {
		return nil
	}
	return []vocab.Diagnostic{{Source: name, Piece: bareURL(u),
		Problem: "it has no port: gRPC dials port 80, the http scheme's; an OpenTelemetry Collector takes OTLP/gRPC on 4317"}}
}

// readExporterEnv reads and checks the exporter variables for proto. An unusable value is an
// error naming the variable and the problem; values that may be secret (headers, user info)
// are never quoted.
func (p *Pipeline) readExporterEnv(proto string) (exporterEnv, error) {
	var e exporterEnv
	if err := p.checkEndpoints(); err != nil {
		return e, err
	}
	insecure, err := boolEnv(envLogsInsecure, envInsecure)
	if err != nil {
		return e, err
	}
	if ev, ok := lookupEnv(envLogsEndpoint, envEndpoint); ok {
		e.endpoint, _ = url.Parse(ev.value) // checkEndpoints parsed it
		e.endpointVar = ev.name
		p.diags = append(p.diags, unsentEndpointParts(ev.name, e.endpoint)...)
		if proto == ProtocolGRPC && e.endpoint.Port() == "" {
			p.diags = append(p.diags, grpcSchemePort(ev.name, e.endpoint)...)
		}
	} else {
		def := DefaultHTTPEndpoint
		if proto == ProtocolGRPC {
			def = DefaultGRPCEndpoint
		}
		e.endpoint, _ = url.Parse(def)
		// Asked for TLS (a certificate, or insecure=false), the default host is kept, over
		// https, as the exporters would do.
		_, certSet := lookupEnv(envLogsCertificate, envCertificate, envLogsClientCert, envClientCertificate)
		if (insecure != nil && !*insecure) || (insecure == nil && certSet) {
			e.endpoint.Scheme = "https"
		}
	}
	// OTEL_EXPORTER_OTLP_ENDPOINT is a base URL the signal's path is appended to; the
	// signal-specific variable is the whole URL (empty path: "/").
	switch {
	case e.endpointVar == envLogsEndpoint && e.endpoint.Path == "":
		e.urlPath = "/"
	case e.endpointVar == envLogsEndpoint:
		e.urlPath = e.endpoint.Path
	default:
		e.urlPath = path.Join("/", e.endpoint.Path, logsPath)
	}
	if e.headers, err = headersEnv(proto); err != nil {
		return e, err
	}
	if ev, ok := lookupEnv(envLogsTimeout, envTimeout); ok {
		ms, err := strconv.ParseInt(ev.value, 10, 64)
		if err != nil || ms < 1 || ms > int64(24*time.Hour/time.Millisecond) {
			return e, fmt.Errorf("otlpsink: %s=%q: not a whole number of milliseconds between 1 and 86400000 (e.g. 10000 for 10 s)", ev.name, ev.value)
		}
		e.timeout = time.Duration(ms) * time.Millisecond
	}
	if ev, ok := lookupEnv(envLogsCompression, envCompression); ok {
		switch v := strings.ToLower(ev.value); v {
		case "gzip", "none":
			e.compression = v
		default:
			return e, fmt.Errorf("otlpsink: %s=%q: unknown compression (want gzip or none)", ev.name, ev.value)
		}
	}
	if e.tls, err = tlsEnv(); err != nil {
		return e, err
	}
	if e.tls != nil && e.endpoint.Scheme != "https" {
		return e, fmt.Errorf("otlpsink: a certificate variable is set but %s is %s, plain http (use https:// for TLS)", e.endpointVar, p.red.redactURL(e.endpoint.String()))
	}
	return e, nil
}

// boolEnv reads the first set of names as "true" or "false" (any case); nil when unset.
func boolEnv(names ...string) (*bool, error) {
	ev, ok := lookupEnv(names...)
	if !ok {
		return nil, nil
	}
	switch strings.ToLower(ev.value) {
	case "true":
		t := true
		return &t, nil
	case "false":
		f := false
		return &f, nil
	}
	return nil, fmt.Errorf("otlpsink: %s=%q: not \"true\" or \"false\"", ev.name, ev.value)
}

// headersEnv parses OTEL_EXPORTER_OTLP_LOGS_HEADERS, else OTEL_EXPORTER_OTLP_HEADERS: a comma
// list of key=value entries, values percent-encoded (the W3C baggage format the
// specification names). A malformed entry is an error naming the variable, the entry's
// position and key; header values never appear in it. A value the transport of proto could
// not send is such an error too, at Setup, rather than a failure of every export: a control
// character (net/http refuses the request; a tab is allowed), and over gRPC anything but
// printable ASCII unless the key ends in -bin (grpc-go refuses the call; -bin values are
// sent base64-encoded).
func headersEnv(proto string) (map[string]string, error) {
	ev, ok := lookupEnv(envLogsHeaders, envHeaders)
	if !ok {
		return nil, nil
	}
	out := map[string]string{}
	for i, entry := range strings.Split(ev.value, ",") {
		if strings.TrimSpace(entry) == "" {
			continue // "a=1,,b=2" and a trailing comma
		}
		fail := func(format string, args ...any) error {
			return fmt.Errorf("otlpsink: %s: entry %d %s (want key=value pairs separated by commas, values percent-encoded: authorization=Bearer%%20token)",
				ev.name, i+1, fmt.Sprintf(format, args...))
		}
		// Written HTTP-style ("Authorization: Basic dXNlcjpTM0NSRVQ="): a colon before any
		// '=' (base64 padding holds '=' too). Name the key if the text before the colon is
		// one; the rest may be the secret itself.
		if k, _, colon := strings.Cut(entry, ":"); colon && !strings.Contains(k, "=") {
			if k = strings.TrimSpace(k); validHeaderKey(k) {
				return nil, fail("(key %q) is written HTTP-style with ':' instead of '='", k)
			}
		}
		rawKey, rawVal, found := strings.Cut(entry, "=")
		if !found {
			return nil, fail("has no '=' (value redacted)")
		}
		key := strings.TrimSpace(rawKey)
		if !validHeaderKey(key) {
			// Not quoted: text that is no header name may hold a secret.
			return nil, fail("has an invalid key (redacted; want an HTTP header name: letters, digits and !#$%%&'*+-.^_`|~)")
		}
		val, err := url.PathUnescape(strings.TrimSpace(rawVal))
		if err != nil {
			return nil, fail("(key %q) has a value that is not valid percent-encoding (value redacted)", key)
		}
		val = strings.TrimSpace(val)
		if strings.ContainsAny(val, "\r\n\x00") {
			return nil, fail("(key %q) has a value with a line break or NUL (value redacted)", key)
		}
		if strings.IndexFunc(val, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) >= 0 {
			return nil, fail("(key %q) has a value with a control character, which HTTP cannot send (value redacted)", key)
		}
		if proto == ProtocolGRPC && !strings.HasSuffix(strings.ToLower(key), "-bin") &&
			strings.IndexFunc(val, func(r rune) bool { return r < ' ' || r > '~' }) >= 0 {
			return nil, fail("(key %q) has a value gRPC cannot send: metadata values are printable ASCII, "+
				"unless the key ends in -bin (value redacted)", key)
		}
		out[key] = val
	}
	return out, nil
}

// validHeaderKey reports whether k is an HTTP field name (RFC 9110 token).
func validHeaderKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// tlsEnv loads the certificate variables: the CA bundle of
// OTEL_EXPORTER_OTLP_[LOGS_]CERTIFICATE and the client pair of
// OTEL_EXPORTER_OTLP_[LOGS_]CLIENT_CERTIFICATE/_CLIENT_KEY. nil when none is set.
func tlsEnv() (*tls.Config, error) {
	var cfg *tls.Config
	if ev, ok := lookupEnv(envLogsCertificate, envCertificate); ok {
		pem, err := readEnvFile(ev)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("otlpsink: %s=%s: no PEM certificate in the file", ev.name, ev.value)
		}
		cfg = &tls.Config{RootCAs: pool}
	}
	for _, pair := range [][2]string{{envLogsClientCert, envLogsClientKey}, {envClientCertificate, envClientKey}} {
		cert, certOK := lookupEnv(pair[0])
		key, keyOK := lookupEnv(pair[1])
		switch {
		case !certOK && !keyOK:
			continue
		case !keyOK:
			return nil, fmt.Errorf("otlpsink: %s is set but %s is not (a client certificate needs its key)", pair[0], pair[1])
		case !certOK:
			return nil, fmt.Errorf("otlpsink: %s is set but %s is not (a client key needs its certificate)", pair[1], pair[0])
		}
		certPEM, err := readEnvFile(cert)
		if err != nil {
			return nil, err
		}
		keyPEM, err := readEnvFile(key)
		if err != nil {
			return nil, err
		}
		crt, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("otlpsink: %s=%s, %s=%s: not a matching PEM certificate and key: %v", cert.name, cert.value, key.name, key.value, err)
		}
		if cfg == nil {
			cfg = &tls.Config{}
		}
		cfg.Certificates = []tls.Certificate{crt}
		break
	}
	return cfg, nil
}

// readEnvFile reads the file a certificate variable names: a regular file of at most
// smallfile.MaxSize bytes.
func readEnvFile(ev envValue) ([]byte, error) {
	data, err := smallfile.Read(ev.value)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is already in the message
		}
		return nil, fmt.Errorf("otlpsink: %s=%s: cannot read the file: %v", ev.name, ev.value, err)
	}
	return data, nil
}

// defaultExportTimeout is the exporters' own default for OTEL_EXPORTER_OTLP_TIMEOUT.
const defaultExportTimeout = 10 * time.Second

// exportTimeout is the timeout of one export: OTEL_EXPORTER_OTLP_[LOGS_]TIMEOUT, else the
// exporters' default.
func (e exporterEnv) exportTimeout() time.Duration {
	if e.timeout == 0 {
		return defaultExportTimeout
	}
	return e.timeout
}

// tlsConfig is the TLS configuration of an https endpoint: the certificate variables', else
// the system's roots (as the exporters use without the option); nil for plain http.
func (e exporterEnv) tlsConfig() *tls.Config {
	if e.endpoint.Scheme != "https" {
		return nil
	}
	if e.tls != nil {
		return e.tls
	}
	return &tls.Config{}
}

// httpOptions are the otlploghttp options carrying e. Every setting the exporter would read
// from the environment is given explicitly, so that it reads none of the raw variables.
func (e exporterEnv) httpOptions() []otlploghttp.Option {
	timeout := e.exportTimeout()
	compression := otlploghttp.NoCompression
	if e.compression == "gzip" {
		compression = otlploghttp.GzipCompression
	}
	headers := e.headers
	if headers == nil {
		headers = map[string]string{}
	}
	opts := []otlploghttp.Option{
		otlploghttp.WithEndpointURL(e.endpoint.String()), otlploghttp.WithURLPath(e.urlPath),
		otlploghttp.WithHeaders(headers), otlploghttp.WithTimeout(timeout),
		otlploghttp.WithCompression(compression),
	}
	if tlsCfg := e.tlsConfig(); tlsCfg != nil {
		opts = append(opts, otlploghttp.WithTLSClientConfig(tlsCfg))
	}
	return opts
}

// grpcOptions are the otlploggrpc options carrying e, every setting given explicitly. (The
// gRPC exporter still loads the certificate variables itself; the credentials given here
// win over what it loads.)
func (e exporterEnv) grpcOptions() []otlploggrpc.Option {
	timeout := e.exportTimeout()
	compression := e.compression
	if compression == "" {
		compression = "none"
	}
	headers := e.headers
	if headers == nil {
		headers = map[string]string{}
	}
	creds := insecure.NewCredentials()
	if tlsCfg := e.tlsConfig(); tlsCfg != nil {
		creds = credentials.NewTLS(tlsCfg)
	}
	return []otlploggrpc.Option{
		otlploggrpc.WithEndpointURL(e.endpoint.String()), otlploggrpc.WithHeaders(headers),
		otlploggrpc.WithTimeout(timeout), otlploggrpc.WithCompressor(compression),
		otlploggrpc.WithTLSCredentials(creds),
	}
}

// notFoundHint is added to a 404 answer when OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, which is used
// as the whole URL, lacks the /v1/logs path the collector serves; "" otherwise.
func (e exporterEnv) notFoundHint() string {
	if e.endpointVar != envLogsEndpoint || strings.HasSuffix(e.urlPath, logsPath) {
		return ""
	}
	u := *e.endpoint
	u.User = nil
	u.Path = path.Join("/", u.Path, logsPath)
	return envLogsEndpoint + " is used as the whole URL and has no " + logsPath + " path: did you mean " + u.String() + "?"
}

// protocolHints tell an endpoint that speaks another protocol than the exporter's from a
// collector that is down: both fail without an answer (retried, reported alike), but the
// transport's words differ, and the hint says what is probably wrong. The words are Go's
// (net/http, x/net/http2 in grpc-go, crypto/tls), which both logbridge's exporters and the
// SDK's use.
var protocolHints = []struct{ says, hint string }{
	// An HTTP/1.1 client reading an HTTP/2 server's first frame (SETTINGS), which the server
	// sends unasked: as the answer to the request, or before it (net/http's read loop then
	// fails with no error of its own).
	{`malformed HTTP response "\x00\x00`, hintHTTP2},
	{"readLoopPeekFailLocked", hintHTTP2},
	{"frame header looked like an HTTP/1.1 header", "the endpoint answers in HTTP/1.1, as a collector's OTLP/HTTP port (4318) does: " +
		"use its gRPC port (4317), or set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"},
	{"server gave HTTP response to HTTPS client", hintNoTLS},       // net/http
	{"first record does not look like a TLS handshake", hintNoTLS}, // crypto/tls, under grpc-go
}

// hintNoTLS is the hint for a TLS client meeting a plain-text server.
const hintNoTLS = "the endpoint does not speak TLS: for a plain-text collector use an http:// endpoint"

// hintHTTP2 is the hint for an OTLP/HTTP exporter meeting an HTTP/2-only (gRPC) server.
const hintHTTP2 = "the endpoint speaks HTTP/2 only, as a collector's gRPC port (4317) does: " +
	"use its OTLP/HTTP port (4318), or set OTEL_EXPORTER_OTLP_PROTOCOL=grpc"

// hintExporter adds a hint to the errors of its exports that probably come from a wrong
// endpoint: a 404 answer (notFound, when the endpoint variable suggests why) or a protocol
// mismatch (protocolHints). The error still wraps the original, which classify reads.
type hintExporter struct {
	sdklog.Exporter
	notFound string
}

// Export exports through the wrapped exporter, adding a hint to its error.
func (h *hintExporter) Export(ctx context.Context, recs []sdklog.Record) error {
	return h.hinted(h.Exporter.Export(ctx, recs))
}

// hinted is err with the hint that fits it, if one does.
func (h *hintExporter) hinted(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if h.notFound != "" && strings.Contains(msg, " 404 Not Found") {
		return fmt.Errorf("%w; %s", err, h.notFound)
	}
	for _, ph := range protocolHints {
		if strings.Contains(msg, ph.says) {
			return fmt.Errorf("%w; %s", err, ph.hint)
		}
	}
	return err
}

// hintEncodingExporter is a hintExporter over an exporter of ours, which also takes records
// encoded at the call.
type hintEncodingExporter struct {
	*hintExporter
	enc encodingExporter
}

func (h hintEncodingExporter) exportEncoded(ctx context.Context, pt encPart) error {
	return h.hinted(h.enc.exportEncoded(ctx, pt))
}

// withHints returns exp adding hints to its errors (see hintExporter); notFound is the hint for
// a 404, or "".
func withHints(exp sdklog.Exporter, notFound string) sdklog.Exporter {
	h := &hintExporter{Exporter: exp, notFound: notFound}
	if e, ok := exp.(encodingExporter); ok {
		return hintEncodingExporter{h, e}
	}
	return h
}

// The record limits the SDK's LoggerProvider reads from the environment.
const (
	envAttributeCountLimit       = "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT"
	envAttributeValueLengthLimit = "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT"
)

// recordLimits are the SDK's record limits as a Pipeline configures them.
type recordLimits struct {
	count  int // attributes per record; negative: no limit
	length int // a value's length; negative: no limit
}

// options are the provider options that set l.
func (l recordLimits) options() []sdklog.LoggerProviderOption {
	return []sdklog.LoggerProviderOption{sdklog.WithAttributeCountLimit(l.count), sdklog.WithAttributeValueLengthLimit(l.length)}
}

// readLimits reads the record limits, trimmed, for the provider to be given explicitly, so
// that it does not parse the raw values itself. A value that is not a whole number is a
// diagnostic; the default applies.
func readLimits() (recordLimits, []vocab.Diagnostic) {
	var diags []vocab.Diagnostic
	read := func(name string, def int, defDesc string) int {
		ev, ok := lookupEnv(name)
		if !ok {
			return def
		}
		n, err := strconv.Atoi(ev.value)
		if err != nil {
			diags = append(diags, vocab.Diagnostic{Source: name, Piece: os.Getenv(name),
				Problem: "not a whole number; using the default, " + defDesc})
			return def
		}
		return n
	}
	return recordLimits{count: read(envAttributeCountLimit, 128, "128"), length: read(envAttributeValueLengthLimit, -1, "no limit")}, diags
}
