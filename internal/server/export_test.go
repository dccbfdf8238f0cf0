package server_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"modelward/internal/assess"
	"modelward/internal/export"
	"modelward/web"
)

// pdfText extracts a PDF's text with poppler's pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is not installed; `make test` installs poppler-utils as root")
		}
		t.Skip("pdftotext is not installed (sudo apt-get install poppler-utils)")
	}
	cmd := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func csvRecords(t *testing.T, body string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// Every export has the same wards and figures as the CSV and the dashboard.
func TestExportsReconcile(t *testing.T) {
	srv := newPortal(t)
	c := signIn(t, srv, "bocongan")
	base := srv.URL + "/2023/units/01/summary."
	recs := csvRecords(t, get(t, c, base+"csv").body)

	// XLSX, cell by cell.
	r := get(t, c, base+"xlsx")
	if r.status != 200 || r.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("xlsx: %d %s", r.status, r.header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, "|") != export.SheetSummary+"|"+export.SheetCriteria+"|"+export.SheetDistribution {
		t.Errorf("sheets %v", got)
	}
	rows, err := f.GetRows(export.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(recs) {
		t.Fatalf("xlsx has %d rows, csv %d", len(rows), len(recs))
	}
	if rows[0][0] != "Mã tỉnh/TP" || rows[0][5] != "Phường" || rows[0][9] != "Chờ đánh giá cuối năm" || rows[0][10] != "TC01" {
		t.Errorf("xlsx header %v", rows[0])
	}
	// The same rows, in words: statuses, states and levels as people say
	// them, dates as they write them.
	n := len(recs[0]) - 17
	inWords := func(j int, v string) string {
		switch {
		case v == "":
			return ""
		case j == 6 && v == "not_started":
			return web.VI.Status(assess.NotStarted)
		case j == 6:
			return web.VI.State(assess.State(v))
		case j >= 10 && j < 10+n:
			return web.VI.Status(assess.Status(v))
		case j == 10+n:
			return web.LevelWord(web.VI, v, "")
		case j == 12+n:
			d, _ := time.Parse(time.DateOnly, v)
			return web.VI.Date(d)
		case j == 16+n:
			return web.VI.T("inspection.proposal." + v)
		}
		return v
	}
	for i := 1; i < len(recs); i++ {
		for j := range recs[i] {
			got := "" // a row's empty cells at the end are not stored
			if j < len(rows[i]) {
				got = rows[i][j]
			}
			if want := inWords(j, recs[i][j]); got != want {
				t.Errorf("row %d col %d: xlsx %q, csv %q (%q)", i, j, got, recs[i][j], want)
			}
		}
	}
	if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, "bao-cao-tong-hop-2023-01.xlsx") {
		t.Errorf("xlsx file name: %q", cd)
	}
	// It prints on A4 landscape, one page wide.
	for _, sheet := range f.GetSheetList() {
		layout, err := f.GetPageLayout(sheet)
		if err != nil || layout.Size == nil || *layout.Size != 9 || layout.Orientation == nil || *layout.Orientation != "landscape" ||
			layout.FitToWidth == nil || *layout.FitToWidth != 1 {
			t.Errorf("%s does not print on A4 landscape one page wide: %+v %v", sheet, layout, err)
		}
		props, err := f.GetSheetProps(sheet)
		if err != nil || props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s is not fitted to the page: %v", sheet, err)
		}
	}
	// Columns are wide enough for their headers.
	for j, h := range rows[0] {
		col, _ := excelize.ColumnNumberToName(j + 1)
		if w, _ := f.GetColWidth(export.SheetSummary, col); w < 6 || (len([]rune(h)) <= 28 && w < float64(len([]rune(h)))) {
			t.Errorf("column %s (%q) is %.0f wide", col, h, w)
		}
	}
	for _, col := range []string{"H", "I", "J"} {
		if ct, _ := f.GetCellType(export.SheetSummary, col+"2"); ct != excelize.CellTypeNumber && ct != excelize.CellTypeUnset {
			t.Errorf("column %s is not stored as a number: %v", col, ct)
		}
	}
	if v, _ := f.GetCellValue(export.SheetSummary, "H2"); v == "" {
		t.Error("H2 is empty")
	}
	panes, err := f.GetPanes(export.SheetSummary)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header row not frozen: %+v %v", panes, err)
	}
	crit, _ := f.GetRows(export.SheetCriteria)
	if len(crit) != len(recs) || !strings.HasPrefix(crit[0][2], "1. Chi bộ công an phường") {
		t.Errorf("per-criterion sheet: %d rows, header %v", len(crit), crit[0][:3])
	}
	for i := 1; i < len(crit); i++ {
		if crit[i][0] == "09552" && (crit[i][2] != "chờ đánh giá cuối năm" || crit[i][3] != "đạt") {
			t.Errorf("Phú La per criterion: %v", crit[i][:4])
		}
	}
	dist, _ := f.GetRows(export.SheetDistribution)
	counts := map[string]string{}
	for _, row := range dist[1:] {
		counts[row[0]] = row[1]
	}
	if counts["19/22"] != "3" || counts["18/22"] != "11" || counts["16/22"] != "6" || counts["15/22"] != "6" || counts["22/22"] != "0" {
		t.Errorf("distribution sheet %v", counts)
	}

	// PDF, read back as text.
	r = get(t, c, base+"pdf")
	if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.body, "%PDF") {
		t.Fatalf("pdf: %d %s", r.status, r.header.Get("Content-Type"))
	}
	text := pdfText(t, []byte(r.body))
	for _, want := range []string{"Báo cáo tổng hợp năm 2023 – Thành phố Hà Nội", "Phường Phú La", "Phường Ô Chợ Dừa",
		"Quận Hà Đông", "đã gửi duyệt", "Cục V05 – Bộ Công an", "Trang 1/", "chờ đánh giá cuối năm",
		"Tỷ lệ khám phá án phạm pháp hình sự"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
	for _, rec := range recs[1:] {
		if !strings.Contains(text, rec[4]) || !strings.Contains(text, rec[7]+"/"+rec[8]) {
			t.Errorf("the PDF lacks ward %s at %s/%s", rec[4], rec[7], rec[8])
		}
	}

	// Out of scope: refused.
	hanoi := signIn(t, srv, "hanoi")
	for _, ext := range []string{"csv", "xlsx", "pdf"} {
		if r := get(t, hanoi, srv.URL+"/2023/units/VN/summary."+ext); r.status != 403 {
			t.Errorf("reviewer exports the nation as %s: %d", ext, r.status)
		}
	}
	// A long summary repeats its header on every page.
	r = get(t, c, srv.URL+"/2023/units/VN/summary.pdf")
	if text := pdfText(t, []byte(r.body)); strings.Count(text, "Báo cáo tổng hợp năm 2023") < 2 {
		t.Errorf("the header does not repeat: %d pages?", strings.Count(text, "\f"))
	}
}

