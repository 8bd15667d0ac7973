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
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"

	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/otlpsink"
)

// The header the collector of TestEnvVariables requires: records reach it only when the
// headers variable really went to the exporter.
const (
	envTestHeader = "x-logbridge-key"
	envTestKey    = "k3y-v4lue"
)

// envCase is one value of one variable. Exactly one of wantErr, wantDiag or deliver says
// what must happen: Setup's error, a diagnostic (the value ignored, records still go out),
// or delivery to the collector with no complaint at all.
type envCase struct {
	name     string
	env      map[string]string // over the base env pointing at the collector
	wantErr  []string          // substrings of NewPipeline's error
	wantDiag []string          // substrings of one diagnostic
	noErr    []string          // texts that must not appear in the error or a diagnostic (secrets)
	deliver  bool              // the record reaches the collector
	desc     string            // a substring of Description, if set
	// sdkErr: OpenTelemetry's error handler also gets a report of the value, with this
	// text (the SDK's LoggerProvider reads OTEL_RESOURCE_ATTRIBUTES once more itself; otellog
	// drops that duplicate).
	sdkErr string
}

// TestEnvVariables goes over every OTEL_* variable the pipeline reads, each with a good
// value, a bad one and the good one with stray whitespace (a Kubernetes secret made from a
// file ends in a newline). A good value, whitespace or not, delivers to the real collector
// with no OpenTelemetry error at all: the exporters got the normalized value, never the raw
// one. A bad value fails NewPipeline with an error naming the variable and the problem, or,
// for a tuning variable, is a diagnostic saying what is used instead.
func TestEnvVariables(t *testing.T) {
	col := collectortest.Start(t, collectortest.WithRequiredHeader(envTestHeader, envTestKey))
	url := col.HTTPEndpoint()
	grpcURL := "http://" + col.GRPCEndpoint()
	hdr := envTestHeader + "=" + envTestKey
	certFile, keyFile := writeTestCert(t)
	missing := filepath.Join(t.TempDir(), "missing.pem")

	cases := []envCase{
		{name: "SDK_DISABLED good", env: map[string]string{"OTEL_SDK_DISABLED": "false"}, deliver: true},
		{name: "SDK_DISABLED bad", env: map[string]string{"OTEL_SDK_DISABLED": "yes"}, deliver: true,
			wantDiag: []string{"OTEL_SDK_DISABLED", `"yes"`, "the SDK stays enabled"}},
		{name: "SDK_DISABLED whitespace", env: map[string]string{"OTEL_SDK_DISABLED": " false\n"}, deliver: true},

		{name: "LOGS_EXPORTER good", env: map[string]string{"OTEL_LOGS_EXPORTER": "otlp"}, deliver: true},
		{name: "LOGS_EXPORTER bad", env: map[string]string{"OTEL_LOGS_EXPORTER": "zipkin"},
			wantErr: []string{"OTEL_LOGS_EXPORTER", "unknown exporter"}},
		{name: "LOGS_EXPORTER whitespace", env: map[string]string{"OTEL_LOGS_EXPORTER": " otlp\n"}, deliver: true},

		{name: "PROTOCOL good", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"}, deliver: true},
		{name: "PROTOCOL bad", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "thrift"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_PROTOCOL", "unknown protocol"}},
		{name: "PROTOCOL whitespace grpc", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": " grpc\n",
			"OTEL_EXPORTER_OTLP_ENDPOINT": grpcURL + "\n"}, deliver: true, desc: "otlp grpc to " + grpcURL},
		{name: "LOGS_PROTOCOL good", env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "grpc",
			"OTEL_EXPORTER_OTLP_ENDPOINT": grpcURL}, deliver: true},
		{name: "LOGS_PROTOCOL bad", env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "http/json"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/json is not supported"}},
		{name: "LOGS_PROTOCOL whitespace", env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "\thttp/protobuf "}, deliver: true},

		{name: "ENDPOINT good", deliver: true, desc: "otlp http/protobuf to " + url + "/v1/logs"},
		{name: "ENDPOINT bad", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": strings.TrimPrefix(url, "http://")},
			wantErr: []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "not a URL"}},
		{name: "ENDPOINT bad scheme", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "ftp://127.0.0.1:4318"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "scheme"}},
		{name: "ENDPOINT with user info", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": strings.Replace(url, "http://", "http://bob:hunter2@", 1)},
			deliver: true, wantDiag: []string{"OTEL_EXPORTER_OTLP_ENDPOINT", url, "user info is not sent", "OTEL_EXPORTER_OTLP_HEADERS=Authorization"}, noErr: []string{"hunter2", "bob"}},
		{name: "ENDPOINT grpc without a port", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1"},
			wantDiag: []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:80", "no port", "dials port 80", "4317"}, desc: "otlp grpc to http://127.0.0.1:80"},
		{name: "ENDPOINT grpc https without a port", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "https://127.0.0.1"},
			desc: "otlp grpc to https://127.0.0.1:443"},
		{name: "ENDPOINT grpc with user info", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
			"OTEL_EXPORTER_OTLP_ENDPOINT": strings.Replace(grpcURL, "http://", "http://bob:hunter2@", 1)},
			deliver: true, wantDiag: []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "user info is not sent"}, noErr: []string{"hunter2", "bob"}},
		{name: "LOGS_ENDPOINT with a query", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "",
			"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": url + "/v1/logs?token=s3cr3t"},
			deliver: true, wantDiag: []string{"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", url + "/v1/logs", "query is not sent"}, noErr: []string{"s3cr3t"}},
		{name: "ENDPOINT trailing newline", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": url + "\n"},
			deliver: true, desc: url + "/v1/logs"},
		{name: "ENDPOINT spaces", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": " " + url + " "},
			deliver: true, desc: url + "/v1/logs"},
		{name: "ENDPOINT grpc trailing newline", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
			"OTEL_EXPORTER_OTLP_ENDPOINT": grpcURL + "\r\n"}, deliver: true},
		{name: "LOGS_ENDPOINT good", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "",
			"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": url + "/v1/logs"}, deliver: true},
		{name: "LOGS_ENDPOINT bad", env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "http://user:hunter2@[::1"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "not a URL"}, noErr: []string{"hunter2"}},
		{name: "LOGS_ENDPOINT whitespace", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "",
			"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "  " + url + "/v1/logs\n"}, deliver: true},

		{name: "HEADERS good", deliver: true},
		{name: "HEADERS HTTP-style", env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "Authorization: Bearer s3cr3t"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_HEADERS", "entry 1", `"Authorization"`, "HTTP-style"}, noErr: []string{"s3cr3t"}},
		{name: "HEADERS second entry malformed", env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": hdr + ",x-tenant=acme%zz1"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_HEADERS", "entry 2", `"x-tenant"`, "percent-encoding"}, noErr: []string{envTestKey, "acme"}},
		{name: "HEADERS control character", env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": hdr + ",x-tenant=acme%01x"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_HEADERS", "entry 2", `"x-tenant"`, "control character"}, noErr: []string{envTestKey, "acme"}},
		{name: "HEADERS DEL", env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "x-tenant=acme%7F"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_HEADERS", "control character"}, noErr: []string{"acme"}},
		{name: "HEADERS tab and non-ASCII over http", env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": hdr + ",x-tenant=caf%C3%A9%09b"}, deliver: true},
		{name: "HEADERS non-ASCII over grpc", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": grpcURL,
			"OTEL_EXPORTER_OTLP_HEADERS": hdr + ",x-tenant=caf%C3%A9"}, wantErr: []string{"OTEL_EXPORTER_OTLP_HEADERS", "entry 2", "gRPC cannot send", "-bin"}, noErr: []string{"caf"}},
		{name: "HEADERS tab over grpc", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": grpcURL,
			"OTEL_EXPORTER_OTLP_HEADERS": "x-tenant=a%09b"}, wantErr: []string{"OTEL_EXPORTER_OTLP_HEADERS", "gRPC cannot send"}},
		{name: "HEADERS non-ASCII -bin over grpc", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": grpcURL,
			"OTEL_EXPORTER_OTLP_HEADERS": hdr + ",x-tenant-bin=caf%C3%A9"}, deliver: true},
		{name: "HEADERS bad key", env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "x tenant=acme1"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_HEADERS", "entry 1", "invalid key"}, noErr: []string{"acme1"}},
		{name: "HEADERS whitespace", env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": " " + envTestHeader + " = " + envTestKey + " ,\n"}, deliver: true},
		{name: "LOGS_HEADERS good", env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "", "OTEL_EXPORTER_OTLP_LOGS_HEADERS": hdr}, deliver: true},
		{name: "LOGS_HEADERS bad", env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_HEADERS": "t0k3nvalue"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_LOGS_HEADERS", "entry 1", "no '='"}, noErr: []string{"t0k3nvalue"}},
		{name: "LOGS_HEADERS whitespace", env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "", "OTEL_EXPORTER_OTLP_LOGS_HEADERS": hdr + "\n"}, deliver: true},

		{name: "TIMEOUT good", env: map[string]string{"OTEL_EXPORTER_OTLP_TIMEOUT": "10000"}, deliver: true},
		{name: "TIMEOUT bad", env: map[string]string{"OTEL_EXPORTER_OTLP_TIMEOUT": "10s"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_TIMEOUT", `"10s"`, "milliseconds"}},
		{name: "TIMEOUT whitespace", env: map[string]string{"OTEL_EXPORTER_OTLP_TIMEOUT": " 10000\n"}, deliver: true},
		{name: "LOGS_TIMEOUT good", env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_TIMEOUT": "5000"}, deliver: true},
		{name: "LOGS_TIMEOUT bad", env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_TIMEOUT": "-1"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "milliseconds"}},
		{name: "LOGS_TIMEOUT whitespace", env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_TIMEOUT": "5000 "}, deliver: true},

		{name: "COMPRESSION good", env: map[string]string{"OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"}, deliver: true},
		{name: "COMPRESSION bad", env: map[string]string{"OTEL_EXPORTER_OTLP_COMPRESSION": "zstd"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_COMPRESSION", `"zstd"`, "want gzip or none"}},
		{name: "COMPRESSION whitespace", env: map[string]string{"OTEL_EXPORTER_OTLP_COMPRESSION": " GZIP\n"}, deliver: true},
		{name: "COMPRESSION grpc whitespace", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
			"OTEL_EXPORTER_OTLP_ENDPOINT": grpcURL, "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip\n"}, deliver: true},
		{name: "LOGS_COMPRESSION good", env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_COMPRESSION": "none"}, deliver: true},
		{name: "LOGS_COMPRESSION bad", env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_COMPRESSION": "br"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "want gzip or none"}},
		{name: "LOGS_COMPRESSION whitespace", env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_COMPRESSION": "none\n"}, deliver: true},

		// The test collector speaks plain http: a good certificate is checked by NewPipeline
		// accepting it for an https endpoint, the bad ones by its error.
		{name: "CERTIFICATE good", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_CERTIFICATE": certFile}, desc: "https://127.0.0.1:1"},
		{name: "CERTIFICATE missing", env: map[string]string{"OTEL_EXPORTER_OTLP_CERTIFICATE": missing},
			wantErr: []string{"OTEL_EXPORTER_OTLP_CERTIFICATE", missing, "no such file"}},
		{name: "CERTIFICATE not PEM", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_CERTIFICATE": keyFile + "x"}, wantErr: []string{"OTEL_EXPORTER_OTLP_CERTIFICATE", "cannot read"}},
		{name: "CERTIFICATE with http endpoint", env: map[string]string{"OTEL_EXPORTER_OTLP_CERTIFICATE": certFile},
			wantErr: []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "plain http"}},
		{name: "CERTIFICATE whitespace", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_CERTIFICATE": certFile + "\n"}, desc: "https://127.0.0.1:1"},
		{name: "CERTIFICATE a device", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_CERTIFICATE": os.DevNull}, wantErr: []string{"OTEL_EXPORTER_OTLP_CERTIFICATE", os.DevNull, "not a regular file (a device)"}},
		{name: "CLIENT_KEY a device", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": certFile, "OTEL_EXPORTER_OTLP_CLIENT_KEY": os.DevNull},
			wantErr: []string{"OTEL_EXPORTER_OTLP_CLIENT_KEY", "not a regular file (a device)"}},
		{name: "LOGS_CERTIFICATE good", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE": certFile}, desc: "https://127.0.0.1:1"},
		{name: "LOGS_CERTIFICATE bad", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE": keyFile}, wantErr: []string{"OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE", "no PEM certificate"}},
		{name: "LOGS_CERTIFICATE whitespace", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE": " " + certFile}, desc: "https://127.0.0.1:1"},

		{name: "CLIENT pair good", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": certFile, "OTEL_EXPORTER_OTLP_CLIENT_KEY": keyFile}, desc: "https://127.0.0.1:1"},
		{name: "CLIENT_KEY missing", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": certFile}, wantErr: []string{"OTEL_EXPORTER_OTLP_CLIENT_KEY", "is not"}},
		{name: "CLIENT pair swapped", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": keyFile, "OTEL_EXPORTER_OTLP_CLIENT_KEY": certFile},
			wantErr: []string{"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "not a matching"}},
		{name: "CLIENT pair whitespace", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": certFile + "\n", "OTEL_EXPORTER_OTLP_CLIENT_KEY": " " + keyFile},
			desc: "https://127.0.0.1:1"},
		{name: "LOGS_CLIENT pair good", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://127.0.0.1:1",
			"OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE": certFile, "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY": keyFile}, desc: "https://127.0.0.1:1"},
		{name: "LOGS_CLIENT_CERTIFICATE missing", env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY": keyFile},
			wantErr: []string{"OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE", "is not"}},

		{name: "INSECURE good", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "", "OTEL_EXPORTER_OTLP_INSECURE": "true"},
			desc: "http://localhost:4318/v1/logs"},
		{name: "INSECURE bad", env: map[string]string{"OTEL_EXPORTER_OTLP_INSECURE": "yes"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_INSECURE", `"yes"`}},
		{name: "INSECURE whitespace", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "", "OTEL_EXPORTER_OTLP_INSECURE": "false\n"},
			desc: "https://localhost:4318/v1/logs"},
		{name: "LOGS_INSECURE bad", env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_INSECURE": "1"},
			wantErr: []string{"OTEL_EXPORTER_OTLP_LOGS_INSECURE"}},

		{name: "SERVICE_NAME good", env: map[string]string{"OTEL_SERVICE_NAME": "checkout"}, deliver: true},
		{name: "SERVICE_NAME whitespace", env: map[string]string{"OTEL_SERVICE_NAME": " checkout\n"}, deliver: true},
		{name: "RESOURCE_ATTRIBUTES good", env: map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=test"}, deliver: true},
		{name: "RESOURCE_ATTRIBUTES bad", env: map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=test,novalue"},
			deliver: true, wantDiag: []string{"OTEL_RESOURCE_ATTRIBUTES", "novalue", "the attributes that could be read apply"},
			sdkErr: "missing value: [novalue]"},
		{name: "RESOURCE_ATTRIBUTES whitespace", env: map[string]string{"OTEL_RESOURCE_ATTRIBUTES": " deployment.environment = test \n"}, deliver: true},
	}
	cases = append(cases,
		envCase{name: "ATTRIBUTE_COUNT_LIMIT good", env: map[string]string{"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT": "64"}, deliver: true},
		envCase{name: "ATTRIBUTE_COUNT_LIMIT bad", env: map[string]string{"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT": "lots"}, deliver: true,
			wantDiag: []string{"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", `"lots"`, "using the default, 128"}},
		envCase{name: "ATTRIBUTE_COUNT_LIMIT whitespace", env: map[string]string{"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT": "64\n"}, deliver: true},
		envCase{name: "ATTRIBUTE_VALUE_LENGTH_LIMIT good", env: map[string]string{"OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT": "4096"}, deliver: true},
		envCase{name: "ATTRIBUTE_VALUE_LENGTH_LIMIT bad", env: map[string]string{"OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT": "4k"}, deliver: true,
			wantDiag: []string{"OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", "no limit"}},
		envCase{name: "ATTRIBUTE_VALUE_LENGTH_LIMIT whitespace", env: map[string]string{"OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT": " 4096"}, deliver: true},
	)
	for _, name := range []string{"OTEL_BLRP_MAX_QUEUE_SIZE", "OTEL_BLRP_SCHEDULE_DELAY", "OTEL_BLRP_EXPORT_TIMEOUT", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE"} {
		short := strings.TrimPrefix(name, "OTEL_")
		cases = append(cases,
			envCase{name: short + " good", env: map[string]string{name: "500"}, deliver: true},
			envCase{name: short + " bad", env: map[string]string{name: "1s"}, deliver: true,
				wantDiag: []string{name, `"1s"`, "using the default"}},
			envCase{name: short + " whitespace", env: map[string]string{name: " 500\n"}, deliver: true},
			envCase{name: short + " blank", env: map[string]string{name: " \n"}, deliver: true}, // unset: no complaint
		)
	}

	delivered := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": url, "OTEL_EXPORTER_OTLP_HEADERS": hdr}
			for k, v := range tc.env {
				env[k] = v
			}
			clearEnv(t, env)
			otelErrs := captureOTelErrors(t)
			p, err := otlpsink.NewPipeline(context.Background(), otlpsink.WithProcessorOptions(otlpsink.WithRetryMaxElapsed(0)))
			if len(tc.wantErr) > 0 {
				if err == nil {
					_ = p.Shutdown(context.Background())
					t.Fatalf("NewPipeline accepted %q; want an error", tc.env)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not say %q", err, w)
					}
				}
				for _, s := range tc.noErr {
					if strings.Contains(err.Error(), s) {
						t.Errorf("error %q shows %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("NewPipeline: %v", err)
			}
			var diags []string
			for _, d := range p.Diagnostics() {
				diags = append(diags, d.Error())
			}
			if len(tc.wantDiag) == 0 && len(diags) > 0 {
				t.Errorf("diagnostics %q for a good value", diags)
			}
			if len(tc.wantDiag) > 0 && (len(diags) != 1 || !containsAll(diags[0], tc.wantDiag)) {
				t.Errorf("diagnostics %q; want one saying %q", diags, tc.wantDiag)
			}
			for _, d := range diags {
				for _, s := range tc.noErr {
					if strings.Contains(d, s) {
						t.Errorf("diagnostic %q shows %q", d, s)
					}
				}
			}
			if !strings.Contains(p.Description(), tc.desc) {
				t.Errorf("description %q, want %q", p.Description(), tc.desc)
			}
			body := "env case " + tc.name
			if tc.deliver {
				slog.New(otlpsink.NewHandler(p.Provider(), nil)).Info(body)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := p.Shutdown(ctx); err != nil {
				t.Fatalf("Shutdown: %v (stats %+v)", err, p.Stats())
			}
			if errs := otelErrs(); tc.sdkErr != "" && (len(errs) != 1 || !strings.Contains(errs[0], tc.sdkErr)) {
				t.Errorf("OpenTelemetry reported %q, want its one report %q", errs, tc.sdkErr)
			} else if tc.sdkErr == "" && len(errs) > 0 {
				t.Errorf("OpenTelemetry reported %q: the exporter parsed a raw variable", errs)
			}
			if !tc.deliver {
				return
			}
			delivered++
			found := false
			for _, r := range col.WaitLogs(t, delivered, 30*time.Second) { // the collector took it: a hang guard
				found = found || r.Body == body
			}
			if !found {
				t.Errorf("the collector did not receive %q", body)
			}
		})
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// captureOTelErrors routes OpenTelemetry's global error handler into a list for the test and
// returns a function reading it.
func captureOTelErrors(t *testing.T) func() []string {
	var mu sync.Mutex
	var errs []string
	prev := otel.GetErrorHandler()
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err.Error())
	}))
	t.Cleanup(func() { otel.SetErrorHandler(prev) })
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

// writeTestCert writes a self-signed certificate, good for a server on 127.0.0.1, and its key
// as PEM files.
func writeTestCert(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "logbridge test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// TestLogsEndpointWithoutPathHint: OTEL_EXPORTER_OTLP_LOGS_ENDPOINT is the whole URL; without
// /v1/logs the real collector answers 404, and the error says what was probably meant.
func TestLogsEndpointWithoutPathHint(t *testing.T) {
	col := collectortest.Start(t)
	clearEnv(t, map[string]string{"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": col.HTTPEndpoint() + "\n"})
	report := exportOnce(t, nil)
	want := "did you mean " + col.HTTPEndpoint() + "/v1/logs?"
	if !strings.Contains(report, "404") || !strings.Contains(report, want) {
		t.Errorf("reports %q; want a 404 with the hint %q", report, want)
	}
}

// TestWrongPortHint: an endpoint on the collector's port of the other protocol (or https to a
// plain-text port) fails as a collector that is down would, with the transport's words for
// it; the report adds what is probably wrong, for each exporter, logbridge's and the SDK's.
// The words depend on a race (an HTTP/2 server may reset the connection before its first
// frame is read, and a reset says nothing), so each case tries a bounded number of exports
// until one is answered in those words.
func TestWrongPortHint(t *testing.T) {
	col := collectortest.Start(t)
	for _, tc := range []struct {
		name, protocol, endpoint string
		opt                      otlpsink.PipelineOption
		hint                     string
	}{
		{"http to the grpc port", otlpsink.ProtocolHTTPProtobuf, "http://" + col.GRPCEndpoint(), nil, "as a collector's gRPC port (4317) does"},
		{"otlploghttp to the grpc port", otlpsink.ProtocolHTTPProtobuf, "http://" + col.GRPCEndpoint(), otlpsink.WithHTTPOptions(), "as a collector's gRPC port (4317) does"},
		{"grpc to the http port", otlpsink.ProtocolGRPC, col.HTTPEndpoint(), nil, "as a collector's OTLP/HTTP port (4318) does"},
		{"otlploggrpc to the http port", otlpsink.ProtocolGRPC, col.HTTPEndpoint(), otlpsink.WithGRPCOptions(), "as a collector's OTLP/HTTP port (4318) does"},
		{"https to a plain http port", otlpsink.ProtocolHTTPProtobuf, strings.Replace(col.HTTPEndpoint(), "http:", "https:", 1), nil, "does not speak TLS"},
		{"grpc with TLS to a plain port", otlpsink.ProtocolGRPC, "https://" + col.GRPCEndpoint(), nil, "does not speak TLS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": tc.endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": tc.protocol})
			const tries = 30
			var reports []string
			for try := 1; try <= tries; try++ {
				report := exportOnce(t, tc.opt)
				reports = append(reports, report)
				if strings.Contains(report, tc.hint) {
					t.Logf("hinted at export %d: %s", try, report)
					return
				}
			}
			t.Errorf("no report of %d exports has the hint %q: %q", tries, tc.hint, reports)
		})
	}
}

// exportOnce logs one record through a new Pipeline (opt added unless nil) that tries one
// export, and returns what its error handler heard.
func exportOnce(t *testing.T, opt otlpsink.PipelineOption) string {
	t.Helper()
	var mu sync.Mutex
	var reports []string
	opts := []otlpsink.PipelineOption{otlpsink.WithProcessorOptions(
		otlpsink.WithRetryMaxElapsed(0),
		otlpsink.WithErrorHandler(func(err error) {
			mu.Lock()
			defer mu.Unlock()
			reports = append(reports, err.Error())
		}))}
	if opt != nil {
		opts = append(opts, opt)
	}
	p, err := otlpsink.NewPipeline(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	slog.New(otlpsink.NewHandler(p.Provider(), nil)).Info("x")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = p.Shutdown(ctx)
	mu.Lock()
	defer mu.Unlock()
	return strings.Join(reports, "; ")
}
