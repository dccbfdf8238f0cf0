package hostile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"strings"
)

// XLSX is a minimal workbook whose one sheet is sheetXML (the whole
// worksheet part).
func XLSX(sheetXML string) []byte {
	return workbook(map[string]string{"xl/worksheets/sheet1.xml": sheetXML}, "")
}

func workbook(parts map[string]string, lie string) []byte {
	all := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Kết quả" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	}
	for k, v := range parts {
		all[k] = v
	}
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"} {
		content := []byte(all[name])
		var packed bytes.Buffer
		fw, _ := flate.NewWriter(&packed, flate.BestCompression)
		_, _ = fw.Write(content)
		_ = fw.Close()
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(content),
			CompressedSize64: uint64(packed.Len()), UncompressedSize64: uint64(len(content))} // #nosec G115 -- lengths are never negative
		if name == lie {
			// The entry says it holds a thousandth of what it does.
			h.UncompressedSize64 /= 1000
		}
		w, err := z.CreateRaw(h)
		if err != nil {
			panic(err)
		}
		_, _ = w.Write(packed.Bytes())
	}
	if err := z.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func sheet(data string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		data + `</sheetData></worksheet>`
}

// WideXLSX has rows rows, each with one number in the sheet's last
// column (XFD): a reader that pads every row to its last cell holds 16,384
// cells a row. 100,000 rows zip to under half a megabyte.
func WideXLSX(rows int) []byte {
	var s strings.Builder
	for r := 1; r <= rows; r++ {
		fmt.Fprintf(&s, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, r, r)
	}
	return XLSX(sheet(s.String()))
}

// DeepXLSX's sheet opens depth elements inside one another: a parser
// that keeps a stack grows with each.
func DeepXLSX(depth int) []byte {
	return XLSX(sheet(`<row r="1"><c r="A1"><is>` + strings.Repeat("<t>", depth) + strings.Repeat("</t>", depth) + `</is></c></row>`))
}

// LyingXLSX is a workbook of rows ordinary rows whose sheet's entry
// declares a thousandth of its real size: a reader that trusts the entry
// reads it cut short.
func LyingXLSX(rows int) []byte {
	var s strings.Builder
	for r := 1; r <= rows; r++ {
		fmt.Fprintf(&s, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>09552</t></is></c></row>`, r, r)
	}
	return workbook(map[string]string{"xl/worksheets/sheet1.xml": sheet(s.String())}, "xl/worksheets/sheet1.xml")
}

// CommasCSV is a CSV file of one line with n commas: a reader keeps a
// field for each.
func CommasCSV(n int) []byte {
	return []byte("Mã phường," + strings.Repeat(",", n) + "\n")
}

// ManyRowsXLSX is an honest-looking results sheet of year and unit, of
// rows rows for a ward that does not exist: every row read, planned, and
// found wrong.
func ManyRowsXLSX(rows, year int, unit string) []byte {
	var s strings.Builder
	s.WriteString(`<row r="1">`)
	for i, h := range []string{"Mã phường", "Tên phường", "Số tiêu chí", "Tiêu chí", "Loại", "Ngưỡng", "Trạng thái", "Giá trị", "Ghi chú", "Phiên bản", "Năm", "Mã đơn vị"} {
		fmt.Fprintf(&s, `<c r="%c1" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, h)
	}
	s.WriteString(`</row>`)
	for r := 2; r <= rows+1; r++ {
		fmt.Fprintf(&s, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>99999</t></is></c><c r="C%d"><v>%d</v></c>`+
			`<c r="G%d" t="inlineStr"><is><t>Đạt</t></is></c><c r="I%d" t="inlineStr"><is><t>ghi chú dòng %d</t></is></c><c r="J%d"><v>0</v></c>`+
			`<c r="K%d"><v>%d</v></c><c r="L%d" t="inlineStr"><is><t>%s</t></is></c></row>`,
			r, r, r, r%20+1, r, r, r, r, r, year, r, unit)
	}
	return XLSX(sheet(s.String()))
}
