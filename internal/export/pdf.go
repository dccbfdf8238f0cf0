package export

import (
	"fmt"
	"io"
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

// summaryColumns are the PDF summary's fixed columns and widths, in mm.
var summaryColumns = []struct {
	title string
	width float64
}{
	{"Mã", 12}, {"Phường", 38}, {"Quận/huyện", 27}, {"Trạng thái", 22}, {"Đạt", 11}, {"Cuối năm", 15},
	{"Cấp", 9}, {"Quyết định", 21},
}

// WritePDF writes the summary on A4 landscape pages: who made it and when,
// the unit and year, and the table whose header repeats on every page.
// Criteria are shown with their marks (✓ ✗ ◷ … –), explained in a legend.
func WritePDF(w io.Writer, s Summary) error {
	pdf, err := newPDF("L")
	if err != nil {
		return err
	}
	pdf.SetTitle(fmt.Sprintf("Báo cáo tổng hợp năm %d – %s", s.Year, s.UnitName), true)
	pdf.SetAuthor(s.GeneratedBy, true)
	pdf.SetCreationDate(s.GeneratedAt)
	critWidth := 0.0
	if n := len(s.Criteria); n > 0 {
		critWidth = min(7, (277-140)/float64(n))
	}
	pdf.SetHeaderFunc(func() {
		pdf.SetFont("DejaVu", "B", 12)
		pdf.CellFormat(0, 7, fmt.Sprintf("Báo cáo tổng hợp năm %d – %s", s.Year, s.UnitName), "", 1, "L", false, 0, "")
		pdf.SetFont("DejaVu", "", 8)
		pdf.CellFormat(0, 5, fmt.Sprintf("Công an phường điển hình, kiểu mẫu về ANTT và văn minh đô thị · Người lập: %s · Lập lúc %s",
			s.GeneratedBy, words.VI.DateTime(s.GeneratedAt)), "", 1, "L", false, 0, "")
		pdf.SetFont("DejaVu", "B", 7)
		pdf.SetFillColor(230, 234, 238)
		for _, c := range summaryColumns {
			pdf.CellFormat(c.width, 6, c.title, "1", 0, "C", true, 0, "")
		}
		for _, c := range s.Criteria {
			pdf.CellFormat(critWidth, 6, fmt.Sprint(c.Number), "1", 0, "C", true, 0, "")
		}
		pdf.Ln(-1)
	})
	pdf.AddPage()
	pdf.SetFont("DejaVu", "", 7)
	wards := 0
	err = s.Each(func(ws store.WardStanding) error {
		wards++
		cells := []string{ws.Code, fit(pdf, ws.Name, summaryColumns[1].width), fit(pdf, ws.District, summaryColumns[2].width),
			words.VI.State(ws.State), fmt.Sprintf("%d/%d", ws.Standing.Met, ws.Standing.Total), fmt.Sprint(ws.Standing.PendingYearEnd),
			levelMark(ws.Level), fit(pdf, decision(ws), summaryColumns[7].width)}
		for i, c := range summaryColumns {
			align := "L"
			if i >= 4 && i <= 5 {
				align = "R"
			}
			pdf.CellFormat(c.width, 5, cells[i], "1", 0, align, false, 0, "")
		}
		for _, st := range ws.Statuses {
			pdf.CellFormat(critWidth, 5, words.StatusMark(st), "1", 0, "C", false, 0, "")
		}
		pdf.Ln(-1)
		return nil
	})
	if err != nil {
		return err
	}
	pdf.Ln(3)
	pdf.SetFont("DejaVu", "", 8)
	var legend []string
	for _, st := range []assess.Status{assess.Met, assess.NotMet, assess.PendingYearEnd, assess.InProgress, assess.NotStarted} {
		legend = append(legend, words.StatusMark(st)+" "+words.VI.Status(st))
	}
	pdf.MultiCell(0, 5, "Ký hiệu: "+strings.Join(legend, " · ")+fmt.Sprintf(". Tổng số: %d phường.", wards), "", "L", false)
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

// fit shortens s with an ellipsis to fit width mm in the current font.
func fit(pdf doc, s string, width float64) string {
	if pdf.GetStringWidth(s) <= width-2 {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && pdf.GetStringWidth(string(r)+"…") > width-2 {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
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
