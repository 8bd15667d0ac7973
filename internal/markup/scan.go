package markup

import (
	"strings"
)

// The scanner follows rich/markup.py (Rich 13/14): _parse finds tags with
//
//	RE_TAGS = ((\\*)\[([a-z#/@][^[]*?)])
//
// and render keeps a stack of open tags, turns each closed or unclosed tag into a span, and
// drops one backslash before every '[' of the plain text that is not a tag
// (plain_text.replace("\\[", "[")). It differs in one rule only: a tag whose content is not
// a valid style, and a closing tag with nothing to close, are literal text here (Rich treats
// every match as markup and raises MarkupError on a stray closing tag).
//
// The machine yields the plain text as a sequence of pieces, each a substring s[a:b], and
// keeps the stack of open tags so that the style in force over each piece is known.

// maxOpen bounds the tags open at once; an opening tag beyond it is literal text. It keeps
// the work per tag bounded on hostile input (Rich's own stack has no bound).
const maxOpen = 64

// inlineOpen is how many open tags the machine holds without allocating.
const inlineOpen = 8

// entry is an open tag.
type entry struct {
	name  string // the tag's content before any '=': what [/name] is matched against
	start int    // offset in the plain text where the tag opened
	ord   int    // the tag's opening ordinal, indexing machine ranks
	style Style
}

type status uint8

const (
	done    status = iota // no more pieces
	piece                 // a piece of plain text
	restart               // start over: the output so far is void (see machine.pop)
)

const (
	phText   = iota // emitting the plain text before the next tag
	phHalves        // emitting the literal half of the backslashes before the tag
	phTag           // handling the tag
	phDone
)

type machine struct {
	s      string
	styled bool // track the style in force (Parse, AppendANSI); Strip needs only the structure

	pos      int  // next byte of s to scan
	chunkEnd int  // end of the plain text before the next tag
	bracket  bool // the plain text before the next tag holds a '['
	run      int  // start of the backslashes before the next tag
	open     int  // index of the next tag's '[', or -1 when there is none
	close    int  // index of the next tag's ']'
	eq       int  // index of the first '=' in the next tag, or -1
	phase    uint8

	textLen int // length of the plain text yielded so far

	// cont says the last piece continues the one before it in Rich's view: only a dropped
	// backslash (before a '[' that is no tag) separates them. contNext is cont for the next
	// piece of the current text.
	cont, contNext bool
	// raw says the last piece is a tag kept as literal text because it is no markup (Rich
	// would read it as a tag): emoji codes in it are not replaced.
	raw bool

	n    int // open tags
	buf  [inlineOpen]entry
	more []entry // open tags beyond inlineOpen

	cur   Style // style in force, valid unless dirty
	dirty bool

	// Exact mode (see pop): ranks[ord] is the order in which the tag with that ordinal closes.
	exact, record, again bool
	nOpen, seq           int
	ranks                [16]int32
	moreRanks            []int32
}

func (m *machine) init(s string, styled bool) {
	m.s = s
	m.styled = styled
	m.rewind()
}

func (m *machine) rewind() {
	m.pos, m.textLen, m.n, m.nOpen, m.seq = 0, 0, 0, 0, 0
	m.cont, m.contNext = false, false
	m.cur, m.dirty = Style{}, false
	m.phase = phText
	m.findTag()
}

func (m *machine) at(i int) *entry {
	if i < inlineOpen {
		return &m.buf[i]
	}
	return &m.more[i-inlineOpen]
}

func (m *machine) rank(ord int) *int32 {
	if ord < len(m.ranks) {
		return &m.ranks[ord]
	}
	return &m.moreRanks[ord-len(m.ranks)]
}

// findTag finds the next tag at or after m.pos: a '[', a character in [a-z#/@], then
// anything but '[' up to the first ']'; together with the backslashes right before it.
func (m *machine) findTag() {
	s := m.s
	// Every '[' between m.pos and the tag found is a candidate that failed, so the plain text
	// before the tag holds a '[' exactly when one failed.
	failed := false
	for i := m.pos; ; {
		k := strings.IndexByte(s[i:], '[')
		if k < 0 {
			m.open, m.chunkEnd, m.bracket = -1, len(s), failed
			return
		}
		k += i
		if k+1 >= len(s) {
			break
		}
		if !isTagStart(s[k+1]) {
			failed, i = true, k+1
			continue
		}
		eq := -1
		j := k + 2
		for ; j < len(s); j++ {
			c := s[j]
			if c == ']' || c == '[' {
				break
			}
			if c == '=' && eq < 0 {
				eq = j
			}
		}
		if j == len(s) {
			break // neither ']' nor another '[' follows: no more tags
		}
		if s[j] == '[' {
			failed, i = true, j
			continue
		}
		r := k
		for r > m.pos && s[r-1] == '\\' {
			r--
		}
		m.run, m.open, m.close, m.eq, m.chunkEnd, m.bracket = r, k, j, eq, r, failed
		return
	}
	// The last '[' is not a tag and nothing after it is.
	m.open, m.chunkEnd, m.bracket = -1, len(s), true
}

