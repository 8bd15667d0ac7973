package console

// Highlighting of message text, after Rich's ReprHighlighter: numbers, quoted strings, URLs,
// UUIDs, IPv4 and IPv6 addresses, and true/false/None/nil get the styles of Rich's default
// theme. It is a hand-written scanner over the bytes (no regexp): a token starts only where
// a word starts (the byte before it is not a letter, digit or '_'), so the scanner skips
// whole words it cannot highlight.

// wordByte marks the bytes of Rich's \w (letters, digits, '_'); every non-ASCII byte counts
// as a letter, so nothing is highlighted inside a word in another script.
var wordByte = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	t['_'] = true
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	return t
}()

// hexVal is 1 + the value of a hex digit, 0 for other bytes.
var hexVal = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = uint8(c-'0') + 1
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c], t[c-'a'+'A'] = uint8(c-'a')+11, uint8(c-'a')+11
	}
	return t
}()

// urlByte marks the bytes Rich's URL pattern accepts after "://".
var urlByte = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "-$_+!`(),.?/;:&=%#~@" {
		t[c] = true
	}
	return t
}()

// tokenStart marks the bytes a token can start with: digits, hex letters, the first
// letters of the keywords and URL schemes, quotes and '-'. A word starting with another
// byte is skipped whole.
var tokenStart = func() (t [256]bool) {
	for _, c := range "0123456789abcdefABCDEF\"'-hwtTNnF" {
		t[c] = true
	}
	return t
}()

func isDigit(c byte) bool { return c-'0' < 10 }

// boundary reports whether a token may end at i: the end, or a byte that is not a word byte.
func boundary(t string, i int) bool { return i >= len(t) || !wordByte[t[i]] }

// highlight appends message text t (text that markup did not style) with its tokens
// highlighted; all text goes through appendText, so it is escaped the same way.
func (s *state) appendHighlighted(b []byte, t string) []byte {
	last := 0
	for i := 0; i < len(t); {
		c := t[i]
		if !wordByte[c] && c != '"' && c != '\'' && c != '-' {
			i++
			continue
		}
		if i > 0 && (wordByte[t[i-1]] || t[i-1] == '\\') {
			// Inside a word (or escaped): no token starts here; skip the rest of the word.
			for i++; i < len(t) && wordByte[t[i]]; i++ {
			}
			continue
		}
		if !tokenStart[c] {
			for i++; i < len(t) && wordByte[t[i]]; i++ {
			}
			continue
		}
		if end, sgr := scanToken(t, i); end > i {
			b = s.appendText(b, t[last:i])
			b = append(b, sgr...)
			b = s.appendText(b, t[i:end])
			b = append(b, sgrReset...)
			i, last = end, end
			continue
		}
		if wordByte[c] {
			for i++; i < len(t) && wordByte[t[i]]; i++ {
			}
		} else {
			i++
		}
	}
	return s.appendText(b, t[last:])
}

// scanToken returns the end and style of the token starting at t[i], or i when there is none.
func scanToken(t string, i int) (int, string) {
	c := t[i]
	switch {
	case c == '"' || c == '\'':
		return scanString(t, i), hlString
	case c == '-':
		if i+1 < len(t) && isDigit(t[i+1]) {
			if e := scanNumber(t, i+1); e > i+1 {
				return e, hlNumber
			}
		}
		return i, ""
	case isDigit(c):
		if e := scanUUID(t, i); e > i {
			return e, hlUUID
		}
		if e := scanIPv4(t, i); e > i {
			return e, hlIP
		}
		if e := scanIPv6(t, i); e > i {
			return e, hlIP
		}
		return scanNumber(t, i), hlNumber
	}
	switch c {
	case 'h':
		if e := scanURL(t, i, "http://", "https://"); e > i {
			return e, hlURL
		}
	case 'w':
		if e := scanURL(t, i, "ws://", "wss://"); e > i {
			return e, hlURL
		}
	case 'f':
		if e := scanURL(t, i, "file://", ""); e > i {
			return e, hlURL
		}
		if e := scanWord(t, i, "false"); e > i {
			return e, hlFalse
		}
	case 'F':
		if e := scanWord(t, i, "False"); e > i {
			return e, hlFalse
		}
	case 't':
		if e := scanWord(t, i, "true"); e > i {
			return e, hlTrue
		}
	case 'T':
		if e := scanWord(t, i, "True"); e > i {
			return e, hlTrue
		}
	case 'N':
		if e := scanWord(t, i, "None"); e > i {
			return e, hlNone
		}
	case 'n':
		if e := scanWord(t, i, "nil"); e > i {
			return e, hlNone
		}
		if e := scanWord(t, i, "null"); e > i {
			return e, hlNone
		}
	}
	if hexVal[c] != 0 {
		if e := scanUUID(t, i); e > i {
			return e, hlUUID
		}
		if e := scanIPv6(t, i); e > i {
			return e, hlIP
		}
	}
	return i, ""
}

