package server_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// importFile posts a spreadsheet to the unit's import, dry run or not.
func importFile(t *testing.T, c *http.Client, u, name string, content []byte, dryRun bool) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if dryRun {
		_ = mw.WriteField("dry_run", "1")
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	res, err := c.Post(u, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}

// templateRows reads the CSV template.
func templateRows(t *testing.T, body string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func writeCSV(rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(rows)
	return b.Bytes()
}

// The round trip: the template out (XLSX and CSV), edited, checked by a
// dry run that writes nothing, applied in one transaction, each change
// audited with the file's SHA-256; the same old file again is a conflict
// and changes nothing; errors name their row and column.
func TestSpreadsheetRoundTrip(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	base := srv.URL + "/2022/units/09552/results"
	mustContain(t, "results page", get(t, c, base).body, `href="/2022/units/09552/results.xlsx"`, `action="/2022/units/09552/results/import"`, `name="dry_run"`)

	x := get(t, c, base+".xlsx")
	if x.status != http.StatusOK {
		t.Fatalf("xlsx template = %d", x.status)
	}
	f, err := excelize.OpenReader(strings.NewReader(x.body))
	if err != nil {
		t.Fatal(err)
	}
	xrows, _ := f.GetRows("Kết quả")
	dvs, _ := f.GetDataValidations("Kết quả")
	panes, _ := f.GetPanes("Kết quả")
	if len(xrows) != 23 || xrows[0][0] != "Mã phường" || xrows[13][2] != "13" || !strings.Contains(xrows[13][5], "90") || len(dvs) != 1 || !panes.Freeze {
		t.Errorf("xlsx template: %d rows, header %v, row 13 %v, %d validations, frozen %t", len(xrows), xrows[0], xrows[13], len(dvs), panes.Freeze)
	}

	rows := templateRows(t, get(t, c, base+".csv").body)
	if len(rows) != 23 {
		t.Fatalf("csv template has %d rows", len(rows))
	}
	// The pages' words: a year-end criterion not judged yet is pending,
	// an unjudged one "chưa đánh giá", a measure a "chỉ số".
	if rows[1][6] != "Chờ đánh giá cuối năm" || rows[2][6] != "Chưa đánh giá" || rows[13][4] != "Chỉ số" || rows[1][4] != "Định tính" {
		t.Errorf("the template's words: criterion 1 %q %q, 2 %q, 13 %q", rows[1][4], rows[1][6], rows[2][6], rows[13][4])
	}
	if xrows[1][6] != rows[1][6] || xrows[13][4] != rows[13][4] {
		t.Errorf("the XLSX and the CSV say it differently: %q %q", xrows[1][6], xrows[13][4])
	}
	rows[1][6] = "Đạt"           // criterion 1
	rows[13][7] = "91,5"         // criterion 13, a measure: met from its value
	rows[14][8] = "Đã đối chiếu" // criterion 14: a note only
	edited := writeCSV(rows)

	before := dbState(t, dbURL)
	r := importFile(t, c, base+"/import", "ket-qua.csv", edited, true)
	if r.status != http.StatusOK {
		t.Fatalf("dry run = %d: %s", r.status, r.body)
	}
	mustContain(t, "plan", r.body, "Kế hoạch nhập từ ket-qua.csv", "3 thay đổi, 19 giữ nguyên, 0 xung đột", "Tiêu chí 1 (dòng 2)", "Tiêu chí 13 (dòng 14)", "91,5")
	if dbState(t, dbURL) != before {
		t.Fatal("the dry run wrote")
	}

	// Errors name the row and the column, and nothing is written.
	bad := templateRows(t, string(edited))
	bad[2][6] = "Tốt"     // criterion 2, a check
	bad[3][0] = "99999"   // no such ward here
	bad[4][7] = "ba mươi" // criterion 4, a measure
	r = importFile(t, c, base+"/import", "sai.csv", writeCSV(bad), false)
	if r.status != http.StatusBadRequest {
		t.Fatalf("a file with errors = %d", r.status)
	}
	mustContain(t, "errors", r.body, "Tệp có 3 lỗi; chưa ghi gì", "Dòng 4, cột Mã phường", "Dòng 3, cột Trạng thái", "Dòng 5, cột Giá trị")
	if dbState(t, dbURL) != before {
		t.Fatal("a file with errors wrote")
	}

	r = importFile(t, c, base+"/import", "ket-qua.csv", edited, false)
	if r.status != http.StatusOK {
		t.Fatalf("apply = %d: %s", r.status, r.body)
	}
	mustContain(t, "applied", r.body, "Đã ghi 3 thay đổi từ ket-qua.csv")
	if n := queryInt(t, dbURL, `SELECT count(*) FROM results r JOIN assessments a ON a.id = r.assessment_id
		WHERE a.year = 2022 AND a.ward_id = unit_in_year('09552', 2022) AND ((r.number = 1 AND r.status = 'met') OR (r.number = 13 AND r.value = 91.5 AND r.status = 'met') OR (r.number = 14 AND r.note = 'Đã đối chiếu'))`); n != 3 {
		t.Errorf("%d of the 3 changes stored", n)
	}
	sum := sha256.Sum256(edited)
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = 'result_update' AND after->'import'->>'sha256' = $1`, hex.EncodeToString(sum[:])); n != 3 {
		t.Errorf("%d changes audited as from the file, want 3", n)
	}

	// The old file again: its versions moved, so those rows conflict.
	rows[1][6] = "Không đạt"
	before = dbState(t, dbURL)
	r = importFile(t, c, base+"/import", "cu.csv", writeCSV(rows), false)
	if r.status != http.StatusConflict {
		t.Fatalf("a stale file = %d, want 409", r.status)
	}
	mustContain(t, "conflict", r.body, "Xung đột ở tiêu chí 1 (dòng 2)", "đã được sửa thành")
	if dbState(t, dbURL) != before {
		t.Error("a stale file wrote")
	}
}

// Who may fill in what: an officer their ward; a city's reviewers the open
// wards below them; not an officer for a district, nor the Ministry.
func TestSpreadsheetImportAccess(t *testing.T) {
	srv, _ := newPortalDB(t)
	district := srv.URL + "/2022/units/268/results"
	for _, who := range []string{"phula", "bocongan"} {
		if r := get(t, signIn(t, srv, who), district); r.status != http.StatusForbidden {
			t.Errorf("%s opens the district's import = %d, want 403", who, r.status)
		}
	}
	hanoi := signIn(t, srv, "hanoi")
	rows := templateRows(t, get(t, hanoi, district+".csv").body)
	if len(rows) < 23 {
		t.Fatalf("the district's template has %d rows", len(rows))
	}
	rows[1][6] = "Đạt"
	r := importFile(t, hanoi, district+"/import", "quan.csv", writeCSV(rows[:2]), false)
	if r.status != http.StatusOK || !strings.Contains(r.body, "Đã ghi 1 thay đổi") {
		t.Errorf("the reviewer's import = %d", r.status)
	}
}

// Hostile files are refused cleanly, writing nothing: not a spreadsheet,
// a zip bomb, formulas (never run), too many rows, an overlong cell.
func TestSpreadsheetImportRefusesHostileFiles(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	u := srv.URL + "/2022/units/09552/results/import"
	header := []string{"Mã phường", "Tên phường", "Số tiêu chí", "Tiêu chí", "Loại", "Ngưỡng", "Trạng thái", "Giá trị", "Ghi chú", "Phiên bản", "Năm", "Mã đơn vị"}

	// A zip whose sheet unzips to 200 MB of nothing.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte(`<?xml version="1.0"?><x/>`))
	}
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range 200 {
		_, _ = w.Write(chunk)
	}
	_ = zw.Close()

	// Formulas: the value cell holds one, with no value saved.
	fx := excelize.NewFile()
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		_ = fx.SetCellStr("Sheet1", cell, h)
	}
	_ = fx.SetSheetRow("Sheet1", "A2", &[]any{"09552", "", "13", "", "", "", "Đang thực hiện", "", "", "0", "2022", "09552"})
	_ = fx.SetCellFormula("Sheet1", "H2", "=50+50")
	var formula bytes.Buffer
	_ = fx.Write(&formula)

	many := [][]string{header}
	for range 100001 {
		many = append(many, []string{"09552", "", "1", "", "", "", "Đạt", "", "", "0", "2022", "09552"})
	}
	long := [][]string{header, {"09552", "", "1", "", "", "", "Đạt", "", strings.Repeat("x", 4001), "0", "2022", "09552"}}

	before := dbState(t, dbURL)
	for _, tt := range []struct {
		name    string
		content []byte
		status  int
		msg     string
	}{
		{"not a spreadsheet", samplePDF, http.StatusBadRequest, "không phải bảng tính"},
		{"a zip bomb", bomb.Bytes(), http.StatusBadRequest, "không phải bảng tính"},
		{"too many rows", writeCSV(many), http.StatusBadRequest, "Tệp có hơn 100000 dòng."},
		{"an overlong cell", writeCSV(long), http.StatusBadRequest, "Dòng 2, cột I: quá 4000 ký tự."},
	} {
		r := importFile(t, c, u, tt.name, tt.content, false)
		if r.status != tt.status || !strings.Contains(r.body, tt.msg) {
			t.Errorf("%s = %d, want %d with %q", tt.name, r.status, tt.status, tt.msg)
		}
	}
	if dbState(t, dbURL) != before {
		t.Error("a hostile file changed the database")
	}
	// The formula's cell reads as the value saved with it: none.
	r := importFile(t, c, u, "cong-thuc.xlsx", formula.Bytes(), true)
	if r.status != http.StatusOK || !strings.Contains(r.body, "Tiêu chí 13 (dòng 2)") || strings.Contains(r.body, "100") {
		t.Errorf("a formula was run, or the file refused: %d %s", r.status, r.body)
	}
}
