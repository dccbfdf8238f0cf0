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

// laterList is a later official list: Sài Gòn ends with 2026 and a new
// ward takes it over; Kiến Hưng is as before, Hòa Bình is spelled the
// 2026 way ("Hoà"), which names the same ward.
const laterList = `code,kind,type,name,parent_code,valid_from,valid_to
09552,ward,phuong,Phường Kiến Hưng,01,2025-07-01,
26740,ward,phuong,Phường Sài Gòn,79,2025-07-01,2026-12-31
99001,ward,phuong,Phường Sài Gòn Mới,79,2027-01-01,
HOA,ward,phuong,Phường Hoà Bình,01,2025-07-01,
`

func TestUnitImport(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	admin := signIn(t, srv, "admin")
	units := func() int { return queryInt(t, dbURL, `SELECT count(*) FROM units`) }
	execSQL(t, dbURL, `INSERT INTO units (code, kind, type, name, parent_code, valid_from) VALUES ('HOA', 'ward', 'phuong', 'Phường Hòa Bình', '01', '2025-07-01')`)
	before, n := dbState(t, dbURL), units()

	// A dry run lists what would change, by line, and writes nothing.
	r := importCSV(t, admin, srv.URL, "units", "dry", laterList)
	if r.status != 200 {
		t.Fatalf("dry run = %d: %s", r.status, r.body)
	}
	mustContain(t, "dry run", r.body, "Kết quả chạy thử (chưa ghi gì)", "1 thêm mới, 1 thay đổi, 2 giữ nguyên, 0 lỗi.",
		"Dòng 4: 99001 Phường Sài Gòn Mới (phuong, ↑ 79, 01/01/2027–)",
		"Dòng 3: 26740 Phường Sài Gòn (phuong, ↑ 79, 01/07/2025–) → 26740 Phường Sài Gòn (phuong, ↑ 79, 01/07/2025–31/12/2026)")
	if dbState(t, dbURL) != before || units() != n {
		t.Error("a dry run changed the database")
	}

	// Errors are listed by line; applying such a file writes nothing.
	bad := `code,kind,type,name,parent_code,valid_from,valid_to
30001,ward,phuong,Phường Một,79,2025-07-01,
30002,ward,phuong,Phường Hai,999,,
30001,ward,phuong,Phường Một lần nữa,79,2025-07-01,
30003,ward,phuong,Phường Ba,79,1/7/2025,
09552,ward,phuong,Phường Trùng Mã,01,2026-01-01,
30004,ward,phuong,Phường Bốn,268,2025-07-01,
`
	r = importCSV(t, admin, srv.URL, "units", "apply", bad)
	if r.status != 400 {
		t.Fatalf("bad import = %d", r.status)
	}
	mustContain(t, "bad import", r.body, "Tệp có lỗi, chưa ghi gì", "Dòng 3: Không có đơn vị cấp trên",
		"Dòng 4: Trùng với dòng trước: 30001 (2)", "Dòng 5: Ngày không hợp lệ (YYYY-MM-DD): 1/7/2025",
		"Dòng 6: Mã 09552 được gán cho hai đơn vị trong cùng một ngày", "Dòng 7: Không có đơn vị cấp trên")
	if dbState(t, dbURL) != before || units() != n {
		t.Error("an import with errors wrote something")
	}
	if r := importCSV(t, admin, srv.URL, "units", "dry", "code,name\n1,x\n"); r.status != 400 || !strings.Contains(r.body, "Dòng 1: Dòng tiêu đề phải là code,kind,type,name,parent_code,valid_from,valid_to") {
		t.Errorf("wrong header = %d", r.status)
	}

	// Apply the list, then its successors; the same files again change nothing.
	if r := importCSV(t, admin, srv.URL, "units", "apply", laterList); r.status != 200 || !strings.Contains(r.body, "Đã áp dụng") {
		t.Fatalf("apply = %d", r.status)
	}
	if units() != n+1 || queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action IN ('unit_add', 'unit_update') AND actor = 'admin'`) != 2 {
		t.Error("the import was not written, or not audited")
	}
	after := dbState(t, dbURL)
	if r := importCSV(t, admin, srv.URL, "units", "apply", laterList); r.status != 200 || !strings.Contains(r.body, "0 thêm mới, 0 thay đổi, 4 giữ nguyên, 0 lỗi.") || dbState(t, dbURL) != after {
		t.Errorf("importing the same list again = %d, or it changed something", r.status)
	}
	r = importCSV(t, admin, srv.URL, "successors", "dry", "old_code,new_code,on,share,basis\n26740,99001,2027-01-01,full,mapping\n26740,99001,2026-06-01,full,mapping\n26740,99999,2027-01-01,full,mapping\n")
	mustContain(t, "bad successors", r.body, "Dòng 3: Không có đơn vị mang mã này có hiệu lực vào ngày đó: 99001 2026-06-01",
		"Dòng 4: Không có đơn vị mang mã này có hiệu lực vào ngày đó: 99999 2027-01-01")
	if r := importCSV(t, admin, srv.URL, "successors", "apply", "old_code,new_code,on,share,basis\n26740,99001,2027-01-01,full,mapping\n"); r.status != 200 {
		t.Fatalf("successors = %d", r.status)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM unit_links l JOIN units o ON o.id = l.old_id JOIN units n ON n.id = l.new_id
		WHERE o.name = 'Phường Sài Gòn' AND n.code = '99001' AND l.on = '2027-01-01' AND l.share = 'full'`); n != 1 {
		t.Error("the successor link is not stored by identity with its day and share")
	}

	// Sài Gòn's 2026 page says who took it over, in the year it starts.
	ministry := signIn(t, srv, "bocongan")
	r = get(t, ministry, srv.URL+"/2026/wards/26740")
	mustContain(t, "old ward", r.body, "Đã sáp nhập vào:", `<a href="/2027/wards/99001">Phường Sài Gòn Mới</a>`)
	if r := get(t, ministry, srv.URL+"/2031/units/79"); r.status != 404 {
		t.Errorf("a year without a catalogue = %d", r.status)
	}
}

