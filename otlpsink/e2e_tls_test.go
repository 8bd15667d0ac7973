package otlpsink_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/otlpsink"
)

// selfSigned writes a certificate for 127.0.0.1 and its key into dir and returns their paths.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "logbridge test collector"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// TestE2ETLSAndGzip: the Pipeline's own exporters reach a real collector that serves OTLP
// only over TLS (with a certificate OTEL_EXPORTER_OTLP_CERTIFICATE trusts) and with gzip
// compression (OTEL_EXPORTER_OTLP_COMPRESSION), and with the header it requires, on both
// protocols: every record arrives.
func TestE2ETLSAndGzip(t *testing.T) {
	cert, key := selfSigned(t, t.TempDir())
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
