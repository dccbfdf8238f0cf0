package server_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func importCSV(t *testing.T, c *http.Client, srvURL, what, mode, content string) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("what", what)
	mw.WriteField("mode", mode)
	fw, _ := mw.CreateFormFile("file", what+".csv")
	fw.Write([]byte(content))
	mw.Close()
	res, err := c.Post(srvURL+"/admin/units/import", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}

const danangReform = `code,kind,name,parent_code,valid_from,valid_to
20001,ward,Phường Hải Châu,48,2025-07-01,
20227,ward,Phường Hải Châu 1,490,,2025-06-30
490,district,Quận Hải Châu (cũ),48,,2025-06-30
`

func TestUnitImport(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	admin := signIn(t, srv, "admin")
	units := func() int { return queryInt(t, dbURL, `SELECT count(*) FROM units`) }
	before, n := dbState(t, dbURL), units()

	// A dry run lists what would change, by line, and writes nothing.
	r := importCSV(t, admin, srv.URL, "units", "dry", danangReform)
	if r.status != 200 {
		t.Fatalf("dry run = %d", r.status)
	}
	mustContain(t, "dry run", r.body, "Kết quả chạy thử (chưa ghi gì)", "1 thêm mới, 1 thay đổi, 1 giữ nguyên, 0 lỗi.",
		"Dòng 2: 20001 Phường Hải Châu (ward, ↑ 48, 01/07/2025–)", "Dòng 4: 490 Quận Hải Châu (district, ↑ 48, –30/06/2025) → 490 Quận Hải Châu (cũ)")
	if dbState(t, dbURL) != before || units() != n {
		t.Error("a dry run changed the database")
	}

	// Errors are listed by line; applying such a file writes nothing.
	bad := `code,kind,name,parent_code,valid_from,valid_to
30001,ward,Phường Một,48,,
30002,ward,Phường Hai,999,,
30001,ward,Phường Một lần nữa,48,,
30003,ward,Phường Ba,48,1/7/2025,
02,province,Tỉnh A,03,,
03,province,Tỉnh B,02,,
`
	r = importCSV(t, admin, srv.URL, "units", "apply", bad)
	if r.status != 400 {
		t.Fatalf("bad import = %d", r.status)
	}
	mustContain(t, "bad import", r.body, "Tệp có lỗi, chưa ghi gì", "Dòng 3: Không có đơn vị cấp trên: 999",
		"Dòng 4: Trùng với dòng trước: 30001 (2)", "Dòng 5: Ngày không hợp lệ (YYYY-MM-DD): 1/7/2025", "Dòng 6: Cây đơn vị bị vòng lặp tại 02")
	if dbState(t, dbURL) != before || units() != n {
		t.Error("an import with errors wrote something")
	}
	if r := importCSV(t, admin, srv.URL, "units", "dry", "code,name\n1,x\n"); r.status != 400 || !strings.Contains(r.body, "Dòng 1: Dòng tiêu đề phải là code,kind,name,parent_code,valid_from,valid_to") {
		t.Errorf("wrong header = %d", r.status)
	}

	// Apply the reform, then its successors.
	if r := importCSV(t, admin, srv.URL, "units", "apply", danangReform); r.status != 200 || !strings.Contains(r.body, "Đã áp dụng") {
		t.Fatalf("apply = %d", r.status)
	}
	if units() != n+1 || queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action IN ('unit_add', 'unit_update')`) != 2 {
		t.Error("the import was not written, or not audited")
	}
	r = importCSV(t, admin, srv.URL, "successors", "dry", "old_code,new_code\n20227,20001\n20227,99999\n490,20001\n")
	mustContain(t, "bad successors", r.body, "Dòng 3: Không có đơn vị: 99999", "Dòng 4: Không phải phường: 490")
	if r := importCSV(t, admin, srv.URL, "successors", "apply", "old_code,new_code\n20227,20001\n"); r.status != 200 {
		t.Fatalf("successors = %d", r.status)
	}

	// The old ward's history is reachable from the new ward, and dashboards
	// of the new tree hold both for 2025.
	ministry := signIn(t, srv, "bocongan")
	r = get(t, ministry, srv.URL+"/2025/wards/20001")
	mustContain(t, "new ward", r.body, "Tiếp nhận từ:", `<a href="/2022/wards/20227">Phường Hải Châu 1</a>`)
	mustContain(t, "old ward", get(t, ministry, srv.URL+"/2022/wards/20227").body, "Đã sáp nhập vào:", "đã phê duyệt", "đạt 21/22 tiêu chí")
	r = get(t, ministry, srv.URL+"/2025/units/48")
	mustContain(t, "Đà Nẵng 2025", r.body, "Phường Hải Châu</a>", "Phường Hải Châu 1</a>", "Trực thuộc thành phố")
	execSQL(t, dbURL, `INSERT INTO assessments (ward_code, year) VALUES ('20227', 2022)`)
	execSQL(t, dbURL, `INSERT INTO results (assessment_id, year, number, status) SELECT a.id, 2022, c.number, 'met' FROM assessments a JOIN criteria c ON c.year = 2022 WHERE a.ward_id = unit_in_year('20227', 2022) AND a.year = 2022`)
	refreshStandings(t, dbURL, 2022)
	mustContain(t, "year over year across the reform", get(t, ministry, srv.URL+"/2025/units/48").body, "Hải Châu 1 22/22")
	r = get(t, ministry, srv.URL+"/2026/units/48")
	if r.status != 404 {
		t.Errorf("a year without a catalogue = %d", r.status)
	}
}

func TestDeactivateUnit(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	admin := signIn(t, srv, "admin")
	before := dbState(t, dbURL)
	for name, form := range map[string]url.Values{
		"unknown":      {"code": {"99999"}, "valid_to": {"2022-12-31"}},
		"bad date":     {"code": {"00004"}, "valid_to": {"31-12-2022"}},
		"before start": {"code": {"10001"}, "valid_to": {"2025-01-01"}},
	} {
		if r := post(t, admin, srv.URL+"/admin/units/deactivate", form); r.status != 400 {
			t.Errorf("%s = %d, want 400", name, r.status)
		}
	}
	if dbState(t, dbURL) != before {
		t.Error("refused deactivations changed the database")
	}
	r := post(t, admin, srv.URL+"/admin/units/deactivate", url.Values{"code": {"00004"}, "valid_to": {"2022-12-31"}})
	if r.status != 303 {
		t.Fatalf("deactivate = %d", r.status)
	}
	mustContain(t, "flash", get(t, admin, srv.URL+"/admin/units").body, "Đơn vị 00004 ngừng hoạt động sau ngày 31/12/2022.")
	ministry := signIn(t, srv, "bocongan")
	if strings.Contains(get(t, ministry, srv.URL+"/2025/units/001").body, "Phường Trúc Bạch") {
		t.Error("a deactivated ward is listed after its end")
	}
	mustContain(t, "2022 keeps it", get(t, ministry, srv.URL+"/2022/units/001").body, "Phường Trúc Bạch")
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = 'unit_deactivate' AND entity_key = '00004'`); n != 1 {
		t.Error("deactivation not audited")
	}
}

