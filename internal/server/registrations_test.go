package server_test

import (
	"net/url"
	"strings"
	"testing"
)

// A province's reviewers keep its list of registered wards: add by code at
// a level, remove while a ward has no assessment; the Ministry sets the
// quota. Every refusal says why and writes nothing.
func TestRegistrations(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	hanoi := signIn(t, srv, "hanoi")
	page := srv.URL + "/2026/units/01/registrations"

	r := get(t, hanoi, page)
	if r.status != 200 {
		t.Fatalf("registrations = %d", r.status)
	}
	mustContain(t, "Hà Nội 2026", r.body, "Chỉ tiêu Bộ giao: 10 · Đã đăng ký: 10 cấp Bộ, 2 cấp thành phố",
		`href="/2026/wards/09552">Phường Kiến Hưng</a>`, "Đã có hồ sơ, không bỏ được")
	if strings.Contains(r.body, `name="quota"`) {
		t.Error("a reviewer is offered to set the Ministry's quota")
	}
	// 2023: the seed article's figures, over the quota by two.
	mustContain(t, "Hà Nội 2023", get(t, hanoi, srv.URL+"/2023/units/01/registrations").body,
		"Chỉ tiêu Bộ giao: 13 · Đã đăng ký: 15 cấp Bộ, 11 cấp thành phố", "vượt chỉ tiêu 2 phường")
	// The dashboard says the same, warns of the overrun and links the list.
	mustContain(t, "dashboard", get(t, hanoi, srv.URL+"/2023/units/01").body,
		"Chỉ tiêu Bộ giao: 13 · Đã đăng ký: 15 cấp Bộ, 11 cấp thành phố", `href="/2023/units/01/registrations"`,
		`id="over">Số phường đăng ký cấp Bộ vượt chỉ tiêu 2 phường.`)

	// Refusals: each with its status and message, nothing written (by
	// the Ministry: 2026's registration has closed for the province).
	ministry := signIn(t, srv, "bocongan")
	danang := addReviewer(t, srv, dbURL, "danang", "48")
	before := dbState(t, dbURL)
	for _, tt := range []struct {
		form   url.Values
		status int
		msg    string
	}{
		{url.Values{"ward_code": {""}, "level": {"city"}}, 400, "Hãy nhập mã phường."},
		{url.Values{"ward_code": {"00091"}, "level": {"district"}}, 400, "Hãy chọn cấp đăng ký."},
		{url.Values{"ward_code": {"99999"}, "level": {"city"}}, 400, "Không có phường nào mang mã này trong năm."},
		{url.Values{"ward_code": {"01"}, "level": {"city"}}, 400, "Mã này không phải của một phường"},
		{url.Values{"ward_code": {"26740"}, "level": {"city"}}, 403, "không thuộc tỉnh/thành phố của trang này"},
		{url.Values{"ward_code": {"09552"}, "level": {"city"}}, 409, "đã được đăng ký năm nay"},
	} {
		r := post(t, ministry, page, tt.form)
		if r.status != tt.status {
			t.Errorf("%v = %d, want %d", tt.form, r.status, tt.status)
		}
		mustContain(t, "refusal", r.body, tt.msg, `value="`+tt.form.Get("ward_code")+`"`)
	}
	if r := post(t, hanoi, page+"/09552/remove", nil); r.status != 409 || !strings.Contains(r.body, "đã có hồ sơ đánh giá năm nay") {
		t.Errorf("removing a ward with an assessment = %d", r.status)
	}
	if r := post(t, hanoi, page+"/quota", url.Values{"quota": {"12"}}); r.status != 403 {
		t.Errorf("a reviewer setting the quota = %d, want 403", r.status)
	}
	if r := get(t, danang, page); r.status != 403 {
		t.Errorf("another province's reviewer = %d, want 403", r.status)
	}
	if r := get(t, hanoi, srv.URL+"/2023/units/268/registrations"); r.status != 404 {
		t.Errorf("a district's registrations = %d, want 404", r.status)
	}
	if dbState(t, dbURL) != before {
		t.Error("a refused registration changed the database")
	}

	// 2026's registration closed on 31/03: the province is told so, offered
	// no form, and refused; the Ministry may still register.
	r = get(t, hanoi, page)
	mustContain(t, "closed, for the province", r.body, "Đã hết hạn đăng ký năm nay (31/03/2026).", "đề nghị Bộ Công an")
	if strings.Contains(r.body, `name="ward_code"`) {
		t.Error("the province is offered to register after the deadline")
	}
	before = dbState(t, dbURL)
	if r := post(t, hanoi, page, url.Values{"ward_code": {"00091"}, "level": {"city"}}); r.status != 409 ||
		!strings.Contains(r.body, `<div class="error-summary" id="closed" role="alert"`) {
		t.Errorf("a late registration by the province = %d", r.status)
	}
	if dbState(t, dbURL) != before {
		t.Error("a refused late registration changed the database")
	}

	// Found by name without accents, registered by the Ministry at city
	// level, marked late, shown on the list and the dashboard; then removed.
	r = get(t, ministry, page+"?q=phu+thuong")
	mustContain(t, "search", r.body, "Phường Phú Thượng", `<input type="hidden" name="ward_code" value="00091">`,
		"Bộ Công an vẫn đăng ký bổ sung được")
	r = post(t, ministry, page, url.Values{"ward_code": {"00091"}, "level": {"city"}})
	if r.status != 303 || r.header.Get("Location") != "/2026/units/01/registrations#w00091" {
		t.Fatalf("register = %d %s", r.status, r.header.Get("Location"))
	}
	r = get(t, ministry, page)
	mustContain(t, "after", r.body, "Đã đăng ký phường 00091.", "Chỉ tiêu Bộ giao: 10 · Đã đăng ký: 10 cấp Bộ, 3 cấp thành phố")
	mustContain(t, "the late row", rowWithID(t, r.body, "w00091"), "đăng ký muộn")
	if strings.Contains(rowWithID(t, r.body, "w09552"), "đăng ký muộn") {
		t.Error("a registration made in time is marked late")
	}
	if countAudit(t, dbURL, "registration_add", "00091/2026") != 1 {
		t.Error("the registration is not audited")
	}
	mustContain(t, "dashboard", get(t, hanoi, srv.URL+"/2026/units/01").body, `href="/2026/wards/00091"`)
	if r := post(t, hanoi, page+"/00091/remove", nil); r.status != 303 {
		t.Fatalf("remove = %d", r.status)
	}
	if strings.Contains(get(t, hanoi, srv.URL+"/2026/units/01").body, `href="/2026/wards/00091"`) {
		t.Error("a removed ward is still on the dashboard")
	}
	if countAudit(t, dbURL, "registration_remove", "00091/2026") != 1 {
		t.Error("the removal is not audited")
	}

	// A Ministry-level registration beyond the quota goes through, saying so.
	r = post(t, ministry, page, url.Values{"ward_code": {"00091"}, "level": {"ministry"}})
	if r.status != 303 {
		t.Fatalf("register over the quota = %d", r.status)
	}
	mustContain(t, "over the quota", get(t, ministry, page).body,
		"Đã đăng ký phường 00091. Lưu ý: số phường đăng ký cấp Bộ nay vượt chỉ tiêu 1 phường.", `id="over"`)
	if r := post(t, ministry, page+"/00091/remove", nil); r.status != 303 {
		t.Fatalf("remove = %d", r.status)
	}

	// The Ministry sets the quota, for any province.
	if r := post(t, ministry, page+"/quota", url.Values{"quota": {"mười"}}); r.status != 400 || !strings.Contains(r.body, "Chỉ tiêu phải là số nguyên") {
		t.Errorf("a bad quota = %d", r.status)
	}
	if r := post(t, ministry, page+"/quota", url.Values{"quota": {"12"}}); r.status != 303 {
		t.Fatalf("quota = %d", r.status)
	}
	mustContain(t, "new quota", get(t, ministry, page).body, "Chỉ tiêu Bộ giao: 12 · Đã đăng ký: 10 cấp Bộ")
	if r := post(t, ministry, srv.URL+"/2026/units/79/registrations", url.Values{"ward_code": {"26740"}, "level": {"city"}}); r.status != 409 {
		t.Errorf("Sài Gòn registered twice = %d", r.status)
	}
}

