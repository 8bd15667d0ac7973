package filelog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/vocab"
)

// A joined error (written part by part, without calling its Error) shows exactly its Error
// text, in both formats, nested joins and wrapped ones included.
func TestJoinedErrorText(t *testing.T) {
	a, b := errors.New("a: not found"), errors.New(`b "quoted"`)
	for _, err := range []error{
		errors.Join(a, b),
		errors.Join(nil, a),
		errors.Join(errors.Join(a, b), fmt.Errorf("w: %w", errors.Join(b, a))),
	} {
		var buf bytes.Buffer
		slog.New(NewHandler(&buf, nil)).Error("m", "err", err)
		if want := "err=" + strconv.Quote(err.Error()); !strings.Contains(buf.String(), want) {
			t.Errorf("text line %q lacks %s", buf.String(), want)
		}
		buf.Reset()
		slog.New(NewHandler(&buf, &Options{Format: vocab.FormatJSON})).Error("m", "err", err)
		var line map[string]any
		if jerr := json.Unmarshal(buf.Bytes(), &line); jerr != nil || line["err"] != err.Error() {
			t.Errorf("JSON line %q: err %v, want %q (%v)", buf.String(), line["err"], err.Error(), jerr)
		}
	}
}
