package filelog

import (
	"encoding/hex"

	"go.opentelemetry.io/otel/trace"
)

// Each pooled state remembers the last message it wrote and the last span context, encoded:
// a service logs the same few constant messages over and over, and the records of one request
// share their trace and span. A hit costs a compare where a miss strips the markup, decides the
// quoting (or escapes for JSON) and hex-encodes 24 bytes: about 5% of a line. The state is
// per P (sync.Pool), so the cache needs no lock.

// maxRecentMessage is the longest message remembered (longer ones are rare, and the copy
// would cost more than it saves).
const maxRecentMessage = 256

// recentMessage is the last message a state wrote and what was appended for it.
type recentMessage struct {
	in, out []byte
	json    bool // out is the JSON encoding (else text)
	ok      bool
}

// get returns what to append for msg in the given format, if it is the remembered one.
func (c *recentMessage) get(msg string, json bool) ([]byte, bool) {
	if c.ok && c.json == json && string(c.in) == msg {
		return c.out, true
	}
	return nil, false
}

// put remembers that out was appended for msg. The message is copied: its memory is the
// caller's.
func (c *recentMessage) put(msg string, json bool, out []byte) {
	if len(msg) > maxRecentMessage || len(out) > 2*maxRecentMessage {
		c.ok = false
		return
	}
	c.in = append(c.in[:0], msg...)
	c.out = append(c.out[:0], out...)
	c.json, c.ok = json, true
}

// recentSpan is the last span context a state wrote, hex-encoded.
type recentSpan struct {
	tid trace.TraceID
	sid trace.SpanID
	hex [2*len(trace.TraceID{}) + 2*len(trace.SpanID{})]byte
	ok  bool
}

// ids returns the hex trace and span ids of sc.
func (c *recentSpan) ids(sc trace.SpanContext) (tid, sid []byte) {
	t, s := sc.TraceID(), sc.SpanID()
	if !c.ok || t != c.tid || s != c.sid {
		hex.Encode(c.hex[:], t[:])
		hex.Encode(c.hex[2*len(t):], s[:])
		c.tid, c.sid, c.ok = t, s, true
	}
	return c.hex[:2*len(t)], c.hex[2*len(t):]
}
