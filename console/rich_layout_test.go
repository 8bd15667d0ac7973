package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"
	"testing"

	"github.com/clipperhouse/displaywidth"

	"github.com/logbridge/logbridge/internal/richtest"
)

// richRecord is a record of the layout test against Rich.
type richRecord struct {
	level          slog.Level
	name, category string
	msg            string
	args           []any
}

var richRecords = []richRecord{
	{slog.LevelInfo, "quickstart.engine", "core", "engine [green]ready[/green] on device [cyan]cuda:0[/cyan] :rocket:", []any{"batch_size", 32, "dtype", "bf16"}},
	{slog.LevelWarn, "quickstart.engine", "core", "cache [yellow]80% full[/yellow], evicting oldest entries", []any{"evicted", 128}},
	{slog.LevelError, "quickstart.engine", "core", "[bold red]inference failed[/] after 3 tries", []any{"error", errors.New("run step 7: i/o timeout")}},
	{slog.LevelInfo, "quickstart.http", "server", "[bold]GET[/bold] /v1/chat -> [green]200[/green]", []any{"duration", "42ms", "client", "10.0.0.7"}},
	{slog.LevelInfo, "payments.reconciliation", "billing::ledger", "request served", []any{"method", "GET", "path", "/api/v2/ledger/entries", "status", 200, "bytes", 18234, "user_agent", "Mozilla/5.0 (X11; Linux x86_64)"}},
	{slog.LevelWarn, "payments.reconciliation.worker.batch", "billing::ledger", "slow upstream, see https://status.example.com/incidents/2024-03-09/payments-api-latency for details", []any{"waited", "1.5s"}},
	{slog.LevelDebug, "db", "core", "query plan: SELECT id, name FROM users WHERE org_id = 42 AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 100", nil},
	{slog.LevelInfo, "", "", "no logger: a message with a few words that wraps at narrow widths and keeps going", []any{"k", "v"}},
	{slog.LevelError, "api", "server", "token 7e3b3b2aaeff56a7108fe11e154200dd7819479873059528190abcdef rejected", nil},
	{slog.LevelInfo, "i18n", "core", "日本語のメッセージ 日本語のメッセージ 日本語のメッセージ 日本語のメッセージ", nil},
}

// TestLayoutLikeRich renders the same records through logbridge and through Rich's
// RichHandler (testdata/rich_layout.py) at 60, 80 and 120 columns, and checks record by
// record that logbridge's message column is the same for every record, that no line is
// wider than the width, and that no word is split where Rich does not split it. On failure
// it prints both renderings side by side.
func TestLayoutLikeRich(t *testing.T) {
	py := richtest.Python(t)
	for _, width := range []int{60, 80, 120} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ours, bodies, rights := renderRecords(width)
			rich := richRender(t, py, width, bodies, rights)
			msgCol := len(DefaultTimeFormat) + 1 + levelWidth + 1
			for i, rec := range richRecords {
				var problems []string
				lines := strings.Split(ours[i], "\n")
				for j, line := range lines {
					if w := displaywidth.String(line); w > width {
						problems = append(problems, fmt.Sprintf("line %d is %d columns wide", j+1, w))
					}
					if strings.TrimSpace(line) == "" || j > 0 && !strings.HasPrefix(line, strings.Repeat(" ", msgCol)) {
						problems = append(problems, fmt.Sprintf("line %d does not start at the message column %d", j+1, msgCol))
					} else if len(line) <= msgCol || line[msgCol] == ' ' || line[msgCol-1] != ' ' {
						problems = append(problems, fmt.Sprintf("line %d has no text at the message column %d", j+1, msgCol))
					}
				}
				for _, word := range strings.Fields(bodies[i]) {
					if !hasField(ours[i], word) && hasField(rich[i], word) {
						problems = append(problems, fmt.Sprintf("%q is split; Rich keeps it whole", word))
					}
				}
				if len(problems) > 0 {
					t.Errorf("record %d (%s) at %d columns: %s\n%s", i, rec.msg, width, strings.Join(problems, "; "), sideBySide(ours[i], rich[i], width))
				}
			}
		})
	}
}

// renderRecords renders richRecords with logbridge at width, and returns each record's
// lines, its body unwrapped (the text Rich is given) and its right-hand text.
func renderRecords(width int) (ours, bodies, rights []string) {
	for _, rec := range richRecords {
		for _, w := range []int{width, -1} {
			var buf bytes.Buffer
			h := NewHandler(&buf, &Options{Width: w, Level: slog.LevelDebug, Env: noColorEnv})
			var l *slog.Logger
			if w < 0 {
				l = slog.New(fixedTime{h}) // no logger: the body alone
			} else {
				l = slog.New(fixedTime{h.WithLogger(rec.name, rec.category)})
			}
			l.Log(context.Background(), rec.level, rec.msg, rec.args...)
			out := strings.TrimSuffix(buf.String(), "\n")
			if w < 0 {
				bodies = append(bodies, out[len(DefaultTimeFormat)+1+levelWidth+1:])
			} else {
				ours = append(ours, out)
			}
		}
		rights = append(rights, strings.TrimSpace(rec.category+" "+rec.name))
	}
	return ours, bodies, rights
}

// richRender renders the bodies through RichHandler at width.
func richRender(t *testing.T, py string, width int, bodies, rights []string) []string {
	t.Helper()
	type rec struct {
		Level int    `json:"level"`
		Body  string `json:"body"`
		Path  string `json:"path"`
	}
	req := struct {
		Width   int   `json:"width"`
		Records []rec `json:"records"`
	}{Width: width}
	for i, r := range richRecords {
		req.Records = append(req.Records, rec{pyLevel(r.level), bodies[i], rights[i]})
	}
	in, _ := json.Marshal(req)
	cmd := exec.Command(py, "testdata/rich_layout.py")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("rich_layout.py: %v\n%s", err, stderr.String())
	}
	var rich []string
	if err := json.Unmarshal(out, &rich); err != nil || len(rich) != len(richRecords) {
		t.Fatalf("rich_layout.py answered %d records (%v), want %d", len(rich), err, len(richRecords))
	}
	return rich
}

// pyLevel is the Python logging level of l.
func pyLevel(l slog.Level) int {
	switch {
	case l >= slog.LevelError:
		return 40
	case l >= slog.LevelWarn:
		return 30
	case l >= slog.LevelInfo:
		return 20
	}
	return 10
}

// hasField reports whether word is one of the space-separated fields of text.
func hasField(text, word string) bool {
	for _, f := range strings.Fields(text) {
		if f == word {
			return true
		}
	}
	return false
}

// sideBySide shows two renderings next to each other, each in a column width wide.
func sideBySide(ours, rich string, width int) string {
	a, b := strings.Split(ours, "\n"), strings.Split(rich, "\n")
	var sb strings.Builder
	sb.WriteString("logbridge" + strings.Repeat(" ", width-len("logbridge")) + " | Rich\n")
	for i := range max(len(a), len(b)) {
		var l, r string
		if i < len(a) {
			l = a[i]
		}
		if i < len(b) {
			r = b[i]
		}
		sb.WriteString(l + strings.Repeat(" ", max(width-displaywidth.String(l), 0)) + " | " + r + "\n")
	}
	return sb.String()
}
