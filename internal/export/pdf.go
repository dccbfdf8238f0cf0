package export

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/go-pdf/fpdf"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/internal/words"
)

// doc is an fpdf document whose text goes through drawable first: fpdf's
// Unicode fonts stop at the Basic Multilingual Plane, and one emoji in a
// comment or a unit name made it fail (a 500 for good, as comments stay).
type doc struct{ *fpdf.Fpdf }

// drawable replaces each character beyond the Basic Multilingual Plane
// (emoji, CJK extension ideographs such as 𠜎) with □, so that where
// something was is seen; the portal, the CSV and the XLSX keep the text.
func drawable(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r > 0xFFFF }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			return '□'
		}
		return r
	}, s)
}

func (d doc) CellFormat(w, h float64, txt, border string, ln int, align string, fill bool, link int, linkStr string) {
	d.Fpdf.CellFormat(w, h, drawable(txt), border, ln, align, fill, link, linkStr)
}

func (d doc) MultiCell(w, h float64, txt, border, align string, fill bool) {
	d.Fpdf.MultiCell(w, h, drawable(txt), border, align, fill)
}

func (d doc) GetStringWidth(s string) float64 { return d.Fpdf.GetStringWidth(drawable(s)) }

func (d doc) SetTitle(s string, isUTF8 bool) { d.Fpdf.SetTitle(drawable(s), isUTF8) }

func (d doc) SetAuthor(s string, isUTF8 bool) { d.Fpdf.SetAuthor(drawable(s), isUTF8) }

