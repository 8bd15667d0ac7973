package deploy

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	semconv41 "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/semconv/v1.41.0/genaiconv"
	"go.opentelemetry.io/otel/semconv/v1.41.0/httpconv"
	"go.opentelemetry.io/otel/semconv/v1.41.0/otelconv"
)

// promName is the Prometheus name the collector's remote-write exporter gives an OTel
// metric (translation_strategy UnderscoreEscapingWithSuffixes): every character other than
// a letter, a digit or ":" becomes "_", the unit is appended as a word (s -> seconds, By ->
// bytes; annotations such as {token} are dropped), and a counter gets _total. suffix is the
// series' own suffix (_bucket, _count, _sum), or "".
func promName(name, unit string, counter bool, suffix string) string {
	b := []byte(name)
	for i, c := range b {
		if !(c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	n := string(b)
	if word := map[string]string{"s": "seconds", "ms": "milliseconds", "By": "bytes"}[unit]; word != "" {
		n += "_" + word
	}
	if counter {
		n += "_total"
	}
	return n + suffix
}

func TestPromName(t *testing.T) {
	for _, tc := range []struct {
		name, unit string
		counter    bool
		suffix     string
		want       string
	}{
		{"gen_ai.client.token.usage", "{token}", false, "_bucket", "gen_ai_client_token_usage_bucket"},
		{"http.server.request.duration", "s", false, "_count", "http_server_request_duration_seconds_count"},
		{"otel.sdk.processor.log.processed", "{log_record}", true, "", "otel_sdk_processor_log_processed_total"},
		{"a-b", "By", false, "", "a_b_bytes"},
	} {
		if got := promName(tc.name, tc.unit, tc.counter, tc.suffix); got != tc.want {
			t.Errorf("promName(%q, %q) = %q, want %q", tc.name, tc.unit, got, tc.want)
		}
	}
}

// Prometheus names of the metrics the dashboard's panels are built on, from the semantic
// conventions' own names and units, so that a renamed metric fails here.
var (
	tokenUsageSum   = promName(genaiconv.ClientTokenUsage{}.Name(), genaiconv.ClientTokenUsage{}.Unit(), false, "_sum")
	tokenUsageBkt   = promName(genaiconv.ClientTokenUsage{}.Name(), genaiconv.ClientTokenUsage{}.Unit(), false, "_bucket")
	requestCount    = promName(httpconv.ServerRequestDuration{}.Name(), httpconv.ServerRequestDuration{}.Unit(), false, "_count")
	logsExported    = promName(otelconv.SDKExporterLogExported{}.Name(), otelconv.SDKExporterLogExported{}.Unit(), true, "")
	logsProcessed   = promName(otelconv.SDKProcessorLogProcessed{}.Name(), otelconv.SDKProcessorLogProcessed{}.Unit(), true, "")
	queueSize       = promName(otelconv.SDKProcessorLogQueueSize{}.Name(), otelconv.SDKProcessorLogQueueSize{}.Unit(), false, "")
	queueCapacity   = promName(otelconv.SDKProcessorLogQueueCapacity{}.Name(), otelconv.SDKProcessorLogQueueCapacity{}.Unit(), false, "")
	exportDuration  = promName(otelconv.SDKExporterOperationDuration{}.Name(), otelconv.SDKExporterOperationDuration{}.Unit(), false, "_bucket")
	errorTypeLabel  = "error_type"                                  // error.type
	tokenTypeLabel  = lokiName(string(semconv41.GenAITokenTypeKey)) // the same normalization: gen_ai_token_type
	serviceJobLabel = "job"                                         // the remote-write exporter's name for the resource's service.name
)

// loadProvisionedUID returns the uid of the provisioned data source of type typ.
func provisionedUID(t *testing.T, typ string) string {
	t.Helper()
	var p provisioning
	loadYAML(t, datasourcesFile, &p)
	for _, ds := range p.Datasources {
		if ds.Type == typ {
			return ds.UID
		}
	}
	t.Fatalf("no %s data source in %s", typ, datasourcesFile)
	return ""
}

// promPanel is a dashboard panel on the Prometheus data source with its expressions.
type promPanel struct {
	panel
	exprs []string
}

func promPanels(t *testing.T, d dashboard) []promPanel {
	t.Helper()
	var out []promPanel
	for _, pt := range targetsOn(t, d, "prometheus") {
		if n := len(out); n > 0 && out[n-1].ID == pt.panel.ID {
			out[n-1].exprs = append(out[n-1].exprs, pt.target.Expr)
			continue
		}
		out = append(out, promPanel{pt.panel, []string{pt.target.Expr}})
	}
	return out
}

// TestMetricsPanels checks the dashboard's metrics: there are panels for token usage (by
// token type), request rate and logbridge's own health (records delivered, dropped by
// reason, queue fill); every metrics panel and target names the provisioned Prometheus data
// source by its uid and selects by the service variable; and each links to the logs of the
// series' service.
func TestMetricsPanels(t *testing.T) {
	d := loadDashboard(t)
	uid := provisionedUID(t, "prometheus")
	panels := promPanels(t, d)

	var logsPanels []int
	for _, p := range allPanels(d.Panels) {
		if p.Type == "logs" {
			logsPanels = append(logsPanels, p.ID)
		}
	}

	for _, want := range []struct {
		what string
		ok   func(expr string) bool
	}{
		{"token usage by token type", func(e string) bool {
			return (strings.Contains(e, tokenUsageSum+"{") || strings.Contains(e, tokenUsageBkt+"{")) && groupsBy(e, tokenTypeLabel)
		}},
		{"request rate", func(e string) bool { return strings.Contains(e, "rate("+requestCount+"{") }},
		{"records delivered", func(e string) bool {
			return strings.Contains(e, logsExported+"{") && strings.Contains(e, errorTypeLabel+`=""`)
		}},
		{"records dropped by reason", func(e string) bool {
			return strings.Contains(e, logsProcessed+"{") && strings.Contains(e, errorTypeLabel+`!=""`) && slices.Contains(queryLabels(e), errorTypeLabel)
		}},
		{"queue fill", func(e string) bool {
			return strings.Contains(e, queueSize+"{") && strings.Contains(e, "/") && strings.Contains(e, queueCapacity+"{")
		}},
		{"export duration", func(e string) bool { return strings.Contains(e, exportDuration+"{") }},
	} {
		if !slices.ContainsFunc(panels, func(p promPanel) bool { return slices.ContainsFunc(p.exprs, want.ok) }) {
			t.Errorf("no metrics panel shows %s", want.what)
		}
	}

	for _, p := range panels {
		if p.Datasource == nil || p.Datasource.Type != "prometheus" || p.Datasource.UID != uid {
			t.Errorf("panel %q: data source %+v, want the provisioned Prometheus (uid %q)", p.Title, p.Datasource, uid)
		}
		for _, tg := range p.Targets {
			if tg.Datasource != nil && tg.Datasource.UID != uid {
				t.Errorf("panel %q target %s: data source uid %q, want %q", p.Title, tg.RefID, tg.Datasource.UID, uid)
			}
		}
		for _, e := range p.exprs {
			if !strings.Contains(e, serviceJobLabel+`=~"$service"`) {
				t.Errorf("panel %q: query %s does not select %s=~\"$service\"", p.Title, e, serviceJobLabel)
			}
			if strings.Contains(e, " by (") && !groupsBy(e, serviceJobLabel) {
				t.Errorf("panel %q: query %s aggregates %s away, which the link to the logs needs", p.Title, e, serviceJobLabel)
			}
		}
		if err := checkLogsLink(d, p.panel, logsPanels); err != nil {
			t.Errorf("panel %q: %v", p.Title, err)
		}
	}
}

// groupsBy reports whether every "by (...)" clause of expr keeps label.
func groupsBy(expr, label string) bool {
	ms := groupingRE.FindAllStringSubmatch(expr, -1)
	if len(ms) == 0 {
		return false
	}
	for _, m := range ms {
		var names []string
		for n := range strings.SplitSeq(m[1], ",") {
			names = append(names, strings.TrimSpace(n))
		}
		if !slices.Contains(names, label) {
			return false
		}
	}
	return true
}

// checkLogsLink checks that a metrics panel has a data link to a logs panel of this
// dashboard, for the service of the series clicked and the dashboard's time range.
func checkLogsLink(d dashboard, p panel, logsPanels []int) error {
	defaults, _ := p.FieldConfig["defaults"].(map[string]any)
	links, _ := defaults["links"].([]any)
	if len(links) == 0 {
		return fmt.Errorf("no data link (fieldConfig.defaults.links) to the logs")
	}
	for _, l := range links {
		m, _ := l.(map[string]any)
		u, err := url.Parse(str(m, "url"))
		if err != nil {
			return fmt.Errorf("data link %q: %v", str(m, "url"), err)
		}
		if !strings.HasPrefix(u.Path, "/d/"+d.UID+"/") {
			continue
		}
		q := u.Query()
		if q.Get("var-service") != "${__field.labels."+serviceJobLabel+"}" {
			return fmt.Errorf("data link %s: var-service %q, want the series' ${__field.labels.%s}", u, q.Get("var-service"), serviceJobLabel)
		}
		if !strings.Contains(u.RawQuery, "${__url_time_range}") {
			return fmt.Errorf("data link %s does not keep the time range (${__url_time_range})", u)
		}
		id, ok := strings.CutPrefix(q.Get("viewPanel"), "panel-")
		if !ok || !slices.ContainsFunc(logsPanels, func(n int) bool { return fmt.Sprint(n) == id }) {
			return fmt.Errorf("data link %s: viewPanel %q is not a logs panel (logs panels: %v)", u, q.Get("viewPanel"), logsPanels)
		}
		return nil
	}
	return fmt.Errorf("no data link to this dashboard (/d/%s/...) among %v", d.UID, links)
}
