// Package preview draws pictures of evidence files for the pages that
// list them: a thumbnail and a larger view of an image, and of a PDF's
// first page (drawn by poppler's pdftoppm, run as a separate process with
// a time and memory limit), with its page count. A picture is made anew
// from the pixels, so nothing of the file's own metadata (a photo's EXIF
// GPS position) comes with it.
package preview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"golang.org/x/image/draw"

	"modelward/internal/assess"
)

// Sizes of the pictures, in pixels across.
const (
	ThumbWidth = 240
	LargeWidth = 1200
	// MaxPixels is the largest image decoded: beyond, refused (a small
	// file can claim a huge picture); uploads are refused beyond it too.
	MaxPixels = assess.MaxImagePixels
	// renderFor and renderMemory bound pdftoppm.
	renderFor    = 15 * time.Second
	renderMemory = 512 << 20
)

// Errors of Make.
var (
	ErrTooLarge    = errors.New("the image is larger than 40 megapixels")
	ErrUnsupported = errors.New("no preview for this kind of file")
	// ErrTooSlow means the renderer ran out of time or memory: the file
	// may be drawn when the machine is less busy.
	ErrTooSlow = errors.New("the renderer ran out of time or memory")
)

// Picture is an encoded picture and its type.
type Picture struct {
	Type string
	Data []byte
}

// Preview is a file's thumbnail, its larger view, and its page count (a
// PDF's; 0 otherwise).
type Preview struct {
	Thumb Picture
	Large Picture
	Pages int
}

// Make draws the preview of a file of contentType.
func Make(ctx context.Context, contentType string, content []byte) (Preview, error) {
	switch contentType {
	case "image/jpeg", "image/png":
		cfg, _, err := image.DecodeConfig(bytes.NewReader(content))
		if err != nil {
			return Preview{}, fmt.Errorf("image: %w", err)
		}
		if cfg.Width*cfg.Height > MaxPixels || cfg.Width <= 0 || cfg.Height <= 0 {
			return Preview{}, ErrTooLarge
		}
		img, _, err := image.Decode(bytes.NewReader(content))
		if err != nil {
			return Preview{}, fmt.Errorf("image: %w", err)
		}
		return pictures(img, 0)
	case "application/pdf":
		return pdf(ctx, content)
	}
	return Preview{}, ErrUnsupported
}

// pictures scales img to the two sizes, as JPEG on white. A large image
// is first halved cheaply (bilinear, without buffers) to twice the larger
// view's width, and the thumbnail is drawn from the larger view: the
// Catmull-Rom kernel's buffer grows with its source's height.
func pictures(img image.Image, pages int) (Preview, error) {
	if b := img.Bounds(); b.Dx() > 2*LargeWidth {
		small := image.NewRGBA(image.Rect(0, 0, 2*LargeWidth, max(1, b.Dy()*2*LargeWidth/b.Dx())))
		draw.ApproxBiLinear.Scale(small, small.Bounds(), img, b, draw.Src, nil)
		img = small
	}
	p := Preview{Pages: pages}
	large, err := scaled(img, LargeWidth, &p.Large)
	if err != nil {
		return Preview{}, err
	}
	if _, err := scaled(large, ThumbWidth, &p.Thumb); err != nil {
		return Preview{}, err
	}
	return p, nil
}

// scaled draws img at most width across on white into to, and returns
// the image drawn.
func scaled(img image.Image, width int, to *Picture) (image.Image, error) {
	b := img.Bounds()
	w := min(width, b.Dx())
	h := max(1, b.Dy()*w/b.Dx())
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), &image.Uniform{C: color.White}, image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 82}); err != nil {
		return nil, err
	}
	*to = Picture{Type: "image/jpeg", Data: out.Bytes()}
	return dst, nil
}

var pagesLine = regexp.MustCompile(`(?m)^Pages:\s+([0-9]+)`)

// pdf draws a PDF's first page with pdftoppm and counts its pages with
// pdfinfo, each a separate process under prlimit (memory, CPU) and a
// deadline.
func pdf(ctx context.Context, content []byte) (Preview, error) {
	dir, err := os.MkdirTemp("", "modelward-preview-")
	if err != nil {
		return Preview{}, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, content, 0o600); err != nil {
		return Preview{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, renderFor)
	defer cancel()
	if _, err := run(ctx, "pdftoppm", "-png", "-f", "1", "-l", "1", "-singlefile", "-scale-to", strconv.Itoa(LargeWidth), in, filepath.Join(dir, "page")); err != nil {
		var exit *exec.ExitError
		if ctx.Err() != nil || (errors.As(err, &exit) && !exit.Exited()) {
			return Preview{}, fmt.Errorf("pdftoppm: %w: %v", ErrTooSlow, err)
		}
		return Preview{}, fmt.Errorf("pdftoppm: %w", err)
	}
	f, err := os.Open(filepath.Join(dir, "page.png")) // #nosec G304 -- a file this function made in its own temporary directory
	if err != nil {
		return Preview{}, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return Preview{}, err
	}
	pages := 0
	if info, err := run(ctx, "pdfinfo", in); err == nil {
		if m := pagesLine.FindSubmatch(info); m != nil {
			pages, _ = strconv.Atoi(string(m[1]))
		}
	}
	return pictures(img, pages)
}

// run runs a poppler program, under prlimit when the system has it.
func run(ctx context.Context, name string, args ...string) ([]byte, error) {
	bin, err := exec.LookPath(name)
	if err != nil {
		return nil, fmt.Errorf("%s is not installed (poppler-utils): %w", name, err)
	}
	argv := append([]string{bin}, args...)
	if limit, err := exec.LookPath("prlimit"); err == nil {
		argv = append([]string{limit, "--as=" + strconv.Itoa(renderMemory), "--cpu=" + strconv.Itoa(int(renderFor.Seconds())), "--"}, argv...)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...) // #nosec G204 -- poppler's own programs, with this package's arguments and a temporary file
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out.Bytes(), nil
}
