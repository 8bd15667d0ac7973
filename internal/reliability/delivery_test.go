package reliability

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	apilog "go.opentelemetry.io/otel/log"
	collogpb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/grpc/codes"

	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/internal/testkit"
	"github.com/logbridge/logbridge/otellog"
	"github.com/logbridge/logbridge/otlpsink"
)

// deliveryProtocols are the OTLP protocols every delivery test runs over.
var deliveryProtocols = []string{"http/protobuf", "grpc"}

// deliveryRun is an OTLP pipeline (otlpsink.NewPipeline from the env vars, the real exporters)
// under test, with what its error handler heard.
type deliveryRun struct {
	p   *otlpsink.Pipeline
	log *slog.Logger

	mu      sync.Mutex
	reports []error
}

// startDelivery builds a pipeline exporting over protocol to endpoint.
func startDelivery(t testing.TB, protocol, endpoint string, opts ...otlpsink.ProcessorOption) *deliveryRun {
	t.Helper()
	clearEnv(t, map[string]string{
		"OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
		"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
		"OTEL_SERVICE_NAME":           "delivery",
	})
	r := &deliveryRun{}
	opts = append([]otlpsink.ProcessorOption{
		otlpsink.WithScheduleDelay(50 * time.Millisecond),
		otlpsink.WithErrorHandler(func(err error) {
			r.mu.Lock()
			r.reports = append(r.reports, err)
			r.mu.Unlock()
		}),
	}, opts...)
	p, err := otlpsink.NewPipeline(context.Background(), otlpsink.WithProcessorOptions(opts...))
	if err != nil {
		t.Fatal(err)
	}
	r.p = p
	r.log = slog.New(otlpsink.NewHandler(p.Provider(), nil))
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return r
}

// Reports returns the export errors the handler got (drops aside).
func (r *deliveryRun) Reports() []*otlpsink.ExportError {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*otlpsink.ExportError
	for _, e := range r.reports {
		var ee *otlpsink.ExportError
		if errors.As(e, &ee) {
			out = append(out, ee)
		}
	}
	return out
}

// logN logs n records numbered from first, with extra attributes.
func (r *deliveryRun) logN(first, n int, extra ...any) {
	for i := first; i < first+n; i++ {
		r.log.Info("record", append([]any{"seq", i}, extra...)...)
	}
}

// shutdown shuts the pipeline down within d (a hang guard above it) and returns its error.
func (r *deliveryRun) shutdown(t *testing.T, d time.Duration) (err error) {
	t.Helper()
	within(t, d+hangMargin, "Shutdown", func() {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		err = r.p.Shutdown(ctx)
	})
	return err
}

// hangMargin is added to a bound a step must keep, for the hang guard.
const hangMargin = time.Minute

// distinctSeqs waits until col holds at least want records, then returns the distinct
// values of their seq attribute.
func distinctSeqs(t *testing.T, col *collectortest.Collector, want int) map[string]collectortest.LogRecord {
	t.Helper()
	recs := col.Logs()
	if want > 0 {
		recs = col.WaitLogs(t, want, 2*time.Minute)
	}
	seen := map[string]collectortest.LogRecord{}
	for _, r := range recs {
		seen[fmt.Sprint(r.Attributes["seq"])] = r
	}
	return seen
}

// checkBalance asserts the delivery invariant over a run: every emitted record reached the
// collector, or is counted undelivered, or of unknown outcome, exactly.
func checkBalance(t *testing.T, col *collectortest.Collector, st otlpsink.Stats, emitted int) map[string]collectortest.LogRecord {
	t.Helper()
	seen := distinctSeqs(t, col, int(st.Exported))
	if st.Emitted != uint64(emitted) {
		t.Errorf("Emitted %d, want %d logged", st.Emitted, emitted)
	}
	if got := uint64(len(seen)) + st.Undelivered() + st.OutcomeUnknown; got != uint64(emitted) || st.Pending != 0 {
		t.Errorf("collector has %d distinct + undelivered %d + unknown %d = %d, want %d emitted (pending %d); stats %+v",
			len(seen), st.Undelivered(), st.OutcomeUnknown, got, emitted, st.Pending, st)
	}
	if uint64(len(seen)) != st.Exported {
		t.Errorf("collector has %d distinct records, Exported says %d", len(seen), st.Exported)
	}
	return seen
}

