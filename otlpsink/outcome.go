package otlpsink

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptrace"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	sdklog "go.opentelemetry.io/otel/sdk/log"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"

	"github.com/logbridge/logbridge/internal/textenc"
)

// verdict is what an export error means for its batch, per the OTLP specification's
// "Failures" rules (https://opentelemetry.io/docs/specs/otlp/#failures).
type verdict struct {
	retry    bool          // transient: try again after the backoff (or throttle)
	throttle time.Duration // the server's Retry-After or RetryInfo delay, 0 if none
	tooLarge bool          // refused as too large: split the batch, or cut its one record down
	badUTF8  bool          // the exporter could not marshal an invalid UTF-8 string
	status   string        // the answer's status, for a permanent failure ("HTTP 401", "gRPC Unauthenticated")
}

// httpStatusRe finds the status in otlploghttp's error for a non-retryable answer:
// "failed to send logs to URL: 401 Unauthorized (body: ...)".
var httpStatusRe = regexp.MustCompile(`failed to send logs to \S+: (\d{3})\b`)

// maxErrorChain bounds the errors readableError walks through in an export error's chain.
const maxErrorChain = 64

// readableError returns err, an exporter's error, if what the processor does with it (its
// text, the chain errors.As walks for classify and partialSuccess) ends and does not panic;
// else an error holding the text it could read. An exporter of the caller's may return any
// error: one whose Error, Unwrap or As panics would otherwise crash the export goroutine, and
// one whose chain is a cycle would make errors.As loop forever. Only failed exports pay for it.
func readableError(err error) error {
	if err == nil || chainReadable(err) {
		return err
	}
	return &unreadableError{text: errorString(err)}
}

// chainReadable reports whether err's chain has at most maxErrorChain errors (so that
// errors.As ends) and err's text, classify and partialSuccess read it without a panic.
func chainReadable(err error) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	n := 0
	var walk func(error) bool
	walk = func(e error) bool {
		for e != nil {
			if n++; n > maxErrorChain {
				return false
			}
			many, one := textenc.Causes(e, textenc.ErrKindOf(e)) // a panicking Unwrap: errors.As below
			for _, c := range many {
				if !walk(c) {
					return false
				}
			}
			e = one
		}
		return true
	}
	if !walk(err) {
		return false
	}
	_ = err.Error()
	_, _ = partialSuccess(err)
	_ = classify(err)
	return true
}

// unreadableError stands for an export error that readableError could not read whole.
type unreadableError struct{ text string }

func (e *unreadableError) Error() string { return "exporter returned an unreadable error: " + e.text }

// classify says what err, from an Export that did not succeed, means. The Pipeline's own
// HTTP exporter (httpExporter) gives an *httpStatusError for any answer other than 2xx, its
// gRPC exporter the call's status. The OTLP exporters give the answer's status in two shapes:
// otlploggrpc returns the gRPC status (with its RetryInfo details); otlploghttp returns an unexported retryableError (holding the
// Retry-After delay) for 429, 502, 503 and 504, and an error naming the status for any other
// answer. An error that carries no answer at all (connection refused, a reset, a timeout,
// another exporter's error) is transient: the specification retries those.
func classify(err error) verdict {
	if s, ok := grpcStatus(err); ok {
		return classifyGRPC(s)
	}
	var se *httpStatusError
	if errors.As(err, &se) {
		if se.retryable {
			return verdict{retry: true, throttle: se.throttle}
		}
		v := verdict{status: "HTTP " + se.status}
		v.tooLarge = se.code == http.StatusRequestEntityTooLarge ||
			se.code == http.StatusBadRequest && strings.Contains(se.message, "request body too large")
		return v
	}
	if ok, throttle := httpRetryable(err); ok {
		return verdict{retry: true, throttle: throttle}
	}
	msg := err.Error()
	if m := httpStatusRe.FindStringSubmatch(msg); m != nil {
		code, _ := strconv.Atoi(m[1])
		v := verdict{status: "HTTP " + m[1] + " " + http.StatusText(code)}
		// The collector answers an HTTP body over its limit with 400 "request body too large".
		v.tooLarge = code == http.StatusRequestEntityTooLarge ||
			code == http.StatusBadRequest && strings.Contains(msg, "request body too large")
		return v
	}
	switch {
	case strings.Contains(msg, "request body too large: exceeded"),
		strings.Contains(msg, "request message too large: exceeded"):
		// The exporter's own WithMaxRequestSize refused to send it.
		return verdict{tooLarge: true, status: "exporter's request size limit"}
	case strings.Contains(msg, "invalid UTF-8"):
		return verdict{badUTF8: true, status: "invalid UTF-8"}
	case errors.Is(err, sdklog.ErrExporterShutdown):
		return verdict{status: "exporter shut down"}
	}
	return verdict{retry: true}
}

