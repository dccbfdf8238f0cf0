package server_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"modelward/internal/seed"
	"modelward/internal/server"
	"modelward/internal/testdb"
)

// dbState is what a refused request must leave unchanged: every table a
// user can change, except sessions and the sign-in entries of the audit log.
func dbState(t *testing.T, dbURL string) string {
	t.Helper()
	return queryRow[string](t, dbURL, `SELECT concat_ws(' | ',
		(SELECT string_agg(concat_ws(',', username, full_name, role, unit_id, active, password_hash, updated_at), ';' ORDER BY id) FROM users),
		(SELECT string_agg(concat_ws(',', id, state, version, updated_at), ';' ORDER BY id) FROM assessments),
		(SELECT string_agg(concat_ws(',', assessment_id, number, status, value, note, version), ';' ORDER BY assessment_id, number) FROM results),
		(SELECT count(*) FROM evidence), (SELECT count(*) FROM units), (SELECT count(*) FROM criteria),
		(SELECT count(*) FROM registrations), (SELECT string_agg(concat_ws(',', year, province_id, quota), ';') FROM quotas),
		(SELECT count(*) FROM audit_log WHERE entity <> 'session' AND action NOT IN ('export', 'evidence_download')),
		(SELECT count(*) FROM notifications), (SELECT count(*) FROM extensions),
		(SELECT string_agg(concat_ws(',', assessment_id, number, status, value, reason), ';' ORDER BY assessment_id, number) FROM appraisals),
		(SELECT count(*) FROM inspections), (SELECT count(*) FROM inspection_members),
		(SELECT string_agg(concat_ws(',', assessment_id, version, proposal, note), ';' ORDER BY assessment_id) FROM inspection_wards),
		(SELECT string_agg(concat_ws(',', assessment_id, number, status, value, note), ';' ORDER BY assessment_id, number) FROM findings))`)
}

