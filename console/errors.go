package console

import "github.com/logbridge/logbridge/internal/textenc"

// keyedErr is an error attribute value whose causes are shown below the record.
type keyedErr struct {
	key string
	err error
}

// Limits on the causes shown for one record, against cycles and huge join trees.
const (
	maxCauseDepth = 16
	maxCauseLines = 64
)

// hasCausesUnguarded reports whether err wraps or joins other errors. Its Unwrap may panic:
// the caller recovers.
func hasCausesUnguarded(err error) bool {
	switch x := err.(type) {
	case interface{ Unwrap() error }:
		return x.Unwrap() != nil
	case interface{ Unwrap() []error }:
		for _, e := range x.Unwrap() {
			if e != nil {
				return true
			}
		}
	}
	return false
}

// causes returns what err wraps (one error, in one) or joins.
func causes(err error, one *[1]error) (kids []error) {
	defer func() {
		if recover() != nil {
			kids = nil
		}
	}()
	switch x := err.(type) {
	case interface{ Unwrap() error }:
		if e := x.Unwrap(); e != nil {
			one[0] = e
			return one[:]
		}
	case interface{ Unwrap() []error }:
		return x.Unwrap()
	}
	return nil
}

// errorText returns err.Error(), or the panic it raised as a panicking value shows it.
func errorText(err error) (text string) {
	defer func() {
		if p := recover(); p != nil {
			text = textenc.PanicText(p)
		}
	}()
	return err.Error()
}

// appendCauses appends, after the record's line, the causes of its error values: one per
// line, indented under the message, as a tree ("└─ " for a wrapped error, "├─ " for all
// but the last of joined errors). When several values have causes, each tree starts with
// the attribute's key. A wrapper whose text equals its cause's is skipped.
func (s *state) appendCauses(b []byte) []byte {
	lines := 0
	multi := len(s.errs) > 1
	for _, ke := range s.errs {
		s.tree = s.tree[:0]
		s.keyWidth = 0
		if multi {
			// The key and ": " go on the tree's first line, spaces of the same width below.
			s.tmp = append(textenc.AppendSafe(s.tmp[:0], ke.key), ": "...)
			s.keyWidth = len(s.tmp)
			s.tree = appendSpaces(s.tree, displayWidth(s.tmp))
		}
		b = s.appendTree(b, errorText(ke.err), ke.err, 0, &lines)
		b = s.appendStack(b, ke.err)
		if lines >= maxCauseLines {
			break
		}
	}
	return b
}

func (s *state) appendTree(b []byte, parentText string, err error, depth int, lines *int) []byte {
	var one [1]error
	kids := causes(err, &one)
	n := 0
	for _, k := range kids {
		if k != nil {
			n++
		}
	}
	color := s.h.color
	for _, k := range kids {
		if k == nil {
			continue
		}
		n--
		last := n == 0
		text := errorText(k)
		if text == parentText && len(kids) == 1 {
			// A wrapper that adds nothing to the text: show what it wraps instead.
			if depth < maxCauseDepth {
				b = s.appendTree(b, text, k, depth+1, lines)
			}
			continue
		}
		if *lines >= maxCauseLines {
			return b
		}
		*lines++
		b = append(b, '\n')
		b = appendSpaces(b, s.indent)
		if color {
			b = append(b, sgrDim...)
		}
		if s.keyWidth > 0 {
			// First line of a keyed tree: the key instead of the spaces that stand for it.
			b = append(b, s.tmp[:s.keyWidth]...)
			b = append(b, s.tree[displayWidth(s.tmp[:s.keyWidth]):]...)
			s.keyWidth = 0
		} else {
			b = append(b, s.tree...)
		}
		glyph := "├─ "
		if last {
			glyph = "└─ "
		}
		if *lines == maxCauseLines {
			glyph = "└─ …"
		}
		b = append(b, glyph...)
		if color {
			b = append(b, sgrReset...)
		}
		if *lines == maxCauseLines {
			return b
		}
		if color {
			b = append(b, sgrErr...)
		}
		b = textenc.AppendSafe(b, text)
		if color {
			b = append(b, sgrReset...)
		}
		if depth < maxCauseDepth {
			top := len(s.tree)
			if last {
				s.tree = append(s.tree, "   "...)
			} else {
				s.tree = append(s.tree, "│  "...)
			}
			b = s.appendTree(b, text, k, depth+1, lines)
			s.tree = s.tree[:top]
		}
	}
	return b
}
