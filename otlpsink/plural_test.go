package otlpsink

import "testing"

// TestErrorGrammar: one record is "1 log record", in every error that counts records.
func TestErrorGrammar(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&ExportError{Records: 1, Attempt: 1, Retrying: true}, "otlpsink: export of 1 log record failed (attempt 1, will retry)"},
		{&ExportError{Records: 6, Attempt: 2}, "otlpsink: export of 6 log records failed (attempt 2, giving up: records lost)"},
		{&DropError{Records: 1}, "otlpsink: 1 log record dropped: export queue full"},
		{&DeliveryError{Records: 1, Lost: true}, "otlpsink: 1 log record not delivered at shutdown"},
		{&DeliveryError{Records: 3}, "otlpsink: 3 log records still queued after flush"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
