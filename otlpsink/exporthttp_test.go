package otlpsink

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/proto"
)

// testRecords returns n records of one resource and scope.
func testRecords(n int) []sdklog.Record {
	base := recordOf(resource.NewSchemaless(attribute.String("service.name", "t")), "scope")
	recs := make([]sdklog.Record, n)
	for i := range recs {
		recs[i] = base.Clone()
		recs[i].SetBody(attribute.IntValue(i))
	}
	return recs
}

// answer is what the test server replies.
type answer struct {
	code        int
	header      map[string]string
	contentType string
	body        []byte
}

func protoBody(t *testing.T, m proto.Message) []byte {
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHTTPExporterAnswers(t *testing.T) {
	const secret = "s3cr3t-token"
	date := time.Now().Add(2 * time.Minute).UTC().Format(http.TimeFormat)
	for _, tt := range []struct {
		name  string
		ans   func(t *testing.T) answer
		check func(t *testing.T, err error)
	}{
		{"200 empty", func(*testing.T) answer { return answer{code: 200} }, func(t *testing.T, err error) {
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"200 empty response message", func(t *testing.T) answer {
			return answer{code: 200, contentType: "application/x-protobuf", body: protoBody(t, &collogspb.ExportLogsServiceResponse{
				PartialSuccess: &collogspb.ExportLogsPartialSuccess{}})}
		}, func(t *testing.T, err error) {
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"partial success", func(t *testing.T) answer {
			return answer{code: 200, contentType: "application/x-protobuf", body: protoBody(t, &collogspb.ExportLogsServiceResponse{
				PartialSuccess: &collogspb.ExportLogsPartialSuccess{RejectedLogRecords: 2, ErrorMessage: "too old"}})}
		}, func(t *testing.T, err error) {
			ps, ok := partialSuccess(err)
			if !ok || ps != (partial{2, "too old"}) {
				t.Fatalf("partialSuccess(%v) = %+v, %v", err, ps, ok)
			}
		}},
		{"partial success warning", func(t *testing.T) answer {
			return answer{code: 200, contentType: "application/x-protobuf", body: protoBody(t, &collogspb.ExportLogsServiceResponse{
				PartialSuccess: &collogspb.ExportLogsPartialSuccess{ErrorMessage: "slow down"}})}
		}, func(t *testing.T, err error) {
			ps, ok := partialSuccess(err)
			if !ok || ps != (partial{0, "slow down"}) {
				t.Fatalf("partialSuccess(%v) = %+v, %v", err, ps, ok)
			}
		}},
		{"429 Retry-After seconds", func(*testing.T) answer {
			return answer{code: 429, header: map[string]string{"Retry-After": "3"}}
		}, func(t *testing.T, err error) {
			if v := classify(err); !v.retry || v.throttle != 3*time.Second {
				t.Fatalf("classify(%v) = %+v", err, v)
			}
		}},
		{"503 Retry-After date", func(*testing.T) answer {
			return answer{code: 503, header: map[string]string{"Retry-After": date}}
		}, func(t *testing.T, err error) {
			if v := classify(err); !v.retry || v.throttle < time.Minute || v.throttle > 2*time.Minute {
				t.Fatalf("classify(%v) = %+v", err, v)
			}
		}},
		{"502 and 504 retryable", func(*testing.T) answer { return answer{code: 502, body: []byte("bad gateway")} }, func(t *testing.T, err error) {
			if v := classify(err); !v.retry || v.throttle != 0 {
				t.Fatalf("classify(%v) = %+v", err, v)
			}
		}},
		{"504", func(*testing.T) answer { return answer{code: 504} }, func(t *testing.T, err error) {
			if v := classify(err); !v.retry {
				t.Fatalf("classify(%v) = %+v", err, v)
			}
		}},
		{"401 permanent with the Status message", func(t *testing.T) answer {
			return answer{code: 401, contentType: "application/x-protobuf", body: protoBody(t, &status.Status{Code: 16, Message: "bad token"})}
		}, func(t *testing.T, err error) {
			if v := classify(err); v.retry || v.status != "HTTP 401 Unauthorized" {
				t.Fatalf("classify(%v) = %+v", err, v)
			}
			if got := err.Error(); !strings.HasPrefix(got, "otlp http: http://127.0.0.1:") || !strings.HasSuffix(got, "/custom/v1/logs: 401 Unauthorized: bad token") {
				t.Fatalf("error %q", got)
			}
		}},
		{"404 for the hint", func(*testing.T) answer { return answer{code: 404, body: []byte("404 page not found\n")} }, func(t *testing.T, err error) {
			if !strings.Contains(err.Error(), " 404 Not Found") || classify(err).retry {
				t.Fatalf("error %q, verdict %+v", err, classify(err))
			}
		}},
		{"400 request body too large", func(t *testing.T) answer {
			return answer{code: 400, contentType: "application/x-protobuf", body: protoBody(t, &status.Status{Code: 3, Message: "request body too large"})}
		}, func(t *testing.T, err error) {
			if v := classify(err); v.retry || !v.tooLarge {
				t.Fatalf("classify(%v) = %+v", err, v)
			}
		}},
		{"413", func(*testing.T) answer { return answer{code: 413, body: []byte("too big \x1b[31m")} }, func(t *testing.T, err error) {
			if v := classify(err); v.retry || !v.tooLarge || strings.Contains(err.Error(), "\x1b") {
				t.Fatalf("classify(%q) = %+v", err, v)
			}
		}},
		{"400 other", func(*testing.T) answer { return answer{code: 400, body: bytes.Repeat([]byte("x"), 100000)} }, func(t *testing.T, err error) {
			if v := classify(err); v.retry || v.tooLarge || len(err.Error()) > 2*maxAnswerText {
				t.Fatalf("classify = %+v, %d bytes of error", v, len(err.Error()))
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ans := tt.ans(t)
			var got *http.Request
			var gotBody []byte
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r
				gotBody, _ = io.ReadAll(r.Body)
				for k, v := range ans.header {
					w.Header().Set(k, v)
				}
				if ans.contentType != "" {
					w.Header().Set("Content-Type", ans.contentType)
				}
				w.WriteHeader(ans.code)
				_, _ = w.Write(ans.body)
			}))
			defer srv.Close()
			x := newHTTPExporter(httpConfig{url: srv.URL + "/custom/v1/logs", headers: map[string]string{"Authorization": "Bearer " + secret},
				timeout: 5 * time.Second})
			defer x.Shutdown(context.Background())
			recs := testRecords(3)
			err := x.Export(context.Background(), recs)
			tt.check(t, err)
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Fatalf("the error %q holds the header value", err)
			}
			if got == nil {
				t.Fatal("no request")
			}
			if got.URL.Path != "/custom/v1/logs" || got.Header.Get("Authorization") != "Bearer "+secret ||
				got.Header.Get("Content-Type") != "application/x-protobuf" || got.Header.Get("User-Agent") != httpUserAgent {
				t.Fatalf("request %s %v", got.URL, got.Header)
			}
			var e logsEncoder
			if err := e.encode(sdkRecords(recs)); err != nil || !bytes.Equal(e.buf, gotBody) {
				t.Fatalf("body is not encodeLogs' (%v)", err)
			}
		})
	}
}

