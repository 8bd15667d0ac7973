package logradapter_test

import (
	"context"
	"fmt"

	"github.com/logbridge/logbridge/adapters/logradapter"
	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/otellog"
)

// A logr.Logger for a controller library, in the bridge's "ctrl" category.
func ExampleNew() {
	cfg := config.Default()
	cfg.OTLP.Disabled = true // this example sends nothing anywhere
	lb, err := otellog.Setup(context.Background(), otellog.WithConfig(cfg), otellog.WithCategories("ctrl"), otellog.WithInstallDefault(false))
	if err != nil {
		panic(err)
	}
	defer func() { _ = lb.Shutdown(context.Background()) }()
	log, err := logradapter.New(lb, "controller", "ctrl")
	fmt.Println(log.Enabled(), log.V(1).Enabled(), err)
	// Output: true false <nil>
}