// TestRetryAfterHonoured: 429 and 503 with Retry-After (HTTP), Unavailable and
// ResourceExhausted with RetryInfo (gRPC): the next attempt waits at least the server's delay,
// then the batch is delivered.
func TestRetryAfterHonoured(t *testing.T) {
	col := collectortest.Start(t)
	for _, proto := range deliveryProtocols {
		t.Run(proto, func(t *testing.T) {
			delays := []time.Duration{2 * time.Second, time.Second}
			px := startOTLPProxy(t, col, func(call, _, _ int) fault {
				switch call {
				case 0:
					return fault{httpStatus: 429, grpcCode: codes.Unavailable, message: "slow down", retryAfter: delays[0]}
				case 1:
					return fault{httpStatus: 503, grpcCode: codes.ResourceExhausted, message: "busy", retryAfter: delays[1]}
				}
				return pass
			})
			before := len(col.Logs())
			r := startDelivery(t, proto, px.endpoint(proto))
			r.logN(0, 10)
			if err := r.shutdown(t, time.Minute); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			calls := px.Calls()
			if len(calls) != 3 {
				t.Fatalf("%d requests, want 3 (two refused, one delivered): %+v", len(calls), calls)
			}
			for i, d := range delays {
				if gap := calls[i+1].at.Sub(calls[i].at); gap < d {
					t.Errorf("attempt %d came %v after the refusal asking for %v", i+2, gap, d)
				}
			}
			st := r.p.Stats()
			if st.Exported != 10 || st.Retries != 2 {
				t.Errorf("stats %+v, want 10 exported after 2 retries", st)
			}
			if n := len(col.WaitLogs(t, before+10, time.Minute)) - before; n != 10 {
				t.Errorf("collector got %d records, want 10", n)
			}
		})
	}
}

// TestPermanentRefusalOneAttempt: statuses the specification says not to retry get one
// attempt; the records are counted as FailedPermanent and reported once, with the status and
// the server's message.
func TestPermanentRefusalOneAttempt(t *testing.T) {
	col := collectortest.Start(t)
	cases := []struct {
		proto  string
		f      fault
		status string
	}{
		{"http/protobuf", fault{httpStatus: 400, message: "bad-request-body"}, "HTTP 400"},
		{"http/protobuf", fault{httpStatus: 401, message: "who-are-you"}, "HTTP 401"},
		{"http/protobuf", fault{httpStatus: 403, message: "not-for-you"}, "HTTP 403"},
		{"grpc", fault{grpcCode: codes.InvalidArgument, message: "bad-request-body"}, "gRPC InvalidArgument"},
		{"grpc", fault{grpcCode: codes.Unauthenticated, message: "who-are-you"}, "gRPC Unauthenticated"},
		{"grpc", fault{grpcCode: codes.PermissionDenied, message: "not-for-you"}, "gRPC PermissionDenied"},
		{"grpc", fault{grpcCode: codes.ResourceExhausted, message: "quota-gone"}, "gRPC ResourceExhausted"},
	}
	for _, c := range cases {
		t.Run(c.status, func(t *testing.T) {
			px := startOTLPProxy(t, col, func(int, int, int) fault { return c.f })
			r := startDelivery(t, c.proto, px.endpoint(c.proto))
			r.logN(0, 20)
			_ = r.shutdown(t, time.Minute)
			if calls := px.Calls(); len(calls) != 1 {
				t.Errorf("%d attempts, want 1", len(calls))
			}
			st := r.p.Stats()
			if st.FailedPermanent != 20 || st.Retries != 0 || st.Undelivered() != 20 {
				t.Errorf("stats %+v, want 20 FailedPermanent, no retry", st)
			}
			reps := r.Reports()
			if len(reps) != 1 {
				t.Fatalf("%d reports, want 1: the first: %v", len(reps), reps[0])
			}
			msg := reps[0].Error()
			if !strings.HasPrefix(reps[0].Status, c.status) || !strings.Contains(msg, c.f.message) || reps[0].Retrying {
				t.Errorf("report %q (status %q), want the status %s and the message %q", msg, reps[0].Status, c.status, c.f.message)
			}
		})
	}
}

