package markup

import (
	"bytes"
	"strings"
	"unsafe"
)

// IsPlain reports whether s is surely its own plain text: it holds no '[' (hence no tag and
// no escape, as a backslash escapes only a '[') and no ':' (hence no emoji code). Then Strip(s)
// is s and Parse gives one unstyled segment. It is the cheap test for the fast paths of every
// renderer; a false answer does not mean that s holds markup.
func IsPlain(s string) bool {
	return strings.IndexByte(s, '[') < 0 && strings.IndexByte(s, ':') < 0
}

// Strip returns the plain text of s: the text Rich's Text.from_markup(s).plain gives when
// every tag in s is a valid style (see the package documentation for the rules, and for what
// happens to other tags), Rich's emoji codes replaced as Rich replaces them (":rocket:" is
// the rocket; ":rocket-text:" and ":rocket-emoji:" add a variant selector; an unknown code
// stays as it is). It returns s itself (or a prefix of it), without allocating, when s has
// no '[' nor emoji code, or nothing in it is markup, an escape or an emoji code before its
// end; a message seen before comes from a cache, also without allocating (see the package
// documentation).
func Strip(s string) string {
	if strings.IndexByte(s, '[') < 0 {
		if !hasEmoji(s) {
			return s
		}
		open := false
		return string(appendEmojified(make([]byte, 0, len(s)), s, &open))
	}
	if len(s) > maxStripCached {
		return strip(s)
	}
	out, hash, ok := cachedStrip(s)
	if ok {
		return out
	}
	out = strip(s)
	if shouldRemember(hash) {
		rememberStrip(hash, s, out)
	}
	return out
}

// strip is Strip without the cache.
func strip(s string) string {
	var m machine
	m.init(s, false)
	// While the pieces follow each other in s and hold no emoji code, the result is a prefix
	// of s.
	end, open := 0, false
	for {
		a, b, st := m.next()
		if st != piece {
			return s[:end]
		}
		if !m.cont {
			open = false
		}
		before := open
		if a == end && (m.raw || !emojiIn(s[a:b], &open)) {
			end = b
			continue
		}
		dst := make([]byte, 0, len(s)+16) // the plain text is hardly ever longer than s
		dst = append(dst, s[:end]...)
		open = before
		for st == piece {
			dst = m.appendPiece(dst, s[a:b], &open)
			a, b, st = m.next()
		}
		return unsafe.String(unsafe.SliceData(dst), len(dst)) // dst is never written again
	}
}

// emojiIn reports whether t holds an emoji code, carrying open as nextEmoji does (exactly
// when it holds none).
func emojiIn(t string, open *bool) bool {
	i, _, _, _ := nextEmoji(t, 0, open)
	return i >= 0
}

// AppendStrip appends Strip(s) to dst and returns the extended buffer. It does not allocate
// when dst has room for len(s) more bytes (except to store a message in the cache, once).
func AppendStrip(dst []byte, s string) []byte {
	if IsPlain(s) {
		return append(dst, s...)
	}
	if strings.IndexByte(s, '[') < 0 {
		open := false
		return appendEmojified(dst, s, &open)
	}
	if len(s) > maxStripCached {
		return appendStrip(dst, s)
	}
	out, hash, ok := cachedStrip(s)
	if ok {
		return append(dst, out...)
	}
	start := len(dst)
	dst = appendStrip(dst, s)
	if shouldRemember(hash) {
		rememberStrip(hash, s, string(dst[start:]))
	}
	return dst
}

// appendStrip is AppendStrip without the cache.
func appendStrip(dst []byte, s string) []byte {
	var m machine
	m.init(s, false)
	open := false // an emoji code runs on into the next piece
	for {
		a, b, st := m.next()
		if st != piece {
			return dst
		}
		dst = m.appendPiece(dst, s[a:b], &open)
	}
}

// appendPiece appends the piece t just yielded, its emoji codes replaced (unless it is a
// literal tag); open carries an unclosed code from the piece it continues.
func (m *machine) appendPiece(dst []byte, t string, open *bool) []byte {
	if !m.cont {
		*open = false
	}
	if m.raw {
		return append(dst, t...)
	}
	return appendEmojified(dst, t, open)
}

