package grpcadapter_test

import (
	"context"
	"fmt"

	"github.com/logbridge/logbridge/adapters/grpcadapter"
	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/otellog"
)

// gRPC's logs in the bridge's "rpc" category, at debug: grpclog's verbosity levels are on.
func ExampleNewLogger() {
	cfg := config.Default()
	cfg.OTLP.Disabled = true // this example sends nothing anywhere
	lb, err := otellog.Setup(context.Background(), otellog.WithConfig(cfg), otellog.WithCategories("rpc"),
		otellog.WithLevels("rpc=debug"), otellog.WithInstallDefault(false))
	if err != nil {
		panic(err)
	}
	defer func() { _ = lb.Shutdown(context.Background()) }()
	l, err := grpcadapter.NewLogger(lb, "rpc") // grpcadapter.Install(lb, "rpc") installs it
	fmt.Println(l.V(0), l.V(2), err)
	_, err = grpcadapter.NewLogger(lb, "grpc")
	fmt.Println(err)
	// Output:
	// true true <nil>
	// otellog: unknown category "grpc" (declared: rpc)
}
