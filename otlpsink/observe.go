package otlpsink

import (
	"context"
	"errors"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc/status"
)

// ExportOperation describes one finished export of a batch: its first attempt through its
// last, retries and backoff included. A WithExportObserver function receives it.
type ExportOperation struct {
	Records  int           // records in the batch
	Duration time.Duration // from the start of the first attempt to the end of the last
	// Rejected counts the records the receiver refused in a partial-success answer.
	Rejected int64
	// Err is the last attempt's error; nil when every record was delivered.
	Err error
}

// ErrorType classifies Err in a few words, for the error.type attribute of the OpenTelemetry
// SDK metrics: "" on success, "rejected" for a partial success, "timeout" or "cancelled" for
// an attempt cut off by its context, the gRPC status code in lower case ("unavailable") when
// the exporter gave one, and "_OTHER" otherwise.
func (o ExportOperation) ErrorType() string {
	if o.Err == nil {
		return ""
	}
	if _, partial := partialSuccess(o.Err); partial {
		if o.Rejected > 0 {
			return "rejected"
		}
		return "" // a warning: every record was delivered
	}
	switch {
	case errors.Is(o.Err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(o.Err, context.Canceled):
		return "cancelled"
	}
	if s, ok := status.FromError(o.Err); ok && s.Code() != 0 {
		return grpcCodeName(s.Code().String())
	}
	return "_OTHER"
}

// grpcCodeName turns a gRPC code's String ("Unavailable", "DeadlineExceeded") into the
// snake case the conventions use ("unavailable", "deadline_exceeded").
func grpcCodeName(s string) string {
	b := make([]byte, 0, len(s)+4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			if i > 0 {
				b = append(b, '_')
			}
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

// WithExportObserver sets a function called once per finished export (after its last
// attempt), from the processor's goroutines, never from a log call and never with a lock
// held: for export metrics. It should return quickly.
func WithExportObserver(f func(ExportOperation)) ProcessorOption {
	return func(c *processorConfig) { c.observe = f }
}

// observeExport hands the outcome of an export begun at start to the observer, if any.
func (p *Processor) observeExport(start time.Time, n int, rejected int64, err error) {
	if f := p.cfg.observe; f != nil {
		func() {
			defer func() { _ = recover() }()
			f(ExportOperation{Records: n, Duration: time.Since(start), Rejected: rejected, Err: err})
		}()
	}
}

// sdkDisabledValue is the OTEL_SDK_DISABLED value that disables the SDK (case-insensitive,
// surrounding whitespace ignored).
const sdkDisabledValue = "true"

// SDKDisabled reports whether OTEL_SDK_DISABLED disables the SDK: for the other signals a
// program sends alongside, such as logbridge's own metrics.
func SDKDisabled() bool {
	return strings.EqualFold(strings.TrimSpace(os.Getenv(envSDKDisabled)), sdkDisabledValue)
}

// QueueCapacity returns how many records the processor holds at most (WithMaxQueueSize).
func (p *Processor) QueueCapacity() int { return p.cfg.maxQueue }

// QueueCapacity returns how many records the Pipeline's processors hold at most, summed; 0
// for a disabled Pipeline or a caller's provider.
func (p *Pipeline) QueueCapacity() int {
	n := 0
	for _, proc := range p.procs {
		n += proc.QueueCapacity()
	}
	return n
}
