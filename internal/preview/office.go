package preview

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

// Office is what an office file says of itself: its title, and its pages
// (a document's, as last saved) or its sheets (a workbook's).
type Office struct {
	Title  string
	Pages  int
	Sheets int
}

// maxPart bounds each part read from an office file, unzipped.
const maxPart = 1 << 20

// OfficeProperties reads an office file's own properties (DOCX, XLSX) from
// its docProps parts and workbook, each read with a bound.
func OfficeProperties(contentType string, content []byte) (Office, bool) {
	if !strings.Contains(contentType, "openxmlformats") {
		return Office{}, false
	}
	z, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return Office{}, false
	}
	var o Office
	read := func(name string, into any) {
		f, err := z.Open(name)
		if err != nil {
			return
		}
		defer f.Close()
		_ = xml.NewDecoder(io.LimitReader(f, maxPart)).Decode(into)
	}
	var core struct {
		Title string `xml:"title"`
	}
	read("docProps/core.xml", &core)
	o.Title = strings.TrimSpace(core.Title)
	var app struct {
		Pages string `xml:"Pages"`
	}
	read("docProps/app.xml", &app)
	o.Pages, _ = strconv.Atoi(strings.TrimSpace(app.Pages))
	var book struct {
		Sheets []struct{} `xml:"sheets>sheet"`
	}
	read("xl/workbook.xml", &book)
	o.Sheets = len(book.Sheets)
	return o, true
}
