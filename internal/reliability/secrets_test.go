package reliability

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/internal/collectortest"
)

// secretMark is in every secret the test uses, so that one search finds any of them, whole or
// in part, raw or decoded.
const secretMark = "S3CRET"

// Secrets, as a user would put them in the env vars.
const (
	secretUser     = "S3CRET-USER"
	secretPassword = "S3CRET-PASSWORD-777"
	secretToken    = "S3CRET-TOKEN-1234"
	secretAPIKey   = "S3CRET-APIKEY-5678"
)

// secretHeaders holds a bearer token (URL-encoded space, as the spec's format wants) and an API
// key.
const secretHeaders = "authorization=Bearer%20" + secretToken + ",x-api-key=" + secretAPIKey

// leakRE finds what is left of a secret: the mark, or its distinctive tails.
var leakRE = regexp.MustCompile(secretMark + `|PASSWORD-777|TOKEN-1234|APIKEY-5678|WRONG-KEY-999|NOEQUALS-4242|ZZBAD|SPACED-1111|QUOTED-2222|` +
	secretBasic[:len(secretBasic)-1])

// secretBasic is the base64 of "user:S3CRET" (its padding included), a Basic credential whose
// mark does not show in its text.
const secretBasic = "dXNlcjpTM0NSRVQ="

