package server_test

import (
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"modelward/internal/assess"
	"modelward/internal/seed"
	"modelward/internal/server"
	"modelward/internal/store"
	"modelward/internal/testdb"
)

// codeAt is secret's code at t, as an authenticator app shows it.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := assess.FactorCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The Ministry and admins sign in in two steps: the password, then the
// code of their authenticator app (the demo's secret is published). A
// wrong code, or a right one used a second time, does not sign in.
func TestSecondFactorSignIn(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	c := newClient()
	r := post(t, c, srv.URL+"/login", url.Values{"username": {"bocongan"}, "password": {seed.DemoPassword}, "next": {"/2026/units/VN"}})
	if r.status != http.StatusOK {
		t.Fatalf("right password = %d, want 200 with the code form", r.status)
	}
	mustContain(t, "code form", r.body, `action="/login/code"`, `name="code"`, `autocomplete="one-time-code"`,
		`name="next" value="/2026/units/VN"`, "Xác thực hai lớp", "Mật khẩu đúng.")
	if signedIn(t, c, srv.URL) {
		t.Fatal("the password alone signed in")
	}
	if n := countAudit(t, dbURL, "sign_in", "bocongan"); n != 0 {
		t.Errorf("%d sign-ins audited after the password alone", n)
	}

	for _, wrong := range []string{"000000", "12345", "abcde-fghij"} {
		r = post(t, c, srv.URL+"/login/code", url.Values{"code": {wrong}, "next": {"/2026/units/VN"}})
		if r.status != http.StatusUnauthorized {
			t.Errorf("code %q = %d, want 401", wrong, r.status)
		}
		mustContain(t, "wrong code", r.body, "Mã không đúng", `action="/login/code"`)
	}
	if n := countAudit(t, dbURL, "sign_in_code_failed", "bocongan"); n != 3 {
		t.Errorf("%d failed codes audited, want 3", n)
	}

	code := codeAt(t, seed.DemoFactorSecret, testNow())
	r = post(t, c, srv.URL+"/login/code", url.Values{"code": {code}, "next": {"/2026/units/VN"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/2026/units/VN" {
		t.Fatalf("right code = %d %q, want 303 to where the user was going", r.status, r.header.Get("Location"))
	}
	if !signedIn(t, c, srv.URL) || countAudit(t, dbURL, "sign_in", "bocongan") != 1 {
		t.Fatal("the right code did not sign in")
	}

	// The same code, seen over a shoulder, does not sign in elsewhere.
	other := newClient()
	post(t, other, srv.URL+"/login", url.Values{"username": {"bocongan"}, "password": {seed.DemoPassword}})
	if r := post(t, other, srv.URL+"/login/code", url.Values{"code": {code}}); r.status != http.StatusUnauthorized {
		t.Errorf("a used code again = %d, want 401", r.status)
	}
	// Nor does a code without the password first.
	fresh := newClient()
	if r := post(t, fresh, srv.URL+"/login/code", url.Values{"code": {codeAt(t, seed.DemoFactorSecret, testNow().Add(30*time.Second))}}); r.status != http.StatusUnauthorized || signedIn(t, fresh, srv.URL) {
		t.Errorf("a code without a password = %d", r.status)
	} else {
		mustContain(t, "code without password", r.body, `action="/login"`, "phải đăng nhập lại từ đầu")
	}
	// Officers and reviewers need no code unless they choose one.
	if r := post(t, newClient(), srv.URL+"/login", url.Values{"username": {"hanoi"}, "password": {seed.DemoPassword}}); r.status != http.StatusSeeOther {
		t.Errorf("a reviewer's password = %d, want 303 (no second step)", r.status)
	}
}

// Codes are guesses like passwords: five wrong ones pause the account,
// even for the right code after them.
func TestFactorCodesAreThrottled(t *testing.T) {
	srv, _ := newPortalDemo(t)
	c := newClient()
	post(t, c, srv.URL+"/login", url.Values{"username": {"admin"}, "password": {seed.DemoPassword}})
	for i := range 5 {
		if r := post(t, c, srv.URL+"/login/code", url.Values{"code": {"00000" + itoa(i)}}); r.status != http.StatusUnauthorized {
			t.Fatalf("wrong code %d = %d", i, r.status)
		}
	}
	r := post(t, c, srv.URL+"/login/code", url.Values{"code": {codeAt(t, seed.DemoFactorSecret, testNow())}})
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("sixth code = %d, want 429 with Retry-After", r.status)
	}
	mustContain(t, "throttled code", r.body, "tạm thời bị chặn")
	if signedIn(t, c, srv.URL) {
		t.Error("signed in while throttled")
	}
}

// movingClock is a test clock that can be moved forward.
type movingClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *movingClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.at }
func (c *movingClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}

