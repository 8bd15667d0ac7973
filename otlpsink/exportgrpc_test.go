package otlpsink_test

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	collogpb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"
	"google.golang.org/protobuf/proto"

	"github.com/logbridge/logbridge/otlpsink"
)

// grpcCall is one Export call a grpcRecorder took: its metadata and request.
type grpcCall struct {
	md  metadata.MD
	req *collogpb.ExportLogsServiceRequest
}

// grpcRecorder is an OTLP/gRPC endpoint on 127.0.0.1 that keeps each Export call and answers
// success: for checking what a Pipeline's gRPC exporter sends (the e2e tests check delivery
// to the real collector).
type grpcRecorder struct {
	addr        string
	mu          sync.Mutex
	calls       []grpcCall
	compression []string // of each request, as its header said
}

func newGRPCRecorder(t *testing.T) *grpcRecorder {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &grpcRecorder{addr: ln.Addr().String()}
	srv := grpc.NewServer(grpc.StatsHandler(recorderStats{r}))
	collogpb.RegisterLogsServiceServer(srv, recorderService{r: r})
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return r
}

type recorderService struct {
	collogpb.UnimplementedLogsServiceServer
	r *grpcRecorder
}

func (s recorderService) Export(ctx context.Context, req *collogpb.ExportLogsServiceRequest) (*collogpb.ExportLogsServiceResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	s.r.mu.Lock()
	s.r.calls = append(s.r.calls, grpcCall{md: md, req: proto.Clone(req).(*collogpb.ExportLogsServiceRequest)})
	s.r.mu.Unlock()
	return &collogpb.ExportLogsServiceResponse{}, nil
}

// recorderStats notes the compression of each request.
type recorderStats struct{ r *grpcRecorder }

func (recorderStats) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context   { return ctx }
func (recorderStats) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (recorderStats) HandleConn(context.Context, stats.ConnStats)                       {}
func (s recorderStats) HandleRPC(_ context.Context, st stats.RPCStats) {
	if h, ok := st.(*stats.InHeader); ok {
		s.r.mu.Lock()
		s.r.compression = append(s.r.compression, h.Compression)
		s.r.mu.Unlock()
	}
}

func (r *grpcRecorder) taken() []grpcCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]grpcCall(nil), r.calls...)
}

// TestPipelineGRPCExporterChoice: over grpc a Pipeline exports with its own exporter, and
// with otlploggrpc when given otlploggrpc options (which then apply), each with the headers
// and compression from the environment, and the same record.
func TestPipelineGRPCExporterChoice(t *testing.T) {
	for _, tt := range []struct {
		name   string
		opts   []otlpsink.PipelineOption
		agent  string
		header string
	}{
		{"own", nil, "logbridge OTLP over gRPC logs exporter/", ""},
		{"otlploggrpc", []otlpsink.PipelineOption{otlpsink.WithGRPCOptions(otlploggrpc.WithHeaders(map[string]string{"x-opt": "yes", "x-env": "e"}))},
			"OTel Go OTLP over gRPC logs exporter/", "yes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newGRPCRecorder(t)
			clearEnv(t, map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://" + r.addr,
				"OTEL_EXPORTER_OTLP_COMPRESSION": "gzip", "OTEL_EXPORTER_OTLP_HEADERS": "x-env=e"})
			p, err := logThrough(t, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			calls := r.taken()
			if len(calls) != 1 {
				t.Fatalf("%d calls, want 1", len(calls))
			}
			md := calls[0].md
			if ua := strings.Join(md.Get("user-agent"), " "); !strings.HasPrefix(ua, tt.agent) ||
				strings.Join(md.Get("x-opt"), "") != tt.header || strings.Join(md.Get("x-env"), "") != "e" {
				t.Errorf("metadata %v", md)
			}
			r.mu.Lock()
			if c := r.compression; len(c) != 1 || c[0] != "gzip" {
				t.Errorf("request compression %q, want gzip", c)
			}
			r.mu.Unlock()
			rl := calls[0].req.GetResourceLogs()
			if len(rl) != 1 || len(rl[0].ScopeLogs) != 1 || len(rl[0].ScopeLogs[0].LogRecords) != 1 ||
				rl[0].ScopeLogs[0].LogRecords[0].GetBody().GetStringValue() != "hello" {
				t.Errorf("request %v", calls[0].req)
			}
			if st := p.Stats(); st.Exported != 1 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}
