package filelog

import (
	"log/slog"
	"sync"

	"github.com/logbridge/logbridge/internal/resolve"
	"github.com/logbridge/logbridge/internal/textenc"
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

// groupsArg returns the groups argument for ReplaceAttr.
func (s *state) groupsArg() []string {
	if len(s.groups) == 0 {
		return nil
	}
	return s.groups
}

// openGroups opens (JSON) the groups from WithGroup that are not yet open in the handler's
// preformatted attributes.
func (s *state) openGroups() {
	for _, g := range s.h.groups[s.h.nOpenGroups:] {
		s.openGroup(g)
	}
}

func (s *state) openGroup(name string) {
	if s.h.json {
		s.jsonKey(name)
		s.buf = append(s.buf, '{')
		s.sep = false
	} else {
		s.prefix = append(s.prefix, name...)
		s.prefix = append(s.prefix, '.')
	}
	if s.h.rep != nil {
		s.groups = append(s.groups, name)
	}
}

func (s *state) closeGroup(name string) {
	if s.h.json {
		s.buf = append(s.buf, '}')
		s.sep = true
	} else {
		s.prefix = s.prefix[:len(s.prefix)-len(name)-1]
	}
	if s.h.rep != nil {
		s.groups = s.groups[:len(s.groups)-1]
	}
}

// appendAttrs appends as and reports whether anything was appended.
func (s *state) appendAttrs(as []slog.Attr) bool {
	nonEmpty := false
	for _, a := range as {
		if s.appendAttr(a) {
			nonEmpty = true
		}
	}
	return nonEmpty
}

// appendAttr appends one attribute (a group recursively) and reports whether anything was
// appended, following slog's rules: values are resolved, ReplaceAttr sees non-group attributes,
// empty attributes and empty groups are dropped, a group with an empty key is inlined.
func (s *state) appendAttr(a slog.Attr) bool {
	k := a.Value.Kind() // Kind is not free: called once per attribute on the common path
	if k == slog.KindLogValuer || k == slog.KindGroup {
		a.Value = resolve.Value(a.Value) // bounded: a LogValuer cycle ends in a marker
		k = a.Value.Kind()
	}
	if s.h.rep != nil && k != slog.KindGroup {
		return s.appendResolved(s.replace(s.groupsArg(), a))
	}
	return s.appendKind(a, k)
}

// appendResolved is appendAttr after ReplaceAttr.
func (s *state) appendResolved(a slog.Attr) bool {
	k := a.Value.Kind()
	if k == slog.KindLogValuer || k == slog.KindGroup {
		a.Value = resolve.Value(a.Value)
		k = a.Value.Kind()
	}
	return s.appendKind(a, k)
}

// appendKind appends a resolved attribute whose value has kind k.
func (s *state) appendKind(a slog.Attr, k slog.Kind) bool {
	if k == slog.KindAny && a.Key == "" && a.Value.Any() == nil {
		return false // a zero Attr
	}
	if k == slog.KindGroup {
		attrs := a.Value.Group()
		if len(attrs) == 0 {
			return false
		}
		pos, sep, plen := len(s.buf), s.sep, len(s.prefix)
		if a.Key != "" {
			s.openGroup(a.Key)
		}
		if !s.appendAttrs(attrs) {
			s.buf, s.sep, s.prefix = s.buf[:pos], sep, s.prefix[:plen]
			if a.Key != "" && s.h.rep != nil {
				s.groups = s.groups[:len(s.groups)-1]
			}
			return false
		}
		if a.Key != "" {
			s.closeGroup(a.Key)
		}
		return true
	}
	if s.h.json {
		s.jsonKey(a.Key)
		s.appendJSONValue(a.Value, k)
	} else {
		s.textKey(a.Key)
		s.appendTextValue(a.Value, k)
	}
	if k == slog.KindAny {
		if err, ok := a.Value.Any().(error); ok {
			s.appendStack(a.Key, err)
		}
	}
	return true
}

// replace calls ReplaceAttr, showing a panic in it as the attribute's value.
func (s *state) replace(groups []string, a slog.Attr) (out slog.Attr) {
	defer func() {
		if r := recover(); r != nil {
			out = slog.String(a.Key, textenc.PanicText(r))
		}
	}()
	return s.h.rep(groups, a)
}

// builtinAttr appends a replaced built-in attribute as a key and value; if it turned into a
// group, ReplaceAttr sees its members under no groups but the built-in's own, as with slog.
func (s *state) builtinAttr(a slog.Attr) {
	saved := s.groups
	s.groups = s.groups[len(s.groups):]
	s.appendResolved(a)
	s.groups = saved
}