// Escape returns markup whose plain text is s: Strip(Escape(s)) == s for every s, also when
// the result is placed inside other markup ("[bold]" + Escape(s) + "[/bold]" shows s in
// bold). Use it to put untrusted text into a message that is interpreted as markup.
//
// Like Rich's rich.markup.escape it puts a backslash before every '[' that starts a tag,
// doubling the backslashes already there. It also escapes what Rich's escape leaves alone
// but Rich's parser changes: a backslash right before a '[' that does not start a tag gets
// one more backslash, and trailing backslashes (which would escape a tag that follows) are
// doubled and followed by the empty markup "[none][/none]", which Rich and Strip remove.
// And an emoji code (":rocket:") gets its closing ':' between two such empty pairs, so that
// it stays text.
func Escape(s string) string {
	if strings.IndexByte(s, '[') < 0 && !strings.HasSuffix(s, `\`) && !hasEmoji(s) {
		return s
	}
	return string(AppendEscape(make([]byte, 0, len(s)+8), s))
}

// AppendEscape appends Escape(s) to dst and returns the extended buffer.
func AppendEscape(dst []byte, s string) []byte {
	start := len(dst)
	last := 0
	for i := 0; ; {
		k := strings.IndexByte(s[i:], '[')
		if k < 0 {
			break
		}
		k += i
		b := 0
		for k-b > last && s[k-b-1] == '\\' {
			b++
		}
		add := 0
		tag, split := isTagAt(s, k), false
		if tag && hasEmoji(s[k:tagEnd(s, k)]) {
			// An escaped tag would be a text piece of its own, where no ':' can be kept from
			// closing a code: make it no tag instead, the rest of it a piece of its own.
			tag, split = false, true
		}
		if tag {
			add = b + 1 // 2b+1 backslashes: b literal ones and an escaped tag
		} else if b > 0 {
			add = 1 // the parser drops one backslash before a '[' that is not a tag
		}
		dst = append(dst, s[last:k]...)
		dst = appendBackslashes(dst, add)
		last, i = k, k+1
		if split {
			dst = append(dst, "[[none][/none]"...)
			last = k + 1
		}
	}
	dst = append(dst, s[last:]...)
	// Trailing backslashes would escape a tag that follows: double them and end the run
	// with an empty pair of tags.
	b := 0
	for b < len(s) && s[len(s)-1-b] == '\\' {
		b++
	}
	if b > 0 {
		dst = appendBackslashes(dst, b)
		dst = append(dst, "[none][/none]"...)
	}
	return breakEmoji(dst, start)
}

// breakEmoji puts the closing ':' of every emoji code that the markup dst[start:] shows
// between two empty pairs of tags: each of Rich's text pieces is scanned for codes on its
// own, and the ':' alone in a piece closes none.
func breakEmoji(dst []byte, start int) []byte {
	if bytes.IndexByte(dst[start:], ':') < 0 {
		return dst
	}
	e := string(dst[start:])
	var m machine
	m.init(e, false)
	open := false
	var cuts []int // offsets in e of the closing ':' of the codes
	for {
		a, b, st := m.next()
		if st != piece {
			break
		}
		if !m.cont {
			open = false
		}
		if m.raw {
			continue
		}
		for from := 0; ; {
			i, j, _, _ := nextEmoji(e[a:b], from, &open)
			if i < 0 {
				break
			}
			cuts = append(cuts, a+j-1)
			from = j
		}
	}
	dst, last := dst[:start], 0
	for _, c := range cuts {
		dst = append(append(dst, e[last:c]...), "[none][/none]:[none][/none]"...)
		last = c + 1
	}
	return append(dst, e[last:]...)
}

func appendBackslashes(dst []byte, n int) []byte {
	for range n {
		dst = append(dst, '\\')
	}
	return dst
}

// tagEnd returns the end of the tag that starts at s[k] == '[' (see isTagAt).
func tagEnd(s string, k int) int {
	return k + strings.IndexByte(s[k:], ']') + 1
}

// isTagAt reports whether a tag starts at s[k] == '['.
func isTagAt(s string, k int) bool {
	if k+1 >= len(s) || !isTagStart(s[k+1]) {
		return false
	}
	for j := k + 2; j < len(s); j++ {
		switch s[j] {
		case ']':
			return true
		case '[':
			return false
		}
	}
	return false
}
