package klogadapter_test

import (
	"context"
	"fmt"
	"os"

	"k8s.io/klog/v2"

	"github.com/logbridge/logbridge/adapters/klogadapter"
	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/otellog"
	"github.com/logbridge/logbridge/vocab"
)

// client-go's klog lines in the bridge's "kube" category, here as JSON lines on stdout.
func ExampleInstall() {
	cfg := config.Default()
	cfg.OTLP.Disabled = true // this example sends nothing anywhere
	cfg.Console.Format = vocab.FormatJSON
	lb, err := otellog.Setup(context.Background(), otellog.WithConfig(cfg), otellog.WithCategories("kube"),
		otellog.WithConsoleWriter(os.Stdout), otellog.WithInstallDefault(false))
	if err != nil {
		panic(err)
	}
	restore, err := klogadapter.Install(lb, "client-go", "kube")
	if err != nil {
		panic(err)
	}
	defer restore()
	fmt.Println(klog.V(0).Enabled())
	_ = lb.Shutdown(context.Background())
	// Output: true
}
