package reliability

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	collogpb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/logbridge/logbridge/internal/collectortest"
)

// fault is how the OTLP proxy answers one export request instead of (or besides) passing it
// to the collector.
type fault struct {
	httpStatus int        // refuse over HTTP with this status (0: forward)
	grpcCode   codes.Code // refuse over gRPC with this code (OK: forward)
	message    string     // the refusal's body / status message

	retryAfter time.Duration // with a refusal: Retry-After (HTTP) or RetryInfo (gRPC)
	redirect   bool          // with an HTTP refusal (a 3xx): Location is the proxy's own URL
	retryInfo  bool          // gRPC: add RetryInfo even when retryAfter is 0

	// With forwarding: the partial success to answer with, and how many of the request's
	// records to forward (-1: all). A partial success rejecting k forwards n-k, so that what
	// the collector holds is what the exporter was told was accepted.
	partial *collogpb.ExportLogsPartialSuccess
	forward int

	hold bool // take the request, never forward it, never answer (until the proxy closes)

	// HTTP, with forwarding: answer 200 with this instead of the ExportLogsServiceResponse, as
	// a server that is not an OTLP receiver does (nil: OTLP's answer).
	answer *httpAnswer
}

// httpAnswer is a 200 answer's Content-Type ("": none) and body.
type httpAnswer struct{ typ, body string }

// pass forwards a request unchanged.
var pass = fault{forward: -1}

// otlpProxy is a fault-injecting OTLP receiver, HTTP and gRPC, on 127.0.0.1 in front of the real
// collector: plan decides, per request (by its number from 0, its records and its encoded
// size), whether it is refused (a status the test picks,
// Retry-After, RetryInfo), forwarded (whole or in part, with a partial-success answer) or held
// without an answer. It records every request it got.
type otlpProxy struct {
	col  *collectortest.Collector
	plan func(call, records, size int) fault

	httpSrv  *http.Server
	httpLn   net.Listener
	grpcSrv  *grpc.Server
	grpcLn   net.Listener
	upstream *grpc.ClientConn
	release  chan struct{} // closed when the proxy closes: held requests return

	mu    sync.Mutex
	calls []proxyCall
}

// proxyCall is one request the proxy got.
type proxyCall struct {
	at      time.Time
	records int
	answer  string // what the proxy did
}

// startOTLPProxy starts the proxy in front of col; it closes when the test ends.
func startOTLPProxy(t testing.TB, col *collectortest.Collector, plan func(call, records, size int) fault) *otlpProxy {
	t.Helper()
	p := &otlpProxy{col: col, plan: plan, release: make(chan struct{})}
	var err error
	if p.httpLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if p.grpcLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	p.upstream, err = grpc.NewClient(col.GRPCEndpoint(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(64<<20), grpc.MaxCallRecvMsgSize(64<<20)))
	if err != nil {
		t.Fatal(err)
	}
	p.httpSrv = &http.Server{Handler: http.HandlerFunc(p.serveHTTP), ReadHeaderTimeout: time.Minute}
	p.grpcSrv = grpc.NewServer(grpc.MaxRecvMsgSize(64 << 20))
	collogpb.RegisterLogsServiceServer(p.grpcSrv, &grpcFaults{p: p})
	go func() { _ = p.httpSrv.Serve(p.httpLn) }()
	go func() { _ = p.grpcSrv.Serve(p.grpcLn) }()
	t.Cleanup(p.close)
	return p
}

// HTTPEndpoint is the proxy's OTLP/HTTP base URL; GRPCEndpoint its gRPC one.
func (p *otlpProxy) HTTPEndpoint() string { return "http://" + p.httpLn.Addr().String() }
func (p *otlpProxy) GRPCEndpoint() string { return "http://" + p.grpcLn.Addr().String() }

// endpoint returns the proxy's endpoint for protocol.
func (p *otlpProxy) endpoint(protocol string) string {
	if protocol == "grpc" {
		return p.GRPCEndpoint()
	}
	return p.HTTPEndpoint()
}