// TestRedirectNotFollowed: an endpoint that redirects (http to https, a moved path) is told
// apart from a delivery: the exporter follows no redirect (Go's client would re-send a 301,
// 302 or 303 as a GET without the records, which a server may answer 200), so the records are
// counted as FailedPermanent, in one attempt, and the report says where the endpoint points.
func TestRedirectNotFollowed(t *testing.T) {
	col := collectortest.Start(t)
	for _, code := range []int{301, 302, 303, 307, 308} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			px := startOTLPProxy(t, col, func(call, _, _ int) fault {
				if call == 0 {
					return fault{httpStatus: code, redirect: true}
				}
				return pass // what a GET after the redirect would get: a 200
			})
			r := startDelivery(t, otlpsink.ProtocolHTTPProtobuf, px.HTTPEndpoint())
			r.logN(0, 20)
			_ = r.shutdown(t, time.Minute)
			if calls := px.Calls(); len(calls) != 1 {
				t.Errorf("%d requests, want 1 (no redirect followed)", len(calls))
			}
			if st := r.p.Stats(); st.FailedPermanent != 20 || st.Exported != 0 {
				t.Errorf("stats %+v, want the 20 records FailedPermanent", st)
			}
			reps := r.Reports()
			if len(reps) != 1 {
				t.Fatalf("reports %v, want 1", reps)
			}
			if msg := reps[0].Error(); !strings.HasPrefix(reps[0].Status, "HTTP "+strconv.Itoa(code)) || !strings.Contains(msg, "redirects to "+px.HTTPEndpoint()+"/v1/logs") {
				t.Errorf("report %q (status %q), want the status and where the endpoint redirects to", msg, reps[0].Status)
			}
		})
	}
}

// TestTooLargeIsSplit: a batch refused as too large (413, or ResourceExhausted with grpc-go's
// size message) is split until the halves fit, and every record arrives; a single record
// refused so is cut down until it fits, and arrives marked truncated.
func TestTooLargeIsSplit(t *testing.T) {
	col := collectortest.Start(t)
	for _, proto := range deliveryProtocols {
		t.Run(proto, func(t *testing.T) {
			const maxRecords, maxBytes = 64, 20 << 10
			px := startOTLPProxy(t, col, func(_, n, size int) fault {
				if n > maxRecords || size > maxBytes {
					return fault{httpStatus: 413, grpcCode: codes.ResourceExhausted,
						message: fmt.Sprintf("grpc: received message larger than max (%d vs. %d)", size, maxBytes)}
				}
				return pass
			})
			before := len(col.Logs())
			r := startDelivery(t, proto, px.endpoint(proto), otlpsink.WithScheduleDelay(time.Hour))
			r.logN(0, 500, "run", proto)
			big := strings.Repeat("x", 100<<10)
			r.log.Info(big, "seq", 500, "run", proto)
			if err := r.shutdown(t, time.Minute); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			st := r.p.Stats()
			if st.Exported != 501 || st.Undelivered() != 0 || st.Splits < 3 || st.Truncated != 1 {
				t.Errorf("stats %+v, want all 501 exported after splits, one truncated", st)
			}
			var truncated *collectortest.LogRecord
			n := 0
			for _, rec := range col.WaitLogs(t, before+501, time.Minute)[before:] {
				n++
				if rec.Attributes[otlpsink.TruncatedKey] != nil {
					truncated = &rec
				}
			}
			if n != 501 {
				t.Errorf("collector got %d records, want 501", n)
			}
			if truncated == nil || len(truncated.Body) >= len(big) || !strings.HasPrefix(big, truncated.Body) ||
				fmt.Sprint(truncated.Attributes["seq"]) != "500" {
				t.Errorf("the large record did not arrive cut down and marked: %+v", truncated)
			}
			t.Logf("%s: 501 records in %d requests (%d splits)", proto, len(px.Calls()), st.Splits)
		})
	}
}

