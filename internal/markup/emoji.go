package markup

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:generate sh -c "python3 gen_emoji_codes.py 2>/dev/null || /usr/bin/python3 gen_emoji_codes.py"

// emojiCode is one entry of Rich's emoji table: ":name:" stands for emoji.
type emojiCode struct {
	name, emoji string
}

// Emoji variant selectors, as Rich appends them for ":name-text:" and ":name-emoji:".
const (
	variantText  = "\ufe0e"
	variantEmoji = "\ufe0f"
)

// lookupEmoji returns the emoji of a code name as Rich looks it up (EMOJI[name.lower()]).
func lookupEmoji(name string) (string, bool) {
	var buf [64]byte
	key := name
	ascii, upper := true, false
	for i := 0; i < len(name); i++ {
		c := name[i]
		ascii = ascii && c < utf8.RuneSelf
		upper = upper || 'A' <= c && c <= 'Z'
	}
	switch {
	case !ascii:
		key = strings.ToLower(name) // rare: a non-ASCII name
	case upper:
		if len(name) > len(buf) {
			return "", false // longer than every name in the table
		}
		n := copy(buf[:], name)
		for j := range n {
			if 'A' <= buf[j] && buf[j] <= 'Z' {
				buf[j] += 'a' - 'A'
			}
		}
		key = string(buf[:n]) // only compared below: no allocation
	}
	lo, hi := 0, len(emojiCodes)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if emojiCodes[m].name < key {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(emojiCodes) && emojiCodes[lo].name == key {
		return emojiCodes[lo].emoji, true
	}
	return "", false
}

// pySpace reports whether r is whitespace for Python's \s (str.isspace): Go's unicode.IsSpace
// and the four information separators U+001C..U+001F.
func pySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// nextEmoji finds the next emoji code in t at or after from that Rich's _emoji_replace
// replaces: the leftmost match of
//
//	:(\S*?)(?:-(emoji|text))?:
//
// whose name is in the table (a match whose name is not is kept as text, and its closing ':'
// opens no other code). It returns the code's span t[i:j], its emoji and the variant
// selector to follow it (or ""); i < 0 when there is none.
//
// A text that Rich sees in one piece may come in several (where a backslash before '[' was
// dropped): open carries, from one to the next, that a code started and is still unclosed;
// the caller clears it at the start of every piece that does not continue the previous one.
// A code open across such a cut holds a '[', which no name in the table has: it only
// consumes text up to its closing ':'.
func nextEmoji(t string, from int, open *bool) (i, j int, emoji, variant string) {
	k := from
	if *open {
		for k < len(t) {
			r, size := utf8.DecodeRuneInString(t[k:])
			if r == ':' {
				k += size
				break
			}
			if pySpace(r) {
				break
			}
			k += size
		}
		if k == len(t) && (k == from || t[k-1] != ':') {
			return -1, 0, "", "" // still open
		}
		*open = false
	}
	for {
		c := strings.IndexByte(t[k:], ':')
		if c < 0 {
			return -1, 0, "", ""
		}
		start := k + c
		p := start + 1
		for p < len(t) && t[p] != ':' {
			r, size := utf8.DecodeRuneInString(t[p:])
			if pySpace(r) {
				break
			}
			p += size
		}
		if p == len(t) {
			*open = true // the match may close in a piece that continues this one
			return -1, 0, "", ""
		}
		if t[p] != ':' {
			k = p // whitespace: no code starts before it
			continue
		}
		name := t[start+1 : p]
		v := ""
		switch {
		case strings.HasSuffix(name, "-emoji"):
			name, v = name[:len(name)-len("-emoji")], variantEmoji
		case strings.HasSuffix(name, "-text"):
			name, v = name[:len(name)-len("-text")], variantText
		}
		if e, ok := lookupEmoji(name); ok {
			return start, p + 1, e, v
		}
		k = p + 1
	}
}

// hasEmoji reports whether t holds a code Rich replaces.
func hasEmoji(t string) bool {
	if strings.IndexByte(t, ':') < 0 {
		return false
	}
	open := false
	i, _, _, _ := nextEmoji(t, 0, &open)
	return i >= 0
}

// appendEmojified appends t with its emoji codes replaced, carrying open as nextEmoji does.
func appendEmojified(dst []byte, t string, open *bool) []byte {
	for from := 0; ; {
		i, j, e, v := nextEmoji(t, from, open)
		if i < 0 {
			return append(dst, t[from:]...)
		}
		dst = append(append(append(dst, t[from:i]...), e...), v...)
		from = j
	}
}
