package markup

import "math"

// Color degradation follows Rich's Color.downgrade (rich/color.py) and Palette.match
// (rich/palette.py), with the palettes of rich/_palettes.py.

// standardPalette is Rich's STANDARD_PALETTE: the RGB values Rich assumes for the 16 colors
// when it matches a color to them.
var standardPalette = [16][3]uint8{
	{0, 0, 0}, {170, 0, 0}, {0, 170, 0}, {170, 85, 0},
	{0, 0, 170}, {170, 0, 170}, {0, 170, 170}, {170, 170, 170},
	{85, 85, 85}, {255, 85, 85}, {85, 255, 85}, {255, 255, 85},
	{85, 85, 255}, {255, 85, 255}, {85, 255, 255}, {255, 255, 255},
}

// eightBitRGB is Rich's EIGHT_BIT_PALETTE entry n: the xterm 256-color palette.
func eightBitRGB(n uint8) (r, g, b uint8) {
	switch {
	case n < 16:
		c := eightBitLow[n]
		return c[0], c[1], c[2]
	case n < 232:
		i := n - 16
		return cubeLevel[i/36], cubeLevel[i/6%6], cubeLevel[i%6]
	default:
		v := 8 + 10*(n-232)
		return v, v, v
	}
}

var eightBitLow = [16][3]uint8{
	{0, 0, 0}, {128, 0, 0}, {0, 128, 0}, {128, 128, 0},
	{0, 0, 128}, {128, 0, 128}, {0, 128, 128}, {192, 192, 192},
	{128, 128, 128}, {255, 0, 0}, {0, 255, 0}, {255, 255, 0},
	{0, 0, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
}

var cubeLevel = [6]uint8{0, 95, 135, 175, 215, 255}

// eightBitToStandard is STANDARD_PALETTE.match(EIGHT_BIT_PALETTE[n]) for every n.
var eightBitToStandard = func() (t [256]uint8) {
	for n := range 256 {
		t[n] = matchStandard(eightBitRGB(uint8(n)))
	}
	return t
}()

// matchStandard is Rich's STANDARD_PALETTE.match: the standard color nearest to (r, g, b) by
// Rich's weighted ("redmean") distance, the first on ties. Rich compares square roots of the
// integer sums; comparing the sums picks the same index.
func matchStandard(r, g, b uint8) uint8 {
	best, bestD := 0, -1
	for i, c := range standardPalette {
		rm := (int(r) + int(c[0])) / 2
		dr := int(r) - int(c[0])
		dg := int(g) - int(c[1])
		db := int(b) - int(c[2])
		d := ((512+rm)*dr*dr)>>8 + 4*dg*dg + ((767-rm)*db*db)>>8
		if bestD < 0 || d < bestD {
			best, bestD = i, d
		}
	}
	return uint8(best)
}

// rgbTo256 is Rich's downgrade of a truecolor to the 256-color palette: near-grays (HLS
// saturation under 0.15) go to the gray ramp, others to the 6x6x6 cube. Python's round()
// rounds half to even, as math.RoundToEven does.
func rgbTo256(r, g, b uint8) uint8 {
	// colorsys.rgb_to_hls on (r/255, g/255, b/255).
	rf, gf, bf := float64(r)/255, float64(g)/255, float64(b)/255
	maxc := max(rf, gf, bf)
	minc := min(rf, gf, bf)
	sumc := maxc + minc
	rangec := maxc - minc
	l := sumc / 2.0
	var s float64
	if minc != maxc {
		if l <= 0.5 {
			s = rangec / sumc
		} else {
			s = rangec / (2.0 - sumc)
		}
	}
	if s < 0.15 {
		gray := math.RoundToEven(l * 25.0)
		switch gray {
		case 0:
			return 16
		case 25:
			return 231
		}
		return uint8(231 + gray)
	}
	six := func(v uint8) int {
		var f float64
		if v < 95 {
			f = float64(v) / 95
		} else {
			f = 1 + float64(v-95)/40
		}
		return int(math.RoundToEven(f))
	}
	return uint8(16 + 36*six(r) + 6*six(g) + six(b))
}