func countAudit(t *testing.T, dbURL, action, key string) int {
	t.Helper()
	return queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = $1 AND entity_key = $2`, action, key)
}

func execSQL(t *testing.T, dbURL, sql string, args ...any) {
	t.Helper()
	testdb.ExecURL(t, dbURL, sql, args...)
}

// Every route × every role, in scope and out of scope: the status, and that
// a refused request changes nothing.
func TestAuthorisationMatrix(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	clients := map[string]*http.Client{"anonymous": newClient()}
	for _, u := range []string{"phula", "hanoi", "bocongan", "admin"} {
		clients[u] = signIn(t, srv, u)
	}
	// Evidence in Phú La (Hà Nội) and in Hải Châu 1 (Đà Nẵng), recorded first.
	if r := upload(t, clients["phula"], srv.URL+"/2022/wards/09552/criteria/13/evidence", "a.pdf", samplePDF, "Báo cáo", "2022-05-01"); r.status != 303 {
		t.Fatalf("upload = %d", r.status)
	}
	execSQL(t, dbURL, `INSERT INTO evidence (assessment_id, year, number, title, dated, content_type, size, sha256, content)
		SELECT id, 2022, 20, 'Biên bản', '2022-06-01', 'application/pdf', 4, decode(repeat('00', 32), 'hex'), '%PDF' FROM assessments WHERE ward_id = unit_in_year('20236', 2022) AND year = 2022`)
	phulaEvidence := queryInt(t, dbURL, `SELECT min(id) FROM evidence`)
	haiChauEvidence := queryInt(t, dbURL, `SELECT max(id) FROM evidence`)
	type want map[string]int // role → status
	reads := []struct {
		path string
		want want
	}{
		{"/2023/units/VN", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 200, "admin": 200}},
		{"/2023/units/01", want{"anonymous": 303, "phula": 403, "hanoi": 200, "bocongan": 200, "admin": 200}},
		{"/2023/units/268", want{"anonymous": 303, "phula": 403, "hanoi": 200, "bocongan": 200, "admin": 200}},
		{"/2023/units/48", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 200, "admin": 200}},
		{"/2023/wards/09552", want{"anonymous": 303, "phula": 200, "hanoi": 200, "bocongan": 200, "admin": 200}},
		{"/2023/wards/09541", want{"anonymous": 303, "phula": 403, "hanoi": 200, "bocongan": 200, "admin": 200}},
		{"/2023/wards/20236", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 200, "admin": 200}},
		{"/2026/wards/00004", want{"anonymous": 303, "phula": 403, "hanoi": 200, "bocongan": 200, "admin": 200}},
		{"/2023/units/VN/summary.csv", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 200, "admin": 200}},
		{"/2023/units/01/summary.csv", want{"anonymous": 303, "phula": 403, "hanoi": 200, "bocongan": 200, "admin": 200}},
		{"/2023/units/48/summary.csv", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 200, "admin": 200}},
		{"/2023/units/09552/summary.csv", want{"anonymous": 303, "phula": 200, "hanoi": 200, "bocongan": 200, "admin": 200}},
		{"/admin/users", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 403, "admin": 200}},
		{"/admin/tokens", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 403, "admin": 200}},
		{"/admin/units", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 403, "admin": 200}},
		{"/admin/catalogues", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 403, "admin": 200}},
		{"/admin/catalogues/2023", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 403, "admin": 200}},
		{"/admin/catalogues/2023/criteria/13", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 403, "admin": 200}},
		{"/2023/units/01/summary.xlsx", want{"anonymous": 303, "phula": 403, "hanoi": 200, "bocongan": 200, "admin": 200}},
		{"/2023/units/48/summary.pdf", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 200, "admin": 200}},
		{"/2023/wards/09552/dossier.pdf", want{"anonymous": 303, "phula": 200, "hanoi": 200, "bocongan": 200, "admin": 200}},
		{"/2022/wards/20236/dossier.pdf", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 200, "admin": 200}},
		{"/api/v1/2023/units/01/summary", want{"anonymous": 401, "phula": 403, "hanoi": 200, "bocongan": 200, "admin": 200}},
		{"/2022/wards/09552/criteria/13", want{"anonymous": 303, "phula": 200, "hanoi": 200, "bocongan": 200, "admin": 200}},
		{"/2022/wards/09541/criteria/13", want{"anonymous": 303, "phula": 403, "hanoi": 200, "bocongan": 200, "admin": 200}},
		{"/2022/wards/20236/criteria/20", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 200, "admin": 200}},
		{"/2022/wards/09552/history", want{"anonymous": 303, "phula": 200, "hanoi": 200, "bocongan": 200, "admin": 200}},
		{"/2022/wards/20236/history", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 200, "admin": 200}},
		{"/2022/wards/09552/submit", want{"anonymous": 303, "phula": 200, "hanoi": 403, "bocongan": 403, "admin": 403}},
		{"/2022/wards/09541/submit", want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 403, "admin": 403}},
		{fmt.Sprintf("/evidence/%d", phulaEvidence), want{"anonymous": 303, "phula": 200, "hanoi": 200, "bocongan": 200, "admin": 200}},
		{fmt.Sprintf("/evidence/%d", haiChauEvidence), want{"anonymous": 303, "phula": 403, "hanoi": 403, "bocongan": 200, "admin": 200}},
	}
	before := evidenceState(t, dbURL)
	for _, rt := range reads {
		for role, status := range rt.want {
			r := get(t, clients[role], srv.URL+rt.path)
			if r.status != status {
				t.Errorf("GET %s as %s = %d, want %d", rt.path, role, r.status, status)
			}
			if status == 403 {
				mustContain(t, rt.path+" as "+role, r.body, "không có quyền")
			}
			if status == 303 && !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
				t.Errorf("GET %s signed out leads to %q", rt.path, r.header.Get("Location"))
			}
		}
	}
	writes := []struct {
		path string
		form url.Values
	}{
		{"/admin/users", url.Values{"username": {"moi"}, "full_name": {"Mới"}, "role": {"ward_officer"}, "unit": {"09886"}}},
		{"/admin/users/phula/active", url.Values{"active": {"false"}}},
		{"/admin/users/hanoi/password", nil},
		{"/admin/tokens", url.Values{"name": {"x"}, "username": {"hanoi"}}},
		{"/admin/tokens/1/revoke", nil},
		{"/2022/wards/26740/reopen", url.Values{"reason": {"x"}}},
		{"/admin/catalogues", url.Values{"from": {"2022"}, "to": {"2030"}}},
		{"/admin/catalogues/2022/criteria/13", criterionValues("50")},
		{"/admin/catalogues/2022/criteria/22/remove", nil},
		{"/admin/catalogues/2022/year-end", url.Values{"year_end_opens": {"2022-10-01"}}},
		{"/admin/units/deactivate", url.Values{"code": {"00004"}, "valid_to": {"2022-12-31"}}},
	}
	for _, rt := range writes {
		for role, status := range map[string]int{"anonymous": 401, "phula": 403, "hanoi": 403, "bocongan": 403} {
			if r := post(t, clients[role], srv.URL+rt.path, rt.form); r.status != status {
				t.Errorf("POST %s as %s = %d, want %d", rt.path, role, r.status, status)
			}
		}
	}
	// The ward's own routes: only its officer writes, and only there.
	wardWrites := []struct {
		path string
		form url.Values
	}{
		{"/2022/wards/%s/criteria/2", url.Values{"status": {"met"}, "version": {"0"}}},
		{"/2022/wards/%s/evidence/" + fmt.Sprint(phulaEvidence) + "/remove", nil},
		{"/2022/wards/%s/submit", nil},
	}
	for _, rt := range wardWrites {
		for role, status := range map[string]int{"anonymous": 401, "hanoi": 403, "bocongan": 403, "admin": 403} {
			path := fmt.Sprintf(rt.path, "09552")
			if r := post(t, clients[role], srv.URL+path, rt.form); r.status != status {
				t.Errorf("POST %s as %s = %d, want %d", path, role, r.status, status)
			}
		}
		path := fmt.Sprintf(rt.path, "09541")
		if r := post(t, clients["phula"], srv.URL+path, rt.form); r.status != 403 {
			t.Errorf("POST %s as phula = %d, want 403", path, r.status)
		}
	}
	for role, status := range map[string]int{"anonymous": 401, "hanoi": 403, "bocongan": 403, "admin": 403} {
		if r := upload(t, clients[role], srv.URL+"/2022/wards/09552/criteria/13/evidence", "a.pdf", samplePDF, "x", "2022-05-01"); r.status != status {
			t.Errorf("upload as %s = %d, want %d", role, r.status, status)
		}
	}
	if r := upload(t, clients["phula"], srv.URL+"/2022/wards/09541/criteria/13/evidence", "a.pdf", samplePDF, "x", "2022-05-01"); r.status != 403 {
		t.Errorf("upload to Mộ Lao as phula = %d, want 403", r.status)
	}
	if after := evidenceState(t, dbURL); after != before {
		t.Errorf("refused requests changed the database:\nbefore %s\nafter  %s", before, after)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM evidence WHERE removed_at IS NOT NULL`); n != 0 {
		t.Errorf("refused removals removed %d files", n)
	}
}

