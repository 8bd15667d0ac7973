package markup

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/internal/richtest"
)

// TestEmojiCodesGenerated checks that emoji_codes.go is what gen_emoji_codes.py writes from
// the Rich installed here: the table is Rich's, entry for entry.
func TestEmojiCodesGenerated(t *testing.T) {
	py := richtest.Python(t)
	out := filepath.Join(t.TempDir(), "emoji_codes.go")
	if msg, err := exec.Command(py, "gen_emoji_codes.py", out).CombinedOutput(); err != nil {
		t.Fatalf("gen_emoji_codes.py: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("emoji_codes.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("emoji_codes.go is not what gen_emoji_codes.py writes for this Rich: run go generate ./internal/markup/")
	}
}

// TestStripLikeRich compares Strip with Rich's Text.from_markup(s).plain, run by Rich
// itself (testdata/rich_plain.py), for markup with emoji codes: every code of the table
// (in capitals, with variants, inside tags) and the edge cases of Rich's pattern.
func TestStripLikeRich(t *testing.T) {
	py := richtest.Python(t)
	inputs := []string{
		":rocket:", "launch :rocket: now", ":ROCKET:", ":Rocket-text:", ":rocket-emoji:",
		":rocket-other:", ":no_such_code:", "a:b:rocket:", "::rocket:", ":rocket::tada:",
		":rocket:tada:", ":rocket :tada:", "time 12:30:45 :x:", "http://x.io/:rocket:",
		"[bold]:rocket:[/bold] [red]:tada:[/]", ":rock[bold]et:[/bold]", `\[b :rocket:]`,
		`:x\[y:rocket:`, `\\[bold]:rocket:[/bold]`, ":rocket\t:", ":rocket\u00a0: :tada:",
		":a\x1c:rocket:", ":piñata: :PIÑATA:", ":+1: :-1:", ":thumbs_up-text::thumbs_up:",
		"[link=https://x.io/:rocket:]here[/link] :rocket:", ":" + strings.Repeat("a", 70) + ":",
	}
	for _, c := range emojiCodes {
		inputs = append(inputs, ":"+c.name+":", "[bold]:"+strings.ToUpper(c.name)+"-text:[/]")
	}
	in, _ := json.Marshal(inputs)
	cmd := exec.Command(py, "testdata/rich_plain.py")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("rich_plain.py: %v\n%s", err, stderr.String())
	}
	var want []string
	if err := json.Unmarshal(out, &want); err != nil || len(want) != len(inputs) {
		t.Fatalf("rich_plain.py answered %d texts (%v), want %d", len(want), err, len(inputs))
	}
	bad := 0
	for i, s := range inputs {
		if got := Strip(s); got != want[i] && bad < 20 {
			bad++
			t.Errorf("Strip(%q) = %q, Rich %q", s, got, want[i])
		}
		var text strings.Builder
		for _, sg := range Parse(nil, s) {
			text.WriteString(sg.Text)
		}
		if got := text.String(); got != want[i] && bad < 20 {
			bad++
			t.Errorf("Parse(%q) text = %q, Rich %q", s, got, want[i])
		}
	}
}
