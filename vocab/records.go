package vocab

import "strconv"

// LogRecords says "1 log record" or "n log records": the one wording of a record count in
// logbridge's messages and errors.
func LogRecords(n uint64) string {
	if n == 1 {
		return "1 log record"
	}
	return strconv.FormatUint(n, 10) + " log records"
}