// TestPartialSuccessVariants: a partial success is validated. A negative count or more
// rejected than sent is a protocol error, reported, never wrapped into a huge counter; zero
// rejected with a message is a warning (nothing lost); k rejected counts k.
func TestPartialSuccessVariants(t *testing.T) {
	col := collectortest.Start(t)
	const n = 20
	cases := []struct {
		name                string
		f                   fault
		exported, rejected  uint64
		protocolErr, warned bool
	}{
		{"negative", fault{forward: -1, partial: &collogpb.ExportLogsPartialSuccess{RejectedLogRecords: -5, ErrorMessage: "minus five"}}, n, 0, true, false},
		{"zero with message", fault{forward: -1, partial: &collogpb.ExportLogsPartialSuccess{ErrorMessage: "deprecated field"}}, n, 0, false, true},
		{"three rejected", fault{forward: n - 3, partial: &collogpb.ExportLogsPartialSuccess{RejectedLogRecords: 3, ErrorMessage: "3 too old"}}, n - 3, 3, false, false},
		{"more than sent", fault{forward: 0, partial: &collogpb.ExportLogsPartialSuccess{RejectedLogRecords: n + 7}}, 0, n, true, false},
	}
	for _, proto := range deliveryProtocols {
		for _, c := range cases {
			t.Run(proto+"/"+c.name, func(t *testing.T) {
				px := startOTLPProxy(t, col, func(call, _, _ int) fault {
					if call == 0 {
						return c.f
					}
					return pass
				})
				before := len(col.Logs())
				r := startDelivery(t, proto, px.endpoint(proto), otlpsink.WithScheduleDelay(time.Hour))
				r.logN(0, n)
				_ = r.shutdown(t, time.Minute)
				st := r.p.Stats()
				if st.Exported != c.exported || st.FailedRejected != c.rejected || st.Undelivered() != c.rejected {
					t.Errorf("stats %+v, want exported %d, rejected %d", st, c.exported, c.rejected)
				}
				if (st.ProtocolErrors == 1) != c.protocolErr {
					t.Errorf("ProtocolErrors %d, want a protocol error: %v", st.ProtocolErrors, c.protocolErr)
				}
				reps := r.Reports()
				if len(reps) != 1 || reps[0].Protocol != c.protocolErr || reps[0].Warning != c.warned {
					t.Errorf("reports %v, want one (protocol error %v, warning %v)", reps, c.protocolErr, c.warned)
				}
				if got := len(col.WaitLogs(t, before+int(c.exported), time.Minute)) - before; got != int(c.exported) {
					t.Errorf("collector got %d, want %d", got, c.exported)
				}
			})
		}
	}
}

// TestNonOTLPAnswerWarned: an endpoint that answers 200 with a body that is not an OTLP
// response (an HTML page: a web UI or a proxy's page at the endpoint, not a collector) is a
// warning naming what came back, since the records may be going nowhere; the records count
// as delivered, as the server took them. An empty 200 is a success like any other.
func TestNonOTLPAnswerWarned(t *testing.T) {
	col := collectortest.Start(t)
	const n = 20
	for _, c := range []struct {
		name, typ, body string
		warned          bool
	}{
		{"HTML page", "text/html; charset=utf-8", "<!doctype html><title>Grafana</title>", true},
		{"JSON", "application/json", "{}", true},
		{"empty, no type", "", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			px := startOTLPProxy(t, col, func(call, _, _ int) fault {
				if call == 0 {
					return fault{forward: -1, answer: &httpAnswer{c.typ, c.body}}
				}
				return pass
			})
			r := startDelivery(t, otlpsink.ProtocolHTTPProtobuf, px.HTTPEndpoint(), otlpsink.WithScheduleDelay(time.Hour))
			r.logN(0, n)
			_ = r.shutdown(t, time.Minute)
			if st := r.p.Stats(); st.Exported != n || st.Undelivered() != 0 {
				t.Errorf("stats %+v, want all %d exported", st, n)
			}
			reps := r.Reports()
			if !c.warned {
				if len(reps) != 0 {
					t.Errorf("reports %v for an empty 200, want none", reps)
				}
				return
			}
			if len(reps) != 1 || !reps[0].Warning || !strings.Contains(reps[0].Error(), c.typ) || !strings.Contains(reps[0].Error(), "not an OTLP response") {
				t.Fatalf("reports %v, want one warning naming Content-Type %q", reps, c.typ)
			}
			t.Log(reps[0])
		})
	}
}

