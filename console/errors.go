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

// hasCauses reports whether err (of kind textenc.ErrKindOf(err)) wraps or joins other errors:
// a panicking Unwrap means none, and its text is still shown.
func hasCauses(err error, kind textenc.ErrKind) bool {
	many, one := textenc.Causes(err, kind)
	if one != nil {
		return true
	}
	for _, e := range many {
		if e != nil {
			return true
		}
	}
	return false
}

// errorText returns err.Error(), or the panic it raised.
func errorText(err error) string {
	if k := textenc.ErrKindOf(err); k != textenc.ErrOther && k != textenc.ErrJoin {
		return err.Error() // cannot panic, and no string is built
	}
	return errorTextGuarded(err)
}

func errorTextGuarded(err error) (text string) {
	defer func() {
		if p := recover(); p != nil {
			text = textenc.PanicText(p)
		}
	}()
	return err.Error()
}

// appendCauses appends, after the record's lines, the chains of its error values that wrap
// or join others, as trees in the message column (lay), each labelled with the attribute's
// key: one node per error, "└─ " before a wrapped error and the last of joined errors, "├─ "
// before the others, each node showing only what it adds to its cause (see ownText):
//
//	err: outer
//	     └─ middle
//	        └─ root
//
// for fmt.Errorf("outer: %w", fmt.Errorf("middle: %w", root)), not the suffixes of the text
// again. Node texts wrap within the column, under their own start.
func (s *state) appendCauses(b []byte, lay layout) []byte {
	lines := 0
	for _, ke := range s.errs {
		// The key and ": " go on the tree's first line, spaces of the same width below.
		keep(&s.keyText, append(textenc.AppendSafe(s.keyText[:0], ke.key), ": "...))
		s.keyWidth = len(s.keyText)
		s.keyCols = displayWidth(s.keyText)
		keep(&s.tree, appendSpaces(s.tree[:0], s.keyCols))
		s.mayCarry = false
		b = s.appendErr(b, ke.err, true, 0, &lines, lay)
		if s.mayCarry {
			// Only another type can carry a stack: a chain of the standard library's errors,
			// walked whole, has none to look for (the lookup was ~3% of the console's call on
			// the request record).
			b = s.appendStack(b, ke.err)
		}
		if lines >= maxCauseLines {
			break
		}
	}
	return b
}

// appendErr appends the node of err (the last of its siblings or not) and those of its causes.
func (s *state) appendErr(b []byte, err error, last bool, depth int, lines *int, lay layout) []byte {
	kind := textenc.ErrKindOf(err)
	if kind == textenc.ErrOther {
		s.mayCarry = true
	}
	kids, one := textenc.Causes(err, kind)
	var ones [1]error
	if one != nil {
		ones[0] = one
		kids = ones[:]
	}
	n := 0
	for _, k := range kids {
		if k != nil {
			n++
		}
	}
	own := "" // errors.Join adds nothing to its parts: no need to build its text
	switch kind {
	case textenc.ErrJoin:
	case textenc.ErrOther:
		own = ownText(errorTextGuarded(err), kids)
	default:
		own = ownText(err.Error(), kids) // cannot panic
	}
	if own == "" {
		// An error that adds nothing to its causes (errors.Join, a wrapper with its cause's
		// text): its causes stand in its place.
		for _, k := range kids {
			if k == nil {
				continue
			}
			if depth >= maxCauseDepth {
				s.mayCarry = true // not walked
				continue
			}
			n--
			b = s.appendErr(b, k, last && n == 0, depth+1, lines, lay)
		}
		return b
	}
	if *lines >= maxCauseLines {
		s.mayCarry = true // not walked
		return b
	}
	*lines++
	top := depth == 0 // the error itself, right after its key, without a glyph
	b = s.appendNode(b, own, last, top, *lines == maxCauseLines, lay)
	if *lines == maxCauseLines || depth >= maxCauseDepth {
		s.mayCarry = s.mayCarry || n > 0 // the causes are not walked
		return b
	}
	mark := len(s.tree)
	switch {
	case top:
	case last:
		s.tree = append(s.tree, "   "...)
	default:
		s.tree = append(s.tree, "│  "...)
	}
	for _, k := range kids {
		if k == nil {
			continue
		}
		n--
		b = s.appendErr(b, k, n == 0, depth+1, lines, lay)
	}
	s.tree = s.tree[:mark]
	return b
}

