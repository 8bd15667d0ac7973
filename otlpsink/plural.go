package otlpsink

import "strconv"

// logRecords says "1 log record" or "n log records", for messages.
func logRecords(n uint64) string {
	if n == 1 {
		return "1 log record"
	}
	return strconv.FormatUint(n, 10) + " log records"
}
