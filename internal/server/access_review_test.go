package server_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
)

// Admins see and export every account for the six-monthly access review
// (role, unit, last sign-in, second factor, whose password) and record
// that they reviewed; no one else may.
func TestAccessReview(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	signIn(t, srv, "phula")
	for _, who := range []string{"phula", "hanoi", "bocongan"} {
		c := signIn(t, srv, who)
		for _, path := range []string{"/admin/access", "/admin/access.csv"} {
			if r := get(t, c, srv.URL+path); r.status != http.StatusForbidden {
				t.Errorf("%s opens %s: %d, want 403", who, path, r.status)
			}
		}
		if r := post(t, c, srv.URL+"/admin/access", nil); r.status != http.StatusForbidden {
			t.Errorf("%s records a review: %d, want 403", who, r.status)
		}
	}
	execSQL(t, dbURL, `UPDATE users SET totp_secret = NULL, totp_enrolled_at = NULL WHERE username = 'bocongan'`)
	execSQL(t, dbURL, `UPDATE users SET must_change_password = true WHERE username = 'hanoi'`)
	admin := signIn(t, srv, "admin")
	r := get(t, admin, srv.URL+"/admin/access")
	if r.status != http.StatusOK {
		t.Fatalf("access review = %d", r.status)
	}
	mustContain(t, "access review", r.body, "Rà soát quyền truy cập", "Chưa ghi nhận lần rà soát nào.",
		"4 tài khoản đang hoạt động, 0 ngừng sử dụng; 1 chưa bật xác thực hai lớp bắt buộc; 1 còn dùng mật khẩu do quản trị đặt.",
		"Bắt buộc, chưa thiết lập", "Do quản trị đặt, chưa đổi", "tự ngừng sử dụng ngày", `href="/admin/access.csv"`)

	r = get(t, admin, srv.URL+"/admin/access.csv")
	if r.status != http.StatusOK || !strings.HasPrefix(r.body, "\uFEFF") {
		t.Fatalf("CSV = %d", r.status)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "username,full_name,role,unit_code,unit,active,created_at,last_sign_in_at,disable_on,factor,password" || len(rows) != 5 {
		t.Fatalf("CSV header %v, %d rows", rows[0], len(rows))
	}
	byName := map[string][]string{}
	for _, row := range rows[1:] {
		byName[row[0]] = row
	}
	if f := byName["bocongan"][9]; f != "required_missing" {
		t.Errorf("bocongan's factor: %q", f)
	}
	if f := byName["admin"][9]; f != "on" {
		t.Errorf("admin's factor: %q", f)
	}
	if p := byName["hanoi"][10]; p != "set_by_admin" {
		t.Errorf("hanoi's password: %q", p)
	}
	if byName["phula"][7] == "" || byName["phula"][9] != "off" {
		t.Errorf("phula: last sign-in %q, factor %q", byName["phula"][7], byName["phula"][9])
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = 'export' AND entity = 'users'`); n != 1 {
		t.Errorf("%d exports audited, want 1", n)
	}

	if r := post(t, admin, srv.URL+"/admin/access", nil); r.status != http.StatusSeeOther {
		t.Fatalf("record = %d", r.status)
	}
	mustContain(t, "after the review", get(t, admin, srv.URL+"/admin/access").body, "Đã ghi nhận lần rà soát", "Lần rà soát gần nhất:", "do admin (4 tài khoản)")
}
