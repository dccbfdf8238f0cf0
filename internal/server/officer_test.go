package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// samplePDF is a small, real PDF.
var samplePDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

// queryRow runs a one-row query against the database behind the portal.
func queryRow[T any](t *testing.T, dbURL, sql string, args ...any) T {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v T
	if err := conn.QueryRow(ctx, sql, args...).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func queryInt(t *testing.T, dbURL, sql string, args ...any) int {
	t.Helper()
	return queryRow[int](t, dbURL, sql, args...)
}

func evidenceState(t *testing.T, dbURL string) string {
	return fmt.Sprint(queryInt(t, dbURL, `SELECT count(*) FROM evidence`), dbState(t, dbURL))
}

func TestOfficerRecordsResults(t *testing.T) {
	srv := newPortal(t)
	c := signIn(t, srv, "phula")
	base := srv.URL + "/2022/wards/09552"

	r := get(t, c, base+"/criteria/13")
	mustContain(t, "criterion 13 form", r.body, "Tiêu chí 13", "Tỷ lệ khám phá án phạm pháp hình sự", "≥ 90 %",
		`name="value"`, `name="version" value="0"`, "Tỷ lệ phần trăm từ 0 đến 100")

	r = post(t, c, base+"/criteria/13", url.Values{"value": {"91,5"}, "status": {"not_started"}, "note": {"Số liệu quý III"}, "version": {"0"}})
	if r.status != 303 || r.header.Get("Location") != "/2022/wards/09552#c13" {
		t.Fatalf("save = %d %s", r.status, r.header.Get("Location"))
	}
	r = get(t, c, base)
	mustContain(t, "ward after save", r.body, "Đã lưu tiêu chí 13: đạt.", "91,5 %", "Số liệu quý III",
		"đạt 1/22 tiêu chí (3 tiêu chí chờ đánh giá cuối năm)", "Việc cần làm", "18 tiêu chí chưa đánh giá")
	// The flash is shown once.
	if r := get(t, c, base); strings.Contains(r.body, "Đã lưu tiêu chí 13") {
		t.Error("the flash message is shown twice")
	}
	// Dashboard and CSV agree at once.
	reviewer := signIn(t, srv, "hanoi")
	r = get(t, reviewer, srv.URL+"/2022/units/268/summary.csv")
	if !strings.Contains(r.body, "09552,Phường Phú La,draft,1,22,3,") {
		t.Errorf("CSV after save: %s", r.body)
	}

	// A value below the threshold is not met; a check takes its status.
	post(t, c, base+"/criteria/13", url.Values{"value": {"89.9"}, "version": {"1"}})
	post(t, c, base+"/criteria/2", url.Values{"status": {"met"}, "version": {"0"}})
	r = get(t, c, base)
	mustContain(t, "ward after two saves", r.body, "đạt 1/22 tiêu chí", "89,9 %")

	// History of the criterion: who, when, before → after.
	r = get(t, c, base+"/criteria/13")
	mustContain(t, "criterion history", r.body, "Lịch sử thay đổi", "Cập nhật tiêu chí 13", "Công an phường Phú La",
		"chưa đánh giá", "đạt · 91,5 %", "chưa đạt · 89,9 %")
	r = get(t, c, base+"/history")
	mustContain(t, "ward timeline", r.body, "Cập nhật tiêu chí 13", "Cập nhật tiêu chí 2")
}

func TestBadResultsAreRefused(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	base := srv.URL + "/2022/wards/09552"
	before := dbState(t, dbURL)
	for _, tt := range []struct {
		n    int
		form url.Values
		msg  string
	}{
		{13, url.Values{"value": {"abc"}, "version": {"0"}}, "Giá trị phải là một số"},
		{13, url.Values{"value": {"100,5"}, "version": {"0"}}, "Giá trị phải là số từ 0 đến 100."},
		{13, url.Values{"value": {"-1"}, "version": {"0"}}, "Giá trị phải là số từ 0 đến 100."},
		{4, url.Values{"value": {"2,5"}, "version": {"0"}}, "Giá trị phải là số nguyên không âm, ví dụ 52."},
		{13, url.Values{"status": {"met"}, "version": {"0"}}, "Hãy nhập giá trị để đánh giá"},
		{2, url.Values{"status": {"done"}, "version": {"0"}}, "Hãy chọn một trạng thái trong danh sách."},
		{2, url.Values{"status": {"met"}, "note": {strings.Repeat("ư", 4001)}, "version": {"0"}}, "Ghi chú tối đa 4.000 ký tự"},
		{2, url.Values{"status": {"met"}, "note": {"a\x00b"}, "version": {"0"}}, "Ghi chú tối đa 4.000 ký tự"},
		{2, url.Values{"status": {"met"}}, "Biểu mẫu thiếu thông tin phiên bản"},
		{2, url.Values{"status": {"met"}, "version": {"-3"}}, "Biểu mẫu thiếu thông tin phiên bản"},
		{12, url.Values{"value": {strings.Repeat("9", 100)}, "version": {"0"}}, "Giá trị quá dài."},
	} {
		r := post(t, c, fmt.Sprintf("%s/criteria/%d", base, tt.n), tt.form)
		if r.status != 400 {
			t.Errorf("criterion %d %v = %d, want 400", tt.n, tt.form, r.status)
		}
		mustContain(t, fmt.Sprint("refusal ", tt.form), r.body, "Biểu mẫu có lỗi, chưa lưu:", tt.msg)
	}
	// A form that is not UTF-8 is refused before it is read.
	r := post(t, c, base+"/criteria/2", url.Values{"status": {"met"}, "note": {"\xff\xfe"}, "version": {"0"}})
	if r.status != 400 {
		t.Errorf("a note not in UTF-8 = %d, want 400", r.status)
	}
	mustContain(t, "note not UTF-8", r.body, "Biểu mẫu có ký tự không hợp lệ")
	// The value typed is given back; the change of a previous year is any decimal.
	r = post(t, c, base+"/criteria/13", url.Values{"value": {"abc"}, "version": {"0"}})
	mustContain(t, "typed value kept", r.body, `value="abc"`)
	if dbState(t, dbURL) != before {
		t.Error("refused saves changed the database")
	}
	if r := post(t, c, base+"/criteria/12", url.Values{"value": {"−8"}, "version": {"0"}}); r.status != 303 {
		t.Errorf("a negative change = %d", r.status)
	}
	// Unknown criteria and wards, and someone else's ward.
	for path, want := range map[string]int{
		"/2022/wards/09552/criteria/23": 404,
		"/2022/wards/09552/criteria/x":  404,
		"/2022/wards/99999/criteria/2":  404,
		"/2022/wards/09541/criteria/2":  403,
		"/2022/units/268/criteria/2":    404,
	} {
		if r := post(t, c, srv.URL+path, url.Values{"status": {"met"}, "version": {"0"}}); r.status != want {
			t.Errorf("POST %s = %d, want %d", path, r.status, want)
		}
	}
	// A reviewer reads but does not edit.
	reviewer := signIn(t, srv, "hanoi")
	if r := post(t, reviewer, base+"/criteria/2", url.Values{"status": {"met"}, "version": {"1"}}); r.status != 403 {
		t.Errorf("reviewer edits: %d", r.status)
	}
	if r := get(t, reviewer, base+"/criteria/2"); r.status != 200 || strings.Contains(r.body, `name="status"`) {
		t.Errorf("reviewer sees an edit form: %d", r.status)
	}
}

func TestStaleVersionConflicts(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	u := srv.URL + "/2022/wards/09552/criteria/21"
	post(t, c, u, url.Values{"value": {"93"}, "note": {"Khảo sát tháng 6"}, "version": {"0"}})
	before := dbState(t, dbURL)
	r := post(t, c, u, url.Values{"value": {"88"}, "note": {"Khảo sát tháng 9"}, "version": {"0"}})
	if r.status != http.StatusConflict {
		t.Fatalf("stale save = %d, want 409", r.status)
	}
	mustContain(t, "conflict page", r.body, "Người khác vừa lưu tiêu chí này", "93 %", "Khảo sát tháng 6",
		`value="88"`, "Khảo sát tháng 9", `name="version" value="1"`)
	if dbState(t, dbURL) != before {
		t.Error("a stale save changed the database")
	}
	// Saving again from the conflict page is a deliberate overwrite.
	if r := post(t, c, u, url.Values{"value": {"88"}, "note": {"Khảo sát tháng 9"}, "version": {"1"}}); r.status != 303 {
		t.Errorf("deliberate save = %d", r.status)
	}
}

func TestYearEndCriteriaWaitForTheWindow(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	// A future year whose year-end window has not opened.
	execSQL(t, dbURL, `INSERT INTO catalogues (year, year_end_opens) VALUES (2099, '2099-11-01')`)
	execSQL(t, dbURL, `INSERT INTO criteria (year, number, group_code, group_vi, group_en, title_vi, title_en, kind, unit, comparator, threshold, scale, year_end)
		SELECT 2099, number, group_code, group_vi, group_en, title_vi, title_en, kind, unit, comparator, threshold, scale, year_end FROM criteria WHERE year = 2022`)
	// Kiến Hưng, which carries code 09552 from 1 July 2025, registered for it.
	execSQL(t, dbURL, `INSERT INTO registrations (year, ward_id, level) VALUES (2099, unit_in_year('09552', 2099), 'ministry')`)
	execSQL(t, dbURL, `INSERT INTO users (username, full_name, role, unit_id, password_hash)
		SELECT 'kienhung', 'Công an phường Kiến Hưng', 'ward_officer', unit_in_year('09552', 2099), password_hash FROM users WHERE username = 'phula'`)
	later := signIn(t, srv, "kienhung")
	c := signIn(t, srv, "phula")
	r := get(t, later, srv.URL+"/2099/wards/09552/criteria/1")
	mustContain(t, "closed year-end criterion", r.body, "Chờ đánh giá cuối năm", "được đánh giá (đạt/chưa đạt) từ ngày 01/11/2099")
	r = post(t, later, srv.URL+"/2099/wards/09552/criteria/1", url.Values{"status": {"met"}, "version": {"0"}})
	if r.status != 400 {
		t.Errorf("judging a closed year-end criterion = %d, want 400", r.status)
	}
	mustContain(t, "year-end refusal", r.body, "Tiêu chí cuối năm chưa đến thời điểm đánh giá")
	if r := post(t, later, srv.URL+"/2099/wards/09552/criteria/1", url.Values{"status": {"in_progress"}, "note": {"Đang chuẩn bị"}, "version": {"0"}}); r.status != 303 {
		t.Errorf("work in progress on a year-end criterion = %d", r.status)
	}
	r = get(t, later, srv.URL+"/2099/wards/09552")
	mustContain(t, "ward 2099", r.body, "Tiêu chí cuối năm được đánh giá từ ngày 01/11/2099")
	// In an open year the same criterion is judged.
	if r := post(t, c, srv.URL+"/2022/wards/09552/criteria/1", url.Values{"status": {"met"}, "version": {"0"}}); r.status != 303 {
		t.Errorf("judging an open year-end criterion = %d", r.status)
	}
}

// upload sends the evidence form.
func upload(t *testing.T, c *http.Client, u, filename string, content []byte, title, dated string) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("title", title)
	mw.WriteField("dated", dated)
	if content != nil {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(content)
	}
	mw.Close()
	res, err := c.Post(u, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}

func TestEvidence(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	crit := srv.URL + "/2022/wards/09552/criteria/13"

	r := upload(t, c, crit+"/evidence", "bao-cao.pdf", samplePDF, "Báo cáo kết quả quý III", "2022-09-30")
	if r.status != 303 {
		t.Fatalf("upload = %d: %s", r.status, r.body)
	}
	sum := sha256.Sum256(samplePDF)
	r = get(t, c, crit)
	mustContain(t, "criterion with evidence", r.body, "Đã thêm minh chứng cho tiêu chí 13.", "Báo cáo kết quả quý III", "30/09/2022")
	// The hash is for admins.
	mustContain(t, "admin's criterion page", get(t, signIn(t, srv, "admin"), crit).body, hex.EncodeToString(sum[:]))
	m := regexp.MustCompile(`href="/evidence/([0-9]+)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no download link")
	}
	dl := get(t, c, srv.URL+"/evidence/"+m[1])
	if dl.status != 200 || dl.body != string(samplePDF) || dl.header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") || dl.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %d %v", dl.status, dl.header)
	}
	// The ward page lists it, for the officer and for reviewers.
	mustContain(t, "ward page", get(t, c, srv.URL+"/2022/wards/09552").body, `<a href="/evidence/`+m[1]+`">Báo cáo kết quả quý III</a>`)

	// Who may download: the city, the Ministry; not another ward's officer.
	if r := get(t, signIn(t, srv, "hanoi"), srv.URL+"/evidence/"+m[1]); r.status != 200 {
		t.Errorf("reviewer download = %d", r.status)
	}
	admin := signIn(t, srv, "admin")
	post(t, admin, srv.URL+"/admin/users", url.Values{"username": {"molao"}, "full_name": {"Mộ Lao"}, "role": {"ward_officer"}, "unit": {"00004"}})
	execSQL(t, dbURL, `UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'phula'), must_change_password = false WHERE username = 'molao'`)
	other := signIn(t, srv, "molao")
	if r := get(t, other, srv.URL+"/evidence/"+m[1]); r.status != 403 {
		t.Errorf("another ward's officer downloads = %d, want 403", r.status)
	}
	if r := upload(t, other, crit+"/evidence", "x.pdf", samplePDF, "x", "2022-01-01"); r.status != 403 {
		t.Errorf("another ward's officer uploads = %d, want 403", r.status)
	}
	if r := get(t, c, srv.URL+"/evidence/999999"); r.status != 404 {
		t.Errorf("unknown evidence = %d", r.status)
	}

	// Refusals: a type that lies, too large, a date outside the year, no
	// title, no file. Nothing is written.
	before := evidenceState(t, dbURL)
	big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 20<<20)...)
	for _, tt := range []struct {
		name     string
		filename string
		content  []byte
		title    string
		dated    string
		status   int
		msg      string
	}{
		{"html named pdf", "report.pdf", []byte("<html><script>alert(1)</script></html>"), "x", "2022-03-01", 415, "Chỉ nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX"},
		{"executable", "a.png", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), "x", "2022-03-01", 415, "Chỉ nhận tệp PDF"},
		{"too large", "big.pdf", big, "x", "2022-03-01", 413, "Tệp lớn hơn 20 MB."},
		{"cut short", "half.pdf", samplePDF[:len(samplePDF)-10], "x", "2022-03-01", 400, "Tệp bị thiếu phần cuối"},
		{"title not UTF-8", "a.pdf", samplePDF, "\xff\xfe", "2022-03-01", 400, "Biểu mẫu có ký tự không hợp lệ"},
		{"outside the year", "a.pdf", samplePDF, "x", "2023-12-31", 400, "Ngày của minh chứng phải nằm trong năm đánh giá."},
		{"bad date", "a.pdf", samplePDF, "x", "31.12.2022", 400, "Ngày của minh chứng phải nằm trong năm đánh giá."},
		{"no title", "a.pdf", samplePDF, "", "2022-03-01", 400, "Hãy nhập tên minh chứng"},
		{"no file", "", nil, "x", "2022-03-01", 400, "Hãy chọn một tệp không rỗng."},
		{"empty file", "a.pdf", []byte{}, "x", "2022-03-01", 400, "Hãy chọn một tệp không rỗng."},
	} {
		r := upload(t, c, crit+"/evidence", tt.filename, tt.content, tt.title, tt.dated)
		if r.status != tt.status {
			t.Errorf("%s = %d, want %d", tt.name, r.status, tt.status)
		}
		mustContain(t, tt.name, r.body, tt.msg)
	}
	if evidenceState(t, dbURL) != before {
		t.Error("refused uploads changed the database")
	}

	// Removal keeps the file and says who removed it.
	r = post(t, c, srv.URL+"/2022/wards/09552/evidence/"+m[1]+"/remove", nil)
	if r.status != 303 {
		t.Fatalf("remove = %d", r.status)
	}
	r = get(t, c, crit)
	mustContain(t, "removed evidence", r.body, "Đã gỡ bởi Công an phường Phú La", "Gỡ minh chứng của tiêu chí 13", "Thêm minh chứng cho tiêu chí 13")
	if dl := get(t, c, srv.URL+"/evidence/"+m[1]); dl.status != 200 || dl.body != string(samplePDF) {
		t.Errorf("removed evidence is gone: %d", dl.status)
	}
	if r := post(t, c, srv.URL+"/2022/wards/09552/evidence/"+m[1]+"/remove", nil); r.status != 404 {
		t.Errorf("second removal = %d, want 404", r.status)
	}
}

func TestSubmission(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	base := srv.URL + "/2022/wards/09552"
	// Nothing recorded: nothing to submit.
	if r := post(t, c, base+"/submit", nil); r.status != 409 {
		t.Errorf("submit of nothing = %d, want 409", r.status)
	}
	post(t, c, base+"/criteria/2", url.Values{"status": {"met"}, "version": {"0"}})
	r := get(t, c, base+"/submit")
	mustContain(t, "confirmation", r.body, "Gửi duyệt hồ sơ năm 2022", "Còn 21 tiêu chí chưa được đánh giá",
		"Tỷ lệ khám phá án phạm pháp hình sự", "Xác nhận gửi duyệt")
	if r := post(t, c, base+"/submit", nil); r.status != 303 {
		t.Fatalf("submit = %d", r.status)
	}
	r = get(t, c, base)
	mustContain(t, "after submit", r.body, "Đã gửi duyệt hồ sơ.", ">Đã gửi duyệt</span>", ">Xem</a>")
	if strings.Contains(r.body, "Cập nhật<") || strings.Contains(r.body, "Gửi duyệt…") {
		t.Error("the submitted assessment still offers edits")
	}
	if r := get(t, c, base+"/criteria/2"); strings.Contains(r.body, `name="status"`) || strings.Contains(r.body, `enctype="multipart/form-data"`) {
		t.Error("the submitted criterion still has forms")
	}
	before := evidenceState(t, dbURL)
	for name, r := range map[string]response{
		"save":     post(t, c, base+"/criteria/2", url.Values{"status": {"not_met"}, "version": {"1"}}),
		"bad save": post(t, c, base+"/criteria/13", url.Values{"value": {"abc"}, "version": {"0"}}),
		"upload":   upload(t, c, base+"/criteria/2/evidence", "a.pdf", samplePDF, "x", "2022-03-01"),
		"submit":   post(t, c, base+"/submit", nil),
	} {
		if r.status != 409 {
			t.Errorf("%s after submit = %d, want 409", name, r.status)
		}
	}
	if r := get(t, c, base+"/submit"); r.status != 409 {
		t.Errorf("submit page after submit = %d, want 409", r.status)
	}
	if evidenceState(t, dbURL) != before {
		t.Error("refused changes after submission changed the database")
	}
	r = get(t, c, base+"/history")
	mustContain(t, "timeline", r.body, "Hồ sơ: gửi duyệt", "đang soạn", "đã gửi duyệt")
}
