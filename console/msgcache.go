package console

import (
	"bytes"
	"hash/maphash"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/logbridge/logbridge/internal/markup"
)

// msgCache keeps rendered messages (markup rendered, highlighted, escaped) by their text,
// for one handler's color profile and highlighting: most messages are constant strings
// logged again and again, and rendering is the costliest part of a record.
//
// It is a fixed table of slots, read and written with atomic pointers (no lock). A message
// is stored the second time it is seen in its slot, so messages built with their data
// (fmt.Sprintf) mostly pass through without costing an allocation. Messages with newlines
// (their layout depends on the indentation) and long ones are never stored.
//
// In front of the table, byAddr finds an entry by where the message's bytes are (a constant
// string has one address), without hashing the text: maphash of slog's 67-byte benchmark
// message was ~45 ns, 3% of the console's Handle on its 5-attribute record. The address only
// chooses the slot; a hit still compares the text (a caller may reuse the bytes of a message
// for another), so a wrong slot costs a miss, never a wrong line.
type msgCache struct {
	seed   maphash.Seed
	seen   [msgCacheSlots]atomic.Uint64
	slots  [msgCacheSlots]atomic.Pointer[msgEntry]
	byAddr [msgCacheSlots]atomic.Pointer[msgEntry]
}

type msgEntry struct {
	msg string
	out []byte
}

const (
	msgCacheSlots  = 1024 // a power of two
	maxCachedMsg   = 256  // bytes of message text
	maxCachedBytes = 1024 // bytes of rendering
)

func newMsgCache() *msgCache {
	return &msgCache{seed: maphash.MakeSeed()}
}

// appendMessage appends msg rendered, from the cache when it is there.
func (s *state) appendMessage(b []byte, msg string) []byte {
	for len(msg) > 0 && msg[len(msg)-1] == '\n' {
		msg = msg[:len(msg)-1]
	}
	c := s.h.cache
	if c == nil || len(msg) > maxCachedMsg || (!s.highlight() && markup.IsPlain(msg)) {
		return s.renderMessage(b, msg)
	}
	addr := addrSlot(msg)
	if e := c.byAddr[addr].Load(); e != nil && e.msg == msg {
		return append(b, e.out...)
	}
	hash := maphash.String(c.seed, msg)
	slot := hash & (msgCacheSlots - 1)
	if e := c.slots[slot].Load(); e != nil && e.msg == msg {
		c.byAddr[addr].Store(e)
		return append(b, e.out...)
	}
	start := len(b)
	s.multiline = false
	b = s.renderMessage(b, msg)
	if !s.multiline && len(b)-start <= maxCachedBytes {
		if c.seen[slot].Load() == hash {
			c.slots[slot].Store(&msgEntry{msg: strings.Clone(msg), out: bytes.Clone(b[start:])})
		} else {
			c.seen[slot].Store(hash)
		}
	}
	return b
}

// addrSlot is the byAddr slot of msg: from the address of its bytes (and its length, for
// messages that are parts of one string).
func addrSlot(msg string) uint64 {
	p := uint64(uintptr(unsafe.Pointer(unsafe.StringData(msg))))
	return ((p ^ uint64(len(msg))) * 0x9e3779b97f4a7c15 >> 32) & (msgCacheSlots - 1)
}