// TestNonOTLPAnswerReported: through the bridge, such answers are one warning per report
// interval on the console, not an outage (no "recovered" notice after it, no failure).
func TestNonOTLPAnswerReported(t *testing.T) {
	col := collectortest.Start(t)
	px := startOTLPProxy(t, col, func(int, int, int) fault {
		return fault{forward: -1, answer: &httpAnswer{"text/html", "<html>ok</html>"}}
	})
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", px.HTTPEndpoint())
	var console testkit.SyncBuffer
	const interval = 200 * time.Millisecond
	lb, err := otellog.Setup(context.Background(), otellog.WithCategories("core"), otellog.WithInstallDefault(false),
		otellog.WithConsoleWriter(&console), otellog.WithReportInterval(interval),
		otellog.WithOTLPOptions(otlpsink.WithProcessorOptions(otlpsink.WithScheduleDelay(10*time.Millisecond))))
	if err != nil {
		t.Fatal(err)
	}
	l := lb.MustLogger("svc", "core")
	start := time.Now()
	const n = 40
	for i := range n {
		l.Info("served request", "seq", i)
		time.Sleep(25 * time.Millisecond) // an export or so per record
	}
	elapsed := time.Since(start)
	if err := lb.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if st := lb.Stats().OTLP; st.Exported != n {
		t.Errorf("OTLP stats %+v, want all %d exported", st, n)
	}
	out := console.String()
	warnings := strings.Count(out, "OTLP export delivered with a warning")
	if most := int(elapsed/interval) + 2; warnings == 0 || warnings > most {
		t.Errorf("%d warnings over %v (report interval %v), want 1 to %d:\n%s", warnings, elapsed, interval, most, out)
	}
	if !strings.Contains(out, `Content-Type \"text/html\"`) {
		t.Errorf("the warning does not name what came back:\n%s", out)
	}
	for _, s := range []string{"recovered", "OTLP export failed", "losing records"} {
		if strings.Contains(out, s) {
			t.Errorf("the console says %q for a delivery with warnings:\n%s", s, out)
		}
	}
}

// TestAnswerHeldPastDeadline: an export the proxy took but never answered before Shutdown's
// deadline is counted as OutcomeUnknown (not lost, not exported); the records delivered before
// it are counted exported; the sum balances.
func TestAnswerHeldPastDeadline(t *testing.T) {
	for _, proto := range deliveryProtocols {
		t.Run(proto, func(t *testing.T) {
			col := collectortest.Start(t)
			px := startOTLPProxy(t, col, func(call, _, _ int) fault {
				if call == 0 {
					return pass
				}
				return fault{hold: true}
			})
			r := startDelivery(t, proto, px.endpoint(proto), otlpsink.WithScheduleDelay(time.Hour))
			r.logN(0, 10)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			if err := r.p.ForceFlush(ctx); err != nil {
				t.Fatalf("ForceFlush: %v", err)
			}
			cancel()
			r.logN(10, 15)
			// A flush bounded short seals the batch; its answer never comes.
			ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
			_ = r.p.ForceFlush(ctx)
			cancel()
			if !waitFor(time.Minute, func() bool { return len(px.Calls()) == 2 }) {
				t.Fatalf("the second batch never reached the proxy: %+v", px.Calls())
			}
			err := r.shutdown(t, 2*time.Second)
			var de *otlpsink.DeliveryError
			if !errors.As(err, &de) || de.Unknown != 15 || de.Records != 0 {
				t.Errorf("Shutdown: %v, want 15 records of unknown outcome, none lost", err)
			}
			st := r.p.Stats()
			if st.OutcomeUnknown != 15 || st.FailedShutdown != 0 || st.Exported != 10 {
				t.Errorf("stats %+v, want 15 unknown, 10 exported", st)
			}
			checkBalance(t, col, st, 25)
		})
	}
}

