package deploy

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.yaml.in/yaml/v3"

	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/vocab"
)

// Paths, relative to this package's directory (where `go test` runs).
const (
	composeFile     = "../docker-compose.yaml"
	collectorConfig = "otelcol/config.yaml"
	lokiConfig      = "loki/config.yaml"
	tempoConfig     = "tempo/config.yaml"
	datasourcesFile = "grafana/provisioning/datasources/datasources.yaml"
	dashboardsFile  = "grafana/provisioning/dashboards/dashboards.yaml"
	dashboardFile   = "grafana/dashboards/logbridge.json"
)

// lokiTraceIDField is the structured metadata field in which Loki's OTLP ingestion keeps a
// record's trace id (Loki's name; OTLP has no attribute for it).
const lokiTraceIDField = "trace_id"

// lokiName is the name Loki's OTLP ingestion gives an attribute: its label-name
// normalization turns every character other than a letter, a digit or "_" into "_" (so
// log.category becomes log_category) and prefixes a leading digit with "key_".
func lokiName(attr string) string {
	b := []byte(attr)
	for i, c := range b {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	if len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
		return "key_" + string(b)
	}
	return string(b)
}

func TestLokiName(t *testing.T) {
	for in, want := range map[string]string{
		"log.category": "log_category", "service.name": "service_name", "http.response.status_code": "http_response_status_code",
		"a-b/c": "a_b_c", "9lives": "key_9lives", "plain": "plain",
	} {
		if got := lokiName(in); got != want {
			t.Errorf("lokiName(%q) = %q, want %q", in, got, want)
		}
	}
}

// Names the dashboard may use: what Loki makes of the resource's service.name (an index
// label) and of the attributes logbridge adds to every record (structured metadata).
var (
	serviceLabel  = lokiName(string(semconv.ServiceNameKey))
	categoryLabel = lokiName(vocab.AttrCategory)
	levelLabel    = lokiName(vocab.AttrLevel)
)

// levelKeys are the values of the log.level attribute, as vocab.LevelKey writes them.
var levelKeys = []string{
	vocab.LevelKey(slog.LevelDebug), vocab.LevelKey(slog.LevelInfo), vocab.LevelKey(slog.LevelWarn),
	vocab.LevelKey(slog.LevelError), vocab.LevelKey(vocab.LevelCritical),
}

// TestCollectorConfigValid runs the real collector's `validate` on the stack's collector
// configuration.
func TestCollectorConfigValid(t *testing.T) {
	if err := collectortest.Validate(collectorConfig); err != nil {
		t.Fatal(err)
	}
}

// TestCollectorConfigIsChecked makes sure the validation above can fail: a configuration
// naming a component the collector lacks is refused.
func TestCollectorConfigIsChecked(t *testing.T) {
	data, err := os.ReadFile(collectorConfig)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(data), "exporters: [otlp_http/loki, debug]", "exporters: [otlp_http/nowhere, debug]", 1)
	if bad == string(data) {
		t.Fatal("the logs pipeline's exporters line changed; update this test")
	}
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := collectortest.Validate(path); err == nil || !strings.Contains(err.Error(), "otlp_http/nowhere") {
		t.Fatalf("validate accepted a pipeline with an unconfigured exporter (err = %v)", err)
	}
}

// dashboard is the part of a Grafana dashboard JSON the tests read.
type dashboard struct {
	UID        string  `json:"uid"`
	Title      string  `json:"title"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []variable `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int            `json:"id"`
	Type       string         `json:"type"`
	Title      string         `json:"title"`
	Datasource *datasourceRef `json:"datasource"`
	Targets    []target       `json:"targets"`
	Panels     []panel        `json:"panels"` // rows hold panels
	Options    map[string]any `json:"options"`
	// FieldConfig holds, under defaults, the data links of the panel's series.
	FieldConfig map[string]any `json:"fieldConfig"`
}

type target struct {
	RefID      string         `json:"refId"`
	Datasource *datasourceRef `json:"datasource"`
	Expr       string         `json:"expr"`  // Loki, Prometheus
	Query      string         `json:"query"` // Tempo (TraceQL)
	// LegendFormat names series from their labels ({{label}}); Loki and Prometheus.
	LegendFormat string `json:"legendFormat"`
}

type datasourceRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type variable struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Query      any            `json:"query"`
	Datasource *datasourceRef `json:"datasource"`
	AllValue   string         `json:"allValue"`
	Options    []struct {
		Value string `json:"value"`
	} `json:"options"`
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	data, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	if d.UID == "" || d.Title == "" || len(d.Panels) == 0 {
		t.Fatalf("%s: no uid, title or panels", dashboardFile)
	}
	return d
}

// allPanels returns the panels, those inside rows included.
func allPanels(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, allPanels(p.Panels)...)
	}
	return out
}

// panelTarget is a query of a panel.
type panelTarget struct {
	panel  panel
	target target
}

// targetsOn returns the dashboard's queries on data sources of type typ (a target's own data
// source, else its panel's), failing the test for one without an expression.
func targetsOn(t *testing.T, d dashboard, typ string) []panelTarget {
	t.Helper()
	var out []panelTarget
	for _, p := range allPanels(d.Panels) {
		for _, tg := range p.Targets {
			ds := tg.Datasource
			if ds == nil {
				ds = p.Datasource
			}
			if ds == nil || ds.Type != typ {
				continue
			}
			if strings.TrimSpace(tg.Expr) == "" {
				t.Errorf("panel %q: %s target %s has no expression", p.Title, typ, tg.RefID)
				continue
			}
			out = append(out, panelTarget{p, tg})
		}
	}
	return out
}

// lokiQueries returns every Loki expression of the dashboard.
func lokiQueries(t *testing.T, d dashboard) []string {
	t.Helper()
	var out []string
	for _, pt := range targetsOn(t, d, "loki") {
		out = append(out, pt.target.Expr)
	}
	return out
}

var (
	// A label matcher in a stream selector or a label filter: name, operator, quoted value.
	matcherRE = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"`)
	// A grouping clause: by (a, b) or without (a).
	groupingRE = regexp.MustCompile(`\b(?:by|without)\s*\(([^)]*)\)`)
	// A dashboard variable reference: $name or ${name}.
	variableRE = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)
)

