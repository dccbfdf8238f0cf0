// Package hostile builds the files an attacker with an ordinary account
// would send to hurt the portal: small files that claim huge pictures,
// spreadsheets that unfold into gigabytes, archives that lie. Only tests
// import it; each file is the smallest that shows the harm.
package hostile

import (
	"bytes"
	"encoding/binary"
)

// ProgressiveJPEG is a valid progressive JPEG of width × height pixels in
// three full-resolution components, holding one DC scan of zeros: a few
// hundred kilobytes on the wire for 40 megapixels, and, decoded in Go,
// hundreds of megabytes (a progressive decoder keeps every coefficient).
func ProgressiveJPEG(width, height int) []byte {
	var b bytes.Buffer
	seg := func(marker byte, body []byte) {
		b.Write([]byte{0xff, marker})
		_ = binary.Write(&b, binary.BigEndian, uint16(len(body)+2)) // #nosec G115 -- a segment of this function's, under 100 bytes
		b.Write(body)
	}
	b.Write([]byte{0xff, 0xd8}) // start of image
	// One quantisation table of ones.
	seg(0xdb, append([]byte{0x00}, bytes.Repeat([]byte{1}, 64)...))
	// SOF2: progressive, 8 bits, the size, three components 1×1 on table 0.
	sof := []byte{8, byte(height >> 8), byte(height), byte(width >> 8), byte(width), 3} // #nosec G115 -- a JPEG's sizes are 16 bits, as the tests give them
	for id := byte(1); id <= 3; id++ {
		sof = append(sof, id, 0x11, 0)
	}
	seg(0xc2, sof)
	// A DC Huffman table with one code, "0", for category 0 (no change).
	dht := append([]byte{0x00, 1}, make([]byte, 15)...)
	seg(0xc4, append(dht, 0))
	// SOS: the three components' DC, first pass (Ss=Se=0, Ah=Al=0).
	seg(0xda, []byte{3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 0, 0})
	blocks := ((width + 7) / 8) * ((height + 7) / 8) * 3
	b.Write(make([]byte, (blocks+7)/8)) // one bit per block
	b.Write([]byte{0xff, 0xd9})         // end of image
	return b.Bytes()
}
