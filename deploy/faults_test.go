package deploy

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/vocab"
)

// The tests of this file pin the five faults found when the stack was run against the pinned
// versions' sources (issue 17), so that none comes back.

// grafanaProvisioning is where the Grafana image keeps its provisioning folders (datasources,
// dashboards, alerting, plugins), and provisioningDir the repository's folders for them.
const (
	grafanaProvisioning = "/etc/grafana/provisioning"
	provisioningDir     = "grafana/provisioning"
	grafanaDoc          = "../docs/grafana.md"
)

// TestComposeOneBuilderPerImage: two services that build the same tag race in BuildKit's bake
// ("image ... already exists" on a clean machine). Of the services naming an image, at most
// one builds it; the others use it.
func TestComposeOneBuilderPerImage(t *testing.T) {
	var c compose
	loadYAML(t, composeFile, &c)
	builders := map[string][]string{} // image -> services that build it
	users := map[string][]string{}    // image -> services that only use it
	for name, s := range c.Services {
		if s.Build != nil {
			if s.Image == "" {
				t.Errorf("service %s builds an image without naming it; the services that share it cannot refer to it", name)
			}
			builders[s.Image] = append(builders[s.Image], name)
		} else {
			users[s.Image] = append(users[s.Image], name)
		}
	}
	for image, names := range builders {
		if slices.Sort(names); len(names) > 1 {
			t.Errorf("image %s is built by %d services (%v); build it in one and let the others use it", image, len(names), names)
		}
	}
	// The example image is built once and used by the driver.
	const example = "logbridge/httpserver:dev"
	if !slices.Equal(builders[example], []string{"httpserver"}) || !slices.Contains(users[example], "driver") {
		t.Errorf("%s: built by %v and used by %v; want built by httpserver and used by driver", example, builders[example], users[example])
	}
}

// collectorComponents returns the component names the real collector lists with
// `otelcol components`, by kind (receivers, processors, exporters, extensions, connectors).
// Deprecated aliases (otlp for otlp_grpc, otlphttp for otlp_http) are not listed.
func collectorComponents(t *testing.T) map[string][]string {
	t.Helper()
	bin, err := collectortest.Binary()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "components").Output()
	if err != nil {
		t.Fatalf("otelcol components: %v", err)
	}
	var doc map[string]yaml.Node // buildinfo is a map, the kinds are lists
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("otelcol components: %v\n%s", err, out)
	}
	names := map[string][]string{}
	for kind, node := range doc {
		if node.Kind != yaml.SequenceNode {
			continue
		}
		var cs []struct {
			Name string `yaml:"name"`
		}
		if err := node.Decode(&cs); err != nil {
			t.Fatalf("otelcol components: %s: %v", kind, err)
		}
		for _, c := range cs {
			names[kind] = append(names[kind], c.Name)
		}
	}
	return names
}

// componentNames returns the component ids a collector configuration defines, by kind.
func componentNames(t *testing.T, path string) map[string][]string {
	t.Helper()
	var cfg map[string]any
	loadYAML(t, path, &cfg)
	ids := map[string][]string{}
	for _, kind := range []string{"receivers", "processors", "exporters", "extensions", "connectors"} {
		m, _ := cfg[kind].(map[string]any)
		for id := range m {
			ids[kind] = append(ids[kind], id)
		}
		slices.Sort(ids[kind])
	}
	return ids
}

// TestCollectorUsesCurrentComponentNames: the collector 0.162 logs a deprecation warning at
// every start for a component configured under an old alias (otlp, otlphttp,
// prometheusremotewrite). Every component of the stack's configuration has a name the
// collector lists as its own.
func TestCollectorUsesCurrentComponentNames(t *testing.T) {
	have := collectorComponents(t)
	if !slices.Contains(have["exporters"], "otlp_http") {
		t.Fatalf("the test collector lists no otlp_http exporter (exporters %v); is it older than 0.162?", have["exporters"])
	}
	for kind, ids := range componentNames(t, collectorConfig) {
		for _, id := range ids {
			typ, _, _ := strings.Cut(id, "/")
			if !slices.Contains(have[kind], typ) {
				t.Errorf("%s %q: type %q is not a name the collector lists for %s (%v); an old alias logs a deprecation warning at every start",
					kind, id, typ, kind, have[kind])
			}
		}
	}
}