func TestSignInAnswers(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	login := func(username, password string) response {
		return post(t, newClient(), srv.URL+"/login", url.Values{"username": {username}, "password": {password}})
	}
	ok := login("phula", seed.DemoPassword)
	if ok.status != 303 || ok.header.Get("Location") != "/" {
		t.Fatalf("sign in: %d %s", ok.status, ok.header.Get("Location"))
	}
	if countAudit(t, dbURL, "sign_in", "phula") != 1 {
		t.Error("sign-in not in the audit log")
	}

	// An unknown user, a wrong password and a disabled user get one answer.
	execSQL(t, dbURL, `INSERT INTO users (username, full_name, role, unit_id, password_hash, active)
		SELECT 'khoa', 'Tài khoản ngừng sử dụng', role, unit_id, password_hash, false FROM users WHERE username = 'phula'`)
	unknown := login("nobody", seed.DemoPassword)
	wrong := login("phula", "not the password")
	disabled := login("khoa", seed.DemoPassword)
	strip := regexp.MustCompile(`value="[^"]*"`)
	for name, r := range map[string]response{"wrong password": wrong, "disabled": disabled} {
		if r.status != unknown.status || strip.ReplaceAllString(r.body, "") != strip.ReplaceAllString(unknown.body, "") {
			t.Errorf("%s answers differently from an unknown user (%d vs %d)", name, r.status, unknown.status)
		}
	}
	if unknown.status != http.StatusUnauthorized {
		t.Errorf("wrong credentials = %d, want 401", unknown.status)
	}
	mustContain(t, "wrong credentials", unknown.body, "Tên đăng nhập hoặc mật khẩu không đúng.")
	if countAudit(t, dbURL, "sign_in_failed", "nobody") != 1 || countAudit(t, dbURL, "sign_in_failed", "phula") != 1 {
		t.Error("failed sign-ins not in the audit log")
	}

	// Odd usernames get a clear error, and nothing is written.
	before := dbState(t, dbURL)
	for _, u := range []string{strings.Repeat("a", 10000), "ａｄｍｉｎ", "phu\x00la", "\xff\xfe", "Phú La", ""} {
		r := login(u, "whatever password")
		if r.status != http.StatusBadRequest {
			t.Errorf("username %.20q = %d, want 400", u, r.status)
		}
		switch u {
		case "":
			mustContain(t, "empty username", r.body, "Hãy nhập tên đăng nhập.")
		case "\xff\xfe":
			mustContain(t, "username not UTF-8", r.body, "Biểu mẫu có ký tự không hợp lệ")
		default:
			mustContain(t, "odd username", r.body, "Tên đăng nhập gồm 2–64 ký tự")
		}
	}
	if r := login("phula", ""); r.status != 400 || !strings.Contains(r.body, "Hãy nhập mật khẩu.") {
		t.Errorf("empty password = %d", r.status)
	}
	if after := dbState(t, dbURL); after != before {
		t.Error("malformed sign-ins changed the database")
	}
	if countAudit(t, dbURL, "sign_in_failed", "phula") != 1 {
		t.Error("malformed sign-ins were counted as attempts")
	}
}

