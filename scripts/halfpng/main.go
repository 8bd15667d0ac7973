// Command halfpng writes a PNG at half the size of another, each pixel the average of a
// 2x2 block (a box filter, exact for halving). It is the last step of
// scripts/console-screenshot.sh, with the standard library only.
//
//	go run ./scripts/halfpng in.png out.png
package main

import (
	"fmt"
	"image"
	"image/png"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: halfpng in.png out.png")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "halfpng:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	src, err := png.Decode(f)
	if err != nil {
		return err
	}
	b := src.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, b.Dx()/2, b.Dy()/2))
	for y := range dst.Rect.Dy() {
		for x := range dst.Rect.Dx() {
			var r, g, bl, a uint32
			for _, d := range [4][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
				// Premultiplied 16-bit values: averaging them is right for transparency too.
				pr, pg, pb, pa := src.At(b.Min.X+2*x+d[0], b.Min.Y+2*y+d[1]).RGBA()
				r, g, bl, a = r+pr, g+pg, bl+pb, a+pa
			}
			r, g, bl, a = r/4, g/4, bl/4, a/4
			i := dst.PixOffset(x, y)
			if a == 0 {
				continue
			}
			// Back from premultiplied to straight alpha, 8 bits.
			dst.Pix[i+0] = uint8(r * 0xffff / a >> 8)
			dst.Pix[i+1] = uint8(g * 0xffff / a >> 8)
			dst.Pix[i+2] = uint8(bl * 0xffff / a >> 8)
			dst.Pix[i+3] = uint8(a >> 8)
		}
	}
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(o, dst); err != nil {
		o.Close()
		return err
	}
	return o.Close()
}
