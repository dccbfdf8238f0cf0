package assess

import (
	"archive/zip"
	"bytes"
	"errors"
	"testing"

	"modelward/internal/hostile"
)

func officeFile(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSniffEvidence(t *testing.T) {
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x00IEND\xaeB`\x82")
	jpeg := []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00")
	docx := officeFile(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
	xlsx := officeFile(t, map[string]string{"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
	for _, tt := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"pdf", pdf, TypePDF}, {"png", png, TypePNG}, {"jpeg", jpeg, TypeJPEG},
		{"docx", docx, TypeDOCX}, {"xlsx", xlsx, TypeXLSX},
	} {
		if got, err := SniffEvidence(tt.content); err != nil || got != tt.want {
			t.Errorf("%s: %q, %v", tt.name, got, err)
		}
	}
	for _, tt := range []struct {
		name    string
		content []byte
		want    error
	}{
		{"empty", nil, ErrEvidenceEmpty},
		{"html", []byte("<html><script>alert(1)</script></html>"), ErrEvidenceType},
		{"exe", []byte("MZ\x90\x00\x03\x00\x00\x00"), ErrEvidenceType},
		{"plain zip", officeFile(t, map[string]string{"a.txt": "x"}), ErrEvidenceType},
		{"truncated zip", docx[:len(docx)/2], ErrEvidenceType},
		{"text that says pdf", []byte("this is a PDF, honest"), ErrEvidenceType},
		{"truncated pdf", pdf[:len(pdf)-8], ErrEvidenceTruncated},
		{"truncated png", png[:len(png)-6], ErrEvidenceTruncated},
	} {
		if got, err := SniffEvidence(tt.content); !errors.Is(err, tt.want) {
			t.Errorf("%s: %q, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}

// An office file whose directory claims it expands enormously is refused
// from its directory alone, without unpacking anything.
func TestSniffEvidenceRefusesArchiveBombs(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate,
			CompressedSize64: 2, UncompressedSize64: 1 << 40, CRC32: 0})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte{0x03, 0x00})
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if got, err := SniffEvidence(buf.Bytes()); !errors.Is(err, ErrEvidenceType) {
		t.Errorf("an archive claiming 2 TB: %q, %v", got, err)
	}
}

// An image whose header claims more than 40 megapixels is refused from
// its header alone; one at the limit is accepted.
func TestSniffEvidenceRefusesHugePictures(t *testing.T) {
	if _, err := SniffEvidence(hostile.ProgressiveJPEG(8000, 5001)); !errors.Is(err, ErrEvidencePixels) {
		t.Errorf("a 40.008-megapixel JPEG: %v, want ErrEvidencePixels", err)
	}
	if typ, err := SniffEvidence(hostile.ProgressiveJPEG(8000, 5000)); err != nil || typ != TypeJPEG {
		t.Errorf("a 40-megapixel JPEG: %q, %v", typ, err)
	}
}