// TestGrafanaKeepsImageProvisioning: a bind mount over all of /etc/grafana/provisioning hides
// the image's alerting/ and plugins/ folders, and Grafana logs level=error at start. Grafana
// mounts each folder of deploy/grafana/provisioning at its own path, and nothing over the
// provisioning folder itself.
func TestGrafanaKeepsImageProvisioning(t *testing.T) {
	var c compose
	loadYAML(t, composeFile, &c)
	mounts := map[string]string{} // container path -> host path
	for _, v := range c.Services["grafana"].Volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 {
			mounts[path.Clean(parts[1])] = path.Clean(parts[0])
		}
	}
	if host, ok := mounts[grafanaProvisioning]; ok {
		t.Errorf("grafana mounts %s over %s, hiding the image's alerting/ and plugins/ folders", host, grafanaProvisioning)
	}
	entries, err := os.ReadDir(provisioningDir)
	if err != nil {
		t.Fatal(err)
	}
	var dirs int
	for _, e := range entries {
		if !e.IsDir() {
			t.Errorf("%s/%s: Grafana reads only folders there; a file would need its folder mounted whole", provisioningDir, e.Name())
			continue
		}
		dirs++
		target := grafanaProvisioning + "/" + e.Name()
		want := "deploy/" + provisioningDir + "/" + e.Name()
		if got := strings.TrimPrefix(mounts[target], "./"); got != want {
			t.Errorf("grafana mounts %q at %s, want ./%s", got, target, want)
		}
	}
	if dirs == 0 {
		t.Fatalf("no folders under %s", provisioningDir)
	}
}

// TestDerivedFieldMatchesOnlyTraceID: for a derived field of matcherType "label", Grafana's
// Loki data source takes the first field whose name the matcherRegex matches (new
// RegExp(matcherRegex).test(key)), so an unanchored "trace_id" also picks up a field such as
// parent_trace_id. The regex is anchored and matches the trace id field alone.
func TestDerivedFieldMatchesOnlyTraceID(t *testing.T) {
	var p provisioning
	loadYAML(t, datasourcesFile, &p)
	var checked int
	for _, ds := range p.Datasources {
		fields, _ := ds.JSONData["derivedFields"].([]any)
		for _, f := range fields {
			m, _ := f.(map[string]any)
			if str(m, "matcherType") != "label" {
				continue
			}
			checked++
			src, err := grafanaValue(str(m, "matcherRegex"))
			if err != nil {
				t.Fatal(err)
			}
			re, err := regexp.Compile(src)
			if err != nil {
				t.Fatalf("derived field %q: matcherRegex %q: %v", str(m, "name"), src, err)
			}
			if !re.MatchString(lokiTraceIDField) {
				t.Errorf("derived field %q: matcherRegex %q does not match %s", str(m, "name"), src, lokiTraceIDField)
			}
			for _, other := range []string{"parent_" + lokiTraceIDField, lokiTraceIDField + "_old", "x" + lokiTraceIDField + "x", lokiTraceIDField + "\n"} {
				if re.MatchString(other) {
					t.Errorf("derived field %q: matcherRegex %q also matches the field name %q; anchor it (^%s$)", str(m, "name"), src, other, lokiTraceIDField)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no derived field of matcherType label")
	}
}

// TestDetectedLevelDocumented: Loki 3.6 derives detected_level from an OTLP record's
// severity_text before its severity_number, so logbridge's records arrive with the severity
// text logbridge writes (WARNING, CRITICAL), not with the number's name (warn, fatal). What
// the Loki configuration and the walk-through say about detected_level must match.
func TestDetectedLevelDocumented(t *testing.T) {
	texts := []string{
		vocab.LevelName(slog.LevelDebug), vocab.LevelName(slog.LevelInfo), vocab.LevelName(slog.LevelWarn),
		vocab.LevelName(slog.LevelError), vocab.LevelName(vocab.LevelCritical),
	}
	for _, file := range []string{lokiConfig, grafanaDoc} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		// The paragraph (a run of non-blank lines) that explains detected_level.
		var para string
		for p := range strings.SplitSeq(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n\n") {
			if strings.Contains(p, "detected_level") {
				para += p + "\n"
			}
		}
		name := filepath.Base(file)
		if para == "" {
			t.Errorf("%s does not say how Loki sets detected_level", name)
			continue
		}
		if !strings.Contains(para, "severity_text") {
			t.Errorf("%s: the detected_level text does not say it comes from severity_text:\n%s", name, para)
		}
		var missing []string
		for _, s := range texts {
			if !strings.Contains(para, s) {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s: the detected_level text does not name %v, severity texts logbridge writes:\n%s", name, missing, para)
		}
		if strings.Contains(strings.ToLower(para), "fatal") {
			t.Errorf("%s: the detected_level text still says fatal; Loki 3.6 keeps logbridge's %s:\n%s", name, vocab.LevelName(vocab.LevelCritical), para)
		}
	}
}
