package server_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// postCriterion sends the criterion's form as the page does, multipart,
// with a file when content is not nil (an empty file part otherwise, as a
// browser sends when none is chosen).
func postCriterion(t *testing.T, c *http.Client, u string, fields map[string]string, filename string, content []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", filename)
	if content != nil {
		_, _ = fw.Write(content)
	}
	_ = mw.Close()
	res, err := c.Post(u, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}

// The criterion's form saves the figures, the note and a file in one go:
// both are saved, or, when the file is refused, neither, and everything
// typed comes back.
func TestCriterionFormSavesFiguresAndFileTogether(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	crit := srv.URL + "/2022/wards/09552/criteria/13"

	// A file dated outside the year: refused with the figures, which come
	// back as typed, and nothing is saved.
	before := dbState(t, dbURL)
	r := postCriterion(t, c, crit, map[string]string{"status": "in_progress", "value": "91,5", "note": "Số liệu đến hết quý III",
		"version": "0", "title": "Báo cáo quý III", "dated": "2021-09-30"}, "bao-cao.pdf", samplePDF)
	if r.status != http.StatusBadRequest {
		t.Fatalf("a file dated outside the year = %d, want 400", r.status)
	}
	mustContain(t, "refused save", r.body, `href="#u-dated"`, `value="91,5"`, "Số liệu đến hết quý III</textarea>",
		`value="Báo cáo quý III"`, "hãy chọn lại tệp")
	if dbState(t, dbURL) != before {
		t.Fatal("a refused save with a file changed the database")
	}

	// A title typed without a file is a file forgotten.
	r = postCriterion(t, c, crit, map[string]string{"status": "in_progress", "value": "91,5", "note": "x", "version": "0",
		"title": "Báo cáo quý III", "dated": "2022-09-30"}, "", nil)
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `href="#u-file"`) {
		t.Errorf("a title without a file = %d, want 400 naming the file", r.status)
	}

	// Figures, note and file in one save.
	r = postCriterion(t, c, crit, map[string]string{"status": "in_progress", "value": "91,5", "note": "Số liệu đến hết quý III",
		"version": "0", "title": "Báo cáo quý III", "dated": "2022-09-30"}, "bao-cao.pdf", samplePDF)
	if r.status != http.StatusSeeOther {
		t.Fatalf("a save with a file = %d: %s", r.status, r.body)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM results r JOIN assessments a ON a.id = r.assessment_id
		WHERE a.year = 2022 AND r.number = 13 AND r.value = 91.5 AND r.note = 'Số liệu đến hết quý III'`); n != 1 {
		t.Errorf("the figures were not saved with the file (%d rows)", n)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM evidence WHERE year = 2022 AND number = 13 AND title = 'Báo cáo quý III'`); n != 1 {
		t.Errorf("the file was not saved with the figures (%d)", n)
	}

	// Without a file, the form saves the figures alone.
	r = postCriterion(t, c, crit, map[string]string{"status": "met", "value": "92", "note": "Cả năm", "version": "1",
		"title": "", "dated": ""}, "", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("a save without a file = %d: %s", r.status, r.body)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM evidence WHERE year = 2022 AND number = 13`); n != 1 {
		t.Errorf("a save without a file added one (%d files)", n)
	}
}

// From one criterion to the next: links to the criteria before and after,
// and "save and go on" that lands on the next one with the confirmation;
// while a return names some criteria, only those are stepped through.
func TestCriterionStepsToTheNext(t *testing.T) {
	srv, _ := newPortalDB(t)
	c := signIn(t, srv, "phula")
	ward := srv.URL + "/2022/wards/09552"
	page := get(t, c, ward+"/criteria/2").body
	mustContain(t, "criterion 2", page, `href="/2022/wards/09552/criteria/1" rel="prev"`, `href="/2022/wards/09552/criteria/3" rel="next"`,
		`name="then" value="next"`, "Lưu và sang tiêu chí 3")
	if strings.Contains(get(t, c, ward+"/criteria/22").body, `name="then"`) {
		t.Error("the last criterion offers to go on to a next one")
	}
	r := postCriterion(t, c, ward+"/criteria/2", map[string]string{"status": "met", "note": "Có nghị quyết", "version": "0", "then": "next"}, "", nil)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/2022/wards/09552/criteria/3" {
		t.Fatalf("save and go on = %d to %q", r.status, r.header.Get("Location"))
	}
	mustContain(t, "the next criterion", get(t, c, ward+"/criteria/3").body, "Đã lưu tiêu chí 2: đạt.")
}

// Before submitting, the officer sees which criteria are judged not met,
// and that with them the ward cannot be recognised this year.
func TestSubmitPageSaysWhatIsNotMet(t *testing.T) {
	srv, _ := newPortalDB(t)
	c := signIn(t, srv, "phula")
	ward := srv.URL + "/2022/wards/09552"
	if r := postCriterion(t, c, ward+"/criteria/2", map[string]string{"status": "not_met", "note": "Chưa có nghị quyết", "version": "0"}, "", nil); r.status != 303 {
		t.Fatalf("save = %d: %s", r.status, r.body)
	}
	page := get(t, c, ward+"/submit").body
	mustContain(t, "submit page", page, `id="not-met"`, "1 tiêu chí được đánh giá chưa đạt:", "2. Cấp ủy và chính quyền phường",
		"Với kết quả này, phường chưa đủ điều kiện được công nhận năm 2022.")
}

// An officer's criterion page names a file by its type and size; the
// SHA-256 is shown to admins only (and kept in the dossier).
func TestFileHashForAdminsOnly(t *testing.T) {
	srv, _ := newPortalDB(t)
	officer := signIn(t, srv, "phula")
	crit := srv.URL + "/2022/wards/09552/criteria/13"
	if r := upload(t, officer, crit+"/evidence", "bc.pdf", samplePDF, "Báo cáo quý III", "2022-09-30"); r.status != 303 {
		t.Fatalf("upload = %d", r.status)
	}
	page := get(t, officer, crit).body
	mustContain(t, "officer's page", page, "Báo cáo quý III", "PDF")
	if strings.Contains(page, "SHA-256") {
		t.Error("the officer is shown the file's SHA-256")
	}
	mustContain(t, "admin's page", get(t, signIn(t, srv, "admin"), crit).body, `SHA-256: <code class="sha">`)
}