// classifyGRPC applies the specification's table of retryable gRPC codes.
func classifyGRPC(s *status.Status) verdict {
	st := "gRPC " + s.Code().String()
	retryInfo, delay := false, time.Duration(0)
	for _, d := range s.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			retryInfo, delay = true, ri.GetRetryDelay().AsDuration()
		}
	}
	switch s.Code() {
	case codes.Canceled, codes.DeadlineExceeded, codes.Aborted, codes.OutOfRange,
		codes.Unavailable, codes.DataLoss:
		return verdict{retry: true, throttle: delay, status: st}
	case codes.ResourceExhausted:
		if retryInfo {
			return verdict{retry: true, throttle: delay, status: st}
		}
		// grpc-go: "grpc: received message larger than max (N vs. M)"; other servers say
		// "message too large" or similar.
		m := strings.ToLower(s.Message())
		return verdict{tooLarge: strings.Contains(m, "larger than max") || strings.Contains(m, "too large"), status: st}
	case codes.Internal:
		if strings.Contains(s.Message(), "invalid UTF-8") {
			return verdict{badUTF8: true, status: st}
		}
	}
	return verdict{status: st}
}

// grpcStatus returns the gRPC status err carries, if any (wrapped or joined).
func grpcStatus(err error) (*status.Status, bool) {
	var se interface{ GRPCStatus() *status.Status }
	if !errors.As(err, &se) {
		return nil, false
	}
	s := se.GRPCStatus()
	return s, s != nil
}

// httpRetryable finds otlploghttp's retryableError in err's chain and its throttle delay.
// The type is unexported, so it is recognized by its package and shape (as partialSuccess
// recognizes PartialSuccess); a test against the real exporter pins it.
func httpRetryable(err error) (ok bool, throttle time.Duration) {
	walkErrors(err, func(e error) bool {
		v := reflect.ValueOf(e)
		if v.Kind() != reflect.Struct || v.Type().Name() != "retryableError" ||
			!strings.HasSuffix(v.Type().PkgPath(), "/otlploghttp") {
			return false
		}
		ok = true
		if f := v.FieldByName("throttle"); f.IsValid() && f.Kind() == reflect.Int64 {
			throttle = time.Duration(f.Int())
		}
		return true
	})
	return ok, throttle
}

// walkErrors calls f on err and every error it wraps, depth first, until f returns true.
func walkErrors(err error, f func(error) bool) bool {
	if err == nil {
		return false
	}
	if f(err) {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return walkErrors(u.Unwrap(), f)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if walkErrors(e, f) {
				return true
			}
		}
	}
	return false
}

// partial is an OTLP partial-success answer found in an export's error.
type partial struct {
	rejected int64
	message  string
}

// partialSuccess reports whether err (or an error it wraps) is an OTLP partial-success
// response, with its counts and message: the Pipeline's HTTP exporter's
// *partialSuccessError, or what the OTLP exporters (a caller's otlploghttp, otlploggrpc)
// report as an unexported PartialSuccess type (with RejectedItems and ErrorMessage fields),
// recognized by shape.
func partialSuccess(err error) (ps partial, ok bool) {
	var own *partialSuccessError
	if errors.As(err, &own) {
		return partial{rejected: own.rejected, message: own.message}, true
	}
	walkErrors(err, func(e error) bool {
		v := reflect.ValueOf(e)
		if v.Kind() == reflect.Struct && v.Type().Name() == "PartialSuccess" {
			if f := v.FieldByName("RejectedItems"); f.IsValid() && f.CanInt() {
				ps.rejected += f.Int()
				ok = true
			}
			if f := v.FieldByName("ErrorMessage"); f.IsValid() && f.Kind() == reflect.String {
				ps.message = f.String()
			}
		}
		return false
	})
	return ps, ok
}

// attempt is one call to the exporter's Export, as far as the processor knows it.
type attempt struct {
	n    int         // records sent
	sent atomic.Bool // the request reached the wire: its outcome is unknown until answered
}

type attemptKey struct{}

// markSent records, for the export attempt whose context ctx is, that its request was
// written to the connection. The hooks of the Pipeline's exporters call it.
func markSent(ctx context.Context) {
	if a, ok := ctx.Value(attemptKey{}).(*attempt); ok {
		a.sent.Store(true)
	}
}

// sentTracer is a gRPC stats handler that marks an attempt sent once its request message
// went out.
type sentTracer struct{}

func (sentTracer) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }
func (sentTracer) HandleRPC(ctx context.Context, s stats.RPCStats) {
	if _, ok := s.(*stats.OutPayload); ok {
		markSent(ctx)
	}
}
func (sentTracer) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (sentTracer) HandleConn(context.Context, stats.ConnStats)                       {}

// httpSentTrace returns ctx with an HTTP client trace that marks its attempt sent once the
// request was written. The HTTP exporter sends with the context Export gets.
func httpSentTrace(ctx context.Context) context.Context {
	if _, ok := ctx.Value(attemptKey{}).(*attempt); !ok {
		return ctx
	}
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				markSent(ctx)
			}
		},
	})
}