// TestShutdownKeepsRealCause: when Shutdown's deadline ends the retries of a collector that
// keeps answering 503 / Unavailable, LastError and Shutdown's error still name that answer.
func TestShutdownKeepsRealCause(t *testing.T) {
	col := collectortest.Start(t)
	for _, proto := range deliveryProtocols {
		t.Run(proto, func(t *testing.T) {
			px := startOTLPProxy(t, col, func(int, int, int) fault {
				return fault{httpStatus: 503, grpcCode: codes.Unavailable, message: "upstream-overloaded"}
			})
			r := startDelivery(t, proto, px.endpoint(proto))
			r.logN(0, 5)
			if !waitFor(time.Minute, func() bool { return len(px.Calls()) >= 2 }) {
				t.Fatal("no retry reached the proxy")
			}
			err := r.shutdown(t, time.Second)
			st := r.p.Stats()
			if err == nil || !strings.Contains(err.Error(), "upstream-overloaded") {
				t.Errorf("Shutdown: %v, want the collector's answer in it", err)
			}
			if !strings.Contains(st.LastError, "upstream-overloaded") {
				t.Errorf("LastError %q, want the collector's answer in it", st.LastError)
			}
			// The deadline ends either a wait between attempts (the records are lost at
			// shutdown) or an attempt in flight, whose answer never comes (their outcome is
			// unknown): which one is a matter of timing.
			if st.FailedShutdown+st.OutcomeUnknown != 5 || st.Exported != 0 {
				t.Errorf("stats %+v, want 5 lost at shutdown or of unknown outcome", st)
			}
		})
	}
}

// TestOversizedBurstsDelivered: bursts whose batches the collector's default limits (4 MiB per
// gRPC message, 20 MiB per HTTP body) would refuse whole arrive in full, straight to the real
// collector: 10,000 records with a 2.5 KB attribute over gRPC, 8,000 of 11 KB over HTTP; and a
// single 10 MiB message arrives (cut down to fit over gRPC, whole over HTTP) without its 499
// neighbours lost.
func TestOversizedBurstsDelivered(t *testing.T) {
	if testing.Short() {
		t.Skip("large bursts")
	}
	cases := []struct {
		proto    string
		n, attrB int
	}{
		{"grpc", 10000, 2500},
		{"http/protobuf", 8000, 11000},
	}
	for _, c := range cases {
		t.Run(c.proto+" burst", func(t *testing.T) {
			col := collectortest.Start(t)
			ep := collectorEndpoint(col, c.proto)
			r := startDelivery(t, c.proto, ep, otlpsink.WithMaxQueueSize(c.n))
			r.logN(0, c.n, "pad", strings.Repeat("p", c.attrB))
			if err := r.shutdown(t, 3*time.Minute); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			st := r.p.Stats()
			checkBalance(t, col, st, c.n)
			if st.Undelivered() != 0 || st.Truncated != 0 || st.Splits != 0 {
				t.Errorf("stats %+v, want every record delivered whole, in batches that fit (no split)", st)
			}
		})
	}
	for _, proto := range deliveryProtocols {
		t.Run(proto+" 10 MiB message", func(t *testing.T) {
			col := collectortest.Start(t)
			ep := collectorEndpoint(col, proto)
			r := startDelivery(t, proto, ep)
			big := strings.Repeat("m", 10<<20)
			r.logN(0, 250)
			r.log.Info(big, "seq", 250)
			r.logN(251, 249)
			if err := r.shutdown(t, 3*time.Minute); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			st := r.p.Stats()
			seen := checkBalance(t, col, st, 500)
			if st.Undelivered() != 0 {
				t.Errorf("stats %+v, want all 500 delivered", st)
			}
			rec, ok := seen["250"]
			switch {
			case !ok:
				t.Error("the 10 MiB message did not arrive")
			case proto == "grpc" && (rec.Attributes[otlpsink.TruncatedKey] == nil || len(rec.Body) >= len(big) || len(rec.Body) < 1<<20):
				t.Errorf("over gRPC the message arrived with %d bytes, attributes %v; want it cut down to fit 4 MiB, marked", len(rec.Body), rec.Attributes)
			case proto != "grpc" && rec.Body != big:
				t.Errorf("over HTTP the message arrived with %d bytes, want it whole", len(rec.Body))
			}
		})
	}
}

