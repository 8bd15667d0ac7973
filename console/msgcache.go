package console

import (
	"bytes"
	"hash/maphash"
	"strings"
	"sync/atomic"
)

// msgCache keeps rendered messages (markup rendered, highlighted, escaped) by their text,
// for one handler's color profile and highlighting: most messages are constant strings
// logged again and again, and rendering is the costliest part of a record.
//
// It is a fixed table of slots, read and written with atomic pointers (no lock). A message
// is stored the second time it is seen in its slot, so messages built with their data
// (fmt.Sprintf) mostly pass through without costing an allocation. Messages with newlines
// (their layout depends on the indentation) and long ones are never stored.
type msgCache struct {
	seed  maphash.Seed
	seen  [msgCacheSlots]atomic.Uint64
	slots [msgCacheSlots]atomic.Pointer[msgEntry]
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
	if c == nil || len(msg) > maxCachedMsg || (!s.highlight() && strings.IndexByte(msg, '[') < 0 && strings.IndexByte(msg, ':') < 0) {
		return s.renderMessage(b, msg)
	}
	hash := maphash.String(c.seed, msg)
	slot := hash & (msgCacheSlots - 1)
	if e := c.slots[slot].Load(); e != nil && e.msg == msg {
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
