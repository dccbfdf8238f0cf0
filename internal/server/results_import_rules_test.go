package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// findRow is the index of the template row of ward code and criterion n.
func findRow(t *testing.T, rows [][]string, code, n string) int {
	t.Helper()
	for i, r := range rows {
		if r[0] == code && r[2] == n {
			return i
		}
	}
	t.Fatalf("no row for %s criterion %s", code, n)
	return 0
}

// A province's template brought back unchanged plans nothing and finds no
// error, whatever its wards' states: the rows of files that are not open
// show as locked and unchanged; a changed row of one is an error that says
// why, and so is a change to a criterion a partial return did not reopen,
// and a second row for the same criterion.
func TestImportKeepsTheWorkflow(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	hanoi := signIn(t, srv, "hanoi")
	base := srv.URL + "/2026/units/01/results"
	rows := templateRows(t, get(t, hanoi, base+".csv").body)
	before := dbState(t, dbURL)

	r := importFile(t, hanoi, base+"/import", "ha-noi.csv", writeCSV(rows), false)
	if r.status != http.StatusOK {
		t.Fatalf("the template unchanged = %d: %s", r.status, r.body)
	}
	mustContain(t, "unchanged template", r.body, "Hồ sơ đã gửi duyệt: không sửa được từ tệp; 20 dòng không đổi.",
		"Hồ sơ đã phê duyệt: không sửa được từ tệp; 20 dòng không đổi.", "0 thay đổi, 20 giữ nguyên, 0 xung đột")
	if strings.Contains(r.body, "error-summary") || strings.Contains(r.body, "Đã ghi") {
		t.Error("the unchanged template found errors, or wrote")
	}
	if dbState(t, dbURL) != before {
		t.Fatal("the unchanged template wrote")
	}

	// Hoàn Kiếm's return reopened criterion 3 only.
	execSQL(t, dbURL, `INSERT INTO returned_criteria (assessment_id, number, reason)
		SELECT id, 3, 'Thiếu biên bản' FROM assessments WHERE year = 2026 AND ward_id = unit_in_year('00070', 2026)`)
	edited := templateRows(t, string(writeCSV(rows)))
	approved := findRow(t, edited, "00004", "1")
	edited[approved][8] = "Sửa sau khi duyệt"
	notReturned := findRow(t, edited, "00070", "5")
	edited[notReturned][8] = "Sửa tiêu chí không bị trả lại"
	returned := findRow(t, edited, "00070", "3")
	edited[returned][8] = "Đã bổ sung biên bản"
	draft := findRow(t, edited, "09552", "2")
	edited[draft][8] = "Ghi chú của thành phố"
	dup := append([]string{}, edited[draft]...)
	dup[8] = "Ghi chú khác"
	edited = append(edited, dup)

	before = dbState(t, dbURL)
	r = importFile(t, hanoi, base+"/import", "sua.csv", writeCSV(edited), true)
	if r.status != http.StatusBadRequest {
		t.Fatalf("the dry run of a file with locked changes = %d", r.status)
	}
	mustContain(t, "dry run", r.body, "Tệp có 3 lỗi",
		"hồ sơ của phường đã phê duyệt nên không sửa được từ tệp",
		"tiêu chí này không bị trả lại nên không sửa được",
		"trùng phường và tiêu chí với dòng")
	if dbState(t, dbURL) != before {
		t.Fatal("the dry run wrote")
	}

	// Without those rows, the changes to open files apply, audited as the
	// reviewer's.
	edited[approved] = rows[approved]
	edited[notReturned] = rows[notReturned]
	edited = edited[:len(edited)-1]
	r = importFile(t, hanoi, base+"/import", "sua.csv", writeCSV(edited), false)
	if r.status != http.StatusOK || !strings.Contains(r.body, "Đã ghi 2 thay đổi") {
		t.Fatalf("apply = %d: %s", r.status, r.body)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = 'result_update' AND after ? 'import'
		AND actor_id = (SELECT id FROM users WHERE username = 'hanoi')`); n != 2 {
		t.Errorf("%d imported changes audited as the reviewer's, want 2", n)
	}
}

// A template of another year, or of another unit, is refused whole,
// saying whose it is, and writes nothing.
func TestImportRefusesAnotherYearsTemplate(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	hanoi := signIn(t, srv, "hanoi")
	last := templateRows(t, get(t, hanoi, srv.URL+"/2025/units/01/results.csv").body)
	ward := templateRows(t, get(t, hanoi, srv.URL+"/2026/units/09552/results.csv").body)
	if len(last) < 2 || len(ward) < 2 {
		t.Fatalf("templates of %d and %d rows", len(last), len(ward))
	}
	for i := range last[1:] {
		last[i+1][8] = "Ghi chú năm trước"
	}
	before := dbState(t, dbURL)
	for _, tt := range []struct {
		name string
		rows [][]string
		says string
	}{
		{"2025", last, "tệp là mẫu kết quả năm 2025, không phải năm 2026"},
		{"09552", ward, "tệp là mẫu của đơn vị mã 09552, không phải của"},
	} {
		r := importFile(t, hanoi, srv.URL+"/2026/units/01/results/import", tt.name+".csv", writeCSV(tt.rows), false)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, tt.says) {
			t.Errorf("the template of %s = %d, want 400 saying %q", tt.name, r.status, tt.says)
		}
	}
	if dbState(t, dbURL) != before {
		t.Error("another year's or unit's template wrote")
	}
}