func isTagStart(c byte) bool {
	return ('a' <= c && c <= 'z') || c == '#' || c == '/' || c == '@'
}

// escapedBracket returns the index of the first backslash in c that is followed by '[', or
// -1. In plain text (no tag follows it) such a backslash is dropped.
func escapedBracket(c string) int {
	for i := 1; i < len(c); {
		j := strings.IndexByte(c[i:], '[')
		if j < 0 {
			return -1
		}
		j += i
		if c[j-1] == '\\' {
			return j - 1
		}
		i = j + 1
	}
	return -1
}

// next yields the next piece of plain text as s[a:b]. After a piece, style() is the style in
// force over it.
func (m *machine) next() (a, b int, st status) {
	for {
		switch m.phase {
		case phText:
			if m.pos < m.chunkEnd {
				from := m.pos
				k := -1
				if m.bracket {
					k = escapedBracket(m.s[from:m.chunkEnd])
				}
				cont := m.contNext
				if k < 0 {
					m.pos = m.chunkEnd
					m.contNext = false
					return m.emitCont(from, m.chunkEnd, cont)
				}
				m.pos = from + k + 1 // drop the backslash, keep the '['
				m.contNext = true
				if k > 0 {
					return m.emitCont(from, from+k, cont)
				}
				continue
			}
			if m.open < 0 {
				m.phase = phDone
				m.finish()
				return 0, 0, done
			}
			m.phase = phHalves
		case phHalves:
			// An even run of 2n backslashes is n literal ones and a live tag; an odd run of
			// 2n+1 is n literal ones and the tag as literal text.
			m.phase = phTag
			if h := (m.open - m.run) / 2; h > 0 {
				return m.emit(m.run, m.run+h)
			}
		case phTag:
			open, close := m.open, m.close
			escaped := (open-m.run)%2 == 1
			literal := escaped || !m.tag()
			m.pos = close + 1
			m.phase = phText
			m.contNext = false // the text after a tag is a piece of its own
			m.findTag()
			if m.again {
				m.again = false
				m.goExact()
				return 0, 0, restart
			}
			if literal {
				a, b, st := m.emit(open, close+1)
				m.raw = !escaped
				return a, b, st
			}
		default:
			return 0, 0, done
		}
	}
}

func (m *machine) emit(a, b int) (int, int, status) {
	m.contNext = false
	return m.emitCont(a, b, false)
}

func (m *machine) emitCont(a, b int, cont bool) (int, int, status) {
	m.textLen += b - a
	m.cont, m.raw = cont, false
	return a, b, piece
}

// tag handles the live tag s[m.open:m.close+1] and reports whether it is markup.
func (m *machine) tag() bool {
	content := m.s[m.open+1 : m.close]
	// Rich: text, equals, parameters = tag_text.partition("=")
	eq := m.eq
	name := content
	if eq >= 0 {
		eq -= m.open + 1
		name = content[:eq]
	}
	if content[0] == '/' {
		closing := trimPy(name[1:])
		i := m.n - 1 // "[/]" closes the last open tag
		if closing != "" {
			i = m.find(closing)
		}
		if i < 0 {
			return false // nothing to close: literal text (Rich raises MarkupError)
		}
		m.pop(i)
		return true
	}
	if m.n >= maxOpen {
		return false
	}
	// Parse straight into the next stack slot; it only counts once pushed.
	var e *entry
	if m.n < inlineOpen {
		e = &m.buf[m.n]
	} else {
		if len(m.more) <= m.n-inlineOpen {
			m.more = append(m.more, entry{})
		}
		e = &m.more[m.n-inlineOpen]
	}
	if !parseDef(&e.style, nil, content, eq) {
		return false
	}
	e.name, e.start, e.ord = name, m.textLen, m.nOpen
	m.push(e)
	return true
}

// push puts e, the slot after the top, on the stack.
func (m *machine) push(e *entry) {
	m.n++
	if m.record {
		if m.nOpen >= len(m.ranks) {
			m.moreRanks = append(m.moreRanks, 0)
		}
	}
	m.nOpen++
	switch {
	case !m.styled:
	case m.exact:
		m.dirty = true
	case !m.dirty:
		m.cur = m.cur.Combine(e.style)
	}
}

// pop closes open tag i.
//
// Rich combines the open tags' styles in the order of its sorted spans: by start offset,
// and, among tags that opened at the same offset, the one that closes first last (so it
// wins). When tags nest, that is the order they opened in, which is what the machine
// assumes while it streams. When a tag closes while a tag opened at the same offset after
// it is still open, and text was written under both, that assumption was wrong: the machine
// then records, in a first pass, the order in which every tag closes, and starts over in
// exact mode (at most once per input).
func (m *machine) pop(i int) {
	e := m.at(i)
	if m.record {
		*m.rank(e.ord) = int32(m.seq)
		m.seq++
	}
	if m.styled && !m.exact && i < m.n-1 && m.at(i+1).start == e.start && m.textLen > e.start {
		m.again = true
	}
	for j := i; j < m.n-1; j++ {
		*m.at(j) = *m.at(j + 1)
	}
	m.n--
	m.dirty = true
}