// TestHTTPExporterGzip checks the compressed body and that concurrent exports (as the
// Processor runs them) each send their own batch, with pooled buffers and writers.
func TestHTTPExporterGzip(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("Content-Encoding %q", r.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			t.Error(err)
			return
		}
		b, _ := io.ReadAll(zr)
		var req collogspb.ExportLogsServiceRequest
		if err := proto.Unmarshal(b, &req); err != nil {
			t.Error(err)
			return
		}
		n := len(req.ResourceLogs[0].ScopeLogs[0].LogRecords)
		mu.Lock()
		seen[n]++
		mu.Unlock()
	}))
	defer srv.Close()
	x := newHTTPExporter(httpConfig{url: srv.URL + "/v1/logs", timeout: 5 * time.Second, gzip: true})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			recs := testRecords(10 + g)
			for range 20 {
				if err := x.Export(context.Background(), recs); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for g := range 4 {
		if seen[10+g] != 20 {
			t.Errorf("batches seen by size: %v", seen)
		}
	}
	if err := x.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := x.Export(context.Background(), testRecords(1)); !errors.Is(err, sdklog.ErrExporterShutdown) {
		t.Fatalf("after Shutdown: %v", err)
	}
}

// TestHTTPExporterNoAnswer: no answer at all is retried, as classify retries otlploghttp's
// transport errors, and the attempt is marked sent only when the request went out.
func TestHTTPExporterNoAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	x := newHTTPExporter(httpConfig{url: "http://" + addr + "/v1/logs", timeout: 5 * time.Second})
	a := &attempt{n: 1}
	ctx := httpSentTrace(context.WithValue(context.Background(), attemptKey{}, a))
	err = x.Export(ctx, testRecords(1))
	if v := classify(err); err == nil || !v.retry {
		t.Fatalf("refused: %v, verdict %+v", err, v)
	}
	if a.sent.Load() {
		t.Fatal("a refused connection marked the attempt sent")
	}

	// A server that reads the request and hangs up, then one that never answers.
	hang := make(chan struct{})
	defer close(hang)
	for _, tt := range []struct {
		name string
		h    http.HandlerFunc
	}{
		{"reset", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body)
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}},
		{"timeout", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body)
			select {
			case <-hang:
			case <-r.Context().Done():
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.h)
			defer srv.Close()
			x := newHTTPExporter(httpConfig{url: srv.URL + "/v1/logs", timeout: 300 * time.Millisecond})
			a := &attempt{n: 1}
			ctx := httpSentTrace(context.WithValue(context.Background(), attemptKey{}, a))
			start := time.Now()
			err := x.Export(ctx, testRecords(1))
			if v := classify(err); err == nil || !v.retry {
				t.Fatalf("%v, verdict %+v", err, v)
			}
			if !a.sent.Load() {
				t.Fatal("attempt not marked sent")
			}
			if time.Since(start) > 5*time.Second {
				t.Fatalf("took %v", time.Since(start))
			}
		})
	}
}

func TestHTTPExporterTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
	}))
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	x := newHTTPExporter(httpConfig{url: srv.URL + "/v1/logs", timeout: 5 * time.Second, tls: &tls.Config{RootCAs: pool}})
	if err := x.Export(context.Background(), testRecords(2)); err != nil {
		t.Fatal(err)
	}
	untrusted := newHTTPExporter(httpConfig{url: srv.URL + "/v1/logs", timeout: 5 * time.Second, tls: &tls.Config{}})
	if err := untrusted.Export(context.Background(), testRecords(2)); err == nil {
		t.Fatal("an unknown CA was accepted")
	}
}

func TestHTTPConfigFromEnv(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "https://user:pw@collector:4318/custom?x=1")
	t.Setenv("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "a=b%20c")
	t.Setenv("OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "gzip")
	t.Setenv("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "1500")
	p := &Pipeline{red: newRedactorFromEnv()}
	env, err := p.readExporterEnv(ProtocolHTTPProtobuf)
	if err != nil {
		t.Fatal(err)
	}
	c := env.httpConfig()
	if c.url != "https://collector:4318/custom" || c.headers["a"] != "b c" || !c.gzip || c.timeout != 1500*time.Millisecond || c.tls == nil {
		t.Fatalf("%+v", c)
	}
}

// TestGRPCTargetPort: a gRPC endpoint without a port dials its scheme's (grpc-go would dial
// 443 for both), through logbridge's exporter and otlploggrpc's options alike; a port given is
// kept, an IPv6 host stays bracketed.
func TestGRPCTargetPort(t *testing.T) {
	for endpoint, want := range map[string]string{
		"http://collector":        "collector:80",
		"https://collector":       "collector:443",
		"http://collector:4317":   "collector:4317",
		"https://[::1]/":          "[::1]:443",
		"http://user:pw@[::1]":    "[::1]:80",
		"http://collector:4317/x": "collector:4317",
	} {
		t.Run(endpoint, func(t *testing.T) {
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
			p := &Pipeline{red: newRedactorFromEnv()}
			env, err := p.readExporterEnv(ProtocolGRPC)
			if err != nil {
				t.Fatal(err)
			}
			if got := env.grpcConfig().target; got != want {
				t.Errorf("logbridge's exporter dials %q, want %q", got, want)
			}
			// otlploggrpc.WithEndpointURL takes the host and port of this URL.
			if got := env.endpoint.Host; got != want {
				t.Errorf("otlploggrpc is given the endpoint host %q, want %q", got, want)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"": 0, "0": 0, "7": 7 * time.Second, " 7 ": 7 * time.Second, "-1": 0, "soon": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
		"99999999999999999999":                            0,
		"9999999999999":                                   time.Duration(1<<63 - 1),
	} {
		if got := retryAfter(v, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}