func TestDeactivateUnit(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	admin := signIn(t, srv, "admin")
	before := dbState(t, dbURL)
	for name, form := range map[string]url.Values{
		"unknown":  {"code": {"99999"}, "valid_to": {"2026-12-31"}},
		"bad date": {"code": {"09886"}, "valid_to": {"31-12-2026"}},
		"orphans":  {"code": {"01"}, "valid_to": {"2026-12-31"}},
	} {
		if r := post(t, admin, srv.URL+"/admin/units/deactivate", form); r.status != 400 {
			t.Errorf("%s = %d, want 400", name, r.status)
		}
	}
	if dbState(t, dbURL) != before {
		t.Error("refused deactivations changed the database")
	}
	r := post(t, admin, srv.URL+"/admin/units/deactivate", url.Values{"code": {"09886"}, "valid_to": {"2026-12-31"}})
	if r.status != 303 {
		t.Fatalf("deactivate = %d", r.status)
	}
	mustContain(t, "flash", get(t, admin, srv.URL+"/admin/units").body, "Đơn vị 09886 ngừng hoạt động sau ngày 31/12/2026.")
	ministry := signIn(t, srv, "bocongan")
	mustContain(t, "2026 keeps it", get(t, ministry, srv.URL+"/2026/wards/09886").body, "Phường Dương Nội")
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = 'unit_deactivate' AND entity_key IN (SELECT id::text FROM units WHERE code = '09886')`); n != 1 {
		t.Error("deactivation not audited")
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM units WHERE code = '09886' AND valid_to = '2026-12-31'`); n != 1 {
		t.Error("the ward does not end on 31/12/2026")
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM unit_parents l JOIN units u ON u.id = l.child_id
		WHERE u.code = '09886' AND u.valid_to = '2026-12-31' AND upper(l.span) = '2027-01-01'`); n != 1 {
		t.Error("the ward's link to its province does not end with it")
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
	mustContain(t, "predecessor page", r.body, "Phường Điện Biên", `href="/2025/wards/00004"`)
	if strings.Contains(r.body, `action="/2023/wards/00019/submit"`) || strings.Contains(r.body, "/review") {
		t.Error("the successor's officer is offered to change a predecessor")
	}
	for path, want := range map[string]int{
		"/2023/wards/00019/criteria/13":         200,
		"/2023/wards/00019/history":             200,
		"/evidence/" + strconv.Itoa(evidenceID): 200,
		"/2023/wards/00013":                     200,
		"/2023/wards/09552":                     403, // not taken over by Ba Đình
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