// scanWord matches the whole word w at t[i].
func scanWord(t string, i int, w string) int {
	if len(t)-i >= len(w) && t[i:i+len(w)] == w && boundary(t, i+len(w)) {
		return i + len(w)
	}
	return i
}

// scanString matches a quoted string on one line: the quote at t[i] up to the next same
// quote not preceded by a backslash.
func scanString(t string, i int) int {
	q := t[i]
	for j := i + 1; j < len(t); j++ {
		switch t[j] {
		case q:
			if t[j-1] != '\\' {
				return j + 1
			}
		case '\n':
			return i
		}
	}
	return i
}

// scanNumber matches -?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)? or 0x[0-9a-fA-F]+ ending at a word
// boundary, from the first digit at t[i].
func scanNumber(t string, i int) int {
	j := i
	for j < len(t) && isDigit(t[j]) {
		j++
	}
	if j == i+1 && t[i] == '0' && j < len(t) && (t[j] == 'x' || t[j] == 'X') {
		k := j + 1
		for k < len(t) && hexVal[t[k]] != 0 {
			k++
		}
		if k > j+1 && boundary(t, k) {
			return k
		}
		return i
	}
	if j+1 < len(t) && t[j] == '.' && isDigit(t[j+1]) {
		for j++; j < len(t) && isDigit(t[j]); j++ {
		}
	}
	if j < len(t) && (t[j] == 'e' || t[j] == 'E') {
		k := j + 1
		if k < len(t) && (t[k] == '+' || t[k] == '-') {
			k++
		}
		if k < len(t) && isDigit(t[k]) {
			for k < len(t) && isDigit(t[k]) {
				k++
			}
			j = k
		}
	}
	if boundary(t, j) {
		return j
	}
	return i
}

// scanUUID matches 8-4-4-4-12 hex digits.
func scanUUID(t string, i int) int {
	const n = 36
	if len(t)-i < n || t[i+8] != '-' {
		return i
	}
	for k := range n {
		c := t[i+k]
		switch k {
		case 8, 13, 18, 23:
			if c != '-' {
				return i
			}
		default:
			if hexVal[c] == 0 {
				return i
			}
		}
	}
	if boundary(t, i+n) {
		return i + n
	}
	return i
}

// scanIPv4 matches four groups of one to three digits separated by dots.
func scanIPv4(t string, i int) int {
	j := i
	for g := range 4 {
		if g > 0 {
			if j >= len(t) || t[j] != '.' {
				return i
			}
			j++
		}
		k := j
		for k < len(t) && k-j < 3 && isDigit(t[k]) {
			k++
		}
		if k == j {
			return i
		}
		j = k
	}
	if !boundary(t, j) || (j+1 < len(t) && t[j] == '.' && isDigit(t[j+1])) {
		return i
	}
	return j
}

// scanIPv6 matches Rich's ([0-9a-f]{1,4}::?){1,7}[0-9a-f]{1,4}, and only when it has a "::"
// or all eight groups (so that times like 12:30:45 stay numbers).
func scanIPv6(t string, i int) int {
	// A colon within the first five bytes, or no address.
	if k := i + 1; !(k < len(t) && t[k] == ':' || k+1 < len(t) && t[k+1] == ':' ||
		k+2 < len(t) && t[k+2] == ':' || k+3 < len(t) && t[k+3] == ':' || k+4 < len(t) && t[k+4] == ':') {
		return i
	}
	j, colons, double := i, 0, false
	for {
		k := j
		for k < len(t) && hexVal[t[k]] != 0 {
			k++
		}
		if k == j || k-j > 4 {
			return i
		}
		j = k
		if j >= len(t) || t[j] != ':' {
			break
		}
		if j+1 < len(t) && t[j+1] == ':' {
			if double {
				return i
			}
			double = true
			colons += 2
			j += 2
		} else {
			colons++
			j++
		}
		if colons > 8 {
			return i
		}
	}
	if !(double || colons == 7) || !boundary(t, j) {
		return i
	}
	return j
}

// scanURL matches a URL starting with one of the two schemes (the second may be ""); trailing
// sentence punctuation is not part of it.
func scanURL(t string, i int, scheme1, scheme2 string) int {
	rest := t[i:]
	var j int
	switch {
	case len(rest) > len(scheme1) && rest[:len(scheme1)] == scheme1:
		j = i + len(scheme1)
	case scheme2 != "" && len(rest) > len(scheme2) && rest[:len(scheme2)] == scheme2:
		j = i + len(scheme2)
	default:
		return i
	}
	start := j
	for j < len(t) && urlByte[t[j]] {
		j++
	}
	for j > start {
		switch t[j-1] {
		case '.', ',', ';', ':', '!', '?':
			j--
			continue
		}
		break
	}
	if j == start {
		return i
	}
	return j
}