// finish closes the tags left open at the end, the last opened first, as Rich does.
func (m *machine) finish() {
	if !m.record {
		return
	}
	for i := m.n - 1; i >= 0; i-- {
		*m.rank(m.at(i).ord) = int32(m.seq)
		m.seq++
	}
}

// goExact switches to exact mode: one pass to record the closing order, then a rewind.
func (m *machine) goExact() {
	m.exact, m.record = true, true
	m.moreRanks = m.moreRanks[:0]
	m.rewind()
	for {
		if _, _, st := m.next(); st == done {
			break
		}
	}
	m.record = false
	m.rewind()
}

// find returns the index of the most recently opened tag that [/closing] closes, or -1.
// Rich compares Style.normalize of both names: the canonical form of the style when the name
// parses as one, else the name stripped and lower-cased.
func (m *machine) find(closing string) int {
	var want normKey
	haveKey := false
	for i := m.n - 1; i >= 0; i-- {
		name := trimPy(m.at(i).name)
		if name == closing {
			return i
		}
		if !haveKey {
			want, haveKey = keyOf(closing), true
		}
		if keyOf(name).equal(want) {
			return i
		}
	}
	return -1
}

// style returns the style in force over the last piece.
func (m *machine) style() Style {
	if m.dirty {
		m.cur = m.combine()
		m.dirty = false
	}
	return m.cur
}

func (m *machine) combine() Style {
	var st Style
	if !m.exact {
		for i := range m.n {
			st = st.Combine(m.at(i).style)
		}
		return st
	}
	// Tags opened at the same offset: the one that closes last goes first.
	for i := 0; i < m.n; {
		j := i + 1
		for j < m.n && m.at(j).start == m.at(i).start {
			j++
		}
		last := int32(1<<31 - 1)
		for range j - i {
			best, bestRank := -1, int32(-1)
			for k := i; k < j; k++ {
				if r := *m.rank(m.at(k).ord); r < last && r > bestRank {
					best, bestRank = k, r
				}
			}
			st = st.Combine(m.at(best).style)
			last = bestRank
		}
		i = j
	}
	return st
}

// normKey is Rich's Style.normalize of a tag name, for matching closing tags.
type normKey struct {
	parsed       bool
	on, off      Attr
	fg, bg, link string // color words as written (compared case-insensitively), link URL
	raw          string // the stripped name, when it does not parse as a style
}

func keyOf(name string) normKey {
	var st Style
	var colors [2]string
	if !parseDef(&st, &colors, name, -1) {
		return normKey{raw: trimPy(name)}
	}
	return normKey{parsed: true, on: st.On, off: st.Off, fg: colors[0], bg: colors[1], link: st.Link}
}

func (k normKey) equal(o normKey) bool {
	if k.parsed != o.parsed {
		// A name that does not parse ("not Bold": Rich looks the word after "not" up as
		// written) is lower-cased, and then may spell another name's normal form.
		raw, parsed := k, o
		if k.parsed {
			raw, parsed = o, k
		}
		return foldEq(raw.raw, parsed.canonical())
	}
	if !k.parsed {
		return foldEq(k.raw, o.raw)
	}
	return k.on == o.on && k.off == o.off && k.link == o.link && foldEq(k.fg, o.fg) && foldEq(k.bg, o.bg)
}

// richAttrOrder is the bit order of Rich's Style, which its str(Style) follows.
var richAttrOrder = [...]struct {
	name string
	a    Attr
}{
	{"bold", Bold}, {"dim", Dim}, {"italic", Italic}, {"underline", Underline}, {"blink", Blink},
	{"blink2", Blink2}, {"reverse", Reverse}, {"conceal", Conceal}, {"strike", Strike},
	{"underline2", Underline2}, {"frame", Frame}, {"encircle", Encircle}, {"overline", Overline},
}

// canonical is Rich's str(Style) for a parsed key: the normal form Style.normalize returns.
// Only a closing tag that does not parse is compared with it, so it may allocate.
func (k normKey) canonical() string {
	var b strings.Builder
	add := func(s string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	for _, x := range richAttrOrder {
		switch {
		case k.on&x.a != 0:
			add(x.name)
		case k.off&x.a != 0:
			add("not " + x.name)
		}
	}
	if k.fg != "" {
		add(strings.ToLower(k.fg)) // Rich's Color.name: the word lower-cased
	}
	if k.bg != "" {
		add("on")
		add(strings.ToLower(k.bg))
	}
	if k.link != "" {
		add("link")
		add(k.link)
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}