// The code must follow the password within five minutes.
func TestFactorStepExpires(t *testing.T) {
	st, _ := testdb.Open(t, true)
	clock := &movingClock{at: testNow()}
	srv := servePortal(t, server.Config{Store: st, Demo: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock.now})
	c := newClient()
	post(t, c, srv.URL+"/login", url.Values{"username": {"admin"}, "password": {seed.DemoPassword}})
	clock.advance(6 * time.Minute)
	r := post(t, c, srv.URL+"/login/code", url.Values{"code": {codeAt(t, seed.DemoFactorSecret, clock.now())}})
	if r.status != http.StatusUnauthorized || signedIn(t, c, srv.URL) {
		t.Fatalf("a code six minutes after the password = %d, want 401", r.status)
	}
	mustContain(t, "expired second step", r.body, "quá 5 phút", `action="/login"`)
}

var recoveryCode = regexp.MustCompile(`<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>`)

// An admin resets the factor of a user who lost their phone: the user's
// sessions end, and their next sign-in sets up a new one (QR code drawn on
// the server, the secret in text, one code to confirm), with ten recovery
// codes shown once. A recovery code stands in for a code, once.
func TestFactorResetAndSetUp(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	lost := signIn(t, srv, "bocongan")
	admin := signIn(t, srv, "admin")
	mustContain(t, "users list", get(t, admin, srv.URL+"/admin/users").body, `href="/admin/users/bocongan/factor"`, "Đặt lại xác thực hai lớp")
	if r := post(t, signIn(t, srv, "hanoi"), srv.URL+"/admin/users/bocongan/factor", nil); r.status != http.StatusForbidden {
		t.Errorf("a reviewer resets a factor = %d, want 403", r.status)
	}
	r := get(t, admin, srv.URL+"/admin/users/bocongan/factor")
	mustContain(t, "confirm reset", r.body, "Đặt lại xác thực hai lớp của bocongan?", "mất điện thoại", `action="/admin/users/bocongan/factor"`)
	if r := post(t, admin, srv.URL+"/admin/users/bocongan/factor", nil); r.status != http.StatusSeeOther {
		t.Fatalf("reset = %d", r.status)
	}
	if countAudit(t, dbURL, "factor_reset", "bocongan") != 1 {
		t.Error("the reset is not audited")
	}
	if signedIn(t, lost, srv.URL) {
		t.Error("a session survived the reset of the factor")
	}
	if r := get(t, admin, srv.URL+"/admin/users/bocongan/factor"); r.status != http.StatusConflict {
		t.Errorf("reset of a factor that is gone = %d, want 409", r.status)
	}

	c := newClient()
	r = post(t, c, srv.URL+"/login", url.Values{"username": {"bocongan"}, "password": {seed.DemoPassword}})
	if r.status != http.StatusOK {
		t.Fatalf("password of a user who must set up a factor = %d", r.status)
	}
	mustContain(t, "set-up", r.body, "Thiết lập xác thực hai lớp", "bắt buộc dùng xác thực hai lớp", `<svg`, `class="qr"`, `id="factor-app-link" href="otpauth://totp/`,
		`action="/login/enrol"`, `name="code"`, "Tài khoản: bocongan")
	secret := secretShown(t, r.body)
	if signedIn(t, c, srv.URL) {
		t.Fatal("signed in before the set-up is confirmed")
	}
	r = post(t, c, srv.URL+"/login/enrol", url.Values{"code": {"000000"}})
	if r.status != http.StatusUnauthorized || secretShown(t, r.body) != secret {
		t.Fatalf("a wrong first code = %d; the same secret must stay on the page", r.status)
	}
	r = post(t, c, srv.URL+"/login/enrol", url.Values{"code": {codeAt(t, secret, testNow())}})
	if r.status != http.StatusOK {
		t.Fatalf("the first code = %d", r.status)
	}
	codes := recoveryCode.FindAllStringSubmatch(r.body, -1)
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown, want 10", len(codes))
	}
	mustContain(t, "recovery codes", r.body, "Đã bật xác thực hai lớp.", "chỉ hiện lần này", `href="/"`)
	if !signedIn(t, c, srv.URL) || countAudit(t, dbURL, "factor_enrol", "bocongan") != 1 {
		t.Fatal("the set-up did not sign in, or is not audited")
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = 'factor_enrol' AND after::text LIKE '%`+secret+`%'`); n != 0 {
		t.Error("the audit log holds the secret")
	}

	// A lost phone: a recovery code, once.
	use := func(code string) response {
		c := newClient()
		r := post(t, c, srv.URL+"/login", url.Values{"username": {"bocongan"}, "password": {seed.DemoPassword}})
		mustContain(t, "code form after set-up", r.body, `action="/login/code"`)
		return post(t, c, srv.URL+"/login/code", url.Values{"code": {strings.ToUpper(code)}})
	}
	r = use(codes[3][1])
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/me#factor" {
		t.Fatalf("a recovery code = %d %q, want 303 to /me#factor", r.status, r.header.Get("Location"))
	}
	if r := use(codes[3][1]); r.status != http.StatusUnauthorized {
		t.Errorf("a recovery code again = %d, want 401", r.status)
	}
	if countAudit(t, dbURL, "recovery_code_used", "bocongan") != 1 {
		t.Error("the recovery code is not audited")
	}
	// The old demo secret no longer works.
	c = newClient()
	post(t, c, srv.URL+"/login", url.Values{"username": {"bocongan"}, "password": {seed.DemoPassword}})
	if r := post(t, c, srv.URL+"/login/code", url.Values{"code": {codeAt(t, seed.DemoFactorSecret, testNow().Add(30*time.Second))}}); r.status != http.StatusUnauthorized {
		t.Errorf("the secret from before the reset = %d, want 401", r.status)
	}
}

// Other roles may choose a second factor on /me, and turn it off; the
// roles that must use one cannot.
func TestOptionalFactorFromMe(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	mustContain(t, "/me without factor", get(t, c, srv.URL+"/me").body, "Chưa bật", `href="/me/factor"`)
	r := get(t, c, srv.URL+"/me/factor")
	mustContain(t, "set-up from /me", r.body, `action="/me/factor"`, `class="qr"`)
	if strings.Contains(r.body, "bắt buộc") {
		t.Error("an officer is told the factor is required")
	}
	secret := secretShown(t, r.body)
	mustContain(t, "set-up asks for the password", r.body, `name="current_password"`)
	if r := post(t, c, srv.URL+"/me/factor", url.Values{"code": {"000000"}, "current_password": {seed.DemoPassword}}); r.status != http.StatusBadRequest {
		t.Errorf("wrong code = %d, want 400", r.status)
	}
	// A session alone cannot set a factor up: the password first.
	for _, pw := range []string{"", "not the password"} {
		r := post(t, c, srv.URL+"/me/factor", url.Values{"code": {codeAt(t, secret, testNow())}, "current_password": {pw}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "Mật khẩu hiện tại") {
			t.Errorf("set-up with password %q = %d, want 400 on the password", pw, r.status)
		}
	}
	if queryInt(t, dbURL, `SELECT count(*) FROM users WHERE username = 'phula' AND totp_secret IS NOT NULL`) != 0 {
		t.Fatal("a factor was set up without the password")
	}
	r = post(t, c, srv.URL+"/me/factor", url.Values{"code": {codeAt(t, secret, testNow())}, "current_password": {seed.DemoPassword}})
	if n := len(recoveryCode.FindAllString(r.body, -1)); r.status != http.StatusOK || n != 10 {
		t.Fatalf("set-up = %d with %d codes", r.status, n)
	}
	mustContain(t, "/me with factor", get(t, c, srv.URL+"/me").body, "Đang bật", "Còn 10 mã dự phòng")

	// Now phula's sign-in asks for a code; a form carried over an ended
	// session rides through the code step too.
	endSessions(t, dbURL)
	note := "Ghi chú gõ trước khi phiên hết hạn"
	r = post(t, c, srv.URL+"/2022/wards/09552/criteria/13", url.Values{"value": {"91,5"}, "status": {"not_started"}, "note": {note}, "version": {"0"}})
	form := hiddenFields(t, r.body)
	form.Set("username", "phula")
	form.Set("password", seed.DemoPassword)
	r = post(t, c, srv.URL+"/login", form)
	mustContain(t, "code form carrying the form", r.body, `action="/login/code"`, `name="resume.note"`)
	form = hiddenFields(t, r.body)
	form.Set("code", factorCode(t, srv.URL, "phula"))
	r = post(t, c, srv.URL+"/login/code", form)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/2022/wards/09552#c13" {
		t.Fatalf("code with the carried form = %d %q", r.status, r.header.Get("Location"))
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM results WHERE note = $1`, note); n != 1 {
		t.Error("the carried form was not saved after the code")
	}

	// Turning it off asks for the password and a current code.
	for _, form := range []url.Values{nil, {"current_password": {seed.DemoPassword}}, {"current_password": {seed.DemoPassword}, "current_code": {"000000"}}} {
		if r := post(t, c, srv.URL+"/me/factor/remove", form); r.status != http.StatusBadRequest {
			t.Errorf("turn off with %v = %d, want 400", form, r.status)
		}
	}
	if queryInt(t, dbURL, `SELECT count(*) FROM users WHERE username = 'phula' AND totp_secret IS NOT NULL`) != 1 {
		t.Fatal("the factor was turned off without the password and a code")
	}
	if r := post(t, c, srv.URL+"/me/factor/remove", url.Values{"current_password": {seed.DemoPassword}, "current_code": {factorCode(t, srv.URL, "phula")}}); r.status != http.StatusSeeOther {
		t.Fatalf("turn off = %d", r.status)
	}
	if !signedIn(t, c, srv.URL) {
		t.Error("turning the factor off ended the user's own session")
	}
	if r := post(t, newClient(), srv.URL+"/login", url.Values{"username": {"phula"}, "password": {seed.DemoPassword}}); r.status != http.StatusSeeOther {
		t.Errorf("sign-in after turning it off = %d, want 303 without a code", r.status)
	}
	if r := post(t, signIn(t, srv, "admin"), srv.URL+"/me/factor/remove", nil); r.status != http.StatusForbidden {
		t.Errorf("an admin turns the factor off = %d, want 403", r.status)
	}
}

