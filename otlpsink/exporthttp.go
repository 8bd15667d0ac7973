package otlpsink

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	sdklog "go.opentelemetry.io/otel/sdk/log"
	"google.golang.org/protobuf/encoding/protowire"
)

// httpUserAgent is the User-Agent of logbridge's OTLP/HTTP exporter: its own name (it is
// not the OTel Go exporter, whose "OTel Go OTLP over HTTP/protobuf logs exporter/<version>"
// servers may count), in the same shape.
const httpUserAgent = "logbridge OTLP over HTTP/protobuf logs exporter/1"

// maxResponseBody bounds what is read of an answer's body.
const maxResponseBody = 64 << 10

// maxPooledBody is the largest request buffer kept for reuse: a batch at the Pipeline's
// HTTP byte cap, with room to spare.
const maxPooledBody = HTTPMaxExportBatchBytes + HTTPMaxExportBatchBytes/4

// httpConfig is what the HTTP exporter sends with: the settings exporterEnv carries.
type httpConfig struct {
	url     string // scheme, host and path; never user info
	headers map[string]string
	timeout time.Duration
	gzip    bool
	tls     *tls.Config // nil for plain http
}

// httpConfig turns e into the HTTP exporter's settings, with the defaults httpOptions gives
// otlploghttp. As otlploghttp does with WithEndpointURL, only the scheme, host and the
// request path are used: user info and query are not sent.
func (e exporterEnv) httpConfig() httpConfig {
	u := url.URL{Scheme: e.endpoint.Scheme, Host: e.endpoint.Host, Path: e.urlPath}
	return httpConfig{url: u.String(), headers: e.headers, timeout: e.exportTimeout(), gzip: e.compression == "gzip", tls: e.tlsConfig()}
}

// httpExporter is logbridge's OTLP/HTTP exporter: an sdklog.Exporter that encodes a batch
// with encodeLogs straight to protobuf and posts it, classifying the answer the way the
// Processor needs it (see classify and partialSuccess). The Pipeline uses it instead of
// otlploghttp because of what the encoding costs: see the package documentation.
//
// Export is safe for concurrent use; each export takes pooled buffers. It sends with the
// context it is given (plus the configured timeout), so the Processor's client trace (see
// httpSentTrace) sees the request go out. It does not retry: the Processor does.
type httpExporter struct {
	cfg       httpConfig
	header    http.Header // sent with every request
	client    *http.Client
	transport *http.Transport
	stopped   atomic.Bool
	bufs      sync.Pool // *exportBufs
	gz        sync.Pool // *gzip.Writer
}

var _ encodingExporter = (*httpExporter)(nil)

// exportBufs are one export's buffers: the encoder (with the uncompressed body) and the
// gzip output.
type exportBufs struct {
	enc logsEncoder
	gz  bytes.Buffer
}

func newHTTPExporter(cfg httpConfig) *httpExporter {
	t := &http.Transport{
		Proxy: http.ProxyFromEnvironment, // as otlploghttp
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   2 * otlpExportConcurrency, // keep a connection per concurrent export
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
		TLSClientConfig:       cfg.tls,
	}
	h := http.Header{}
	h.Set("User-Agent", httpUserAgent)
	for k, v := range cfg.headers {
		h.Set(k, v) // the caller's win, as with otlploghttp
	}
	h.Set("Content-Type", "application/x-protobuf")
	if cfg.gzip {
		h.Set("Content-Encoding", "gzip")
	}
	return &httpExporter{cfg: cfg, header: h, transport: t, client: &http.Client{Transport: t, CheckRedirect: noRedirects}}
}

// noRedirects keeps the client from following redirects: it would re-send a 301, 302 or 303
// as a GET without the records, which a server may well answer 200 (records counted as
// delivered that were never sent), and a redirect to another host would drop the headers
// that authenticate. A redirect is an answer like any other status: permanent, reported
// with where it points (redirectMessage), for the endpoint to be set there.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// redirectMessage says where a 3xx answer points: its Location resolved against the request's
// URL, without user info, query or fragment (they may hold credentials); "" without one.
func redirectMessage(resp *http.Response) string {
	loc, err := resp.Location()
	if err != nil {
		return ""
	}
	return "redirects to " + printable([]byte(bareURL(loc))) + " (not followed: set the endpoint to where it points)"
}

// Export encodes recs and posts them. After Shutdown it returns sdklog.ErrExporterShutdown
// and sends nothing.
func (x *httpExporter) Export(ctx context.Context, recs []sdklog.Record) error {
	return x.post(ctx, sdkRecords(recs))
}

