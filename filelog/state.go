package filelog

import (
	"log/slog"
	"sync"

	"github.com/logbridge/logbridge/internal/resolve"
)

// state is the scratch space of one Handle (or WithAttrs) call. States are pooled.
type state struct {
	h      *Handler
	buf    []byte   // the line
	tmp    []byte   // scratch: stripped messages, marshaled values, quoted keys
	prefix []byte   // text: the dotted key prefix of the groups open at this point
	groups []string // the open groups, for ReplaceAttr; nil when there is no ReplaceAttr
	sep    bool     // JSON: a comma is due before the next key
	msg    recentMessage
	span   recentSpan
}

const (
	bufStart = 1 << 10  // a new buffer's capacity
	bufMax   = 16 << 10 // buffers that grew past this are not pooled
)

var statePool = sync.Pool{New: func() any {
	return &state{
		buf:    make([]byte, 0, bufStart),
		tmp:    make([]byte, 0, 256),
		prefix: make([]byte, 0, 64),
		groups: make([]string, 0, 8),
	}
}}

func getState(h *Handler) *state {
	s := statePool.Get().(*state)
	s.h = h
	if h.rep != nil {
		if h.json {
			s.groups = append(s.groups, h.groups[:h.nOpenGroups]...)
		} else {
			s.groups = append(s.groups, h.groups...)
		}
	}
	return s
}

func (s *state) free() {
	if cap(s.buf) > bufMax || cap(s.tmp) > bufMax || cap(s.prefix) > bufMax {
		return // let the GC have oversized buffers
	}
	s.h = nil
	s.buf = s.buf[:0]
	s.tmp = s.tmp[:0]
	s.prefix = s.prefix[:0]
	clear(s.groups) // drop references to the caller's strings
	s.groups = s.groups[:0]
	s.sep = false
	statePool.Put(s)
}

// keep stores into *buf, a buffer of the state, grown: what an append to (*buf)[:0] returned.
// Only its length is stored unless it grew: a pointer store into the pooled state costs a
// write barrier while the GC runs.
func keep(buf *[]byte, grown []byte) {
	if cap(grown) == cap(*buf) {
		*buf = (*buf)[:len(grown)]
	} else {
		*buf = grown
	}
}

// groupsArg returns the groups argument for ReplaceAttr.
func (s *state) groupsArg() []string {
	if len(s.groups) == 0 {
		return nil
	}
	return s.groups
}

// The steps that write the line take it as b and return it grown, rather than appending to
// s.buf: a slice stored into the pooled state at every append cost a write barrier each while
// the GC runs, 6-9% of the CPU time of the request record (bench/request_test.go).

// openGroups opens (JSON) the groups from WithGroup that are not yet open in the handler's
// preformatted attributes.
func (s *state) openGroups(b []byte) []byte {
	for _, g := range s.h.groups[s.h.nOpenGroups:] {
		b = s.openGroup(b, g)
	}
	return b
}

func (s *state) openGroup(b []byte, name string) []byte {
	if s.h.json {
		b = s.jsonKey(b, name)
		b = append(b, '{')
		s.sep = false
	} else {
		keep(&s.prefix, append(append(s.prefix, name...), '.'))
	}
	if s.h.rep != nil {
		s.groups = append(s.groups, name)
	}
	return b
}

func (s *state) closeGroup(b []byte, name string) []byte {
	if s.h.json {
		b = append(b, '}')
		s.sep = true
	} else {
		s.prefix = s.prefix[:len(s.prefix)-len(name)-1]
	}
	if s.h.rep != nil {
		s.groups = s.groups[:len(s.groups)-1]
	}
	return b
}

// appendAttrs appends as and reports whether anything was appended.
func (s *state) appendAttrs(b []byte, as []slog.Attr) ([]byte, bool) {
	nonEmpty := false
	for _, a := range as {
		var ok bool
		if b, ok = s.appendAttr(b, a); ok {
			nonEmpty = true
		}
	}
	return b, nonEmpty
}

// appendAttr appends one attribute (a group recursively) and reports whether anything was
// appended, following slog's rules: values are resolved, ReplaceAttr sees non-group attributes,
// empty attributes and empty groups are dropped, a group with an empty key is inlined.
func (s *state) appendAttr(b []byte, a slog.Attr) ([]byte, bool) {
	k := a.Value.Kind() // Kind is not free: called once per attribute on the common path
	if k == slog.KindLogValuer || k == slog.KindGroup {
		a.Value = resolve.Value(a.Value) // bounded: a LogValuer cycle ends in a marker
		k = a.Value.Kind()
	}
	if s.h.rep != nil && k != slog.KindGroup {
		return s.appendResolved(b, s.replace(s.groupsArg(), a))
	}
	return s.appendKind(b, a, k)
}

// appendResolved is appendAttr after ReplaceAttr.
func (s *state) appendResolved(b []byte, a slog.Attr) ([]byte, bool) {
	k := a.Value.Kind()
	if k == slog.KindLogValuer || k == slog.KindGroup {
		a.Value = resolve.Value(a.Value)
		k = a.Value.Kind()
	}
	return s.appendKind(b, a, k)
}

// appendKind appends a resolved attribute whose value has kind k.
func (s *state) appendKind(b []byte, a slog.Attr, k slog.Kind) ([]byte, bool) {
	if k == slog.KindAny && a.Key == "" && a.Value.Any() == nil {
		return b, false // a zero Attr
	}
	if k == slog.KindGroup {
		attrs := a.Value.Group()
		if len(attrs) == 0 {
			return b, false
		}
		pos, sep, plen := len(b), s.sep, len(s.prefix)
		if a.Key != "" {
			b = s.openGroup(b, a.Key)
		}
		var nonEmpty bool
		if b, nonEmpty = s.appendAttrs(b, attrs); !nonEmpty {
			b, s.sep, s.prefix = b[:pos], sep, s.prefix[:plen]
			if a.Key != "" && s.h.rep != nil {
				s.groups = s.groups[:len(s.groups)-1]
			}
			return b, false
		}
		if a.Key != "" {
			b = s.closeGroup(b, a.Key)
		}
		return b, true
	}
	if s.h.json {
		b = s.jsonKey(b, a.Key)
		b = s.appendJSONValue(b, a.Value, k)
	} else {
		b = s.textKey(b, a.Key)
		b = s.appendTextValue(b, a.Value, k)
	}
	if k == slog.KindAny {
		if err, ok := a.Value.Any().(error); ok {
			b = s.appendStack(b, a.Key, err)
		}
	}
	return b, true
}

// replace calls ReplaceAttr, showing a panic in it as the attribute's value.
func (s *state) replace(groups []string, a slog.Attr) slog.Attr {
	return resolve.Replace(s.h.rep, groups, a)
}

// builtinAttr appends a replaced built-in attribute as a key and value; if it turned into a
// group, ReplaceAttr sees its members under no groups but the built-in's own, as with slog.
func (s *state) builtinAttr(b []byte, a slog.Attr) []byte {
	saved := s.groups
	s.groups = s.groups[len(s.groups):]
	b, _ = s.appendResolved(b, a)
	s.groups = saved
	return b
}
