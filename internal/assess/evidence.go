package assess

import (
	"archive/zip"
	"bytes"
	"errors"
	"image"
	_ "image/jpeg" // the headers of the images accepted
	_ "image/png"
	"net/http"
	"time"
)

// MaxEvidenceBytes is the largest evidence file accepted.
const MaxEvidenceBytes = 20 << 20

// maxUnpackedBytes bounds what an office document may claim to expand to,
// so that an archive bomb is refused without unpacking it.
const maxUnpackedBytes = 200 << 20

// Evidence file types, as stored.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// Evidence errors.
var (
	ErrEvidenceType  = errors.New("evidence must be a PDF, JPEG, PNG, DOCX or XLSX file")
	ErrEvidenceEmpty = errors.New("evidence file is empty")
	// ErrEvidenceTruncated means the file's end is missing: a download or
	// a copy that did not finish.
	ErrEvidenceTruncated = errors.New("evidence file is cut short")
	ErrEvidenceDate      = errors.New("evidence date must fall inside the assessment year")
	// ErrEvidencePixels means an image claims more pixels than
	// MaxImagePixels.
	ErrEvidencePixels = errors.New("the image is larger than 40 megapixels")
)

// MaxImagePixels is the largest image accepted as evidence: a phone's
// photo is 12 to 50 megapixels at most, and a picture claims its size in a
// few bytes that cost gigabytes to decode.
const MaxImagePixels = 40_000_000

// SniffEvidence tells an evidence file's type from its content — never
// from its name or the type the browser claims — and refuses any type
// not allowed. Office documents are ZIP archives: their directory is read
// (not their content) to tell a Word file from a spreadsheet and to refuse
// one that would expand enormously.
func SniffEvidence(content []byte) (string, error) {
	if len(content) == 0 {
		return "", ErrEvidenceEmpty
	}
	switch t := http.DetectContentType(content); t {
	case TypePDF, TypePNG:
		if !complete(t, content) {
			return "", ErrEvidenceTruncated
		}
		if t == TypePNG {
			return t, checkPixels(content)
		}
		return t, nil
	case TypeJPEG:
		// A JPEG may carry vendor data after its end marker, so its end
		// is not checked.
		return t, checkPixels(content)
	case "application/zip":
		return sniffOffice(content)
	}
	return "", ErrEvidenceType
}

// checkPixels refuses an image whose header claims more than
// MaxImagePixels; only the header is read. One whose header cannot be
// read is kept, and shows as an icon.
func checkPixels(content []byte) error {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(content))
	if err != nil {
		return nil
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return ErrEvidencePixels
	}
	return nil
}

// complete reports whether a PDF or PNG has its end: a PDF's %%EOF within
// its last 1024 bytes (where readers look for it), a PNG's IEND chunk at
// its end. An office file that is cut short loses its zip directory and is
// refused by sniffOffice.
func complete(contentType string, content []byte) bool {
	tail := content[max(0, len(content)-1024):]
	switch contentType {
	case TypePDF:
		return bytes.Contains(tail, []byte("%%EOF"))
	case TypePNG:
		return bytes.HasSuffix(bytes.TrimRight(tail, "\x00\r\n "), []byte("IEND\xaeB`\x82"))
	}
	return true
}

func sniffOffice(content []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return "", ErrEvidenceType
	}
	var total uint64
	names := map[string]bool{}
	for _, f := range zr.File {
		total += f.UncompressedSize64
		names[f.Name] = true
	}
	if total > maxUnpackedBytes || !names["[Content_Types].xml"] {
		return "", ErrEvidenceType
	}
	switch {
	case names["word/document.xml"]:
		return TypeDOCX, nil
	case names["xl/workbook.xml"]:
		return TypeXLSX, nil
	}
	return "", ErrEvidenceType
}

// CheckEvidenceDate says whether the date evidence refers to falls in year.
func CheckEvidenceDate(dated time.Time, year int) error {
	if dated.Year() != year {
		return ErrEvidenceDate
	}
	return nil
}

// FileExtension is the usual extension of an evidence type.
func FileExtension(contentType string) string {
	switch contentType {
	case TypePDF:
		return ".pdf"
	case TypeJPEG:
		return ".jpg"
	case TypePNG:
		return ".png"
	case TypeDOCX:
		return ".docx"
	case TypeXLSX:
		return ".xlsx"
	}
	return ""
}