// TestHugeArrayDelivered: a record whose one attribute is an array of 2,000,000 ints (26 MB by
// the estimate, 18 MB encoded: more than either protocol's batch cap, and than the collector's
// 4 MiB gRPC limit) arrives cut down to its first elements and marked, beside its neighbours.
// Before, strings were all truncation could cut: over gRPC the record was refused and lost.
func TestHugeArrayDelivered(t *testing.T) {
	if testing.Short() {
		t.Skip("large record")
	}
	col := collectortest.Start(t)
	ints := make([]int, 2_000_000)
	for i := range ints {
		ints[i] = i * 1000003
	}
	for _, proto := range deliveryProtocols {
		t.Run(proto, func(t *testing.T) {
			ep := collectorEndpoint(col, proto)
			before := len(col.Logs())
			r := startDelivery(t, proto, ep)
			r.logN(0, 10, "run", proto)
			r.log.Info("huge", "seq", 10, "run", proto, "matrix", ints)
			r.logN(11, 9, "run", proto)
			if err := r.shutdown(t, 3*time.Minute); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			st := r.p.Stats()
			if st.Exported != 20 || st.Undelivered() != 0 || st.Truncated != 1 {
				t.Errorf("stats %+v, want all 20 exported, one truncated", st)
			}
			var huge *collectortest.LogRecord
			recs := col.WaitLogs(t, before+20, time.Minute)[before:]
			for i := range recs {
				if recs[i].Body == "huge" {
					huge = &recs[i]
				}
			}
			if len(recs) != 20 || huge == nil {
				t.Fatalf("collector got %d records (the huge one: %v), want 20 with it", len(recs), huge != nil)
			}
			kept, _ := huge.Attributes["matrix"].([]any)
			if huge.Attributes[otlpsink.TruncatedKey] == nil || len(kept) < 10_000 || len(kept) >= len(ints) {
				t.Fatalf("the huge record arrived with %d of %d elements, attributes %v; want it cut down, marked",
					len(kept), len(ints), slices.Sorted(maps.Keys(huge.Attributes)))
			}
			for i, v := range kept {
				if fmt.Sprint(v) != strconv.Itoa(ints[i]) {
					t.Fatalf("element %d is %v, want %d: the array kept is not the first elements", i, v, ints[i])
				}
			}
			t.Logf("%s: %d of %d elements arrived", proto, len(kept), len(ints))
		})
	}
}

// collectorEndpoint is col's endpoint for protocol, as OTEL_EXPORTER_OTLP_ENDPOINT names it.
func collectorEndpoint(col *collectortest.Collector, protocol string) string {
	if protocol == "grpc" {
		return "http://" + col.GRPCEndpoint()
	}
	return col.HTTPEndpoint()
}

// TestInvalidUTF8Delivered: strings that are not UTF-8 at any depth of any value kind
// (attribute.Value string slices, slices and maps, map keys, the body) are repaired, through
// the handler and through the SDK's own logger (another bridge): every record arrives.
func TestInvalidUTF8Delivered(t *testing.T) {
	col := collectortest.Start(t)
	for _, proto := range deliveryProtocols {
		t.Run(proto, func(t *testing.T) {
			ep := collectorEndpoint(col, proto)
			before := len(col.Logs())
			r := startDelivery(t, proto, ep)
			const n = 1000
			r.logN(0, n/2,
				slog.Any("tags", attribute.StringSliceValue([]string{"caf\xe9"})),
				slog.Any("nested", attribute.SliceValue(attribute.StringValue("x\xc3"),
					attribute.MapValue(attribute.String("k\xff", "v\xfe")))))
			sdk := r.p.Provider().Logger("other-bridge")
			for i := n / 2; i < n; i++ {
				var rec apilog.Record
				rec.SetBody(attribute.StringValue("body \xff"))
				rec.AddAttributes(attribute.Int("seq", i), attribute.String("bad\xfe", "v\xc0"),
					attribute.KeyValue{Key: "m", Value: attribute.MapValue(attribute.StringSlice("s", []string{"\xe9"}))})
				sdk.Emit(context.Background(), rec)
			}
			if err := r.shutdown(t, time.Minute); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			st := r.p.Stats()
			if st.Exported != n || st.Undelivered() != 0 {
				t.Errorf("stats %+v, want all %d delivered", st, n)
			}
			got := col.WaitLogs(t, before+n, time.Minute)[before:]
			if len(got) != n {
				t.Fatalf("collector got %d, want %d", len(got), n)
			}
			tagged := 0
			for _, rec := range got {
				if tags, ok := rec.Attributes["tags"]; ok {
					tagged++
					if s := fmt.Sprint(tags); !strings.Contains(s, "caf\uFFFD") {
						t.Errorf("tags arrived as %q, want the bad byte replaced", s)
					}
				}
			}
			if tagged != n/2 {
				t.Errorf("%d records with tags arrived, want %d", tagged, n/2)
			}
		})
	}
}

