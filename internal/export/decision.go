package export

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"strings"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	"github.com/go-pdf/fpdf"

	"modelward/internal/store"
	"modelward/internal/words"
)

// programme is the title the programme's documents give it.
const programme = "Công an phường điển hình, kiểu mẫu về an ninh, trật tự và văn minh đô thị"

// body is the issuing body of a decision at level: the Ministry, or the
// province's police.
func body(level, province string) string {
	if level == store.LevelCity {
		return "CÔNG AN " + strings.ToUpper(province)
	}
	return "BỘ CÔNG AN"
}

// place is where a decision is signed: Hà Nội for the Ministry, the
// province's name (without its type) for a province.
func place(level, province string) string {
	if level != store.LevelCity {
		return "Hà Nội"
	}
	for _, prefix := range []string{"Thành phố ", "Tỉnh "} {
		province = strings.TrimPrefix(province, prefix)
	}
	return province
}

// inlineWards is how many wards Article 1 lists itself; more go to an
// annex.
const inlineWards = 5

// WriteDecision writes a draft decision as an administrative decision
// (Nghị định 30/2020/NĐ-CP, Phụ lục I): the issuing body and the national
// motto, number and symbol, place and date, "QUYẾT ĐỊNH / Về việc công
// nhận …", the legal bases, the articles (the wards in Article 1, or in
// an annex table when there are many), "Nơi nhận" and the signature block.
// A4, Vietnamese, fonts embedded; the decision's date is the file's.
func WriteDecision(w io.Writer, d store.Decision) error {
	pdf, err := newPDF("P")
	if err != nil {
		return err
	}
	pdf.SetMargins(25, 20, 15)
	pdf.SetTitle(fmt.Sprintf("Quyết định số %s ngày %s", d.Number, words.VI.Date(d.DecidedOn)), true)
	pdf.SetAuthor(body(d.Level, d.ProvinceName), true)
	pdf.SetCreationDate(d.DecidedOn)
	pdf.SetModificationDate(d.DecidedOn)
	pdf.AddPage()
	y := pdf.GetY()
	pdf.SetFont("DejaVu", "B", 12)
	pdf.SetXY(20, y)
	pdf.MultiCell(75, 6, body(d.Level, d.ProvinceName), "", "C", false)
	pdf.SetFont("DejaVu", "", 12)
	pdf.SetX(20)
	pdf.MultiCell(75, 6, "Số: "+d.Number, "", "C", false)
	pdf.SetFont("DejaVu", "B", 12)
	pdf.SetXY(95, y)
	pdf.MultiCell(105, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", "C", false)
	pdf.SetX(95)
	pdf.MultiCell(105, 6, "Độc lập - Tự do - Hạnh phúc", "", "C", false)
	pdf.SetFont("DejaVu", "", 12)
	pdf.SetX(95)
	on := d.DecidedOn
	pdf.MultiCell(105, 6, fmt.Sprintf("%s, ngày %d tháng %d năm %d", place(d.Level, d.ProvinceName), on.Day(), on.Month(), on.Year()), "", "C", false)
	pdf.Ln(8)
	pdf.SetFont("DejaVu", "B", 14)
	pdf.MultiCell(0, 7, "QUYẾT ĐỊNH", "", "C", false)
	pdf.SetFont("DejaVu", "B", 12)
	pdf.MultiCell(0, 6, fmt.Sprintf("Về việc công nhận %s năm %d", programme, d.Year), "", "C", false)
	pdf.Ln(4)
	pdf.MultiCell(0, 6, strings.ToUpper(d.SignerTitle), "", "C", false)
	pdf.Ln(3)
	pdf.SetFont("DejaVu", "", 12)
	para := func(s string) {
		pdf.MultiCell(0, 6.5, "        "+s, "", "J", false)
	}
	para("Căn cứ Luật Công an nhân dân ngày 20 tháng 11 năm 2018;")
	para(fmt.Sprintf("Căn cứ kết quả tự đánh giá, thẩm định và kiểm tra thực tế các phường đăng ký xây dựng %s năm %d;", programme, d.Year))
	if d.Level == store.LevelCity {
		para("Theo đề nghị của Trưởng phòng Xây dựng phong trào bảo vệ an ninh Tổ quốc.")
	} else {
		para("Theo đề nghị của Cục trưởng Cục Xây dựng phong trào bảo vệ an ninh Tổ quốc.")
	}
	pdf.Ln(2)
	pdf.SetFont("DejaVu", "B", 13)
	pdf.MultiCell(0, 7, "QUYẾT ĐỊNH:", "", "C", false)
	pdf.SetFont("DejaVu", "", 12)
	article := func(n int, text string) {
		pdf.SetFont("DejaVu", "B", 12)
		pdf.CellFormat(pdf.GetStringWidth(fmt.Sprintf("        Điều %d. ", n)), 6.5, fmt.Sprintf("        Điều %d. ", n), "", 0, "L", false, 0, "")
		pdf.SetFont("DejaVu", "", 12)
		pdf.MultiCell(0, 6.5, text, "", "J", false)
	}
	level := words.LevelWord(words.VI, d.Level, d.ProvinceType)
	if len(d.Wards) <= inlineWards {
		article(1, fmt.Sprintf("Công nhận %d phường đạt tiêu chuẩn %s năm %d (%s):", len(d.Wards), programme, d.Year, level))
		for _, w := range d.Wards {
			pdf.MultiCell(0, 6.5, fmt.Sprintf("            - Công an %s, %s (đạt %d/%d tiêu chí);", lowerFirst(w.Name), w.Province, w.Met, w.Total), "", "L", false)
		}
	} else {
		article(1, fmt.Sprintf("Công nhận %d phường đạt tiêu chuẩn %s năm %d (%s), có danh sách kèm theo.", len(d.Wards), programme, d.Year, level))
	}
	article(2, "Quyết định này có hiệu lực kể từ ngày ký.")
	if d.Level == store.LevelCity {
		article(3, "Trưởng các phòng nghiệp vụ, Trưởng Công an các phường có tên tại Điều 1 và các đơn vị, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.")
	} else {
		article(3, "Cục trưởng Cục Xây dựng phong trào bảo vệ an ninh Tổ quốc, Giám đốc Công an các tỉnh, thành phố có phường được công nhận và các đơn vị, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.")
	}
	pdf.Ln(6)
	if _, pageH := pdf.GetPageSize(); pdf.GetY()+45 > pageH-14 {
		pdf.AddPage()
	}
	y = pdf.GetY()
	pdf.SetXY(25, y)
	pdf.SetFont("DejaVu", "B", 11)
	pdf.CellFormat(80, 5, "Nơi nhận:", "", 2, "L", false, 0, "")
	pdf.SetFont("DejaVu", "", 10)
	for _, r := range []string{"- Như Điều 3;", "- Lưu: VT."} {
		pdf.CellFormat(80, 5, r, "", 2, "L", false, 0, "")
	}
	pdf.SetXY(110, y)
	pdf.SetFont("DejaVu", "B", 12)
	pdf.MultiCell(85, 6, strings.ToUpper(d.SignerTitle), "", "C", false)
	pdf.SetXY(110, y+32)
	pdf.MultiCell(85, 6, d.Signer, "", "C", false)

	if len(d.Wards) > inlineWards {
		pdf.AddPage()
		pdf.SetFont("DejaVu", "B", 12)
		pdf.MultiCell(0, 6, fmt.Sprintf("DANH SÁCH CÔNG AN PHƯỜNG ĐƯỢC CÔNG NHẬN %s NĂM %d", strings.ToUpper(programme), d.Year), "", "C", false)
		pdf.SetFont("DejaVu", "", 11)
		pdf.MultiCell(0, 6, fmt.Sprintf("(Kèm theo Quyết định số %s ngày %s)", d.Number, words.VI.Date(d.DecidedOn)), "", "C", false)
		pdf.Ln(3)
		widths := []float64{12, 55, 60, 25, 18}
		pdf.SetFont("DejaVu", "B", 10)
		drawRow(pdf, []cell{{widths[0], "C", "TT"}, {widths[1], "C", "Tỉnh, thành phố"}, {widths[2], "C", "Phường"}, {widths[3], "C", "Cấp"}, {widths[4], "C", "Kết quả"}}, 5)
		pdf.SetFont("DejaVu", "", 10)
		for i, w := range d.Wards {
			drawRow(pdf, []cell{{widths[0], "C", fmt.Sprint(i + 1)}, {widths[1], "L", w.Province}, {widths[2], "L", w.Name},
				{widths[3], "L", level}, {widths[4], "C", fmt.Sprintf("%d/%d", w.Met, w.Total)}}, 5)
		}
	}
	return pdf.Output(w)
}

// lowerFirst writes a unit's type in lower case after "Công an":
// "Công an phường Ba Đình".
func lowerFirst(name string) string {
	for _, t := range []string{"Phường ", "Xã ", "Thị trấn "} {
		if strings.HasPrefix(name, t) {
			return strings.ToLower(t) + strings.TrimPrefix(name, t)
		}
	}
	return name
}

// Certificate is a recognised ward's certificate (giấy chứng nhận).
type Certificate struct {
	Ward         string
	Province     string
	Year         int
	Level        string
	ProvinceType string
	Number       string
	Decided      string // the decision's date, dd/mm/yyyy
	VerifyURL    string
}

// WriteCertificate writes a certificate on A4 landscape: the body, the
// ward, the year, the level, the decision, and a QR code holding the
// address of its public verification page.
func WriteCertificate(w io.Writer, c Certificate) error {
	pdf, err := newPDF("L")
	if err != nil {
		return err
	}
	pdf.SetTitle(fmt.Sprintf("Giấy chứng nhận – %s – năm %d", c.Ward, c.Year), true)
	pdf.AddPage()
	pdf.SetLineWidth(1.2)
	pdf.Rect(10, 10, 277, 190, "D")
	pdf.SetLineWidth(0.3)
	pdf.Rect(13, 13, 271, 184, "D")
	pdf.SetY(24)
	pdf.SetFont("DejaVu", "B", 13)
	pdf.MultiCell(0, 7, body(c.Level, c.Province), "", "C", false)
	pdf.SetFont("DejaVu", "B", 12)
	pdf.MultiCell(0, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", "C", false)
	pdf.SetFont("DejaVu", "", 11)
	pdf.MultiCell(0, 6, "Độc lập - Tự do - Hạnh phúc", "", "C", false)
	pdf.Ln(10)
	pdf.SetFont("DejaVu", "B", 30)
	pdf.MultiCell(0, 14, "GIẤY CHỨNG NHẬN", "", "C", false)
	pdf.Ln(4)
	pdf.SetFont("DejaVu", "B", 20)
	pdf.MultiCell(0, 10, "Công an "+lowerFirst(c.Ward), "", "C", false)
	pdf.SetFont("DejaVu", "", 14)
	pdf.MultiCell(0, 8, c.Province, "", "C", false)
	pdf.Ln(4)
	pdf.SetFont("DejaVu", "", 15)
	pdf.MultiCell(0, 8, fmt.Sprintf("Đạt danh hiệu %s năm %d", programme, c.Year), "", "C", false)
	pdf.MultiCell(0, 8, "("+words.LevelWord(words.VI, c.Level, c.ProvinceType)+")", "", "C", false)
	pdf.Ln(3)
	pdf.SetFont("DejaVu", "", 12)
	pdf.MultiCell(0, 7, fmt.Sprintf("Theo Quyết định số %s ngày %s", c.Number, c.Decided), "", "C", false)

	code, err := qr.Encode(c.VerifyURL, qr.M, qr.Auto)
	if err != nil {
		return fmt.Errorf("certificate QR: %w", err)
	}
	if code, err = barcode.Scale(code, 400, 400); err != nil {
		return fmt.Errorf("certificate QR: %w", err)
	}
	var img bytes.Buffer
	if err := png.Encode(&img, code); err != nil {
		return fmt.Errorf("certificate QR: %w", err)
	}
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	pdf.RegisterImageOptionsReader("qr", opts, &img)
	pdf.ImageOptions("qr", 236, 148, 40, 40, false, opts, 0, "")
	pdf.SetFont("DejaVu", "", 8)
	pdf.SetXY(196, 189)
	pdf.CellFormat(88, 4, "Xác minh: "+c.VerifyURL, "", 0, "R", false, 0, "")
	return pdf.Output(w)
}