// The officers of a ward formed in the 2025 reform read the history of the
// wards it took over — pages, criteria, evidence — without changing it; the
// wards it did not take over stay closed to them.
func TestSuccessorReadsPredecessors(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	execSQL(t, dbURL, `INSERT INTO users (username, full_name, role, unit_id, password_hash)
		SELECT 'badinh', 'Công an phường Ba Đình', 'ward_officer', unit_in_year('00004', 2026), password_hash FROM users WHERE username = 'phula'`)
	execSQL(t, dbURL, `INSERT INTO evidence (assessment_id, year, number, title, dated, content_type, size, sha256, content)
		SELECT id, 2023, 13, 'Biên bản Điện Biên', '2023-09-30', 'application/pdf', 4, decode(repeat('ab', 32), 'hex'), '%PDF'
		FROM assessments WHERE ward_id = unit_in_year('00019', 2023) AND year = 2023`)
	evidenceID := queryInt(t, dbURL, `SELECT id FROM evidence WHERE title = 'Biên bản Điện Biên'`)
	c := signIn(t, srv, "badinh")

	r := get(t, c, srv.URL+"/2023/wards/00019")
	if r.status != 200 {
		t.Fatalf("a predecessor's page = %d, want 200", r.status)
	}
	mustContain(t, "predecessor page", r.body, "Phường Điện Biên", `href="/2025/wards/10001"`)
	if strings.Contains(r.body, `action="/2023/wards/00019/submit"`) || strings.Contains(r.body, "/review") {
		t.Error("the successor's officer is offered to change a predecessor")
	}
	for path, want := range map[string]int{
		"/2023/wards/00019/criteria/13":         200,
		"/2023/wards/00019/history":             200,
		"/evidence/" + strconv.Itoa(evidenceID): 200,
		"/2023/wards/00013":                     200,
		"/2023/wards/09552":                     403, // not taken over by 10001
		"/2023/units/001":                       403, // the old district as a whole
		"/2023/wards/00019/dossier.pdf":         200,
	} {
		if r := get(t, c, srv.URL+path); r.status != want {
			t.Errorf("GET %s = %d, want %d", path, r.status, want)
		}
	}
	before := dbState(t, dbURL)
	if r := post(t, c, srv.URL+"/2023/wards/00019/criteria/13", url.Values{"status": {"met"}, "value": {"95"}, "version": {"1"}}); r.status != 403 {
		t.Errorf("saving a predecessor's criterion = %d, want 403", r.status)
	}
	if dbState(t, dbURL) != before {
		t.Error("a refused save changed the database")
	}
}