// newPDF starts an A4 document with DejaVu Sans, which has every
// Vietnamese glyph, embedded; footer() numbers the pages.
func newPDF(orientation string) (doc, error) {
	pdf := fpdf.New(orientation, "mm", "A4", "")
	for style, name := range map[string]string{"": "fonts/DejaVuSans.ttf", "B": "fonts/DejaVuSans-Bold.ttf"} {
		b, err := fonts.ReadFile(name)
		if err != nil {
			return doc{}, err
		}
		pdf.AddUTF8FontFromBytes("DejaVu", style, b)
	}
	pdf.SetMargins(10, 10, 10)
	pdf.SetAutoPageBreak(true, 14)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-10)
		pdf.SetFont("DejaVu", "", 8)
		pdf.CellFormat(0, 5, fmt.Sprintf("Trang %d/{nb}", pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	return doc{pdf}, nil
}

// The summary's page: A4 landscape, 277 mm between the margins.
const (
	pageWidth  = 277.0
	lineHeight = 3.6 // mm, for 7 pt text
	minMark    = 5.0 // mm: the narrowest column a criterion's mark fits
)

// pdfColumn is a column of the summary's table: its title, width, how its
// text is aligned, and the text of a ward's row.
type pdfColumn struct {
	title string
	width float64
	align string
	text  func(store.WardStanding) string
}

// WritePDF writes the summary on A4 landscape pages: who made it and when,
// the unit and year, and the table whose header repeats on every page.
// Criteria are shown with their marks (✓ ✗ ◷ … –), explained in a legend.
// Nothing is cut: each column is as wide as its longest text (within a
// bound past which the text wraps), the district column only when a ward
// has a district, and when the marks of every criterion do not fit beside
// the wards' columns they go in a grid of their own after the table.
func WritePDF(w io.Writer, s Summary) error {
	pdf, err := newPDF("L")
	if err != nil {
		return err
	}
	pdf.SetTitle(fmt.Sprintf("Báo cáo tổng hợp năm %d – %s", s.Year, s.UnitName), true)
	pdf.SetAuthor(s.GeneratedBy, true)
	pdf.SetCreationDate(s.GeneratedAt)
	var rows []store.WardStanding
	if err := s.Each(func(ws store.WardStanding) error { rows = append(rows, ws); return nil }); err != nil {
		return err
	}
	pdf.SetFont("DejaVu", "", 7)
	cols := summaryColumns(pdf, rows)
	used := 0.0
	for _, c := range cols {
		used += c.width
	}
	marks := markColumns(s.Criteria)
	grid := false
	if n := float64(len(marks)); n > 0 {
		if (pageWidth-used)/n >= minMark {
			for i := range marks {
				marks[i].width = (pageWidth - used) / n
			}
			cols = append(cols, marks...)
		} else {
			grid = true
		}
	}
	table := cols
	pdf.SetHeaderFunc(func() {
		pdf.SetFont("DejaVu", "B", 12)
		pdf.CellFormat(0, 7, fmt.Sprintf("Báo cáo tổng hợp năm %d – %s", s.Year, s.UnitName), "", 1, "L", false, 0, "")
		pdf.SetFont("DejaVu", "", 8)
		pdf.CellFormat(0, 5, fmt.Sprintf("Công an phường điển hình, kiểu mẫu về ANTT và văn minh đô thị · Người lập: %s · Lập lúc %s",
			s.GeneratedBy, words.VI.DateTime(s.GeneratedAt)), "", 1, "L", false, 0, "")
		if table != nil {
			pdf.SetFont("DejaVu", "B", 7)
			pdf.SetFillColor(230, 234, 238)
			for _, c := range table {
				pdf.CellFormat(c.width, 6, c.title, "1", 0, "C", true, 0, "")
			}
			pdf.Ln(-1)
		}
		pdf.SetFont("DejaVu", "", 7)
	})
	pdf.AddPage()
	for _, ws := range rows {
		tableRow(pdf, cols, ws)
	}
	if grid {
		// The marks on pages of their own: each ward's code and name, and a
		// column per criterion.
		name := cols[1]
		name.width = min(name.width, 60)
		table = append([]pdfColumn{cols[0], name}, marks...)
		for i := range marks {
			table[i+2].width = (pageWidth - cols[0].width - name.width) / float64(len(marks))
		}
		pdf.AddPage()
		for _, ws := range rows {
			tableRow(pdf, table, ws)
		}
	}
	table = nil
	pdf.Ln(3)
	pdf.SetFont("DejaVu", "", 8)
	var legend []string
	for _, st := range []assess.Status{assess.Met, assess.NotMet, assess.PendingYearEnd, assess.InProgress, assess.NotStarted} {
		legend = append(legend, words.StatusMark(st)+" "+words.VI.Status(st))
	}
	pdf.MultiCell(0, 5, "Ký hiệu: "+strings.Join(legend, " · ")+". Đạt: theo cấp đánh giá cuối cùng; Tự ĐG · TĐ · KT: số tiêu chí đạt khi tự đánh giá, thẩm định, kiểm tra thực tế (– : chưa đến cấp đó)."+fmt.Sprintf(" Tổng số: %d phường.", len(rows)), "", "L", false)
	for i, c := range s.Criteria {
		if i == 0 {
			pdf.SetFont("DejaVu", "B", 8)
			pdf.CellFormat(0, 6, fmt.Sprintf("Bộ tiêu chí năm %d", s.Year), "", 1, "L", false, 0, "")
			pdf.SetFont("DejaVu", "", 7)
		}
		pdf.MultiCell(0, 4, fmt.Sprintf("%d. %s", c.Number, c.TitleVI), "", "L", false)
	}
	return pdf.Output(w)
}

// summaryColumns are the wards' columns, each as wide as its title and
// its longest text up to a bound (past it the text wraps); the district
// column only when some ward has a district (none has after the reform of
// 1 July 2025).
func summaryColumns(pdf doc, rows []store.WardStanding) []pdfColumn {
	cols := []pdfColumn{
		{"Mã", 30, "L", func(ws store.WardStanding) string { return ws.Code }},
		{"Phường", 48, "L", func(ws store.WardStanding) string { return ws.Name }},
		{"Quận/huyện", 34, "L", func(ws store.WardStanding) string { return ws.District }},
		{"Trạng thái", 24, "L", func(ws store.WardStanding) string { return words.VI.State(ws.State) }},
		{"Đạt", 12, "R", func(ws store.WardStanding) string { return fmt.Sprintf("%d/%d", ws.Standing.Met, ws.Standing.Total) }},
		{"Cuối năm", 14, "R", func(ws store.WardStanding) string { return fmt.Sprint(ws.Standing.PendingYearEnd) }},
		{"Cấp", 10, "L", func(ws store.WardStanding) string { return levelMark(ws.Level) }},
		{"Tự ĐG · TĐ · KT", 24, "C", tierMarks},
		{"Quyết định", 40, "L", decision},
	}
	if !slices.ContainsFunc(rows, func(ws store.WardStanding) bool { return ws.District != "" }) {
		cols = slices.Delete(cols, 2, 3)
	}
	for i, c := range cols {
		// c.width is the bound; the column takes what its texts need.
		// 1 mm of padding each side and 1 mm to spare: fpdf's line breaking
		// measures a little wider than GetStringWidth.
		need := pdf.GetStringWidth(c.title) + 3
		for _, ws := range rows {
			if need = max(need, pdf.GetStringWidth(c.text(ws))+3); need >= c.width {
				break
			}
		}
		cols[i].width = min(c.width, need)
	}
	return cols
}

// markColumns are a column per criterion, its title the number.
func markColumns(criteria []assess.Criterion) []pdfColumn {
	var cols []pdfColumn
	for i, c := range criteria {
		cols = append(cols, pdfColumn{title: fmt.Sprint(c.Number), align: "C", text: func(ws store.WardStanding) string {
			if i < len(ws.Statuses) {
				return words.StatusMark(ws.Statuses[i])
			}
			return ""
		}})
	}
	return cols
}

// tableRow draws a ward's row, each cell's text wrapped within its column
// and the row as tall as its tallest cell, on the next page when it would
// not fit on this one (whose header then repeats).
func tableRow(pdf doc, cols []pdfColumn, ws store.WardStanding) {
	cells := make([]cell, len(cols))
	for i, c := range cols {
		cells[i] = cell{width: c.width, align: c.align, text: c.text(ws)}
	}
	drawRow(pdf, cells, lineHeight)
}

// cell is a table cell: its width, alignment and text.
type cell struct {
	width float64
	align string
	text  string
}

// drawRow draws a table row, each cell's text wrapped within its width
// and the row as tall as its tallest cell, on the next page when it would
// not fit on this one.
func drawRow(pdf doc, cells []cell, lineH float64) {
	lines := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		// SplitText leaves the cell margins (1 mm each side) out itself.
		lines[i] = pdf.SplitText(drawable(c.text), c.width)
		n = max(n, len(lines[i]))
	}
	h := float64(n)*lineH + 1.4
	_, pageH := pdf.GetPageSize()
	if pdf.GetY()+h > pageH-14 {
		pdf.AddPage()
	}
	x, y := pdf.GetXY()
	left := x
	for i, c := range cells {
		pdf.Rect(x, y, c.width, h, "D")
		for j, ln := range lines[i] {
			pdf.SetXY(x, y+0.7+float64(j)*lineH)
			pdf.CellFormat(c.width, lineH, ln, "", 0, c.align, false, 0, "")
		}
		x += c.width
	}
	pdf.SetXY(left, y+h)
}

// levelMark is the registration level in the PDF's narrow column.
func levelMark(level string) string {
	switch level {
	case "ministry":
		return "Bộ"
	case "city":
		return "Tỉnh"
	}
	return ""
}

// decision is a recognition decision as the PDF shows it: "2878, 22/04/2025".
func decision(ws store.WardStanding) string {
	if ws.DecisionNo == "" || ws.DecisionDate == nil {
		return ""
	}
	return ws.DecisionNo + ", " + words.VI.Date(*ws.DecisionDate)
}

// tierMarks are a ward's criteria met in each tier — claim, appraisal,
// inspection — "20 · 19 · 19", a dash for a tier not reached.
func tierMarks(ws store.WardStanding) string {
	mark := func(met *int) string {
		if met == nil {
			return "–"
		}
		return fmt.Sprint(*met)
	}
	return fmt.Sprintf("%d · %s · %s", ws.Claimed, mark(ws.Appraised), mark(ws.Inspected))
}
