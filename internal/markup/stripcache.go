package markup

import (
	"hash/maphash"
	"strings"
	"sync/atomic"
)

// stripCache keeps the plain text of messages Strip and AppendStrip have seen, process-wide:
// most log messages are constant strings logged again and again, and stripping one costs a
// parse (a few hundred nanoseconds for a short message with tags) where a hit costs a hash and
// a compare, and spares Strip its allocation.
//
// It is a fixed table of slots, read and written with atomic pointers (no lock), as the
// console's message cache is. A message is stored the second time it is seen in its slot, so
// messages built with their data (fmt.Sprintf) mostly pass through without costing an
// allocation. Messages without '[' never reach it, and long ones are never stored, so it holds
// at most stripSlots entries of at most 2*maxStripCached bytes of text.
var stripCache = struct {
	seed  maphash.Seed
	seen  [stripSlots]atomic.Uint64
	slots [stripSlots]atomic.Pointer[stripEntry]
}{seed: maphash.MakeSeed()}

type stripEntry struct {
	in, out string
	prefix  bool // out is a prefix of in: Strip returns that prefix of its own argument
}

const (
	stripSlots     = 512 // a power of two
	maxStripCached = 256 // bytes of input text
)

// cachedStrip looks s up; ok is false on a miss, and hash is then the hash to pass to
// rememberStrip.
func cachedStrip(s string) (out string, hash uint64, ok bool) {
	hash = maphash.String(stripCache.seed, s)
	if e := stripCache.slots[hash&(stripSlots-1)].Load(); e != nil && e.in == s {
		if e.prefix {
			return s[:len(e.out)], hash, true
		}
		return e.out, hash, true
	}
	return "", hash, false
}

// shouldRemember reports whether the plain text of the message with this hash should be
// stored: the second time in a row its slot sees it.
func shouldRemember(hash uint64) bool {
	seen := &stripCache.seen[hash&(stripSlots-1)]
	if seen.Load() == hash {
		return true
	}
	seen.Store(hash)
	return false
}

// rememberStrip stores out as the plain text of s. Neither is kept as given: s may be
// backed by memory its caller reuses, and out may be part of s.
func rememberStrip(hash uint64, s, out string) {
	e := &stripEntry{in: strings.Clone(s)}
	if len(out) <= len(s) && s[:len(out)] == out {
		e.out, e.prefix = e.in[:len(out)], true // no markup in s, or only at its end
	} else {
		e.out = strings.Clone(out)
	}
	stripCache.slots[hash&(stripSlots-1)].Store(e)
}
