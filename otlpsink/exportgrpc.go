package otlpsink

import (
	"context"
	"crypto/tls"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	sdklog "go.opentelemetry.io/otel/sdk/log"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/metadata"
)

// grpcUserAgent is the user agent of logbridge's OTLP/gRPC exporter (grpc-go appends its own).
const grpcUserAgent = "logbridge OTLP over gRPC logs exporter/1"

// grpcExportMethod is the OTLP logs service's Export method.
const grpcExportMethod = "/opentelemetry.proto.collector.logs.v1.LogsService/Export"

// grpcConfig is what the gRPC exporter sends with: the settings exporterEnv carries.
type grpcConfig struct {
	target  string // host:port
	headers map[string]string
	timeout time.Duration
	gzip    bool
	tls     *tls.Config // nil for plain text (an http:// endpoint)
}

// grpcConfig turns e into the gRPC exporter's settings, with the defaults grpcOptions gives
// otlploggrpc: as otlploggrpc does with WithEndpointURL, only the URL's host (and port) is
// used, plain text for http and TLS for https.
func (e exporterEnv) grpcConfig() grpcConfig {
	return grpcConfig{target: e.endpoint.Host, headers: e.headers, timeout: e.exportTimeout(), gzip: e.compression == "gzip", tls: e.tlsConfig()}
}

// grpcExporter is logbridge's OTLP/gRPC exporter: an sdklog.Exporter that encodes a batch
// with logsEncoder straight to protobuf and sends those bytes as the Export call's message
// (a codec that passes bytes through), instead of otlploggrpc's logpb objects marshaled per
// call: the same reason, and the same measurements, as httpExporter's. Answers are what
// otlploggrpc returns: the call's status error (classify reads its code and RetryInfo), or,
// for a partial success, a partialSuccessError. The connection's stats handler (sentTracer)
// tells the Processor when a request went out. It does not retry: the Processor does.
type grpcExporter struct {
	cfg     grpcConfig
	conn    *grpc.ClientConn
	md      metadata.MD
	call    []grpc.CallOption
	stopped atomic.Bool
	encs    sync.Pool // *logsEncoder
}

var _ encodingExporter = (*grpcExporter)(nil)

// newGRPCExporter returns an exporter for cfg. The connection is made lazily, at the first
// export (grpc.NewClient does not dial).
func newGRPCExporter(cfg grpcConfig) (*grpcExporter, error) {
	creds := insecure.NewCredentials()
	if cfg.tls != nil {
		creds = credentials.NewTLS(cfg.tls)
	}
	conn, err := grpc.NewClient(cfg.target,
		grpc.WithTransportCredentials(creds),
		grpc.WithUserAgent(grpcUserAgent),
		grpc.WithStatsHandler(sentTracer{}),
	)
	if err != nil {
		return nil, fmt.Errorf("otlp grpc: %w", err)
	}
	call := []grpc.CallOption{grpc.ForceCodec(bytesCodec{})}
	if cfg.gzip {
		call = append(call, grpc.UseCompressor(gzip.Name))
	}
	return &grpcExporter{cfg: cfg, conn: conn, md: metadata.New(cfg.headers), call: call}, nil
}

// Export encodes recs and sends them. After Shutdown it returns sdklog.ErrExporterShutdown
// and sends nothing.
func (x *grpcExporter) Export(ctx context.Context, recs []sdklog.Record) error {
	return x.send(ctx, sdkRecords(recs))
}

// exportEncoded sends records encoded at the call, as Export does SDK records.
func (x *grpcExporter) exportEncoded(ctx context.Context, pt encPart) error { return x.send(ctx, pt) }

// send encodes recs and sends them.
func (x *grpcExporter) send(ctx context.Context, recs recordSource) error {
	if x.stopped.Load() {
		return sdklog.ErrExporterShutdown
	}
	if recs.len() == 0 {
		return nil
	}
	enc, _ := x.encs.Get().(*logsEncoder)
	if enc == nil {
		enc = new(logsEncoder)
	}
	defer func() {
		if cap(enc.buf) <= maxPooledBody {
			x.encs.Put(enc)
		}
	}()
	if err := enc.encode(recs); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, x.cfg.timeout)
	defer cancel()
	if len(x.md) > 0 {
		ctx = metadata.NewOutgoingContext(ctx, x.md)
	}
	req, resp := enc.buf, []byte(nil)
	if err := x.conn.Invoke(ctx, grpcExportMethod, &req, &resp, x.call...); err != nil {
		return err // a status error: its code and details are what classify reads
	}
	ps, err := parsePartialSuccess(resp, "otlp grpc")
	if err != nil {
		return fmt.Errorf("otlp grpc: an unreadable ExportLogsServiceResponse: %w", err)
	}
	if ps != nil {
		return ps
	}
	return nil
}

// Shutdown closes the connection; later exports return sdklog.ErrExporterShutdown.
func (x *grpcExporter) Shutdown(context.Context) error {
	if x.stopped.Swap(true) {
		return nil
	}
	return x.conn.Close()
}

// ForceFlush does nothing: the exporter holds no records.
func (x *grpcExporter) ForceFlush(context.Context) error { return nil }

// bytesCodec is a gRPC codec whose messages are *[]byte: the request goes out as encoded, and
// the answer is kept as it came. Its name is "proto", the content subtype the OTLP receiver
// expects.
type bytesCodec struct{}

func (bytesCodec) Marshal(v any) ([]byte, error) { return *v.(*[]byte), nil }
func (bytesCodec) Unmarshal(data []byte, v any) error {
	*v.(*[]byte) = append((*v.(*[]byte))[:0], data...)
	return nil
}
func (bytesCodec) Name() string { return "proto" }
