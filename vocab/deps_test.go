package vocab_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSinksNeedNoConfig: the sinks take their names from vocab, so an app that uses only a sink
// does not link config and the YAML library config needs.
func TestSinksNeedNoConfig(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to list dependencies:", err)
	}
	for _, pkg := range []string{"console", "filelog", "otlpsink"} {
		out, err := exec.Command(goTool, "list", "-deps", "github.com/logbridge/logbridge/"+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for dep := range strings.SplitSeq(string(out), "\n") {
			if dep == "github.com/logbridge/logbridge/config" || strings.Contains(dep, "yaml") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}
