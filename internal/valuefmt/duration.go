package valuefmt

import "time"

// AppendDuration appends d as time.Duration.String writes it, without allocating (the same
// algorithm), for the sinks' hot paths.
func AppendDuration(b []byte, d time.Duration) []byte {
	var buf [32]byte
	w := len(buf)
	u := uint64(d)
	neg := d < 0
	if neg {
		u = -u
	}
	if u < uint64(time.Second) {
		var prec int
		w--
		buf[w] = 's'
		w--
		switch {
		case u == 0:
			return append(b, "0s"...)
		case u < uint64(time.Microsecond):
			prec = 0
			buf[w] = 'n'
		case u < uint64(time.Millisecond):
			prec = 3
			w-- // 'µ' is two bytes
			copy(buf[w:], "µ")
		default:
			prec = 6
			buf[w] = 'm'
		}
		w, u = fmtFrac(buf[:w], u, prec)
		w = fmtInt(buf[:w], u)
	} else {
		w--
		buf[w] = 's'
		w, u = fmtFrac(buf[:w], u, 9)
		w = fmtInt(buf[:w], u%60)
		u /= 60
		if u > 0 {
			w--
			buf[w] = 'm'
			w = fmtInt(buf[:w], u%60)
			u /= 60
			if u > 0 {
				w--
				buf[w] = 'h'
				w = fmtInt(buf[:w], u)
			}
		}
	}
	if neg {
		w--
		buf[w] = '-'
	}
	return append(b, buf[w:]...)
}

// fmtFrac writes the fraction of v/10**prec (trailing zeros and a zero fraction omitted) at
// the end of buf, and returns where it starts and v/10**prec.
func fmtFrac(buf []byte, v uint64, prec int) (int, uint64) {
	w := len(buf)
	// Whole units (23s, 150ms) are the common case: no fraction to write.
	switch prec {
	case 9:
		if v%1e9 == 0 {
			return w, v / 1e9
		}
	case 6:
		if v%1e6 == 0 {
			return w, v / 1e6
		}
	case 3:
		if v%1e3 == 0 {
			return w, v / 1e3
		}
	}
	show := false
	for range prec {
		digit := v % 10
		show = show || digit != 0
		if show {
			w--
			buf[w] = byte(digit) + '0'
		}
		v /= 10
	}
	if show {
		w--
		buf[w] = '.'
	}
	return w, v
}

// fmtInt writes v at the end of buf and returns where it starts.
func fmtInt(buf []byte, v uint64) int {
	w := len(buf)
	if v == 0 {
		w--
		buf[w] = '0'
		return w
	}
	for v > 0 {
		w--
		buf[w] = byte(v%10) + '0'
		v /= 10
	}
	return w
}
