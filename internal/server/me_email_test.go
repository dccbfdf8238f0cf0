package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"modelward/internal/seed"
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
	// A session alone cannot change the address: the password first.
	for _, pw := range []string{"", "not the password"} {
		r := post(t, c, srv.URL+"/me/email", url.Values{"email": {"kienhung@congan.example"}, "current_password": {pw}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `value="kienhung@congan.example"`) {
			t.Errorf("a change with password %q = %d, want 400 keeping the address typed", pw, r.status)
		}
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM mail_outbox`); n != 0 {
		t.Fatalf("%d mails queued without the password", n)
	}
	// The link is built from BASE_URL (unset here: a relative link),
	// never from the Host header the request came with.
	if r := post(t, c, srv.URL+"/me/email", url.Values{"email": {"kienhung@congan.example"}, "current_password": {seed.DemoPassword}}); r.status != http.StatusSeeOther {
		t.Fatalf("address = %d", r.status)
	}
	mustContain(t, "/me pending", get(t, c, srv.URL+"/me").body, "Đang chờ xác nhận kienhung@congan.example", "Chưa có địa chỉ thư")
	body := queryRow[string](t, dbURL, `SELECT body_text FROM mail_outbox WHERE to_addr = 'kienhung@congan.example'`)
	if host := strings.TrimPrefix(srv.URL, "http://"); strings.Contains(body, host) {
		t.Errorf("the mail links to the Host the request named (%s): %q", host, body)
	}
	m := regexp.MustCompile(`(/me/email/confirm\?token=[A-Za-z0-9_-]+)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in the confirmation mail: %q", body)
	}
	// Opened signed out, the link leads to the sign-in page without its
	// token in the address, and confirms once the user has signed in.
	out := newClient()
	r := get(t, out, srv.URL+m[1])
	if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || strings.Contains(loc, "token") || !strings.HasPrefix(loc, "/login") {
		t.Errorf("the link opened signed out = %d to %q", r.status, loc)
	}
	if r := get(t, c, srv.URL+"/me/email/confirm?token=wrong"); r.status != http.StatusBadRequest {
		t.Errorf("a wrong token = %d, want 400", r.status)
	}
	if r := get(t, signIn(t, srv, "hanoi"), srv.URL+m[1]); r.status != http.StatusBadRequest {
		t.Errorf("another user opens the link = %d, want 400", r.status)
	}
	r = post(t, out, srv.URL+"/login", url.Values{"username": {"phula"}, "password": {seed.DemoPassword}, "next": {"/me/email/confirm"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/me/email/confirm" {
		t.Fatalf("sign-in from the link = %d to %q", r.status, r.header.Get("Location"))
	}
	if r := get(t, out, srv.URL+"/me/email/confirm"); r.status != http.StatusSeeOther {
		t.Fatalf("confirm after signing in = %d", r.status)
	}
	mustContain(t, "/me confirmed", get(t, out, srv.URL+"/me").body, "Đã xác nhận địa chỉ kienhung@congan.example", "Thông báo được gửi cả qua thư tới kienhung@congan.example")
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

// A user may have three confirmation mails sent an hour, to any address:
// the fourth is refused, saying why, and queues nothing.
func TestConfirmationMailsAreLimited(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	c := signIn(t, srv, "phula")
	for i := range 4 {
		r := post(t, c, srv.URL+"/me/email", url.Values{"email": {itoa(i) + "@nguoi-la.example"}, "current_password": {seed.DemoPassword}})
		want := http.StatusSeeOther
		if i == 3 {
			want = http.StatusTooManyRequests
		}
		if r.status != want {
			t.Fatalf("request %d = %d, want %d", i+1, r.status, want)
		}
		if i == 3 {
			mustContain(t, "limited", r.body, "Bạn đã yêu cầu 3 thư xác nhận trong một giờ")
		}
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM mail_outbox`); n != 3 {
		t.Errorf("%d mails queued, want 3", n)
	}
}
