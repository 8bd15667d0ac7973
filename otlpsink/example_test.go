package otlpsink_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/logbridge/logbridge/otlpsink"
)

// printExporter prints the records it exports; a stand-in for the OTLP exporter.
type printExporter struct{ mu sync.Mutex }

func (e *printExporter) Export(_ context.Context, recs []sdklog.Record) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, r := range recs {
		var attrs []string
		r.WalkAttributes(func(kv attribute.KeyValue) bool {
			attrs = append(attrs, fmt.Sprintf("%s=%s", kv.Key, kv.Value.String()))
			return true
		})
		sort.Strings(attrs)
		fmt.Printf("scope=%s severity=%s body=%q\n  %v\n", r.InstrumentationScope().Name, r.SeverityText(),
			r.Body().AsString(), attrs)
	}
	return nil
}

func (*printExporter) Shutdown(context.Context) error   { return nil }
func (*printExporter) ForceFlush(context.Context) error { return nil }

func Example() {
	ctx := context.Background()
	// NewPipeline reads the OTEL_* env vars; WithExporter replaces the OTLP exporter here.
	p, err := otlpsink.NewPipeline(ctx, otlpsink.WithExporter(&printExporter{}))
	if err != nil {
		panic(err)
	}
	h := otlpsink.NewHandler(p.Provider(), &otlpsink.Options{Level: slog.LevelDebug})
	logger := slog.New(h.WithLogger("shop/cart", "core"))

	logger.Info("[bold]cart[/] checked out", "items", 3, slog.Group("user", "id", 42), "note", "[b]data[/b]")
	logger.Error("payment failed", "err", errors.New("card declined"), "amount", 12.5)

	if err := p.Shutdown(ctx); err != nil {
		panic(err)
	}
	st := p.Stats()
	fmt.Printf("emitted %d, exported %d, undelivered %d\n", st.Emitted, st.Exported, st.Undelivered())
	// Output:
	// scope=shop/cart severity=INFO body="cart checked out"
	//   [items=3 log.category=core log.level=info note=[b]data[/b] user={"id":42}]
	// scope=shop/cart severity=ERROR body="payment failed"
	//   [amount=12.5 err=card declined exception.message=card declined exception.type=*errors.errorString log.category=core log.level=error]
	// emitted 2, exported 2, undelivered 0
}

// ExampleProcessor puts the Processor in front of an exporter of the caller's, in a
// LoggerProvider of the caller's.
func ExampleProcessor() {
	ctx := context.Background()
	proc := otlpsink.NewProcessor(&printExporter{},
		otlpsink.WithErrorHandler(func(err error) { fmt.Println("report:", err) }))
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(proc), sdklog.WithAllowKeyDuplication())
	logger := slog.New(otlpsink.NewHandler(lp, nil))

	logger.Warn("disk almost full", "free_mb", 120)

	if err := lp.Shutdown(ctx); err != nil {
		panic(err)
	}
	fmt.Printf("%+v\n", proc.Stats().Undelivered())
	// Output:
	// scope=github.com/logbridge/logbridge severity=WARNING body="disk almost full"
	//   [free_mb=120 log.level=warn]
	// 0
}
