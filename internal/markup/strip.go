package markup

import "strings"

// Strip returns the plain text of s: the text Rich's Text.from_markup(s).plain gives when
// every tag in s is a valid style (see the package documentation for the rules, and for what
// happens to other tags). It returns s itself (or a prefix of it), without allocating, when
// s has no '[' or nothing in it is markup or an escape before its end; a message seen before
// comes from a cache, also without allocating (see the package documentation).
func Strip(s string) string {
	if strings.IndexByte(s, '[') < 0 {
		return s
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
	// While the pieces follow each other in s, the result is a prefix of s.
	end := 0
	for {
		a, b, st := m.next()
		if st != piece {
			return s[:end]
		}
		if a != end {
			var sb strings.Builder
			sb.Grow(len(s)) // the plain text is never longer than s
			sb.WriteString(s[:end])
			for st == piece {
				sb.WriteString(s[a:b])
				a, b, st = m.next()
			}
			return sb.String()
		}
		end = b
	}
}

// AppendStrip appends Strip(s) to dst and returns the extended buffer. It does not allocate
// when dst has room for len(s) more bytes (except to store a message in the cache, once).
func AppendStrip(dst []byte, s string) []byte {
	if strings.IndexByte(s, '[') < 0 {
		return append(dst, s...)
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
	for {
		a, b, st := m.next()
		if st != piece {
			return dst
		}
		dst = append(dst, s[a:b]...)
	}
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
func Escape(s string) string {
	if strings.IndexByte(s, '[') < 0 && !strings.HasSuffix(s, `\`) {
		return s
	}
	return string(AppendEscape(make([]byte, 0, len(s)+8), s))
}

// AppendEscape appends Escape(s) to dst and returns the extended buffer.
func AppendEscape(dst []byte, s string) []byte {
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
		if isTagAt(s, k) {
			add = b + 1 // 2b+1 backslashes: b literal ones and an escaped tag
		} else if b > 0 {
			add = 1 // the parser drops one backslash before a '[' that is not a tag
		}
		dst = append(dst, s[last:k]...)
		dst = appendBackslashes(dst, add)
		last, i = k, k+1
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
	return dst
}

func appendBackslashes(dst []byte, n int) []byte {
	for range n {
		dst = append(dst, '\\')
	}
	return dst
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