func TestDossier(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	officer := signIn(t, srv, "phula")
	execSQL(t, dbURL, `INSERT INTO evidence (assessment_id, year, number, title, dated, content_type, size, sha256, content)
		SELECT id, 2023, 13, 'Báo cáo khám phá án quý III', '2023-09-30', 'application/pdf', 4, decode(repeat('ab', 32), 'hex'), '%PDF'
		FROM assessments WHERE ward_id = unit_in_year('09552', 2023) AND year = 2023`)
	r := get(t, officer, srv.URL+"/2023/wards/09552")
	mustContain(t, "ward page", r.body, `href="/2023/wards/09552/dossier.pdf"`)
	r = get(t, officer, srv.URL+"/2023/wards/09552/dossier.pdf")
	if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("dossier: %d", r.status)
	}
	text := pdfText(t, []byte(r.body))
	for _, want := range []string{"HỒ SƠ ĐỀ NGHỊ CÔNG NHẬN", "Phường Phú La (09552) – năm 2023", "Quận Hà Đông",
		"đạt 19/22 tiêu chí (3 tiêu chí chờ đánh giá cuối năm)", "Tỷ lệ khám phá án phạm pháp hình sự", "Giá trị: 91 %",
		"Báo cáo khám phá án quý III", "30/09/2023", "SHA-256: " + strings.Repeat("ab", 32), "Gửi duyệt ngày:", "20/11/2023"} {
		if !strings.Contains(text, want) {
			t.Errorf("the dossier lacks %q", want)
		}
	}
	if r := get(t, signIn(t, srv, "phula"), srv.URL+"/2023/wards/09541/dossier.pdf"); r.status != 403 {
		t.Errorf("another ward's dossier = %d", r.status)
	}
}

