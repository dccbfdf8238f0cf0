package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Destructive admin acts ask first on a page of their own: opening it
// changes nothing, and its form does the act. The admin's own row offers
// no "disable".
func TestDestructiveAdminActsAskFirst(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	admin := signIn(t, srv, "admin")
	r := post(t, admin, srv.URL+"/admin/tokens", url.Values{"name": {"Hệ thống báo cáo"}, "username": {"bocongan"}})
	if r.status != 200 {
		t.Fatalf("issue a token = %d", r.status)
	}
	tokenID := queryInt(t, dbURL, `SELECT max(id) FROM api_tokens`)
	revoke := "/admin/tokens/" + itoa(tokenID) + "/revoke"

	list := get(t, admin, srv.URL+"/admin/users").body
	mustContain(t, "user list", list, `href="/admin/users/phula/disable"`, `href="/admin/users/phula/password"`)
	if strings.Contains(list, `href="/admin/users/admin/disable"`) {
		t.Error("the admin's own row offers to disable it")
	}
	mustContain(t, "token list", get(t, admin, srv.URL+"/admin/tokens").body, `href="`+revoke+`"`)
	mustContain(t, "catalogue", get(t, admin, srv.URL+"/admin/catalogues/2022").body, `href="/admin/catalogues/2022/criteria/22/remove"`)

	before := dbState(t, dbURL)
	tokensBefore := queryInt(t, dbURL, `SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL`)
	for _, tt := range []struct{ page, action, says string }{
		{"/admin/users/phula/disable", "/admin/users/phula/active", "Ngừng sử dụng tài khoản phula?"},
		{"/admin/users/phula/password", "/admin/users/phula/password", "Đặt lại mật khẩu của phula?"},
		{revoke, revoke, "Thu hồi mã truy cập API «Hệ thống báo cáo»?"},
		{"/admin/catalogues/2022/criteria/22/remove", "/admin/catalogues/2022/criteria/22/remove", "Xóa tiêu chí 22 khỏi bộ tiêu chí năm 2022?"},
	} {
		r := get(t, admin, srv.URL+tt.page)
		if r.status != 200 {
			t.Errorf("%s = %d", tt.page, r.status)
			continue
		}
		mustContain(t, tt.page, r.body, "<h1>"+tt.says+"</h1>", `action="`+tt.action+`"`, `class="danger"`, "Hủy, quay lại")
	}
	if dbState(t, dbURL) != before || queryInt(t, dbURL, `SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL`) != tokensBefore {
		t.Error("opening a confirmation page changed something")
	}
	if r := get(t, admin, srv.URL+"/admin/users/admin/disable"); r.status != 409 {
		t.Errorf("confirming to disable oneself = %d, want 409", r.status)
	}
	for _, p := range []string{"/admin/users/nobody/disable", "/admin/tokens/999999/revoke", "/admin/catalogues/2022/criteria/99/remove"} {
		if r := get(t, admin, srv.URL+p); r.status != 404 {
			t.Errorf("%s = %d, want 404", p, r.status)
		}
	}
	if r := get(t, signIn(t, srv, "hanoi"), srv.URL+"/admin/users/phula/disable"); r.status != 403 {
		t.Errorf("a reviewer opening a confirmation = %d, want 403", r.status)
	}

	// The confirmation's form does the act.
	page := get(t, admin, srv.URL+"/admin/users/phula/disable").body
	form := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], m[2])
	}
	if r := post(t, admin, srv.URL+"/admin/users/phula/active", form); r.status != 303 {
		t.Fatalf("confirmed disable = %d", r.status)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM users WHERE username = 'phula' AND active`); n != 0 {
		t.Error("the confirmed disable did not disable")
	}
}