// exportEncoded posts records encoded at the call, as Export does SDK records.
func (x *httpExporter) exportEncoded(ctx context.Context, pt encPart) error { return x.post(ctx, pt) }

// post encodes recs and posts them.
func (x *httpExporter) post(ctx context.Context, recs recordSource) error {
	if x.stopped.Load() {
		return sdklog.ErrExporterShutdown
	}
	if recs.len() == 0 {
		return nil
	}
	b, _ := x.bufs.Get().(*exportBufs)
	if b == nil {
		b = new(exportBufs)
	}
	if err := b.enc.encode(recs); err != nil {
		x.putBufs(b)
		return err
	}
	body := b.enc.buf
	if x.cfg.gzip {
		b.gz.Reset()
		gz, _ := x.gz.Get().(*gzip.Writer)
		if gz == nil {
			gz = gzip.NewWriter(&b.gz)
		} else {
			gz.Reset(&b.gz)
		}
		_, err := gz.Write(body)
		if err == nil {
			err = gz.Close()
		}
		gz.Reset(io.Discard)
		x.gz.Put(gz)
		if err != nil {
			x.putBufs(b)
			return fmt.Errorf("otlp http: gzip: %w", err)
		}
		body = b.gz.Bytes()
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, x.cfg.timeout)
	defer cancel()
	// The transport may close the body after Do returns: the buffers go back to the pool
	// when it does.
	rb := &requestBody{r: bytes.NewReader(body), release: func() { x.putBufs(b) }}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, x.cfg.url, rb)
	if err != nil {
		rb.Close()
		return fmt.Errorf("otlp http: %w", err)
	}
	req.ContentLength = int64(len(body))
	req.Header = x.header.Clone()
	resp, err := x.client.Do(req)
	if err != nil {
		// No answer (refused, reset, EOF, timeout): the *url.Error names the URL without
		// user info; classify retries it, as it does otlploghttp's.
		if ctx.Err() != nil && parent.Err() == nil {
			return fmt.Errorf("otlp http: no answer within the export timeout (%v, OTEL_EXPORTER_OTLP_TIMEOUT): %w", x.cfg.timeout, err)
		}
		return fmt.Errorf("otlp http: %w", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil && resp.StatusCode/100 != 2 {
		answer = nil // the status is what counts
	} else if err != nil {
		return fmt.Errorf("otlp http: %s: reading the answer: %w", resp.Status, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBody)) // lets the connection be reused
	protobuf := strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-protobuf")
	if resp.StatusCode/100 == 2 {
		if len(answer) == 0 {
			return nil
		}
		if !protobuf {
			// An OTLP receiver answers an export with an ExportLogsServiceResponse in
			// application/x-protobuf (the specification's MUST). Another body is a server that
			// is no OTLP receiver (a web UI, a proxy's page) where the endpoint points: the
			// records are taken, maybe to nowhere, so the answer is a warning, not silence.
			return &partialSuccessError{via: "otlp http", notOTLP: true, message: x.cfg.url + " answered " + resp.Status +
				" with a body of Content-Type " + strconv.Quote(printable([]byte(resp.Header.Get("Content-Type")))) +
				", not an OTLP response (application/x-protobuf): is the endpoint an OTLP receiver's?"}
		}
		ps, err := parsePartialSuccess(answer, "otlp http")
		if err != nil {
			return fmt.Errorf("otlp http: %s with an unreadable ExportLogsServiceResponse: %w", resp.Status, err)
		}
		if ps != nil {
			return ps
		}
		return nil
	}
	// The status is named by its code and standard text, whatever reason phrase the server
	// sent (the 404 hint and the Processor's reports rely on the text).
	status := strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
	se := &httpStatusError{url: x.cfg.url, code: resp.StatusCode, status: strings.TrimSpace(status), message: answerMessage(answer, protobuf)}
	if resp.StatusCode/100 == 3 {
		if m := redirectMessage(resp); m != "" {
			se.message = m
		}
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		se.retryable = true
		se.throttle = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return se
}

func (x *httpExporter) putBufs(b *exportBufs) {
	if cap(b.enc.buf) > maxPooledBody || b.gz.Cap() > maxPooledBody {
		return
	}
	x.bufs.Put(b)
}

// Shutdown stops the exporter: later exports fail with sdklog.ErrExporterShutdown. Idle
// connections are closed.
func (x *httpExporter) Shutdown(context.Context) error {
	x.stopped.Store(true)
	x.transport.CloseIdleConnections()
	return nil
}

// ForceFlush does nothing: the exporter holds no records.
func (x *httpExporter) ForceFlush(context.Context) error { return nil }

// requestBody is a request body over a pooled buffer, released once the transport closes it.
type requestBody struct {
	r       *bytes.Reader
	once    sync.Once
	release func()
}

func (b *requestBody) Read(p []byte) (int, error) { return b.r.Read(p) }
func (b *requestBody) Close() error {
	b.once.Do(b.release)
	return nil
}

// httpStatusError is the exporter's error for an answer other than 2xx. retryable is set
// for the statuses the OTLP specification retries (429, 502, 503, 504), with the answer's
// Retry-After delay. Its text names the URL (which holds no user info), the status
// ("otlp http: http://collector:4318/v1/logs: 404 Not Found", which the Pipeline's 404 hint
// looks for) and the server's message; never a header.
type httpStatusError struct {
	url       string
	code      int
	status    string // code and standard text: "404 Not Found"
	message   string // the google.rpc.Status message, or the text of the answer; may be ""
	retryable bool
	throttle  time.Duration
}

func (e *httpStatusError) Error() string {
	s := "otlp http: " + e.url + ": " + e.status
	if e.retryable {
		s += " (retryable"
		if e.throttle > 0 {
			s += ", Retry-After " + e.throttle.String()
		}
		s += ")"
	}
	if e.message != "" {
		s += ": " + e.message
	}
	return s
}

// partialSuccessError is the own exporters' error for a successful answer carrying a partial
// success: rejected records, or a warning message with none rejected (also for an answer
// that is not OTLP's, see notOTLP). via names the exporter
// ("otlp http", "otlp grpc").
type partialSuccessError struct {
	via      string
	rejected int64
	message  string
	notOTLP  bool // a successful answer that is not an OTLP response: message says what it was
}

func (e *partialSuccessError) Error() string {
	if e.notOTLP {
		return e.via + ": " + e.message
	}
	return fmt.Sprintf("%s: partial success: %d log records rejected: %s", e.via, e.rejected, e.message)
}

// parsePartialSuccess reads an ExportLogsServiceResponse (protobuf), returning its partial
// success if it has one with something in it (a count or a message), as via's error.
func parsePartialSuccess(b []byte, via string) (*partialSuccessError, error) {
	var ps *partialSuccessError
	f := fieldReader{b: b}
	for f.next() {
		if f.num != 1 || f.typ != protowire.BytesType { // partial_success
			f.skip()
			continue
		}
		if ps == nil {
			ps = &partialSuccessError{via: via}
		}
		g := fieldReader{b: f.bytes()}
		for g.next() {
			switch {
			case g.num == 1 && g.typ == protowire.VarintType: // rejected_log_records
				ps.rejected = int64(g.varint())
			case g.num == 2 && g.typ == protowire.BytesType: // error_message
				ps.message = printable(g.bytes())
			default:
				g.skip()
			}
		}
		f.fail(g.err)
	}
	if f.err != nil {
		return nil, f.err
	}
	if ps != nil && ps.rejected == 0 && ps.message == "" {
		ps = nil // an empty partial_success means full success
	}
	return ps, nil
}

// answerMessage is what an error answer says: the message of its google.rpc.Status when the
// body is protobuf (as the OTLP specification has servers answer), else its text; bounded
// and with control characters replaced.
func answerMessage(b []byte, protobuf bool) string {
	if protobuf {
		var msg string
		f := fieldReader{b: b}
		for f.next() {
			if f.num == 2 && f.typ == protowire.BytesType { // google.rpc.Status.message
				msg = printable(f.bytes())
			} else {
				f.skip()
			}
		}
		if f.err == nil {
			return msg
		}
	}
	return printable(bytes.TrimSpace(b))
}

// maxAnswerText bounds the server's text quoted in an error.
const maxAnswerText = 1 << 10

// printable returns b as text for an error message: at most maxAnswerText bytes, invalid
// UTF-8 and control characters replaced.
func printable(b []byte) string {
	cut := len(b) > maxAnswerText
	if cut {
		b = b[:maxAnswerText]
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		switch {
		case r == utf8.RuneError && n <= 1 && len(b) == 0 && cut:
			// a rune cut by the bound
		case r == utf8.RuneError && n <= 1:
			sb.WriteRune(utf8.RuneError)
		case unicode.IsControl(r):
			sb.WriteByte(' ')
		default:
			sb.WriteRune(r)
		}
	}
	if cut {
		sb.WriteString("...")
	}
	return sb.String()
}

// retryAfter reads a Retry-After value, seconds or an HTTP date, as a delay from now; 0 if
// absent or unreadable.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0
		}
		if s > int64(time.Duration(1<<63-1)/time.Second) {
			return time.Duration(1<<63 - 1)
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