func (p *otlpProxy) close() {
	select {
	case <-p.release:
		return
	default:
	}
	close(p.release)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = p.httpSrv.Shutdown(ctx)
	p.grpcSrv.Stop()
	_ = p.upstream.Close()
}

// Calls returns the requests the proxy got so far.
func (p *otlpProxy) Calls() []proxyCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]proxyCall(nil), p.calls...)
}

// decide records a request and returns its fault.
func (p *otlpProxy) decide(req *collogpb.ExportLogsServiceRequest) (fault, int) {
	n := countRecords(req)
	p.mu.Lock()
	call := len(p.calls)
	p.calls = append(p.calls, proxyCall{at: time.Now(), records: n})
	p.mu.Unlock()
	f := p.plan(call, n, proto.Size(req))
	p.mu.Lock()
	p.calls[call].answer = fmt.Sprintf("%+v", f)
	p.mu.Unlock()
	return f, n
}

func countRecords(req *collogpb.ExportLogsServiceRequest) int {
	n := 0
	for _, rl := range req.GetResourceLogs() {
		for _, sl := range rl.GetScopeLogs() {
			n += len(sl.GetLogRecords())
		}
	}
	return n
}

// keepRecords cuts req down to its first k records.
func keepRecords(req *collogpb.ExportLogsServiceRequest, k int) {
	for _, rl := range req.GetResourceLogs() {
		for _, sl := range rl.GetScopeLogs() {
			if len(sl.LogRecords) > k {
				sl.LogRecords = sl.LogRecords[:k]
			}
			k -= len(sl.LogRecords)
		}
	}
}

func (p *otlpProxy) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req collogpb.ExportLogsServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f, n := p.decide(&req)
	switch {
	case f.hold:
		<-p.release
		return
	case f.httpStatus != 0:
		if f.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(f.retryAfter/time.Second)))
		}
		if f.redirect {
			w.Header().Set("Location", p.HTTPEndpoint()+"/v1/logs")
		}
		http.Error(w, f.message, f.httpStatus)
		return
	}
	if f.forward >= 0 && f.forward < n {
		keepRecords(&req, f.forward)
	}
	if countRecords(&req) > 0 {
		out, _ := proto.Marshal(&req)
		resp, err := http.Post(p.col.HTTPEndpoint()+"/v1/logs", "application/x-protobuf", bytes.NewReader(out))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		rb, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			w.WriteHeader(resp.StatusCode)
			_, _ = w.Write(rb)
			return
		}
	}
	if f.answer != nil {
		if f.answer.typ != "" {
			w.Header().Set("Content-Type", f.answer.typ)
		}
		_, _ = io.WriteString(w, f.answer.body)
		return
	}
	out, _ := proto.Marshal(&collogpb.ExportLogsServiceResponse{PartialSuccess: f.partial})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

// grpcFaults is the proxy's gRPC logs service.
type grpcFaults struct {
	collogpb.UnimplementedLogsServiceServer
	p *otlpProxy
}

func (g *grpcFaults) Export(ctx context.Context, req *collogpb.ExportLogsServiceRequest) (*collogpb.ExportLogsServiceResponse, error) {
	p := g.p
	f, n := p.decide(req)
	switch {
	case f.hold:
		select {
		case <-p.release:
		case <-ctx.Done():
		}
		return nil, status.Error(codes.Unavailable, "proxy closed")
	case f.grpcCode != codes.OK:
		st := status.New(f.grpcCode, f.message)
		if f.retryAfter > 0 || f.retryInfo {
			if d, err := st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(f.retryAfter)}); err == nil {
				st = d
			}
		}
		return nil, st.Err()
	}
	if f.forward >= 0 && f.forward < n {
		keepRecords(req, f.forward)
	}
	if countRecords(req) > 0 {
		if _, err := collogpb.NewLogsServiceClient(p.upstream).Export(ctx, req); err != nil {
			return nil, err
		}
	}
	return &collogpb.ExportLogsServiceResponse{PartialSuccess: f.partial}, nil
}