// queryLabels returns the label names an expression matches on or groups by.
func queryLabels(expr string) []string {
	var names []string
	for _, m := range matcherRE.FindAllStringSubmatch(expr, -1) {
		names = append(names, m[1])
	}
	for _, m := range groupingRE.FindAllStringSubmatch(expr, -1) {
		for n := range strings.SplitSeq(m[1], ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
	}
	return names
}

// TestDashboardUsesEmittedNames checks the dashboard's Loki queries against the names Loki
// gives what logbridge emits: every label a query names is one of them, the volume panels
// group by category and by level, and the error panels select logbridge's error levels.
func TestDashboardUsesEmittedNames(t *testing.T) {
	d := loadDashboard(t)
	queries := lokiQueries(t, d)
	if len(queries) == 0 {
		t.Fatal("the dashboard has no Loki query")
	}
	known := map[string]bool{serviceLabel: true, categoryLabel: true, levelLabel: true}
	groupsBy := map[string]bool{}
	var errorFilters int
	for _, q := range queries {
		if !strings.Contains(q, "{"+serviceLabel) {
			t.Errorf("query %q: stream selector does not use the %s label", q, serviceLabel)
		}
		for _, name := range queryLabels(q) {
			if !known[name] {
				t.Errorf("query %q names %q, which is not a name Loki gives logbridge's records (want one of %v)", q, name, sortedKeys(known))
			}
		}
		for _, m := range groupingRE.FindAllStringSubmatch(q, -1) {
			for n := range strings.SplitSeq(m[1], ",") {
				groupsBy[strings.TrimSpace(n)] = true
			}
		}
		for _, m := range matcherRE.FindAllStringSubmatch(q, -1) {
			if m[1] != levelLabel || strings.HasPrefix(m[3], "$") {
				continue
			}
			// A literal level filter: its values must be levels logbridge writes.
			values := strings.Split(m[3], "|")
			for _, v := range values {
				if !slices.Contains(levelKeys, v) {
					t.Errorf("query %q: %s value %q is not a level logbridge writes (%v)", q, levelLabel, v, levelKeys)
				}
			}
			if m[2] == "=~" && slices.Contains(values, vocab.LevelKey(slog.LevelError)) && slices.Contains(values, vocab.LevelKey(vocab.LevelCritical)) {
				errorFilters++
			}
		}
	}
	for _, name := range []string{categoryLabel, levelLabel} {
		if !groupsBy[name] {
			t.Errorf("no query groups by %s (log volume by it)", name)
		}
	}
	if errorFilters == 0 {
		t.Errorf(`no query selects errors with %s=~"%s|%s"`, levelLabel, vocab.LevelKey(slog.LevelError), vocab.LevelKey(vocab.LevelCritical))
	}
}

// TestDashboardVariablesAndPanels checks the template variables the queries use and the
// panels the walk-through relies on.
func TestDashboardVariablesAndPanels(t *testing.T) {
	d := loadDashboard(t)
	vars := map[string]variable{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v
	}
	for _, p := range allPanels(d.Panels) {
		for _, tg := range p.Targets {
			for _, m := range variableRE.FindAllStringSubmatch(tg.Expr+" "+tg.Query, -1) {
				if name := m[1]; !strings.HasPrefix(name, "__") {
					if _, ok := vars[name]; !ok {
						t.Errorf("panel %q uses $%s, which the dashboard does not define", p.Title, name)
					}
				}
			}
		}
	}
	// The level variable offers exactly the levels logbridge writes.
	if v, ok := vars["level"]; !ok {
		t.Error("no level variable")
	} else {
		var got []string
		for _, o := range v.Options {
			if o.Value != "$__all" {
				got = append(got, o.Value)
			}
		}
		if !slices.Equal(got, levelKeys) {
			t.Errorf("level variable offers %v, want %v", got, levelKeys)
		}
	}
	// The service variable lists Loki's service_name values.
	if v, ok := vars["service"]; !ok || !strings.Contains(fmt.Sprint(v.Query), serviceLabel) {
		t.Errorf("no service variable over the %s label (got %+v)", serviceLabel, v)
	}
	// The logs panels show log details, where the trace_id field's link to Tempo is.
	var logsPanels int
	for _, p := range allPanels(d.Panels) {
		if p.Type == "logs" {
			logsPanels++
			if p.Options["enableLogDetails"] != true {
				t.Errorf("logs panel %q hides log details, and with them the trace links", p.Title)
			}
		}
	}
	if logsPanels == 0 {
		t.Error("no logs panel")
	}
}

// provisioning is the data source provisioning file.
type provisioning struct {
	APIVersion  int `yaml:"apiVersion"`
	Datasources []struct {
		Name     string         `yaml:"name"`
		Type     string         `yaml:"type"`
		UID      string         `yaml:"uid"`
		URL      string         `yaml:"url"`
		JSONData map[string]any `yaml:"jsonData"`
	} `yaml:"datasources"`
}

func loadYAML(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// grafanaValue is a provisioning value as Grafana sees it: Grafana expands $NAME and ${NAME}
// from the environment in provisioning files and reads $$ as a literal $. A lone $ before a
// name is an error here, since it would expand to an (empty) environment variable.
func grafanaValue(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		if i+1 < len(s) && (s[i+1] == '{' || s[i+1] == '_' || s[i+1] >= 'A' && s[i+1] <= 'Z' || s[i+1] >= 'a' && s[i+1] <= 'z') {
			return "", fmt.Errorf("%q: unescaped $ at %d would be expanded from the environment (write $$)", s, i)
		}
		b.WriteByte('$')
	}
	return b.String(), nil
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// TestDatasourcesLinkLogsAndTraces checks the two links of the walk-through: a log line's
// trace_id opens the trace in Tempo, a trace's "logs for this span" queries Loki by trace id.
func TestDatasourcesLinkLogsAndTraces(t *testing.T) {
	var p provisioning
	loadYAML(t, datasourcesFile, &p)
	if p.APIVersion != 1 {
		t.Errorf("apiVersion %d, want 1", p.APIVersion)
	}
	byUID := map[string]string{} // uid -> type
	var loki, tempo map[string]any
	var lokiUID, tempoUID string
	for _, ds := range p.Datasources {
		if ds.UID == "" {
			t.Errorf("data source %q has no uid; the dashboard and links need fixed uids", ds.Name)
		}
		if _, dup := byUID[ds.UID]; dup {
			t.Errorf("uid %q used twice", ds.UID)
		}
		byUID[ds.UID] = ds.Type
		switch ds.Type {
		case "loki":
			loki, lokiUID = ds.JSONData, ds.UID
		case "tempo":
			tempo, tempoUID = ds.JSONData, ds.UID
		}
	}
	if loki == nil || tempo == nil {
		t.Fatalf("want a Loki and a Tempo data source, have %v", byUID)
	}

	// Logs -> traces.
	fields, _ := loki["derivedFields"].([]any)
	var traceLinks int
	for _, f := range fields {
		m, _ := f.(map[string]any)
		if str(m, "matcherType") != "label" {
			continue
		}
		if re, err := regexp.Compile(str(m, "matcherRegex")); err != nil || !re.MatchString(lokiTraceIDField) {
			continue
		}
		traceLinks++
		if uid := str(m, "datasourceUid"); byUID[uid] != "tempo" {
			t.Errorf("trace_id derived field links to data source %q, which is not the Tempo one (%q)", uid, tempoUID)
		}
		if u, err := grafanaValue(str(m, "url")); err != nil || u != "${__value.raw}" {
			t.Errorf("trace_id derived field url: %q, %v; want the field's raw value, ${__value.raw}", u, err)
		}
	}
	if traceLinks != 1 {
		t.Errorf("%d derived fields of matcherType label on %s, want 1", traceLinks, lokiTraceIDField)
	}

	// Traces -> logs.
	t2l, _ := tempo["tracesToLogsV2"].(map[string]any)
	if t2l == nil {
		t.Fatal("the Tempo data source has no tracesToLogsV2")
	}
	if uid := str(t2l, "datasourceUid"); uid != lokiUID {
		t.Errorf("tracesToLogsV2 points at data source %q, want the Loki one (%q)", uid, lokiUID)
	}
	q, err := grafanaValue(str(t2l, "query"))
	if err != nil {
		t.Error(err)
	}
	if t2l["customQuery"] != true || !strings.Contains(q, lokiTraceIDField+`="${__trace.traceId}"`) {
		t.Errorf("tracesToLogsV2 query %q (customQuery %v): want a custom query filtering %s by ${__trace.traceId}", q, t2l["customQuery"], lokiTraceIDField)
	}
	tags, _ := t2l["tags"].([]any)
	var mapsService bool
	for _, tag := range tags {
		m, _ := tag.(map[string]any)
		if str(m, "key") == string(semconv.ServiceNameKey) && str(m, "value") == serviceLabel {
			mapsService = true
		}
	}
	if !mapsService {
		t.Errorf("tracesToLogsV2 tags %v: want %s mapped to Loki's %s", tags, semconv.ServiceNameKey, serviceLabel)
	}
	if search, _ := tempo["lokiSearch"].(map[string]any); search != nil && str(search, "datasourceUid") != lokiUID {
		t.Errorf("lokiSearch points at %q, want %q", str(search, "datasourceUid"), lokiUID)
	}

	// Every data source the dashboard names exists, with the type it says.
	d := loadDashboard(t)
	check := func(where string, ref *datasourceRef) {
		if ref == nil {
			return
		}
		if typ, ok := byUID[ref.UID]; !ok || typ != ref.Type {
			t.Errorf("%s: data source {type %q, uid %q} is not provisioned (have %v)", where, ref.Type, ref.UID, byUID)
		}
	}
	for _, p := range allPanels(d.Panels) {
		check(fmt.Sprintf("panel %q", p.Title), p.Datasource)
		for _, tg := range p.Targets {
			check(fmt.Sprintf("panel %q target %s", p.Title, tg.RefID), tg.Datasource)
		}
	}
	for _, v := range d.Templating.List {
		check("variable "+v.Name, v.Datasource)
	}
}

// compose is the part of docker-compose.yaml the tests read.
type compose struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Command     []string          `yaml:"command"`
		Volumes     []string          `yaml:"volumes"`
		Ports       []string          `yaml:"ports"`
		Environment map[string]string `yaml:"environment"`
		Profiles    []string          `yaml:"profiles"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// TestComposeFile checks docker-compose.yaml against the files it mounts and the
// configurations that name its services.
func TestComposeFile(t *testing.T) {
	var c compose
	loadYAML(t, composeFile, &c)
	for _, name := range []string{"otelcol", "loki", "tempo", "prometheus", "grafana", "httpserver", "driver"} {
		if _, ok := c.Services[name]; !ok {
			t.Errorf("no service %q", name)
		}
	}
	// Images are pinned; bind mounts exist.
	mounts := map[string]string{} // container path -> host path (relative to the repository root)
	for name, s := range c.Services {
		if s.Build == nil {
			repo, tag, ok := strings.Cut(s.Image, ":")
			if !ok || repo == "" || tag == "" || tag == "latest" || strings.Contains(tag, "/") {
				t.Errorf("service %s: image %q is not pinned to a version", name, s.Image)
			}
		}
		for _, v := range s.Volumes {
			parts := strings.Split(v, ":")
			if len(parts) < 2 {
				t.Errorf("service %s: volume %q has no target", name, v)
				continue
			}
			host, target := parts[0], parts[1]
			if strings.HasPrefix(host, "./") {
				if _, err := os.Stat(filepath.Join("..", host)); err != nil {
					t.Errorf("service %s mounts %s: %v", name, host, err)
				}
				mounts[name+":"+target] = strings.TrimPrefix(host, "./")
			} else if _, ok := c.Volumes[host]; !ok {
				t.Errorf("service %s uses volume %q, which is not declared", name, host)
			}
		}
	}
	if _, err := os.Stat("../examples/httpserver/Dockerfile"); err != nil {
		t.Error(err)
	}

	// The collector runs the configuration the validation test checks.
	if !slices.ContainsFunc(c.Services["otelcol"].Command, func(a string) bool {
		p := strings.TrimPrefix(a, "--config=")
		return p != a && mounts["otelcol:"+p] == "deploy/"+collectorConfig
	}) {
		t.Errorf("the otelcol service does not run deploy/%s (command %v, mounts %v)", collectorConfig, c.Services["otelcol"].Command, mounts)
	}
	// Grafana reads the provisioning and the dashboard from where the provisioning says.
	for _, dir := range []string{"datasources", "dashboards"} {
		if mounts["grafana:/etc/grafana/provisioning/"+dir] != "deploy/grafana/provisioning/"+dir {
			t.Errorf("grafana does not mount deploy/grafana/provisioning/%s at /etc/grafana/provisioning/%s (mounts %v)", dir, dir, mounts)
		}
	}
	var dp struct {
		Providers []struct {
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	loadYAML(t, dashboardsFile, &dp)
	if len(dp.Providers) != 1 || mounts["grafana:"+dp.Providers[0].Options.Path] != "deploy/grafana/dashboards" {
		t.Errorf("the dashboard provider's path is not where grafana mounts deploy/grafana/dashboards (providers %+v, mounts %v)", dp.Providers, mounts)
	}
	if home := c.Services["grafana"].Environment["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]; home != "" {
		if home != dp.Providers[0].Options.Path+"/"+filepath.Base(dashboardFile) {
			t.Errorf("the home dashboard %s is not the provisioned %s", home, dashboardFile)
		}
	}
}

// TestEndpointsMatchServices checks that every address one part of the stack uses to reach
// another names a compose service and a port that service listens on.
func TestEndpointsMatchServices(t *testing.T) {
	var c compose
	loadYAML(t, composeFile, &c)

	var col struct {
		Exporters map[string]struct {
			Endpoint string `yaml:"endpoint"`
			HTTP     struct {
				Endpoint string `yaml:"endpoint"`
			} `yaml:"http"` // prometheus_remote_write
		} `yaml:"exporters"`
		Service struct {
			Pipelines map[string]struct {
				Exporters []string `yaml:"exporters"`
			} `yaml:"pipelines"`
		} `yaml:"service"`
	}
	loadYAML(t, collectorConfig, &col)
	var lk struct {
		Server struct {
			HTTPListenPort int `yaml:"http_listen_port"`
		} `yaml:"server"`
	}
	loadYAML(t, lokiConfig, &lk)
	var tp struct {
		Server struct {
			HTTPListenPort int `yaml:"http_listen_port"`
		} `yaml:"server"`
		Distributor struct {
			Receivers struct {
				OTLP struct {
					Protocols struct {
						GRPC struct {
							Endpoint string `yaml:"endpoint"`
						} `yaml:"grpc"`
					} `yaml:"protocols"`
				} `yaml:"otlp"`
			} `yaml:"receivers"`
		} `yaml:"distributor"`
	}
	loadYAML(t, tempoConfig, &tp)
	_, tempoGRPC, _ := net.SplitHostPort(tp.Distributor.Receivers.OTLP.Protocols.GRPC.Endpoint)
	promPort := "9090" // Prometheus' default, unless its command says otherwise
	for _, a := range c.Services["prometheus"].Command {
		if v, ok := strings.CutPrefix(a, "--web.listen-address="); ok {
			_, promPort, _ = net.SplitHostPort(v)
		}
	}
	listens := map[string][]string{
		"loki":       {fmt.Sprint(lk.Server.HTTPListenPort)},
		"tempo":      {fmt.Sprint(tp.Server.HTTPListenPort), tempoGRPC},
		"prometheus": {promPort},
	}

	hostPort := func(where, endpoint string) (string, string) {
		if !strings.Contains(endpoint, "://") {
			endpoint = "grpc://" + endpoint
		}
		u, err := url.Parse(endpoint)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			return "", ""
		}
		return u.Hostname(), u.Port()
	}
	checkTarget := func(where, endpoint string) {
		host, port := hostPort(where, endpoint)
		if _, ok := c.Services[host]; !ok {
			t.Errorf("%s: %s names host %q, which is no compose service", where, endpoint, host)
		}
		if !slices.Contains(listens[host], port) {
			t.Errorf("%s: %s: %s listens on %v", where, endpoint, host, listens[host])
		}
	}
	// The collector's exporters: logs to Loki's OTLP endpoint, traces to Tempo.
	exporterOf := func(pipeline, prefix string) string {
		for _, e := range col.Service.Pipelines[pipeline].Exporters {
			if strings.HasPrefix(e, prefix) {
				return e
			}
		}
		t.Errorf("the %s pipeline has no %s exporter", pipeline, prefix)
		return ""
	}
	if e := exporterOf("logs", "otlp_http/"); e != "" {
		ep := col.Exporters[e].Endpoint
		checkTarget("exporter "+e, ep)
		if !strings.HasSuffix(ep, "/otlp") {
			t.Errorf("exporter %s: endpoint %s, want Loki's native OTLP endpoint, .../otlp", e, ep)
		}
	}
	if e := exporterOf("traces", "otlp_grpc/"); e != "" {
		checkTarget("exporter "+e, col.Exporters[e].Endpoint)
	}
	// Metrics to Prometheus' remote-write receiver, which its command turns on.
	if e := exporterOf("metrics", "prometheus_remote_write"); e != "" {
		ep := col.Exporters[e].HTTP.Endpoint
		checkTarget("exporter "+e, ep)
		if !strings.HasSuffix(ep, "/api/v1/write") {
			t.Errorf("exporter %s: endpoint %s, want Prometheus' remote-write receiver, .../api/v1/write", e, ep)
		}
		if !slices.Contains(c.Services["prometheus"].Command, "--web.enable-remote-write-receiver") {
			t.Errorf("prometheus runs %v, without --web.enable-remote-write-receiver", c.Services["prometheus"].Command)
		}
	}
	// Grafana's data sources.
	var p provisioning
	loadYAML(t, datasourcesFile, &p)
	for _, ds := range p.Datasources {
		checkTarget("data source "+ds.Name, ds.URL)
	}
	// The example services export to the collector, by its service name.
	for _, name := range []string{"httpserver", "driver"} {
		ep := c.Services[name].Environment["OTEL_EXPORTER_OTLP_ENDPOINT"]
		if host, port := hostPort(name, ep); host != "otelcol" || port != "4318" {
			t.Errorf("service %s exports to %q, want the collector, http://otelcol:4318", name, ep)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
