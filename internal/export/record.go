package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/internal/words"
)

// Record is a ward's inspection record (biên bản kiểm tra thực tế): the
// inspection, the ward's place, the catalogue and the file with its
// appraisals, findings and conclusion.
type Record struct {
	Inspection  store.Inspection
	Path        []store.Unit // the ward and its ancestors, root first
	Criteria    []assess.Criterion
	Assessment  store.Assessment
	GeneratedAt time.Time
}

// WriteRecord writes the record on A4 portrait: the team and dates, for
// each criterion the ward's claim, the appraisal and the finding, the
// conclusion and lines for signatures. Before the visit is concluded the
// same page is the checklist the team takes along: the findings not yet
// made are boxes to tick.
func WriteRecord(w io.Writer, rec Record) error {
	pdf, err := newPDF("P")
	if err != nil {
		return err
	}
	in, a := rec.Inspection, rec.Assessment
	ward := rec.Path[len(rec.Path)-1]
	concluded := a.Visit != nil && a.Visit.Proposal != ""
	title := "PHIẾU KIỂM TRA THỰC TẾ"
	if concluded {
		title = "BIÊN BẢN KIỂM TRA THỰC TẾ"
	}
	pdf.SetTitle(fmt.Sprintf("%s – %s – năm %d", title, ward.Name, in.Year), true)
	pdf.SetCreationDate(rec.GeneratedAt)
	pdf.AddPage()

	// The issuing body and the national motto, side by side.
	body := "BỘ CÔNG AN"
	if in.Level == "city" {
		body = "CÔNG AN " + strings.ToUpper(in.ProvinceName)
	}
	y := pdf.GetY()
	pdf.SetFont("DejaVu", "", 10)
	pdf.SetXY(10, y)
	pdf.MultiCell(80, 5, body, "", "C", false)
	pdf.SetFont("DejaVu", "B", 10)
	pdf.SetX(10)
	pdf.MultiCell(80, 5, "ĐOÀN KIỂM TRA", "", "C", false)
	pdf.SetXY(95, y)
	pdf.MultiCell(105, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", "C", false)
	pdf.SetX(95)
	pdf.MultiCell(105, 5, "Độc lập - Tự do - Hạnh phúc", "", "C", false)
	pdf.Ln(6)
	pdf.SetFont("DejaVu", "B", 14)
	pdf.MultiCell(0, 7, title, "", "C", false)
	pdf.SetFont("DejaVu", "", 10)
	pdf.MultiCell(0, 5, fmt.Sprintf("Công an phường điển hình, kiểu mẫu về an ninh, trật tự và văn minh đô thị năm %d", in.Year), "", "C", false)
	pdf.Ln(3)

	line := func(label, value string) {
		pdf.SetFont("DejaVu", "B", 9)
		pdf.CellFormat(42, 5, label, "", 0, "L", false, 0, "")
		pdf.SetFont("DejaVu", "", 9)
		pdf.MultiCell(0, 5, value, "", "L", false)
	}
	var where []string
	for _, u := range rec.Path[1:] {
		where = append(where, u.Name)
	}
	line("Đơn vị được kiểm tra:", fmt.Sprintf("%s (mã %s)", strings.Join(reversed(where), ", "), ward.Code))
	line("Cấp đăng ký:", words.LevelWord(words.VI, in.Level, in.ProvinceType))
	dates := words.VI.Date(in.From)
	if !in.To.Equal(in.From) {
		dates += " – " + words.VI.Date(in.To)
	}
	line("Thời gian kiểm tra:", dates)
	line("Trưởng đoàn:", in.Leader.FullName)
	var members []string
	for _, m := range in.Members {
		if m.ID != in.Leader.ID {
			members = append(members, m.FullName)
		}
	}
	if len(members) > 0 {
		line("Thành viên:", strings.Join(members, "; "))
	}
	tiers := assess.ComputeStandings(rec.Criteria, a.Judgements())
	line("Kết quả:", tierLine(tiers))
	pdf.Ln(2)

	// The criteria: number, title, claim, appraisal, finding and its note.
	widths := []float64{9, 63, 26, 30, 30, 32}
	header := []string{"TT", "Tiêu chí", "Phường tự đánh giá", "Thẩm định", "Kiểm tra thực tế", "Ghi chú"}
	drawHeader := func() {
		pdf.SetFont("DejaVu", "B", 8)
		cells := make([]cell, len(widths))
		for i := range widths {
			cells[i] = cell{width: widths[i], align: "C", text: header[i]}
		}
		drawRow(pdf, cells, 3.8)
		pdf.SetFont("DejaVu", "", 8)
	}
	drawHeader()
	yearEnd := false
	for _, c := range rec.Criteria {
		res := a.Results[c.Number]
		claim := judged(c, res.Status, res.Value)
		appraisal := "Thống nhất"
		if p, ok := a.Appraisals[c.Number]; ok && !p.Agreed {
			appraisal = judged(c, p.Status, p.Value) + ". " + p.Reason
		} else if !ok && !tiersReached(tiers) {
			appraisal = ""
		}
		finding, note := "□ Đạt   □ Chưa đạt", ""
		if f, ok := a.Findings[c.Number]; ok {
			finding, note = judged(c, f.Status, f.Value), f.Note
		} else if concluded {
			finding = words.Capitalised(words.VI.Status(c.Shown(res.Status)))
		}
		title := c.TitleVI
		if c.Kind == assess.Measure {
			title += " (" + words.VI.Threshold(c.Comparator, c.Threshold, c.Unit) + ")"
		}
		if c.YearEnd {
			title += " *"
			yearEnd = true
		}
		if _, pageH := pdf.GetPageSize(); pdf.GetY()+12 > pageH-14 {
			pdf.AddPage()
			drawHeader()
		}
		drawRow(pdf, []cell{
			{widths[0], "C", fmt.Sprint(c.Number)}, {widths[1], "L", title}, {widths[2], "L", claim},
			{widths[3], "L", appraisal}, {widths[4], "L", finding}, {widths[5], "L", note},
		}, 3.8)
	}
	if yearEnd {
		pdf.SetFont("DejaVu", "", 7)
		pdf.MultiCell(0, 4, "* Tiêu chí đánh giá cuối năm.", "", "L", false)
	}

	pdf.Ln(3)
	pdf.SetFont("DejaVu", "B", 10)
	pdf.CellFormat(0, 6, "Kết luận của đoàn kiểm tra", "", 1, "L", false, 0, "")
	pdf.SetFont("DejaVu", "", 9)
	if concluded {
		pdf.MultiCell(0, 5, words.VI.T("inspection.proposal."+a.Visit.Proposal)+".", "", "L", false)
		if a.Visit.Note != "" {
			pdf.MultiCell(0, 5, a.Visit.Note, "", "L", false)
		}
	} else {
		pdf.MultiCell(0, 5, "□ Đề nghị công nhận      □ Không đề nghị công nhận", "", "L", false)
		for range 3 {
			pdf.CellFormat(0, 7, strings.Repeat(".", 150), "", 1, "L", false, 0, "")
		}
	}

	// Signatures: the ward's representative and the team's leader.
	pdf.Ln(4)
	if _, pageH := pdf.GetPageSize(); pdf.GetY()+35 > pageH-14 {
		pdf.AddPage()
	}
	y = pdf.GetY()
	pdf.SetFont("DejaVu", "B", 9)
	pdf.SetXY(10, y)
	pdf.CellFormat(90, 5, "ĐẠI DIỆN CÔNG AN PHƯỜNG", "", 0, "C", false, 0, "")
	pdf.CellFormat(100, 5, "TRƯỞNG ĐOÀN KIỂM TRA", "", 1, "C", false, 0, "")
	pdf.SetFont("DejaVu", "", 8)
	pdf.CellFormat(90, 4, "(Ký, ghi rõ họ tên)", "", 0, "C", false, 0, "")
	pdf.CellFormat(100, 4, "(Ký, ghi rõ họ tên)", "", 1, "C", false, 0, "")
	pdf.Ln(20)
	pdf.SetFont("DejaVu", "B", 9)
	pdf.CellFormat(90, 5, "", "", 0, "C", false, 0, "")
	pdf.CellFormat(100, 5, in.Leader.FullName, "", 1, "C", false, 0, "")
	return pdf.Output(w)
}

// judged is a tier's judgement of criterion c in words: "Đạt", or for a
// measure "Chưa đạt (85 %)".
func judged(c assess.Criterion, status assess.Status, value string) string {
	s := words.Capitalised(words.VI.Status(c.Shown(status)))
	if value != "" {
		s += " (" + words.VI.WithUnit(value, c.Unit) + ")"
	}
	return s
}

// tiersReached says whether the appraisal's tier was reached: before it,
// no appraisal is written as agreeing.
func tiersReached(t assess.Standings) bool { return t.Appraised != nil }

// reversed is the ward's place from the ward up: "Phường Ba Đình, Thành
// phố Hà Nội".
func reversed(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[len(names)-1-i] = n
	}
	return out
}
