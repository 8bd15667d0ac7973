package otlpsink

import (
	"sync"
	"unicode/utf8"
	"unsafe"
)

// Strings the sink builds itself (a struct value's %+v text, a joined error's text) live in
// the queued record until it is exported. Each would be an allocation of its own per record;
// instead they are carved out of shared chunks, one allocation per slabChunk bytes. A chunk
// is never written again where a string was carved (only appended to past it), and the GC
// keeps it alive while any of its strings is: a queued record, or whatever a processor or
// exporter kept. This is hand-written because no library offers it: it is the sink's hot
// path (issue 19: no allocations beyond the call's own).
const (
	slabChunk = 16 << 10
	// slabMax is the longest string carved from a chunk; a longer one gets its own
	// allocation, so that one large text does not pin a chunk nor waste its rest.
	slabMax = 1 << 10
)

// slab is a chunk being carved.
type slab struct{ buf []byte }

// slabs holds the chunks being carved, one per P in the common case (sync.Pool).
var slabs = sync.Pool{New: func() any { return new(slab) }}

// slabString returns b as a string (b itself is not retained), repairing invalid UTF-8 as
// validUTF8 does.
func slabString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > slabMax || !utf8.Valid(b) {
		return validUTF8(string(b))
	}
	sl := slabs.Get().(*slab)
	if cap(sl.buf)-len(sl.buf) < len(b) {
		sl.buf = make([]byte, 0, slabChunk) // the old chunk stays as long as its strings do
	}
	start := len(sl.buf)
	sl.buf = append(sl.buf, b...)
	s := unsafe.String(&sl.buf[start], len(b))
	slabs.Put(sl)
	return s
}