// appendNode appends one line of a tree (more when its text wraps): the indentation, the
// tree's lines and glyph (none for the top node), dim, and the node's text. cut says the
// tree stops here ("└─ …").
func (s *state) appendNode(b []byte, text string, last, top, cut bool, lay layout) []byte {
	color := s.h.color
	b = append(b, '\n')
	b = appendSpaces(b, s.indent)
	if color {
		b = append(b, sgrDim...)
	}
	if s.keyWidth > 0 {
		// First line of a keyed tree: the key instead of the spaces that stand for it.
		b = append(b, s.keyText[:s.keyWidth]...)
		b = append(b, s.tree[s.keyCols:]...)
		s.keyWidth = 0
	} else {
		b = append(b, s.tree...)
	}
	glyph, contGlyph := "├─ ", "│  "
	switch {
	case cut:
		glyph = "└─ …"
	case top:
		glyph, contGlyph = "", ""
	case last:
		glyph, contGlyph = "└─ ", "   "
	}
	b = append(b, glyph...)
	if color {
		b = append(b, sgrReset...)
	}
	if cut {
		return b
	}
	start := len(b)
	if color {
		b = append(b, sgrErr...)
	}
	textStart := len(b)
	b = textenc.AppendSafe(b, text)
	textEnd := len(b)
	if color {
		b = append(b, sgrReset...)
	}
	if lay.end > 0 { // the widths only matter where lines wrap
		col := s.indent + displayWidth(s.tree)
		if contGlyph != "" {
			col += 3 // every glyph is three columns wide
		}
		if col+displayWidth(b[textStart:textEnd]) > lay.end {
			s.cont = appendSpaces(s.cont[:0], s.indent)
			if color {
				s.cont = append(s.cont, sgrDim...)
			}
			s.cont = append(append(s.cont, s.tree...), contGlyph...)
			if color {
				s.cont = append(s.cont, sgrReset...)
			}
			b, _, _ = s.wrap(b, start, col, lay.end, s.cont, col)
		}
	}
	return b
}

// ownText returns what an error whose text is text adds to its causes kids: "" when nothing
// (its text is its single cause's, or its causes' joined by newlines as errors.Join writes
// them), the part before ": " + cause (or before the cause) when its text ends with its
// single cause's text, and its whole text otherwise.
func ownText(text string, kids []error) string {
	var only error
	n := 0
	for _, k := range kids {
		if k != nil {
			only = k
			n++
		}
	}
	switch {
	case n == 0:
		return text
	case n == 1:
		kt := errorText(only)
		if text == kt {
			return ""
		}
		if len(text) > len(kt) && text[len(text)-len(kt):] == kt {
			own := text[:len(text)-len(kt)]
			for len(own) > 0 && (own[len(own)-1] == ' ' || own[len(own)-1] == ':') {
				own = own[:len(own)-1]
			}
			if own != "" {
				return own
			}
			return ""
		}
		return text
	}
	// Several causes: errors.Join's text is theirs, one per line.
	rest := text
	first := true
	for _, k := range kids {
		if k == nil {
			continue
		}
		if !first {
			if len(rest) == 0 || rest[0] != '\n' {
				return text
			}
			rest = rest[1:]
		}
		first = false
		kt := errorText(k)
		if len(rest) < len(kt) || rest[:len(kt)] != kt {
			return text
		}
		rest = rest[len(kt):]
	}
	if rest == "" {
		return ""
	}
	return text
}