// TestSecretsNeverPrinted runs services whose OTLP export fails in every way that produces
// diagnostics (collector down, collector refusing the credentials, an unparsable endpoint,
// malformed headers), over http and grpc, each in a process of its own with secrets in
// OTEL_EXPORTER_OTLP_[LOGS_]HEADERS and in the endpoint's user info. It greps everything
// the process printed (stderr, where the console goes, and stdout), the log file, and
// what the bridge returns (Setup's and Shutdown's errors, Stats().OTLP.LastError): no secret
// appears, and the diagnostics are there.
func TestSecretsNeverPrinted(t *testing.T) {
	rejecting := collectortest.Start(t, collectortest.WithRequiredHeader("x-api-key", "the-right-key"))
	userinfo := secretUser + ":" + secretPassword + "@"
	withUser := func(endpoint string) string { return strings.Replace(endpoint, "http://", "http://"+userinfo, 1) }
	type scenario struct {
		name string
		env  map[string]string
		want string // a diagnostic that must be there (regexp), proving the scenario ran
		not  string // text that must not be there (regexp), if any
	}
	var scenarios []scenario
	for _, proto := range []string{"http/protobuf", "grpc"} {
		p := strings.ReplaceAll(proto, "/", "-")
		rejectingEndpoint := rejecting.HTTPEndpoint()
		if proto == "grpc" {
			rejectingEndpoint = "http://" + rejecting.GRPCEndpoint()
		}
		scenarios = append(scenarios,
			scenario{p + " collector down", map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
				"OTEL_EXPORTER_OTLP_ENDPOINT": withUser(deadEndpoint(t)),
				"OTEL_EXPORTER_OTLP_HEADERS":  secretHeaders,
			}, `OTLP export failed|OTLP collector never reached`, ""},
			scenario{p + " collector down, LOGS variables", map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL":      proto,
				"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": withUser(deadEndpoint(t)) + "/v1/logs",
				"OTEL_EXPORTER_OTLP_LOGS_HEADERS":  secretHeaders,
			}, `OTLP export failed|OTLP collector never reached`, ""},
			scenario{p + " credentials refused", map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
				"OTEL_EXPORTER_OTLP_ENDPOINT": withUser(rejectingEndpoint),
				"OTEL_EXPORTER_OTLP_HEADERS":  "x-api-key=S3CRET-WRONG-KEY-999,authorization=Bearer%20" + secretToken,
			}, `401|Unauthenticated|Unauthorized`, ""},
			scenario{p + " unparsable endpoint", map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
				"OTEL_EXPORTER_OTLP_ENDPOINT": "http://" + userinfo + "127.0.0.1:notaport",
				"OTEL_EXPORTER_OTLP_HEADERS":  secretHeaders,
			}, `OTEL_EXPORTER_OTLP_ENDPOINT|notaport|invalid port`, ""},
			// The header as an HTTP header would be written (colon, space, base64 padding),
			// the form a user pastes from curl; then spaces and quotes around values.
			scenario{p + " colon-style Basic header refused", map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
				"OTEL_EXPORTER_OTLP_ENDPOINT": rejectingEndpoint,
				"OTEL_EXPORTER_OTLP_HEADERS":  "Authorization: Basic " + secretBasic,
			}, `401|Unauthenticated|Unauthorized|OTEL_EXPORTER_OTLP_HEADERS`, ""},
			scenario{p + " colon-style Basic header, collector down", map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
				"OTEL_EXPORTER_OTLP_ENDPOINT": deadEndpoint(t),
				"OTEL_EXPORTER_OTLP_HEADERS":  "Authorization: Basic " + secretBasic,
			}, `OTLP export failed|OTEL_EXPORTER_OTLP_HEADERS`, ""},
			scenario{p + " spaced and quoted values", map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
				"OTEL_EXPORTER_OTLP_ENDPOINT": rejectingEndpoint,
				"OTEL_EXPORTER_OTLP_HEADERS":  ` x-api-key = S3CRET-SPACED-1111 , authorization="Bearer S3CRET-QUOTED-2222"`,
			}, `401|Unauthenticated|Unauthorized|OTEL_EXPORTER_OTLP_HEADERS`, ""},
			// A short value that is an ordinary word is redacted where it stands alone, never
			// inside another word: the URL's /v1/logs stays intact.
			scenario{p + " short header value", map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
				"OTEL_EXPORTER_OTLP_ENDPOINT": rejectingEndpoint,
				"OTEL_EXPORTER_OTLP_HEADERS":  "x-scope-orgid=logs",
			}, map[string]string{"grpc": `Unauthenticated`}[proto] + map[string]string{"http/protobuf": `/v1/logs: 401`}[proto], `v1/REDACTED|REDACTED/v1`},
			scenario{p + " malformed headers", map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
				"OTEL_EXPORTER_OTLP_ENDPOINT": withUser(deadEndpoint(t)),
				"OTEL_EXPORTER_OTLP_HEADERS":  "x-api-key=S3CRET%ZZBAD,S3CRET-NOEQUALS-4242,authorization=Bearer%20" + secretToken,
			}, `OTEL_EXPORTER_OTLP_HEADERS`, ""},
			// Without WithInstallDefault the bridge leaves OpenTelemetry's global handlers alone;
			// what the exporters report while Setup makes them must still not show a secret.
			scenario{p + " unparsable endpoint, malformed headers, not installed", map[string]string{
				envInstall:                    "false",
				"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
				"OTEL_EXPORTER_OTLP_ENDPOINT": "http://" + userinfo + "127.0.0.1:notaport",
				"OTEL_EXPORTER_OTLP_HEADERS":  "x-api-key=S3CRET%ZZBAD,S3CRET-NOEQUALS-4242,authorization=Bearer%20" + secretToken,
			}, `OTEL_EXPORTER_OTLP_ENDPOINT`, ""},
		)
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel() // separate processes
			path := filepath.Join(t.TempDir(), "app.log")
			env := map[string]string{
				envRecords: "100", envRun: "600ms", envReportInterval: "200ms", envShutdown: "500ms",
				envPrefix + "_LOG_FILE":    path,
				"OTEL_BLRP_SCHEDULE_DELAY": "100",
			}
			for k, v := range sc.env {
				env[k] = v
			}
			res, stdout, stderr := runChild(t, "steady", env)
			file, _ := os.ReadFile(path) // absent when Setup failed
			outputs := map[string]string{
				"stderr (console)":       stderr,
				"stdout":                 stdout,
				"log file":               string(file),
				"Setup's error":          res.SetupErr,
				"Shutdown's error":       res.ShutdownErr,
				"Stats().OTLP.LastError": res.Stats.OTLP.LastError,
			}
			for what, text := range outputs {
				if m := leakRE.FindAllStringIndex(text, -1); m != nil {
					for _, loc := range m[:min(len(m), 3)] {
						from, to := max(0, loc[0]-120), min(len(text), loc[1]+60)
						t.Errorf("%s shows a secret: ...%q...", what, text[from:to])
					}
				}
			}
			all := stderr + stdout + string(file) + res.SetupErr + res.ShutdownErr + res.Stats.OTLP.LastError
			if sc.not != "" {
				if m := regexp.MustCompile(sc.not).FindString(all); m != "" {
					t.Errorf("the output shows %q, which must not be there", m)
				}
			}
			if !regexp.MustCompile(sc.want).MatchString(all) {
				t.Errorf("no diagnostic matching %q: the scenario did not fail as planned\nstderr:\n%s\nresult %+v", sc.want, tail(stderr), res)
			}
			t.Logf("Setup error %q; Shutdown error %q; LastError %q; %d bytes on stderr",
				res.SetupErr, res.ShutdownErr, res.Stats.OTLP.LastError, len(stderr))
		})
	}
}
