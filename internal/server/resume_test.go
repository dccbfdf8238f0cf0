package server_test

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"modelward/internal/seed"
)

// endSessions ends every session on the server, as an idle timeout or a
// sign-out on another device does.
func endSessions(t *testing.T, dbURL string) {
	t.Helper()
	execSQL(t, dbURL, `DELETE FROM sessions`)
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)"`)

// hiddenFields reads the hidden inputs of the sign-in form, as a browser
// would send them back.
func hiddenFields(t *testing.T, body string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		v.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

// A form sent after the session ended answers with the sign-in form on the
// spot, carrying what was typed; signing in there sends it.
func TestFormAfterSessionEndedIsSentAfterSignIn(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	base := srv.URL + "/2022/wards/09552"
	endSessions(t, dbURL)

	note := "Số liệu quý III <đã đối chiếu> & \"ký\""
	r := post(t, c, base+"/criteria/13", url.Values{"value": {"91,5"}, "status": {"not_started"}, "note": {note}, "version": {"0"}})
	if r.status != http.StatusUnauthorized {
		t.Fatalf("form without a session = %d, want 401", r.status)
	}
	mustContain(t, "sign-in form for a form", r.body, "Phiên làm việc đã hết hạn", "chưa có gì được lưu",
		`name="username"`, `name="resume" value="/2022/wards/09552/criteria/13"`, "Số liệu quý III &lt;đã đối chiếu&gt;")
	if n := queryInt(t, dbURL, `SELECT count(*) FROM results WHERE note = $1`, note); n != 0 {
		t.Fatalf("the form was saved without a session: %d rows", n)
	}

	// A wrong password keeps what was carried.
	form := hiddenFields(t, r.body)
	form.Set("username", "phula")
	form.Set("password", "wrong-password")
	r = post(t, c, srv.URL+"/login", form)
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, `name="resume.note"`) {
		t.Fatalf("wrong password = %d; the carried form must stay on the page", r.status)
	}

	form = hiddenFields(t, r.body)
	form.Set("username", "phula")
	form.Set("password", seed.DemoPassword)
	r = post(t, c, srv.URL+"/login", form)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/2022/wards/09552#c13" {
		t.Fatalf("sign in with the carried form = %d %q, want 303 to the saved criterion", r.status, r.header.Get("Location"))
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM results WHERE note = $1 AND value = 91.5`, note); n != 1 {
		t.Errorf("the carried form was not saved: %d rows", n)
	}
	mustContain(t, "ward page after the carried save", get(t, c, base).body, "Đã lưu tiêu chí 13")
}

// The carried form keeps its version: if someone saved in between, the
// save after sign-in is a conflict showing both values, not an overwrite.
func TestCarriedFormKeepsItsVersion(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	base := srv.URL + "/2022/wards/09552"
	endSessions(t, dbURL)
	r := post(t, c, base+"/criteria/13", url.Values{"value": {"80"}, "note": {"bản của tôi"}, "version": {"0"}})
	if r.status != http.StatusUnauthorized {
		t.Fatalf("form without a session = %d", r.status)
	}
	other := signIn(t, srv, "phula")
	if r := post(t, other, base+"/criteria/13", url.Values{"value": {"95"}, "note": {"bản khác"}, "version": {"0"}}); r.status != 303 {
		t.Fatalf("save on another device = %d", r.status)
	}
	form := hiddenFields(t, r.body)
	form.Set("username", "phula")
	form.Set("password", seed.DemoPassword)
	r = post(t, c, srv.URL+"/login", form)
	if r.status != http.StatusConflict {
		t.Fatalf("carried stale form = %d, want 409", r.status)
	}
	mustContain(t, "conflict after sign-in", r.body, "bản của tôi", "bản khác")
	if n := queryInt(t, dbURL, `SELECT count(*) FROM results WHERE note = 'bản khác'`); n != 1 {
		t.Error("the carried stale form overwrote the other save")
	}
}

// An upload's file cannot be carried: the sign-in says so, and after it
// the criterion page asks for the file again with the typed title kept.
func TestCarriedUploadAsksForTheFileAgain(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	endSessions(t, dbURL)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("title", "Biên bản kiểm tra tháng 11")
	_ = mw.WriteField("dated", "2022-11-20")
	fw, _ := mw.CreateFormFile("file", "bien-ban.pdf")
	_, _ = fw.Write([]byte("%PDF-1.4\n%%EOF\n"))
	_ = mw.Close()
	res, err := c.Post(srv.URL+"/2022/wards/09552/criteria/2/evidence", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	r := read(t, res)
	if r.status != http.StatusUnauthorized {
		t.Fatalf("upload without a session = %d", r.status)
	}
	mustContain(t, "sign-in for an upload", r.body, "Biên bản kiểm tra tháng 11", "hãy chọn lại tệp", `name="resume_multipart" value="1"`)
	form := hiddenFields(t, r.body)
	form.Set("username", "phula")
	form.Set("password", seed.DemoPassword)
	r = post(t, c, srv.URL+"/login", form)
	if r.status != http.StatusBadRequest {
		t.Fatalf("carried upload = %d, want 400 asking for the file", r.status)
	}
	mustContain(t, "criterion page after the carried upload", r.body, "Hãy chọn một tệp", `value="Biên bản kiểm tra tháng 11"`, `value="2022-11-20"`)
}

// A page asked for without a session says why on the sign-in page, and
// signing in returns to it.
func TestSignInSaysWhyAndReturns(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	endSessions(t, dbURL)
	r := get(t, c, srv.URL+"/2022/wards/09552/criteria/3")
	loc := r.header.Get("Location")
	if r.status != 303 || !strings.Contains(loc, "expired=1") {
		t.Fatalf("page after the session ended = %d %q", r.status, loc)
	}
	mustContain(t, "sign-in page after expiry", get(t, c, srv.URL+loc).body, "Phiên làm việc đã hết hạn", `value="/2022/wards/09552/criteria/3"`)
	mustContain(t, "sign-in page for a fresh visitor", get(t, nil, srv.URL+"/login?next=/2022/wards/09552").body, "Hãy đăng nhập để mở trang này")
	r = post(t, c, srv.URL+"/login", url.Values{"username": {"phula"}, "password": {seed.DemoPassword}, "next": {"/2022/wards/09552/criteria/3"}})
	if r.header.Get("Location") != "/2022/wards/09552/criteria/3" {
		t.Errorf("sign in returns to %q", r.header.Get("Location"))
	}
}

// A carried form can only be sent to this site's own pages.
func TestCarriedFormStaysOnThisSite(t *testing.T) {
	srv := newPortal(t)
	for _, action := range []string{"//evil.example/x", "https://evil.example/", "/logout", "/login"} {
		r := post(t, newClient(), srv.URL+"/login", url.Values{"username": {"phula"}, "password": {seed.DemoPassword},
			"resume": {action}, "resume.note": {"x"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Errorf("resume to %q = %d %q, want a plain sign-in", action, r.status, r.header.Get("Location"))
		}
	}
}
