package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"modelward/internal/seed"
)

// signedIn reports whether c's session still opens a page.
func signedIn(t *testing.T, c *http.Client, base string) bool {
	t.Helper()
	r := get(t, c, base+"/me")
	return r.status == 200
}

// A new password and a disable end every session of the user at once, on
// every device; a user changing their own keeps the session they use.
func TestPasswordsAndDisablesEndSessions(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	admin := signIn(t, srv, "admin")

	a, b := signIn(t, srv, "phula"), signIn(t, srv, "phula")
	if r := post(t, admin, srv.URL+"/admin/users/phula/password", nil); r.status != 200 {
		t.Fatalf("reset = %d", r.status)
	}
	if signedIn(t, a, srv.URL) || signedIn(t, b, srv.URL) {
		t.Error("a session outlived the admin's password reset")
	}
	execSQL(t, dbURL, `UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'hanoi'), must_change_password = false WHERE username = 'phula'`)

	// Changing one's own password keeps this session and ends the others.
	a, b = signIn(t, srv, "phula"), signIn(t, srv, "phula")
	fresh := "một câu dễ nhớ 2026"
	if r := post(t, a, srv.URL+"/me/password", url.Values{"current_password": {seed.DemoPassword}, "new_password": {fresh}, "new_password_again": {fresh}}); r.status != 303 {
		t.Fatalf("own change = %d", r.status)
	}
	if !signedIn(t, a, srv.URL) {
		t.Error("changing one's own password signed out the session that did it")
	}
	if signedIn(t, b, srv.URL) {
		t.Error("a session on another device outlived the password change")
	}
	execSQL(t, dbURL, `UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'hanoi'), must_change_password = false WHERE username = 'phula'`)

	// Disable, then enable, with no request in between: the session is gone.
	c := signIn(t, srv, "phula")
	for _, active := range []string{"false", "true"} {
		if r := post(t, admin, srv.URL+"/admin/users/phula/active", url.Values{"active": {active}}); r.status != 303 {
			t.Fatalf("active=%s = %d", active, r.status)
		}
	}
	if signedIn(t, c, srv.URL) {
		t.Error("a session came back after disable and enable")
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM sessions`); n > 3 {
		t.Errorf("%d session rows left behind", n)
	}
}

// Users see their open sessions on /me and end them; an admin signs a
// user out everywhere.
func TestUsersSeeAndEndTheirSessions(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	phone := newClient()
	r := postUA(t, phone, srv.URL+"/login", url.Values{"username": {"phula"}, "password": {seed.DemoPassword}},
		"Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36")
	if r.status != 303 {
		t.Fatalf("sign in = %d", r.status)
	}
	laptop := signIn(t, srv, "phula")
	page := get(t, laptop, srv.URL+"/me").body
	mustContain(t, "/me", page, `id="sessions"`, "Chrome · Android", "phiên này", "127.0.0.1", `action="/me/sessions/others/end"`)
	m := regexp.MustCompile(`action="(/me/sessions/[0-9]+/end)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no form to end the other session")
	}
	// Another user's session cannot be ended through one's own page.
	other := signIn(t, srv, "hanoi")
	if r := post(t, other, srv.URL+m[1], nil); r.status != 404 {
		t.Errorf("ending someone else's session = %d, want 404", r.status)
	}
	if !signedIn(t, phone, srv.URL) {
		t.Fatal("another user ended phula's session")
	}
	if r := post(t, laptop, srv.URL+m[1], nil); r.status != 303 {
		t.Fatalf("end the phone's session = %d", r.status)
	}
	if signedIn(t, phone, srv.URL) || !signedIn(t, laptop, srv.URL) {
		t.Error("ending the phone's session did not end it alone")
	}

	// The admin signs phula out everywhere.
	admin := signIn(t, srv, "admin")
	mustContain(t, "user list", get(t, admin, srv.URL+"/admin/users").body, `action="/admin/users/phula/sessions/end"`)
	if r := post(t, admin, srv.URL+"/admin/users/phula/sessions/end", nil); r.status != 303 {
		t.Fatalf("end all = %d", r.status)
	}
	if signedIn(t, laptop, srv.URL) {
		t.Error("the admin's 'sign out everywhere' left a session")
	}
	if countAudit(t, dbURL, "sessions_end", "phula") != 2 {
		t.Error("ending sessions is not audited")
	}
}

// postUA posts a form as a browser with the given User-Agent.
func postUA(t *testing.T, c *http.Client, u string, form url.Values, ua string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", ua)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}