// TestBalanceAcrossShutdown: goroutines log before, during and after Shutdown (and through a
// handler made after it): every log call is counted, Emitted == Exported + Undelivered +
// OutcomeUnknown, and the collector holds exactly the exported records.
func TestBalanceAcrossShutdown(t *testing.T) {
	for _, proto := range deliveryProtocols {
		t.Run(proto, func(t *testing.T) {
			col := collectortest.Start(t)
			ep := collectorEndpoint(col, proto)
			r := startDelivery(t, proto, ep)
			const workers, after = 4, 2000
			var (
				wg     sync.WaitGroup
				mu     sync.Mutex
				logged int
				seq    int
			)
			next := func() int {
				mu.Lock()
				defer mu.Unlock()
				seq++
				logged++
				return seq
			}
			shutdownDone := make(chan struct{})
			for range workers {
				wg.Go(func() {
					// Log until Shutdown returned, then `after` records more (bounded: at
					// most 200,000 in all, a guard against a Shutdown that never returns).
					for i := 0; i < 200000; i++ {
						select {
						case <-shutdownDone:
							for range after {
								r.log.Info("late", "seq", next())
							}
							return
						default:
						}
						r.log.Info("record", "seq", next())
					}
				})
			}
			if !waitFor(time.Minute, func() bool { return r.p.Stats().Exported > 1000 }) {
				t.Fatal("nothing exported")
			}
			_ = r.shutdown(t, 10*time.Second)
			close(shutdownDone)
			wg.Wait()
			fresh := slog.New(otlpsink.NewHandler(r.p.Provider(), nil))
			for range 100 {
				fresh.Info("after", "seq", next())
			}
			st := r.p.Stats()
			checkBalance(t, col, st, logged)
			if st.DroppedShutdown < workers*after+100 {
				t.Errorf("DroppedShutdown %d, want at least the %d records logged after Shutdown", st.DroppedShutdown, workers*after+100)
			}
		})
	}
}

// BenchmarkSplitCost measures what splitting costs: one 512-record batch (1 KB records)
// delivered through the proxy whole, and refused as too large until split into 8 batches of
// 64 (15 requests, 7 of them refused).
func BenchmarkSplitCost(b *testing.B) {
	col := collectortest.Start(b)
	for _, proto := range deliveryProtocols {
		for _, limit := range []int{512, 64} {
			name := proto + "/whole"
			if limit < 512 {
				name = proto + "/split"
			}
			b.Run(name, func(b *testing.B) {
				px := startOTLPProxy(b, col, func(_, n, _ int) fault {
					if n > limit {
						return fault{httpStatus: 413, grpcCode: codes.ResourceExhausted, message: "grpc: received message larger than max"}
					}
					return pass
				})
				r := startDelivery(b, proto, px.endpoint(proto), otlpsink.WithScheduleDelay(time.Hour))
				pad := strings.Repeat("p", 1000)
				ctx := context.Background()
				for i := 0; b.Loop(); i++ {
					r.logN(i*512, 512, "pad", pad)
					if err := r.p.ForceFlush(ctx); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(px.Calls()))/float64(b.N), "requests/op")
				if st := r.p.Stats(); st.Undelivered() != 0 {
					b.Fatalf("records lost: %+v", st)
				}
			})
		}
	}
}
