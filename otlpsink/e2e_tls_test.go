package otlpsink_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/otlpsink"
)

// TestE2ETLSAndGzip: the Pipeline's own exporters reach a real collector that serves OTLP
// only over TLS (with a certificate OTEL_EXPORTER_OTLP_CERTIFICATE trusts) and with gzip
// compression (OTEL_EXPORTER_OTLP_COMPRESSION), and with the header it requires, on both
// protocols: every record arrives.
func TestE2ETLSAndGzip(t *testing.T) {
	cert, key := writeTestCert(t)
	tlsYAML := "    tls:\n      cert_file: " + cert + "\n      key_file: " + key + "\n"
	cfg := "receivers:\n  otlp:\n    protocols:\n      http:\n" + indent(tlsYAML, "    ") + "      grpc:\n" + indent(tlsYAML, "    ")
	for _, pr := range protocols {
		t.Run(pr.name, func(t *testing.T) {
			c := collectortest.Start(t, collectortest.WithConfig(cfg), collectortest.WithRequiredHeader("x-logbridge-key", "k3y"))
			endpoint := strings.Replace(pr.endpoint(c), "http://", "https://", 1)
			pointEnvAt(t, c, pr.protocol, endpoint, map[string]string{
				"OTEL_EXPORTER_OTLP_HEADERS":     "x-logbridge-key=k3y",
				"OTEL_EXPORTER_OTLP_CERTIFICATE": cert,
				"OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
			})
			p, err := otlpsink.NewPipeline(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			l := slog.New(otlpsink.NewHandler(p.Provider(), nil).WithLogger("e2e/tls", "core"))
			const n = 1000
			for i := range n {
				l.Info("over tls", "i", i)
			}
			if _, err := shutdownWithin(t, p, e2eWait); err != nil {
				t.Fatalf("Shutdown: %v (stats %+v)", err, p.Stats())
			}
			if st := p.Stats(); st.Exported != n {
				t.Fatalf("exported %d of %d records (stats %+v)", st.Exported, n, st)
			}
			recs := c.WaitLogs(t, n, e2eWait)
			if len(recs) != n {
				t.Errorf("%d records arrived, want %d (stats %+v)", len(recs), n, p.Stats())
			}
		})
	}
}

func indent(s, by string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = by + l
		}
	}
	return strings.Join(lines, "")
}
