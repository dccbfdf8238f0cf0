package server_test

import (
	"net/url"
	"strings"
	"testing"

	"modelward/internal/seed"
)

// A user changes their own password on /me: the current one, the new one
// twice. Refusals say which field and change nothing.
func TestUserChangesOwnPassword(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	mustContain(t, "/me", get(t, c, srv.URL+"/me").body, `action="/me/password"`, `name="current_password"`, `name="new_password_again"`)

	const fresh = "một câu dễ nhớ 2026"
	before := dbState(t, dbURL)
	for name, tt := range map[string]struct {
		form url.Values
		id   string
		msg  string
	}{
		"wrong current":  {url.Values{"current_password": {"not-it-at-all"}, "new_password": {fresh}, "new_password_again": {fresh}}, "pw-current", "Mật khẩu hiện tại không đúng."},
		"no current":     {url.Values{"new_password": {fresh}, "new_password_again": {fresh}}, "pw-current", "Hãy nhập mật khẩu hiện tại."},
		"too short":      {url.Values{"current_password": {seed.DemoPassword}, "new_password": {"ngắn lắm nhé"}, "new_password_again": {"ngắn lắm nhé"}}, "pw-new", "cần từ 14 ký tự"},
		"too long":       {url.Values{"current_password": {seed.DemoPassword}, "new_password": {strings.Repeat("ư", 40)}, "new_password_again": {strings.Repeat("ư", 40)}}, "pw-new", "dài quá 72 byte"},
		"common":         {url.Values{"current_password": {seed.DemoPassword}, "new_password": {"Password12345!"}, "new_password_again": {"Password12345!"}}, "pw-new", "quá dễ đoán"},
		"a keyboard run": {url.Values{"current_password": {seed.DemoPassword}, "new_password": {"qwertyuiop1234"}, "new_password_again": {"qwertyuiop1234"}}, "pw-new", "quá dễ đoán"},
		"own name":       {url.Values{"current_password": {seed.DemoPassword}, "new_password": {"phulaphula123456"}, "new_password_again": {"phulaphula123456"}}, "pw-new", "quá dễ đoán"},
		"same":           {url.Values{"current_password": {seed.DemoPassword}, "new_password": {seed.DemoPassword}, "new_password_again": {seed.DemoPassword}}, "pw-new", "phải khác mật khẩu hiện tại"},
		"mismatch":       {url.Values{"current_password": {seed.DemoPassword}, "new_password": {fresh}, "new_password_again": {fresh + "!"}}, "pw-again", "không khớp nhau"},
	} {
		r := post(t, c, srv.URL+"/me/password", tt.form)
		if r.status != 400 {
			t.Errorf("%s = %d, want 400", name, r.status)
		}
		mustContain(t, name, r.body, `href="#`+tt.id+`"`, tt.msg)
		if strings.Contains(r.body, fresh) {
			t.Errorf("%s echoes a password back", name)
		}
	}
	// The failed guess at the current password is counted as a failed sign-in.
	if n := countAudit(t, dbURL, "sign_in_failed", "phula"); n != 1 {
		t.Errorf("%d failed attempts recorded, want 1", n)
	}
	if dbState(t, dbURL) != before {
		t.Error("refused password changes changed the database")
	}

	r := post(t, c, srv.URL+"/me/password", url.Values{"current_password": {seed.DemoPassword}, "new_password": {fresh}, "new_password_again": {fresh}})
	if r.status != 303 || r.header.Get("Location") != "/me" {
		t.Fatalf("change = %d %q", r.status, r.header.Get("Location"))
	}
	mustContain(t, "/me after the change", get(t, c, srv.URL+"/me").body, "Đã đổi mật khẩu.")
	if countAudit(t, dbURL, "user_password", "phula") != 1 {
		t.Error("the change is not audited")
	}
	if r := post(t, newClient(), srv.URL+"/login", url.Values{"username": {"phula"}, "password": {seed.DemoPassword}}); r.status != 401 {
		t.Errorf("the old password still signs in: %d", r.status)
	}
	if r := post(t, newClient(), srv.URL+"/login", url.Values{"username": {"phula"}, "password": {fresh}}); r.status != 303 {
		t.Errorf("the new password does not sign in: %d", r.status)
	}
}