// Names that a spreadsheet would run as formulas are written as text in
// the CSV, and as plain strings in the XLSX; pages show them inert.
func TestHostileNamesInExports(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	hostile := `=HYPERLINK("http://evil.example","bấm vào đây")`
	addWard(t, dbURL, "66666", hostile)
	c := signIn(t, srv, "bocongan")
	r := get(t, c, srv.URL+"/2023/units/268/summary.csv")
	recs := csvRecords(t, r.body)
	var found bool
	for _, rec := range recs[1:] {
		if rec[4] == "66666" {
			found = rec[5] == "'"+hostile
		}
	}
	if !found {
		t.Errorf("the hostile name is not neutralised in the CSV: %s", r.body)
	}
	r = get(t, c, srv.URL+"/2023/units/268/summary.xlsx")
	f, err := excelize.OpenReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(export.SheetSummary)
	for i, row := range rows {
		if row[4] == "66666" {
			cell, _ := excelize.CoordinatesToCellName(6, i+1)
			if formula, _ := f.GetCellFormula(export.SheetSummary, cell); formula != "" || row[5] != hostile {
				t.Errorf("XLSX cell %s: %q, formula %q", cell, row[5], formula)
			}
		}
	}
	page := get(t, c, srv.URL+"/2023/units/268").body
	if !strings.Contains(page, `=HYPERLINK(&#34;http://evil.example&#34;,&#34;bấm vào đây&#34;)`) {
		t.Error("the dashboard does not show the name escaped")
	}
}