// A ward not registered for a year has no assessment that year: its page
// says so and links the years it is registered; its officers cannot record.
func TestUnregisteredYear(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	officer := signIn(t, srv, "phula")
	r := get(t, officer, srv.URL+"/2025/wards/09552")
	mustContain(t, "Kiến Hưng 2025", r.body, "<h1>Phường Kiến Hưng</h1>",
		"Phường không đăng ký tham gia chương trình năm 2025", `<a href="/2026/wards/09552">2026</a>`)
	if strings.Contains(r.body, "/criteria/1#") || strings.Contains(r.body, "đạt 0/20") {
		t.Error("an unregistered year shows a standing or a way to record")
	}
	before := dbState(t, dbURL)
	r = post(t, officer, srv.URL+"/2025/wards/09552/criteria/2", url.Values{"status": {"met"}, "version": {"0"}})
	if r.status != 409 || !strings.Contains(r.body, "chưa được đăng ký tham gia chương trình năm này") {
		t.Errorf("recording in an unregistered year = %d", r.status)
	}
	if dbState(t, dbURL) != before {
		t.Error("a refused save changed the database")
	}
	mustContain(t, "Kiến Hưng 2026", get(t, officer, srv.URL+"/2026/wards/09552").body, "Cấp đăng ký: cấp Bộ.", "đạt 12/20 tiêu chí")
	mustContain(t, "Dương Nội 2026", get(t, signIn(t, srv, "hanoi"), srv.URL+"/2026/wards/09886").body, "Cấp đăng ký: cấp thành phố.")
	// Communes and special zones are named by their official type.
	ministry := signIn(t, srv, "bocongan")
	mustContain(t, "Xã Ba Chẽ", get(t, ministry, srv.URL+"/2026/wards/06978").body, "<h1>Xã Ba Chẽ</h1>")
	mustContain(t, "Thị trấn Ba Chẽ", get(t, ministry, srv.URL+"/2024/wards/06970").body, "<h1>Thị trấn Ba Chẽ</h1>", "Huyện Ba Chẽ")
	mustContain(t, "Đặc khu Côn Đảo", get(t, ministry, srv.URL+"/2026/wards/26732").body, "<h1>Đặc khu Côn Đảo</h1>", "Thành phố Hồ Chí Minh")
}

