package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// A user gives their own address on /me; it is theirs once they open the
// link mailed to it. They may turn notices by mail off; then a notice
// queues no mail.
func TestOwnEmailIsConfirmedByLink(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	c := signIn(t, srv, "phula")
	mustContain(t, "/me", get(t, c, srv.URL+"/me").body, `action="/me/email"`, "Chưa có địa chỉ thư")
	before := dbState(t, dbURL)
	if r := post(t, c, srv.URL+"/me/email", url.Values{"email": {"không phải địa chỉ"}}); r.status != http.StatusBadRequest {
		t.Errorf("a bad address = %d, want 400", r.status)
	} else {
		mustContain(t, "bad address", r.body, "Địa chỉ thư không hợp lệ", `value="không phải địa chỉ"`)
	}
	if dbState(t, dbURL) != before || queryInt(t, dbURL, `SELECT count(*) FROM mail_outbox`) != 0 {
		t.Error("a refused address changed something")
	}
	if r := post(t, c, srv.URL+"/me/email", url.Values{"email": {"kienhung@congan.example"}}); r.status != http.StatusSeeOther {
		t.Fatalf("address = %d", r.status)
	}
	mustContain(t, "/me pending", get(t, c, srv.URL+"/me").body, "Đang chờ xác nhận kienhung@congan.example", "Chưa có địa chỉ thư")
	body := queryRow[string](t, dbURL, `SELECT body_text FROM mail_outbox WHERE to_addr = 'kienhung@congan.example'`)
	m := regexp.MustCompile(`https?://[^/]+(/me/email/confirm\?token=[A-Za-z0-9_-]+)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in the confirmation mail: %q", body)
	}
	if r := get(t, c, srv.URL+"/me/email/confirm?token=wrong"); r.status != http.StatusBadRequest {
		t.Errorf("a wrong token = %d, want 400", r.status)
	}
	if r := get(t, signIn(t, srv, "hanoi"), srv.URL+m[1]); r.status != http.StatusBadRequest {
		t.Errorf("another user opens the link = %d, want 400", r.status)
	}
	if r := get(t, c, srv.URL+m[1]); r.status != http.StatusSeeOther {
		t.Fatalf("confirm = %d", r.status)
	}
	mustContain(t, "/me confirmed", get(t, c, srv.URL+"/me").body, "Đã xác nhận địa chỉ kienhung@congan.example", "Thông báo được gửi cả qua thư tới kienhung@congan.example")
	if r := get(t, c, srv.URL+m[1]); r.status != http.StatusBadRequest {
		t.Errorf("the link used twice = %d, want 400", r.status)
	}
	if countAudit(t, dbURL, "user_email", "phula") != 1 {
		t.Error("the confirmed address is not audited")
	}

	// A notice now queues a mail; with mail off, none.
	hanoi := signIn(t, srv, "hanoi")
	comment := func() {
		if r := post(t, hanoi, srv.URL+"/2026/wards/09552/criteria/13/comments", url.Values{"body": {"Ý kiến."}}); r.status != http.StatusSeeOther {
			t.Fatalf("comment = %d", r.status)
		}
	}
	comment()
	if n := queryInt(t, dbURL, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'kienhung@congan.example' AND notification_id IS NOT NULL`); n != 1 {
		t.Errorf("%d mails queued for the notice, want 1", n)
	}
	if r := post(t, c, srv.URL+"/me/mail", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("mail off = %d", r.status)
	}
	comment()
	if n := queryInt(t, dbURL, `SELECT count(*) FROM mail_outbox WHERE notification_id IS NOT NULL`); n != 1 {
		t.Errorf("%d mails queued with mail off, want still 1", n)
	}
	if !strings.Contains(get(t, c, srv.URL+"/me").body, "Đã tắt gửi thông báo qua thư.") {
		t.Error("turning mail off is not confirmed")
	}
}