// MFA_ROLES decides who must use a second factor.
func TestFactorRolesAreConfigured(t *testing.T) {
	st, _ := testdb.Open(t, true)
	srv := servePortal(t, server.Config{Store: st, Demo: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: testNow,
		FactorRoles: []assess.Role{assess.WardOfficer}})
	r := post(t, newClient(), srv.URL+"/login", url.Values{"username": {"phula"}, "password": {seed.DemoPassword}})
	mustContain(t, "officer must set up", r.body, `action="/login/enrol"`, "bắt buộc")
	// bocongan has a factor already, and keeps using it.
	r = post(t, newClient(), srv.URL+"/login", url.Values{"username": {"bocongan"}, "password": {seed.DemoPassword}})
	mustContain(t, "ministry with a factor", r.body, `action="/login/code"`)
	if r := post(t, newClient(), srv.URL+"/login", url.Values{"username": {"hanoi"}, "password": {seed.DemoPassword}}); r.status != http.StatusSeeOther {
		t.Errorf("a reviewer, not in MFA_ROLES = %d, want 303", r.status)
	}
}

// With FACTOR_KEY, a factor set up at sign-in is kept sealed, and codes
// from it sign in; a sealed secret that does not open (the key lost or
// wrong) refuses the sign-in without saying why to the user.
func TestFactorSealedWithKey(t *testing.T) {
	st, dbURL := testdb.Open(t, true)
	keys, err := store.ParseFactorKeys(base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")))
	if err != nil {
		t.Fatal(err)
	}
	st.FactorKeys = keys
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := servePortal(t, server.Config{Store: st, Demo: true, Logger: quiet, Now: testNow})
	admin := signIn(t, srv, "admin")
	if r := post(t, admin, srv.URL+"/admin/users/bocongan/factor", nil); r.status != http.StatusSeeOther {
		t.Fatalf("reset = %d", r.status)
	}
	c := newClient()
	r := post(t, c, srv.URL+"/login", url.Values{"username": {"bocongan"}, "password": {seed.DemoPassword}})
	secret := secretShown(t, r.body)
	if r := post(t, c, srv.URL+"/login/enrol", url.Values{"code": {codeAt(t, secret, testNow())}}); r.status != http.StatusOK {
		t.Fatalf("set-up = %d", r.status)
	}
	stored := queryRows(t, dbURL, `SELECT totp_secret, '' FROM users WHERE username = 'bocongan'`)[0][0]
	if !strings.HasPrefix(stored, "aes256gcm:") || strings.Contains(stored, secret) {
		t.Fatalf("the secret is kept as %q", stored)
	}
	c = newClient()
	post(t, c, srv.URL+"/login", url.Values{"username": {"bocongan"}, "password": {seed.DemoPassword}})
	if r := post(t, c, srv.URL+"/login/code", url.Values{"code": {codeAt(t, secret, testNow().Add(30*time.Second))}}); r.status != http.StatusSeeOther {
		t.Fatalf("a code from the sealed secret = %d, want 303", r.status)
	}

	st.FactorKeys = nil
	c = newClient()
	post(t, c, srv.URL+"/login", url.Values{"username": {"bocongan"}, "password": {seed.DemoPassword}})
	r = post(t, c, srv.URL+"/login/code", url.Values{"code": {codeAt(t, secret, testNow().Add(time.Minute))}})
	if r.status < 500 || strings.Contains(r.body, "aes256gcm") || strings.Contains(r.body, "FACTOR_KEY") {
		t.Errorf("a secret that does not open = %d, and must say nothing of the key", r.status)
	}
	if signedIn(t, c, srv.URL) {
		t.Error("signed in with a secret that does not open")
	}
}
