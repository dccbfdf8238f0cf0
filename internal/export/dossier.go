package export

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/internal/words"
)

// Dossier is what a ward files for recognition.
type Dossier struct {
	Path        []store.Unit // the ward and its ancestors, root first
	Year        int
	Criteria    []assess.Criterion
	Assessment  store.Assessment
	Evidence    []store.Evidence
	Decisions   []store.Change // the workflow steps, oldest first
	Comments    []store.Comment
	GeneratedBy string
	GeneratedAt time.Time
}

// WriteDossier writes the ward's dossier on A4 portrait pages: every
// criterion with its value, status and note, the evidence with dates and
// SHA-256, and the review history and decisions.
func WriteDossier(w io.Writer, d Dossier) error {
	pdf, err := newPDF("P")
	if err != nil {
		return err
	}
	ward := d.Path[len(d.Path)-1]
	var where []string
	for _, u := range d.Path[1:] {
		where = append(where, u.Name)
	}
	a := d.Assessment
	tiers := assess.ComputeStandings(d.Criteria, a.Judgements())
	standing := tiers.Official()
	pdf.SetTitle(fmt.Sprintf("Hồ sơ đề nghị công nhận – %s – năm %d", ward.Name, d.Year), true)
	pdf.SetAuthor(d.GeneratedBy, true)
	pdf.SetCreationDate(d.GeneratedAt)
	pdf.SetHeaderFunc(func() {
		pdf.SetFont("DejaVu", "", 7)
		pdf.CellFormat(0, 4, fmt.Sprintf("Hồ sơ đề nghị công nhận · %s · năm %d", ward.Name, d.Year), "", 1, "R", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont("DejaVu", "B", 14)
	pdf.MultiCell(0, 7, "HỒ SƠ ĐỀ NGHỊ CÔNG NHẬN CÔNG AN PHƯỜNG ĐIỂN HÌNH, KIỂU MẪU VỀ ANTT VÀ VĂN MINH ĐÔ THỊ", "", "C", false)
	pdf.Ln(2)
	pdf.SetFont("DejaVu", "B", 12)
	pdf.MultiCell(0, 6, fmt.Sprintf("%s (%s) – năm %d", ward.Name, ward.Code, d.Year), "", "C", false)
	pdf.SetFont("DejaVu", "", 9)
	pdf.MultiCell(0, 5, strings.Join(where, " › "), "", "C", false)
	pdf.Ln(3)
	line := func(label, value string) {
		pdf.SetFont("DejaVu", "B", 9)
		pdf.CellFormat(45, 5, label, "", 0, "L", false, 0, "")
		pdf.SetFont("DejaVu", "", 9)
		pdf.MultiCell(0, 5, value, "", "L", false)
	}
	line("Kết quả:", words.VI.Standing(standing))
	if tiers.Appraised != nil {
		line("Theo từng cấp:", tierLine(tiers))
	}
	line("Trạng thái hồ sơ:", words.VI.State(a.State))
	if a.SubmittedAt != nil {
		line("Gửi duyệt ngày:", words.VI.Date(*a.SubmittedAt))
	}
	if a.DecisionNo != "" && a.DecisionDate != nil {
		line("Quyết định công nhận:", fmt.Sprintf("số %s, ngày %s", a.DecisionNo, words.VI.Date(*a.DecisionDate)))
	}
	line("Người lập:", fmt.Sprintf("%s, lúc %s", d.GeneratedBy, words.VI.DateTime(d.GeneratedAt)))

	heading := func(s string) {
		pdf.Ln(3)
		pdf.SetFont("DejaVu", "B", 11)
		pdf.CellFormat(0, 7, s, "B", 1, "L", false, 0, "")
		pdf.Ln(1)
	}
	heading("I. Kết quả theo từng tiêu chí")
	group := ""
	for _, c := range d.Criteria {
		if c.Group != group {
			group = c.Group
			pdf.SetFont("DejaVu", "B", 9)
			pdf.MultiCell(0, 5, fmt.Sprintf("Nhóm %s. %s", c.Group, c.GroupVI), "", "L", false)
		}
		res := a.Results[c.Number]
		pdf.SetFont("DejaVu", "B", 8)
		pdf.MultiCell(0, 4.5, fmt.Sprintf("%d. %s", c.Number, c.TitleVI), "", "L", false)
		pdf.SetFont("DejaVu", "", 8)
		parts := []string{"Trạng thái: " + words.StatusMark(c.Shown(res.Status)) + " " + words.VI.Status(c.Shown(res.Status))}
		if c.Kind == assess.Measure {
			parts = append(parts, "Ngưỡng: "+words.VI.Threshold(c.Comparator, c.Threshold, c.Unit))
			if res.Value != "" {
				parts = append(parts, "Giá trị: "+words.VI.WithUnit(res.Value, c.Unit))
			}
		}
		if c.YearEnd {
			parts = append(parts, "tiêu chí đánh giá cuối năm")
		}
		pdf.MultiCell(0, 4.5, "    "+strings.Join(parts, " · "), "", "L", false)
		if res.Note != "" {
			pdf.MultiCell(0, 4.5, "    Ghi chú: "+res.Note, "", "L", false)
		}
		if p, ok := a.Appraisals[c.Number]; ok {
			pdf.MultiCell(0, 4.5, "    "+judgementLine("Thẩm định", c, p.Status, p.Value, p.Reason, p.Agreed), "", "L", false)
		}
		if f, ok := a.Findings[c.Number]; ok {
			pdf.MultiCell(0, 4.5, "    "+judgementLine("Kiểm tra thực tế", c, f.Status, f.Value, f.Note, false), "", "L", false)
		}
	}

	heading("II. Danh mục minh chứng")
	if len(d.Evidence) == 0 {
		pdf.SetFont("DejaVu", "", 8)
		pdf.MultiCell(0, 5, "Không có minh chứng.", "", "L", false)
	}
	for _, e := range d.Evidence {
		pdf.SetFont("DejaVu", "", 8)
		text := fmt.Sprintf("TC%02d · %s · ngày %s · %s · %s", e.Number, e.Title, words.VI.Date(e.Dated),
			strings.TrimPrefix(assess.FileExtension(e.ContentType), "."), words.VI.Size(e.Size))
		if e.RemovedAt != nil {
			text += fmt.Sprintf(" · đã gỡ ngày %s", words.VI.Date(*e.RemovedAt))
		}
		pdf.MultiCell(0, 4.5, text, "", "L", false)
		pdf.SetFont("DejaVu", "", 7)
		pdf.MultiCell(0, 4, "    SHA-256: "+hex.EncodeToString(e.SHA256), "", "L", false)
	}

	heading("III. Quá trình thẩm định và các quyết định")
	pdf.SetFont("DejaVu", "", 8)
	if len(d.Decisions) == 0 {
		pdf.MultiCell(0, 5, "Chưa có bước thẩm định nào.", "", "L", false)
	}
	for _, ch := range d.Decisions {
		action := strings.TrimPrefix(ch.Action, "assessment_")
		text := fmt.Sprintf("%s · %s · %s → %s", words.VI.DateTime(ch.At), ch.Actor,
			words.VI.T("action."+action), words.VI.State(assess.State(fmt.Sprint(ch.After["state"]))))
		if reason, ok := ch.After["reason"]; ok {
			text += fmt.Sprintf(" · Lý do: %v", reason)
		}
		if no, ok := ch.After["decision_no"]; ok {
			text += fmt.Sprintf(" · Quyết định số %v", no)
		}
		pdf.MultiCell(0, 4.5, text, "", "L", false)
	}
	if len(d.Comments) > 0 {
		heading("IV. Trao đổi trong quá trình thẩm định")
		pdf.SetFont("DejaVu", "", 8)
		for _, c := range d.Comments {
			pdf.MultiCell(0, 4.5, fmt.Sprintf("TC%02d · %s · %s: %s", c.Number, words.VI.DateTime(c.At), c.Author, c.Body), "", "L", false)
		}
	}
	return pdf.Output(w)
}

// tierLine is a file's standing in each tier reached, in Vietnamese:
// "Tự đánh giá 20/20 · Thẩm định 19/20 · Kiểm tra 19/20".
func tierLine(t assess.Standings) string {
	parts := []string{fmt.Sprintf("%s %d/%d", words.VI.T("tier.claimed"), t.Claimed.Met, t.Claimed.Total)}
	if t.Appraised != nil {
		parts = append(parts, fmt.Sprintf("%s %d/%d", words.VI.T("tier.appraised"), t.Appraised.Met, t.Appraised.Total))
	}
	if t.Inspected != nil {
		parts = append(parts, fmt.Sprintf("%s %d/%d", words.VI.T("tier.inspected"), t.Inspected.Met, t.Inspected.Total))
	}
	return strings.Join(parts, " · ")
}

// judgementLine is one tier's judgement of criterion c: "Thẩm định: ✗
// Chưa đạt · Giá trị: 93 % · Lý do: …", or that it agrees with the claim.
func judgementLine(tier string, c assess.Criterion, status assess.Status, value, reason string, agreed bool) string {
	shown := c.Shown(status)
	parts := []string{tier + ": " + words.StatusMark(shown) + " " + words.VI.Status(shown)}
	if agreed {
		parts[0] += " (thống nhất với phường)"
	}
	if value != "" {
		parts = append(parts, "Giá trị: "+words.VI.WithUnit(value, c.Unit))
	}
	if reason != "" {
		parts = append(parts, "Lý do: "+reason)
	}
	return strings.Join(parts, " · ")
}