// Each user's home opens the current year (the clock's, 2026) even when a
// later catalogue exists, and an officer of a unit that has ended lands on
// its last year, not on the unit its code names today.
func TestHomeOpensTheCurrentYear(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	execSQL(t, dbURL, `INSERT INTO catalogues (year, year_end_opens) VALUES (2027, '2027-11-01')`)
	for user, want := range map[string]string{"phula": "/2026/wards/09552", "hanoi": "/2026/units/01", "bocongan": "/2026/units/VN"} {
		if home := homeLink(t, signIn(t, srv, user), srv.URL); home != want {
			t.Errorf("%s's home: %s, want %s", user, home, want)
		}
	}
	execSQL(t, dbURL, `INSERT INTO users (username, full_name, role, unit_id, password_hash)
		SELECT 'cuphula', 'Công an phường Phú La', 'ward_officer', unit_in_year('09552', 2023), password_hash FROM users WHERE username = 'phula'`)
	if home := homeLink(t, signIn(t, srv, "cuphula"), srv.URL); home != "/2024/wards/09552" {
		t.Errorf("Phú La's officer's home: %s, want /2024/wards/09552", home)
	}
}

// rowWithID is the table row of page with the id.
func rowWithID(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `<tr id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no row %s", id)
	}
	return page[i : i+strings.Index(page[i:], "</tr>")]
}
