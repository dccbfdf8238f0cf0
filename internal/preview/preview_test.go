package preview

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"testing"

	"github.com/go-pdf/fpdf"

	"modelward/internal/hostile"
)

func photo(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := range 1200 {
		for x := range 1600 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	// An EXIF block with a GPS position, right after the start of image.
	exif := append([]byte("Exif\x00\x00"), []byte("GPSLatitude 21.0285 GPSLongitude 105.8542")...)
	seg := append([]byte{0xff, 0xe1, 0, 0}, exif...)
	binary.BigEndian.PutUint16(seg[2:], uint16(len(exif)+2))
	raw := b.Bytes()
	return append(append(append([]byte{}, raw[:2]...), seg...), raw[2:]...)
}

// A photo gets a thumbnail and a larger view, re-drawn, so its EXIF (a
// GPS position) does not come along.
func TestImagePreviewDropsEXIF(t *testing.T) {
	in := photo(t)
	if !bytes.Contains(in, []byte("GPSLatitude")) {
		t.Fatal("the test photo has no EXIF")
	}
	p, err := Make(context.Background(), "image/jpeg", in)
	if err != nil {
		t.Fatal(err)
	}
	for _, pic := range []Picture{p.Thumb, p.Large} {
		if pic.Type != "image/jpeg" || bytes.Contains(pic.Data, []byte("GPS")) || bytes.Contains(pic.Data, []byte("Exif")) {
			t.Errorf("%s picture of %d bytes keeps the EXIF", pic.Type, len(pic.Data))
		}
	}
	thumb, _ := jpeg.DecodeConfig(bytes.NewReader(p.Thumb.Data))
	large, _ := jpeg.DecodeConfig(bytes.NewReader(p.Large.Data))
	if thumb.Width != ThumbWidth || thumb.Height != 180 || large.Width != LargeWidth {
		t.Errorf("sizes: thumb %dx%d, large %dx%d", thumb.Width, thumb.Height, large.Width, large.Height)
	}
}

// An image that claims more than 40 megapixels is refused before it is
// decoded.
func TestHugeImageRefused(t *testing.T) {
	var b bytes.Buffer
	_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
	raw := b.Bytes()
	// IHDR's width and height at bytes 16–23; its CRC after the data.
	binary.BigEndian.PutUint32(raw[16:], 10000)
	binary.BigEndian.PutUint32(raw[20:], 5000)
	binary.BigEndian.PutUint32(raw[29:], crc32.ChecksumIEEE(raw[12:29]))
	if _, err := Make(context.Background(), "image/png", raw); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a 50-megapixel PNG: %v, want ErrTooLarge", err)
	}
	if _, err := Make(context.Background(), "application/vnd.ms-excel", raw); !errors.Is(err, ErrUnsupported) {
		t.Errorf("another type: %v", err)
	}
}

// A PDF's first page is drawn by pdftoppm, and its pages counted; a
// broken one is an error, never a picture of nothing.
func TestPDFPreview(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("poppler-utils is not installed; make test installs it as root")
		}
		t.Skip("poppler-utils is not installed (make test installs it as root)")
	}
	doc := fpdf.New("P", "mm", "A4", "")
	for range 3 {
		doc.AddPage()
		doc.SetFont("Helvetica", "", 24)
		doc.Cell(40, 10, "Bao cao")
	}
	var b bytes.Buffer
	if err := doc.Output(&b); err != nil {
		t.Fatal(err)
	}
	p, err := Make(context.Background(), "application/pdf", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if p.Pages != 3 || p.Thumb.Type != "image/jpeg" || len(p.Large.Data) == 0 {
		t.Errorf("PDF preview: %d pages, thumb %s", p.Pages, p.Thumb.Type)
	}
	if _, err := Make(context.Background(), "application/pdf", []byte("%PDF-1.4\nnot really")); err == nil {
		t.Error("a broken PDF was drawn")
	}
}

// A 234 KB progressive JPEG of 40 megapixels costs the decoder some
// 800 MB. It is drawn in a child process under its own limits: whatever
// becomes of the child (it runs out of room, or draws), the portal's own
// process does not grow.
func TestHugePictureDrawnOutsideThePortal(t *testing.T) {
	file := hostile.ProgressiveJPEG(7000, 5700)
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak resident size: %v", err)
	}
	before := peakRSS(t)
	d, err := Draw(context.Background(), "image/jpeg", file)
	if err != nil && !errors.Is(err, ErrChildFailed) {
		t.Fatalf("Draw: %v", err)
	}
	if grew := peakRSS(t) - before; grew > 64<<20 {
		t.Errorf("the portal's own peak resident size grew %d MB drawing the file", grew>>20)
	}
	if err == nil && d.Failed {
		t.Errorf("the child drew nothing and did not fail: %q", d.Reason)
	}
}

// Draw in a child draws what Make draws, and says why a file has no
// pictures.
func TestDrawInChild(t *testing.T) {
	d, err := Draw(context.Background(), "image/jpeg", photo(t))
	if err != nil || d.Failed || d.Thumb.Type != "image/jpeg" || len(d.Large.Data) == 0 {
		t.Fatalf("a photo drawn in the child: %v %+v", err, d.Reason)
	}
	d, err = Draw(context.Background(), "image/png", []byte("\x89PNG\r\n\x1a\nbroken"))
	if err != nil || !d.Failed || d.Reason == "" {
		t.Errorf("a broken PNG: %v, failed %v, %q", err, d.Failed, d.Reason)
	}
}

func peakRSS(t *testing.T) int64 {
	t.Helper()
	n, err := hostile.PeakRSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	return n
}
