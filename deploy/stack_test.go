package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/internal/testkit"
)

// Bounds of the waits of the stack test; they only bound loops that end as soon as their
// condition holds.
const (
	exampleBuildTimeout = 10 * time.Minute
	exampleStartTimeout = time.Minute
	exampleRunTimeout   = 3 * time.Minute
	exampleExitTimeout  = time.Minute
	seriesTimeout       = 30 * time.Second
)

// exampleDir is the example service and traffic driver the stack test runs.
const exampleDir = "../examples/httpserver"

// promRemoteWrite is the collector's Prometheus remote-write exporter type.
const promRemoteWrite = "prometheus_remote_write"

// metricsPipeline returns a collector configuration, to merge over collectortest's, that
// runs the stack's metrics pipeline as deploy/otelcol/config.yaml defines it (its
// processors and exporters, with their settings) with the remote-write exporter pointed at
// writeURL instead of the compose service, beside collectortest's file exporter.
func metricsPipeline(t *testing.T, writeURL string) string {
	t.Helper()
	var cfg struct {
		Processors map[string]any `yaml:"processors"`
		Exporters  map[string]any `yaml:"exporters"`
		Service    struct {
			Pipelines map[string]struct {
				Processors []string `yaml:"processors"`
				Exporters  []string `yaml:"exporters"`
			} `yaml:"pipelines"`
		} `yaml:"service"`
	}
	loadYAML(t, collectorConfig, &cfg)
	pl, ok := cfg.Service.Pipelines["metrics"]
	if !ok {
		t.Fatalf("%s has no metrics pipeline", collectorConfig)
	}
	processors := map[string]any{}
	for _, id := range pl.Processors {
		processors[id] = cfg.Processors[id]
	}
	exporters := map[string]any{}
	var writers int
	for _, id := range pl.Exporters {
		e := cfg.Exporters[id]
		if typ, _, _ := strings.Cut(id, "/"); typ == promRemoteWrite {
			m, _ := e.(map[string]any)
			h, _ := m["http"].(map[string]any)
			if h == nil {
				t.Fatalf("exporter %s: no http block with the endpoint", id)
			}
			h["endpoint"] = writeURL
			writers++
		}
		exporters[id] = e
	}
	if writers != 1 {
		t.Fatalf("the metrics pipeline has %d %s exporters, want 1", writers, promRemoteWrite)
	}
	out, err := json.Marshal(map[string]any{
		"processors": processors,
		"exporters":  exporters,
		"service": map[string]any{"pipelines": map[string]any{"metrics": map[string]any{
			"receivers":  []string{"otlp"},
			"processors": pl.Processors,
			"exporters":  append([]string{"file/metrics"}, pl.Exporters...),
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(out) // JSON is YAML
}

// TestStackMetricsInPrometheus runs the metrics path of the stack for real: the example
// service and its traffic driver export metrics over OTLP to a real collector running the
// stack's metrics pipeline, which writes them to a real Prometheus (Debian's, with the
// stack's configuration). Then every PromQL query of the dashboard, with the values Grafana
// gives its variables, must return data through Prometheus' HTTP API, with the labels its
// legend shows.
func TestStackMetricsInPrometheus(t *testing.T) {
	prom := startPrometheus(t)
	col := collectortest.Start(t, collectortest.WithConfig(metricsPipeline(t, prom.writeURL())))
	bin := buildExample(t)
	runExample(t, bin, col.HTTPEndpoint())

	d := loadDashboard(t)
	vars := grafanaVariables(t, d)
	queries := promQueries(t, d)
	if len(queries) == 0 {
		t.Fatal("the dashboard has no Prometheus query")
	}
	for _, q := range queries {
		t.Run(q.panel+"/"+q.refID, func(t *testing.T) {
			for _, m := range metricNames(q.expr) {
				if why, ok := pendingMetrics[m]; ok {
					t.Skipf("%s is not emitted in this tree yet (%s); query %s", m, why, q.expr)
				}
			}
			expr, err := expandVariables(q.expr, vars)
			if err != nil {
				t.Fatal(err)
			}
			res, err := prom.waitQuery(expr, seriesTimeout)
			if err != nil {
				t.Fatalf("query %s: %v", expr, err)
			}
			for _, label := range legendLabels(q.legend) {
				if !slices.ContainsFunc(res, func(s series) bool { return s.Metric[label] != "" }) {
					t.Errorf("query %s: the legend shows {{%s}}, which no result series has: %v", expr, label, res)
				}
			}
			// The link to the logs names the series' service by a label every series must have.
			for _, label := range q.linkLabels {
				for _, s := range res {
					if s.Metric[label] == "" {
						t.Errorf("query %s: series %v has no %s label, which the panel's link to the logs uses", expr, s.Metric, label)
					}
				}
			}
		})
	}
}

// pendingMetrics are the metrics the dashboard shows that the code in this tree does not
// emit yet, with who will: a query that uses one is skipped, saying so. Remove an entry once
// its metric is emitted; the query must then return data.
var pendingMetrics = map[string]string{}

// promQuery is one Prometheus target of the dashboard.
type promQuery struct {
	panel, refID, expr, legend string
	linkLabels                 []string // the labels the panel's data links use (${__field.labels.NAME})
}

// promQueries returns the dashboard's Prometheus targets.
func promQueries(t *testing.T, d dashboard) []promQuery {
	t.Helper()
	var out []promQuery
	for _, pt := range targetsOn(t, d, "prometheus") {
		p, tg := pt.panel, pt.target
		out = append(out, promQuery{panel: p.Title, refID: tg.RefID, expr: tg.Expr, legend: tg.LegendFormat, linkLabels: linkLabels(p)})
	}
	return out
}

var (
	// A metric name in a selector: an identifier right before its label matchers.
	metricNameRE = regexp.MustCompile(`([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{`)
	// A label in a legend format: {{name}}.
	legendLabelRE = regexp.MustCompile(`\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}`)
)

// metricNames returns the metric names a PromQL expression selects.
func metricNames(expr string) []string {
	var out []string
	for _, m := range metricNameRE.FindAllStringSubmatch(expr, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// linkLabelRE is a series label in a data link: ${__field.labels.NAME}.
var linkLabelRE = regexp.MustCompile(`\$\{__field\.labels\.([a-zA-Z_][a-zA-Z0-9_]*)`)

// linkLabels returns the series labels the data links of a panel use.
func linkLabels(p panel) []string {
	defaults, _ := p.FieldConfig["defaults"].(map[string]any)
	links, _ := defaults["links"].([]any)
	var out []string
	for _, l := range links {
		m, _ := l.(map[string]any)
		for _, sm := range linkLabelRE.FindAllStringSubmatch(str(m, "url"), -1) {
			if !slices.Contains(out, sm[1]) {
				out = append(out, sm[1])
			}
		}
	}
	return out
}

// legendLabels returns the labels a legend format shows.
func legendLabels(legend string) []string {
	var out []string
	for _, m := range legendLabelRE.FindAllStringSubmatch(legend, -1) {
		out = append(out, m[1])
	}
	return out
}

// grafanaVariables returns what Grafana substitutes for the dashboard's variables with "All"
// selected (their allValue), and for the built-in interval variables values that suit the
// test's few minutes of data.
func grafanaVariables(t *testing.T, d dashboard) map[string]string {
	t.Helper()
	vars := map[string]string{
		"__rate_interval": "1m",
		"__interval":      "15s",
		"__range":         "5m",
	}
	for _, v := range d.Templating.List {
		if v.AllValue == "" {
			t.Errorf("variable %s has no allValue; what Grafana substitutes for All depends on the data source then", v.Name)
		}
		vars[v.Name] = v.AllValue
	}
	return vars
}

// grafanaVariableRE is a variable reference as Grafana writes it in a query: ${name},
// ${name:format} or $name.
var grafanaVariableRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_.]*)(?::[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// expandVariables replaces the variable references in expr with vars, failing on a variable
// it does not know.
func expandVariables(expr string, vars map[string]string) (string, error) {
	var errs []error
	out := grafanaVariableRE.ReplaceAllStringFunc(expr, func(ref string) string {
		m := grafanaVariableRE.FindStringSubmatch(ref)
		name := m[1] + m[2]
		v, ok := vars[name]
		if !ok {
			errs = append(errs, fmt.Errorf("query %s: unknown variable %s", expr, ref))
			return ref
		}
		return v
	})
	return out, errors.Join(errs...)
}

// buildExample builds the example into the test's temporary directory.
func buildExample(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "httpserver")
	ctx, cancel := context.WithTimeout(context.Background(), exampleBuildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", bin, ".")
	cmd.Dir = exampleDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", exampleDir, err, out)
	}
	return bin
}

// runExample runs the example service against the collector at endpoint, sends it three
// rounds of the driver's scenario, and shuts it down with SIGTERM (which flushes its
// metrics), failing the test if any of that fails.
func runExample(t *testing.T, bin, endpoint string) {
	t.Helper()
	dir := t.TempDir()
	env := []string{
		"OTEL_EXPORTER_OTLP_ENDPOINT=" + endpoint,
		"OTEL_METRIC_EXPORT_INTERVAL=500", // ms: several points per series within the run
		// Log exports every 100 ms: the export-duration histogram then has observations in
		// several metric exports (a rate needs two points), not only in the final one.
		"OTEL_BLRP_SCHEDULE_DELAY=100",
		"DEMO_LOGGING=all=info",
		"DEMO_LOG_COLOR=never",
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OTEL_") && !strings.HasPrefix(kv, "DEMO_") {
			env = append(env, kv)
		}
	}
	addrFile := filepath.Join(dir, "addr")
	var out testkit.SyncBuffer
	server := exec.Command(bin, "-addr", "127.0.0.1:0", "-addr-file", addrFile, "-latency", "5ms")
	server.Env = env
	server.Stdout, server.Stderr = &out, &out
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	exited := make(chan struct{}) // closed when the service has exited; waitErr is set then
	go func() { waitErr = server.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = server.Process.Kill()
		select {
		case <-exited:
		case <-time.After(exampleExitTimeout):
		}
		if t.Failed() {
			t.Logf("service output:\n%s", out.String())
		}
	})

	var addr string
	deadline := time.Now().Add(exampleStartTimeout)
	for addr == "" {
		if b, err := os.ReadFile(addrFile); err == nil && len(b) > 0 {
			addr = string(b)
			break
		}
		select {
		case <-exited:
			t.Fatalf("service exited before listening: %v", waitErr)
		case <-time.After(promPollEvery):
		}
		if time.Now().After(deadline) {
			t.Fatalf("service did not listen within %s", exampleStartTimeout)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), exampleRunTimeout)
	defer cancel()
	drive := exec.CommandContext(ctx, bin, "-drive", "http://"+addr, "-n", "3", "-interval", "300ms", "-wait", "30s")
	drive.Env = env
	if b, err := drive.CombinedOutput(); err != nil {
		t.Fatalf("driver failed: %v\n%s", err, b)
	}
	// Shutting down exports what the periodic reader has not yet exported.
	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		if waitErr != nil {
			t.Fatalf("service exited with %v after SIGTERM", waitErr)
		}
	case <-time.After(exampleExitTimeout):
		t.Fatalf("service still running %s after SIGTERM", exampleExitTimeout)
	}
}