// loginFrom sends the sign-in form to the portal at base as a request the
// trusted proxy forwards from address from.
func loginFrom(t *testing.T, base, from, username, password string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(url.Values{"username": {username}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", from)
	res, err := newClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}

func TestSignInIsRateLimited(t *testing.T) {
	st, dbURL := testdb.Open(t, true)
	onPhuLa2022(t, st)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// Behind a proxy on loopback, whose X-Forwarded-For names the client.
	srv := servePortal(t, server.Config{Store: st, Demo: true, Logger: quiet, Now: testNow,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	login := func(from, username, password string) response { return loginFrom(t, srv.URL, from, username, password) }
	// One person's typos: 5 from one address, then that address waits,
	// even with the right password, and is told until when.
	for i := range 5 {
		r := login("10.0.0.1", "phula", fmt.Sprintf("wrong password %d", i))
		if r.status != 401 {
			t.Fatalf("attempt %d = %d, want 401", i+1, r.status)
		}
		// The failure that locks says so at once, and until when.
		if locks := strings.Contains(r.body, "tài khoản bị tạm khóa đến 01/12/2026 09:15"); locks != (i == 4) {
			t.Errorf("attempt %d tells of the lock: %t", i+1, locks)
		}
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = 'account_locked' AND entity_key = 'phula' AND client_addr = '10.0.0.1' AND after->>'scope' = 'pair'`); n != 1 {
		t.Errorf("%d locks audited, want 1", n)
	}
	r := login("10.0.0.1", "phula", seed.DemoPassword)
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("6th attempt = %d, want 429", r.status)
	}
	mustContain(t, "limited", r.body, "Đăng nhập sai quá nhiều lần nên tạm thời bị chặn. Hãy thử lại sau 01/12/2026 09:15")
	if ra := r.header.Get("Retry-After"); ra != "901" {
		t.Errorf("Retry-After %q, want 901", ra)
	}
	if countAudit(t, dbURL, "sign_in_throttled", "phula") != 1 {
		t.Error("the refused attempt is not audited")
	}
	// ...but not the account for the others at the same station address
	// or elsewhere, nor the address for its other users.
	if r := login("10.0.0.2", "phula", seed.DemoPassword); r.status != 303 {
		t.Errorf("phula from another address = %d, want 303", r.status)
	}
	if r := login("10.0.0.1", "hanoi", seed.DemoPassword); r.status != 303 {
		t.Errorf("another user from the same address = %d, want 303", r.status)
	}
	// An account guessed at from many addresses is paused after 10 for
	// every address that guessed, even with the right password...
	for i := range 5 {
		login(fmt.Sprintf("10.0.1.%d", i), "phula", "wrong password")
	}
	if r := login("10.0.1.0", "phula", seed.DemoPassword); r.status != http.StatusTooManyRequests {
		t.Errorf("a guessing address after 10 failures from many = %d, want 429", r.status)
	}
	// ...but the owner, from an address that has not failed, gets in:
	// strangers cannot lock an account out.
	if r := login("10.0.2.1", "phula", seed.DemoPassword); r.status != http.StatusSeeOther {
		t.Errorf("the owner from a clean address after 10 failures from others = %d, want 303", r.status)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = 'account_locked' AND entity_key = 'phula' AND after->>'scope' = 'account'`); n != 1 {
		t.Errorf("%d account-wide locks audited, want 1", n)
	}
	// An address is paused after 100 failures over every account.
	for i := range 100 {
		login("10.0.3.1", fmt.Sprintf("guess%d", i), "wrong password")
	}
	if r := login("10.0.3.1", "bocongan", seed.DemoPassword); r.status != http.StatusTooManyRequests {
		t.Errorf("after 100 failures from one address = %d, want 429", r.status)
	}
	if n := countAudit(t, dbURL, "address_locked", "10.0.3.1"); n != 1 {
		t.Errorf("%d address locks audited, want 1", n)
	}
}

// An account locked by failed sign-ins shows so to the admin, who can let
// it sign in again at once; the unlock is audited.
func TestAdminUnlocksAnAccount(t *testing.T) {
	st, dbURL := testdb.Open(t, true)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := servePortal(t, server.Config{Store: st, Demo: true, Logger: quiet, Now: testNow,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	login := func(from, password string) int { return loginFrom(t, srv.URL, from, "phula", password).status }
	for i := range 10 {
		login(fmt.Sprintf("10.0.9.%d", i), "wrong password")
	}
	if s := login("10.0.9.9", seed.DemoPassword); s != http.StatusTooManyRequests {
		t.Fatalf("a locked account = %d, want 429", s)
	}
	admin := signIn(t, srv, "admin")
	mustContain(t, "user list", get(t, admin, srv.URL+"/admin/users").body,
		"Tạm khóa đăng nhập đến 01/12/2026 09:15", `action="/admin/users/phula/unlock"`)
	if r := post(t, admin, srv.URL+"/admin/users/phula/unlock", nil); r.status != 303 {
		t.Fatalf("unlock = %d", r.status)
	}
	if s := login("10.0.9.9", seed.DemoPassword); s != http.StatusSeeOther {
		t.Errorf("after the unlock = %d, want 303", s)
	}
	if countAudit(t, dbURL, "user_unlock", "phula") != 1 {
		t.Error("the unlock is not audited")
	}
	if r := post(t, signIn(t, srv, "hanoi"), srv.URL+"/admin/users/phula/unlock", nil); r.status != 403 {
		t.Errorf("a reviewer unlocking = %d, want 403", r.status)
	}
	if strings.Contains(get(t, admin, srv.URL+"/admin/users").body, `action="/admin/users/phula/unlock"`) {
		t.Error("an unlocked account is still shown locked")
	}
}

// Five wrong passwords from each of two addresses lock the account for
// those two, not for its owner at a third: a targeted lockout no longer
// works, and each address still has at most five passwords checked.
func TestStrangersCannotLockAnAccountOut(t *testing.T) {
	st, _ := testdb.Open(t, true)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := servePortal(t, server.Config{Store: st, Demo: true, Logger: quiet, Now: testNow,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	login := func(from, password string) int { return loginFrom(t, srv.URL, from, "hanoi", password).status }
	for _, attacker := range []string{"203.0.113.7", "198.51.100.9"} {
		checked := 0
		for range 8 {
			if login(attacker, "wrong password") == http.StatusUnauthorized {
				checked++
			}
		}
		if checked != 5 {
			t.Errorf("%s had %d passwords checked, want 5", attacker, checked)
		}
		if s := login(attacker, seed.DemoPassword); s != http.StatusTooManyRequests {
			t.Errorf("%s with the right password = %d, want 429", attacker, s)
		}
	}
	if s := login("10.20.30.40", seed.DemoPassword); s != http.StatusSeeOther {
		t.Errorf("the owner from their own address = %d, want 303", s)
	}
}

// Wrong passwords sent all at once are counted one after another: no
// more pass than the limit.
func TestSignInThrottleHoldsUnderConcurrency(t *testing.T) {
	srv := newPortal(t)
	const n = 100
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := newClient().PostForm(srv.URL+"/login", url.Values{"username": {"phula"}, "password": {fmt.Sprintf("wrong %d", i)}})
			if err != nil {
				statuses <- 0
				return
			}
			res.Body.Close()
			statuses <- res.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[401] != 5 || count[429] != n-5 {
		t.Errorf("%d simultaneous wrong passwords: %v, want 5 checked (401) and %d refused (429)", n, count, n-5)
	}
}

// X-Forwarded-For is believed only from a trusted proxy: anyone else
// sending it is still counted at their own address.
func TestForwardedForIsNotTrustedByDefault(t *testing.T) {
	srv := newPortal(t)
	for i := range 5 {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(url.Values{"username": {"phula"}, "password": {"wrong"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("192.0.2.%d", i))
		res, err := newClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if r := post(t, newClient(), srv.URL+"/login", url.Values{"username": {"phula"}, "password": {seed.DemoPassword}}); r.status != http.StatusTooManyRequests {
		t.Errorf("after 5 failures with forged X-Forwarded-For = %d, want 429", r.status)
	}
}

func sessionCookie(c *http.Client, srvURL string) string {
	u, _ := url.Parse(srvURL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "modelward_session" {
			return ck.Value
		}
	}
	return ""
}

func TestSessions(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	u, _ := url.Parse(srv.URL)

	// A token planted before sign-in is not the one used after it.
	c := newClient()
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "modelward_session", Value: "planted-token"}})
	r := post(t, c, srv.URL+"/login", url.Values{"username": {"phula"}, "password": {seed.DemoPassword}})
	if r.status != 303 {
		t.Fatalf("sign in = %d", r.status)
	}
	token := sessionCookie(c, srv.URL)
	if token == "" || token == "planted-token" {
		t.Fatalf("session token after sign-in: %q", token)
	}
	for _, h := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(h, "modelward_session=") && (!strings.Contains(h, "HttpOnly") || !strings.Contains(h, "SameSite=Lax")) {
			t.Errorf("session cookie %q is not HttpOnly and SameSite=Lax", h)
		}
	}
	if r := get(t, c, srv.URL+"/2023/wards/09552"); r.status != 200 {
		t.Fatalf("signed in = %d", r.status)
	}

	// A forged token leads to the sign-in page.
	forged := newClient()
	forged.Jar.SetCookies(u, []*http.Cookie{{Name: "modelward_session", Value: "forged-" + token}})
	if r := get(t, forged, srv.URL+"/2023/wards/09552"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("forged session = %d %s", r.status, r.header.Get("Location"))
	}

	// An expired session leads to the sign-in page.
	execSQL(t, dbURL, `UPDATE sessions SET expiry = now() - interval '1 second' WHERE token = $1`, token)
	if r := get(t, c, srv.URL+"/2023/wards/09552"); r.status != 303 {
		t.Errorf("expired session = %d, want 303 to sign in", r.status)
	}

	// Sign-out ends the session on the server, not only in the browser.
	c = signIn(t, srv, "phula")
	token = sessionCookie(c, srv.URL)
	if r := post(t, c, srv.URL+"/logout", nil); r.status != 303 || r.header.Get("Location") != "/login" {
		t.Errorf("sign out = %d %s", r.status, r.header.Get("Location"))
	}
	if countAudit(t, dbURL, "sign_out", "phula") != 1 {
		t.Error("sign-out not in the audit log")
	}
	replay := newClient()
	replay.Jar.SetCookies(u, []*http.Cookie{{Name: "modelward_session", Value: token}})
	if r := get(t, replay, srv.URL+"/2023/wards/09552"); r.status != 303 {
		t.Errorf("the token of a signed-out session still works: %d", r.status)
	}
}

func TestDisablingAUserEndsTheirSessions(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	officer := signIn(t, srv, "phula")
	admin := signIn(t, srv, "admin")
	r := post(t, admin, srv.URL+"/admin/users/phula/active", url.Values{"active": {"false"}})
	if r.status != 303 {
		t.Fatalf("disable = %d", r.status)
	}
	r = get(t, admin, srv.URL+r.header.Get("Location"))
	mustContain(t, "after disabling", r.body, "Đã ngừng sử dụng tài khoản phula")
	if countAudit(t, dbURL, "user_disable", "phula") != 1 {
		t.Error("disabling not audited")
	}
	if r := get(t, officer, srv.URL+"/2023/wards/09552"); r.status != 303 {
		t.Errorf("disabled user's session = %d, want 303 to sign in", r.status)
	}
	if r := post(t, newClient(), srv.URL+"/login", url.Values{"username": {"phula"}, "password": {seed.DemoPassword}}); r.status != 401 {
		t.Errorf("disabled user signs in: %d", r.status)
	}
	// An admin cannot lock themselves out.
	if r := post(t, admin, srv.URL+"/admin/users/admin/active", url.Values{"active": {"false"}}); r.status != 400 {
		t.Errorf("self-disable = %d, want 400", r.status)
	}
	post(t, admin, srv.URL+"/admin/users/phula/active", url.Values{"active": {"true"}})
	signIn(t, srv, "phula")
}

func TestAdminManagesUsers(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	admin := signIn(t, srv, "admin")

	r := get(t, admin, srv.URL+"/admin/users?role=reviewer")
	if !strings.Contains(r.body, ">hanoi<") || strings.Contains(r.body, ">phula<") {
		t.Error("filter by role does not filter")
	}
	r = get(t, admin, srv.URL+"/admin/users?unit=268")
	if !strings.Contains(r.body, ">phula<") || strings.Contains(r.body, ">hanoi<") {
		t.Error("filter by unit subtree does not filter")
	}
	r = get(t, admin, srv.URL+"/admin/users?q=ph%C3%BA%20la")
	if !strings.Contains(r.body, ">phula<") || strings.Contains(r.body, ">bocongan<") {
		t.Error("search by name does not find Phú La")
	}

	before := dbState(t, dbURL)
	for _, tt := range []struct {
		form url.Values
		msg  string
	}{
		{url.Values{"username": {"Mộ Lao"}, "full_name": {"x"}, "role": {"ward_officer"}, "unit": {"09886"}}, "Tên đăng nhập gồm 2–64 ký tự"},
		{url.Values{"username": {"molao"}, "full_name": {""}, "role": {"ward_officer"}, "unit": {"09886"}}, "Hãy nhập họ tên"},
		{url.Values{"username": {"molao"}, "full_name": {"x"}, "role": {"boss"}, "unit": {"09886"}}, "Hãy chọn một vai trò."},
		{url.Values{"username": {"molao"}, "full_name": {"x"}, "role": {"reviewer"}, "unit": {"09886"}}, "Vai trò không phù hợp với đơn vị"},
		{url.Values{"username": {"molao"}, "full_name": {"x"}, "role": {"ward_officer"}, "unit": {"99999"}}, "Không có đơn vị với mã này."},
		{url.Values{"username": {"phula"}, "full_name": {"x"}, "role": {"ward_officer"}, "unit": {"09886"}}, "Tên đăng nhập này đã có người dùng."},
		{url.Values{"username": {strings.Repeat("x", 10000)}, "full_name": {strings.Repeat("y", 10000)}, "role": {"ward_officer"}, "unit": {"09886"}}, "Tên đăng nhập gồm 2–64 ký tự"},
	} {
		r := post(t, admin, srv.URL+"/admin/users", tt.form)
		if r.status != 400 {
			t.Errorf("%v = %d, want 400", tt.form, r.status)
		}
		mustContain(t, "refused new user", r.body, tt.msg)
	}
	if dbState(t, dbURL) != before {
		t.Error("refused new users changed the database")
	}

	r = post(t, admin, srv.URL+"/admin/users", url.Values{"username": {"molao"}, "full_name": {"Công an phường Mộ Lao"}, "role": {"ward_officer"}, "unit": {"09886"}})
	if r.status != 200 {
		t.Fatalf("create = %d", r.status)
	}
	m := regexp.MustCompile(`<code>([A-Z2-7]{14})</code>`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no first password shown")
	}
	if countAudit(t, dbURL, "user_create", "molao") != 1 {
		t.Error("creation not audited")
	}
	// The first password is the admin's: the new user must choose their
	// own before anything else.
	c := newClient()
	if r := post(t, c, srv.URL+"/login", url.Values{"username": {"molao"}, "password": {m[1]}}); r.status != 303 || r.header.Get("Location") != "/me#password" {
		t.Fatalf("new user signs in = %d %q, want 303 to /me#password", r.status, r.header.Get("Location"))
	}
	if r := get(t, c, srv.URL+"/2026/wards/09886"); r.status != 303 || r.header.Get("Location") != "/me#password" {
		t.Errorf("a page before choosing a password = %d %q, want 303 to /me#password", r.status, r.header.Get("Location"))
	}
	if r := post(t, c, srv.URL+"/2026/wards/09886/criteria/1", url.Values{"status": {"met"}, "version": {"0"}}); r.status != 403 || !strings.Contains(r.body, "do quản trị hệ thống đặt") {
		t.Errorf("a form before choosing a password = %d, want 403 saying why", r.status)
	}
	mustContain(t, "/me asks for a password", get(t, c, srv.URL+"/me").body, "Mật khẩu hiện tại do quản trị hệ thống đặt.", `minlength="14"`)
	const own = "mùa thu Hà Đông năm hai nghìn"
	if r := post(t, c, srv.URL+"/me/password", url.Values{"current_password": {m[1]}, "new_password": {own}, "new_password_again": {own}}); r.status != 303 {
		t.Fatalf("choose own password = %d", r.status)
	}
	if home := homeLink(t, c, srv.URL); home != "/2026/wards/09886" {
		t.Errorf("new officer's home: %s", home)
	}

	r = post(t, admin, srv.URL+"/admin/users/molao/password", nil)
	m2 := regexp.MustCompile(`<code>([A-Z2-7]{14})</code>`).FindStringSubmatch(r.body)
	if r.status != 200 || m2 == nil || m2[1] == m[1] {
		t.Fatalf("reset = %d", r.status)
	}
	if r := post(t, newClient(), srv.URL+"/login", url.Values{"username": {"molao"}, "password": {m[1]}}); r.status != 401 {
		t.Errorf("old password still works: %d", r.status)
	}
	if r := post(t, newClient(), srv.URL+"/login", url.Values{"username": {"molao"}, "password": {m2[1]}}); r.status != 303 || r.header.Get("Location") != "/me#password" {
		t.Errorf("new password = %d %q, want 303 to /me#password (a reset password is the admin's too)", r.status, r.header.Get("Location"))
	}
	if r := post(t, admin, srv.URL+"/admin/users/nobody/password", nil); r.status != 404 {
		t.Errorf("reset of an unknown user = %d, want 404", r.status)
	}
}

func TestCrossSiteRequestsAreRefused(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	admin := signIn(t, srv, "admin")
	before := dbState(t, dbURL)
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
	} {
		req, _ := http.NewRequest("POST", srv.URL+"/admin/users/phula/active", strings.NewReader("active=false"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		res, err := admin.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r := read(t, res)
		if r.status != 403 {
			t.Errorf("cross-site POST with %v = %d, want 403", h, r.status)
		}
		mustContain(t, "cross-site", r.body, "không xuất phát từ trang của hệ thống")
	}
	if dbState(t, dbURL) != before {
		t.Error("a cross-site POST changed the database")
	}
}

func TestSecurityHeaders(t *testing.T) {
	srv := newPortal(t)
	c := signIn(t, srv, "hanoi")
	for _, path := range []string{"/healthz", "/login", "/2023/units/01", "/2023/units/48", "/static/style.css"} {
		r := get(t, c, srv.URL+path)
		for k, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "same-origin",
		} {
			if got := r.header.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", path, k, got, want)
			}
		}
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", path, csp)
		}
	}
}

// Behind TLS (SECURE_COOKIES=true): the session cookie is __Host-
// prefixed and Secure, the language cookie Secure, and every response
// asks browsers to use HTTPS only (HSTS).
func TestSecureCookiesAndHSTS(t *testing.T) {
	st, _ := testdb.Open(t, true)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := servePortal(t, server.Config{Store: st, Logger: quiet, Now: testNow, SecureCookies: true})
	r := post(t, newClient(), srv.URL+"/login", url.Values{"username": {"phula"}, "password": {seed.DemoPassword}})
	if r.status != 303 {
		t.Fatalf("sign in = %d", r.status)
	}
	var session string
	for _, h := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(h, "__Host-modelward_session=") {
			session = h
		}
	}
	if session == "" || !strings.Contains(session, "Secure") || !strings.Contains(session, "Path=/") || strings.Contains(session, "Domain=") {
		t.Errorf("session cookie %q: want __Host-, Secure, Path=/, no Domain", session)
	}
	if hsts := r.header.Get("Strict-Transport-Security"); hsts != "max-age=31536000" {
		t.Errorf("HSTS %q", hsts)
	}
	lang := get(t, nil, srv.URL+"/lang?to=en&next=/")
	if ck := lang.header.Get("Set-Cookie"); !strings.Contains(ck, "Secure") || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
		t.Errorf("language cookie %q", ck)
	}
	if h := get(t, nil, srv.URL+"/healthz").header.Get("Strict-Transport-Security"); h == "" {
		t.Error("HSTS is not on every response")
	}
}

// A session ends after 15 idle minutes, an admin's after 5. The time it
// was last seen is written at most once a minute: pages read in between
// write nothing.
func TestSessionIdleTimeout(t *testing.T) {
	st, dbURL := testdb.Open(t, true)
	var mu sync.Mutex
	clock := time.Now()
	advance := func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(d)
	}
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return clock
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := servePortal(t, server.Config{Store: st, Demo: true, Logger: quiet, Now: now})
	c := signIn(t, srv, "phula")
	token := sessionCookie(c, srv.URL)
	written := func() string {
		return queryRow[string](t, dbURL, `SELECT xmin::text FROM sessions WHERE token = $1`, token)
	}
	page := func() int { return get(t, c, srv.URL+"/2023/wards/09552").status }

	first := written()
	for range 3 {
		advance(10 * time.Second)
		if s := page(); s != 200 {
			t.Fatalf("signed in = %d", s)
		}
	}
	if written() != first {
		t.Error("reading pages within a minute wrote the session")
	}
	advance(time.Minute)
	page()
	touched := written()
	if touched == first {
		t.Error("a page a minute later did not record the session as seen")
	}
	// 14 idle minutes: still signed in; 16: signed out.
	advance(14 * time.Minute)
	if s := page(); s != 200 {
		t.Errorf("after 14 idle minutes = %d, want 200", s)
	}
	advance(16 * time.Minute)
	if r := get(t, c, srv.URL+"/2023/wards/09552"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("after 16 idle minutes = %d %s, want the sign-in page", r.status, r.header.Get("Location"))
	}
	// An admin's session ends after 5 idle minutes.
	admin := signIn(t, srv, "admin")
	advance(4 * time.Minute)
	if r := get(t, admin, srv.URL+"/admin/users"); r.status != 200 {
		t.Errorf("an admin after 4 idle minutes = %d, want 200", r.status)
	}
	advance(6 * time.Minute)
	if r := get(t, admin, srv.URL+"/admin/users"); r.status != 303 {
		t.Errorf("an admin after 6 idle minutes = %d, want the sign-in page", r.status)
	}
}