// Text with HTML, script, SQL and control characters is stored as typed and
// is inert everywhere it is shown: pages escape it, the CSV and XLSX hold it
// as text, the PDF prints it.
func TestHostileTextIsInert(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	name := "<script>alert('x')</script> P'; DROP TABLE units; --\x07"
	note := "<img src=x onerror=alert(1)>\t'); DELETE FROM results; --\x1b[31m"
	addWard(t, dbURL, "66667", name)
	officer := signIn(t, srv, "phula")
	if r := post(t, officer, srv.URL+"/2022/wards/09552/criteria/2", url.Values{"status": {"in_progress"}, "note": {note}, "version": {"0"}}); r.status != 303 {
		t.Fatalf("saving the note = %d", r.status)
	}
	if got := queryRow[string](t, dbURL, `SELECT note FROM results r JOIN assessments a ON a.id = r.assessment_id WHERE a.ward_id = unit_in_year('09552', 2022) AND a.year = 2022 AND r.number = 2`); got != note {
		t.Errorf("stored note %q, want it as typed", got)
	}
	reviewer := signIn(t, srv, "hanoi")
	if r := post(t, reviewer, srv.URL+"/2022/wards/09552/criteria/2/comments", url.Values{"body": {name}}); r.status != 303 {
		t.Fatalf("comment = %d", r.status)
	}
	inert := func(what, body string) {
		t.Helper()
		for _, raw := range []string{"<script>", "<img src=x", "\x07", "\x1b"} {
			if strings.Contains(body, raw) {
				t.Errorf("%s holds %q as markup or a raw control character", what, raw)
			}
		}
	}
	for _, path := range []string{"/2022/wards/09552", "/2022/wards/09552/criteria/2", "/2022/wards/09552/history", "/2023/units/268", "/2023/wards/66667"} {
		r := get(t, reviewer, srv.URL+path)
		if r.status != 200 {
			t.Errorf("%s = %d", path, r.status)
		}
		inert(path, r.body)
	}
	mustContain(t, "criterion page", get(t, reviewer, srv.URL+"/2022/wards/09552/criteria/2").body,
		"&lt;img src=x onerror=alert(1)&gt;", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", "--␛[31m", "--␇")

	ministry := signIn(t, srv, "bocongan")
	r := get(t, ministry, srv.URL+"/2023/units/268/summary.csv")
	found := false
	for _, rec := range csvRecords(t, r.body)[1:] {
		if rec[4] == "66667" {
			found = rec[5] == name
		}
	}
	if !found {
		t.Errorf("the CSV does not hold the name as typed")
	}
	r = get(t, ministry, srv.URL+"/2023/units/268/summary.xlsx")
	f, err := excelize.OpenReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("the XLSX with a control character cannot be read: %v", err)
	}
	defer f.Close()
	rows, _ := f.GetRows(export.SheetSummary)
	found = false
	for _, row := range rows {
		if row[4] == "66667" {
			found = strings.HasPrefix(row[5], "<script>alert('x')</script> P'; DROP TABLE units; --")
		}
	}
	if !found {
		t.Error("the XLSX does not hold the name as text")
	}
	r = get(t, ministry, srv.URL+"/2023/units/268/summary.pdf")
	if r.status != 200 {
		t.Fatalf("PDF = %d", r.status)
	}
	if text := pdfText(t, []byte(r.body)); !strings.Contains(text, "<script>alert('x')</script>") {
		t.Errorf("the PDF does not print the name: %.300s", text)
	}
}

// addWard adds a ward of Quận Hà Đông until the reform, with its parent
// link, registered for 2022 and 2023.
func addWard(t *testing.T, dbURL, code, name string) {
	t.Helper()
	execSQL(t, dbURL, `INSERT INTO units (code, kind, type, name, parent_code, valid_to) VALUES ($1, 'ward', 'phuong', $2, '268', '2025-06-30')`, code, name)
	execSQL(t, dbURL, `INSERT INTO unit_parents (child_id, parent_id, span) SELECT id, unit_in_year('268', 2023), span FROM units WHERE code = $1`, code)
	execSQL(t, dbURL, `INSERT INTO registrations (year, ward_id, level) SELECT y, unit_in_year($1, y), 'city' FROM unnest(ARRAY[2022, 2023]) AS y`, code)
}

// Characters beyond the Basic Multilingual Plane (an emoji, a CJK
// extension ideograph) in every field that reaches a PDF: the dossier and
// the summaries still print, with □ where each was.
func TestPDFsPrintCharactersBeyondTheBMP(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	const odd = "👍 𠜎"
	// The ward's, district's and province's names, the users' names, a
	// criterion's title, a decision number, a note, an evidence title, a
	// comment and a reason.
	execSQL(t, dbURL, `UPDATE units SET name = name || ' ' || $1 WHERE id IN (unit_in_year('00019', 2022), unit_in_year('001', 2022), unit_in_year('01', 2022))`, odd)
	execSQL(t, dbURL, `UPDATE users SET full_name = full_name || ' ' || $1`, odd)
	execSQL(t, dbURL, `UPDATE criteria SET title_vi = title_vi || ' ' || $1 WHERE year = 2022 AND number = 6`, odd)
	execSQL(t, dbURL, `UPDATE results SET status = 'met', note = $1 WHERE number = 6 AND assessment_id = (SELECT id FROM assessments WHERE ward_id = unit_in_year('00019', 2022) AND year = 2022)`, "Trụ sở mới "+odd)
	inspectedOnSite(t, dbURL, 2022, "01", "00019", "recognize")
	ministry := signIn(t, srv, "bocongan")
	if r := post(t, ministry, srv.URL+"/2022/wards/00019/criteria/6/comments", url.Values{"body": {"Rất tốt " + odd}}); r.status != 303 {
		t.Fatalf("comment = %d", r.status)
	}
	if r := post(t, ministry, srv.URL+"/2022/wards/00019/recognize", url.Values{"decision_no": {"2878/QĐ-BCA " + odd}, "decision_date": {"2023-04-22"}}); r.status != 303 {
		t.Fatalf("recognise = %d", r.status)
	}
	execSQL(t, dbURL, `UPDATE evidence SET title = title || ' ' || $1`, odd)
	// The inspection's record, its conclusion's note and a finding's note
	// typed with them too.
	execSQL(t, dbURL, `UPDATE inspection_wards SET note = 'Đạt ' || $1 WHERE assessment_id = (SELECT id FROM assessments WHERE ward_id = unit_in_year('00019', 2022) AND year = 2022)`, odd)
	execSQL(t, dbURL, `INSERT INTO findings (assessment_id, number, status, note) SELECT id, 6, 'met', 'Trụ sở ' || $1 FROM assessments WHERE ward_id = unit_in_year('00019', 2022) AND year = 2022`, odd)
	record := fmt.Sprintf("/2022/inspections/%d/wards/00019.pdf", queryInt(t, dbURL, `SELECT max(id) FROM inspections WHERE year = 2022`))
	for _, path := range []string{"/2022/wards/00019/dossier.pdf", "/2022/units/VN/summary.pdf", "/2022/units/01/summary.pdf", record} {
		r := get(t, ministry, srv.URL+path)
		if r.status != 200 {
			t.Errorf("%s = %d", path, r.status)
			continue
		}
		text := pdfText(t, []byte(r.body))
		if !strings.Contains(text, "□") {
			t.Errorf("%s does not mark where the characters were", path)
		}
		if path == record {
			mustContain(t, "record", text, "BIÊN BẢN KIỂM TRA THỰC TẾ", "Trụ sở □ □")
			continue
		}
		if strings.Contains(text, "Rất tốt") != strings.HasSuffix(path, "dossier.pdf") {
			t.Errorf("%s: the comment's text is not where it belongs", path)
		}
	}
	// The pages and the CSV keep the text as typed.
	mustContain(t, "ward page", get(t, ministry, srv.URL+"/2022/wards/00019").body, odd)
	mustContain(t, "CSV", get(t, ministry, srv.URL+"/2022/units/VN/summary.csv").body, odd)
}
