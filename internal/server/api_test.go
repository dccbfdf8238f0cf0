package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func getJSON(t *testing.T, c *http.Client, u, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if c == nil {
		c = newClient()
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r := read(t, res)
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", u, ct)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("%s: %v: %s", u, err, r.body)
	}
	return r.status, v
}

func TestAPISummaryMatchesCSV(t *testing.T) {
	srv := newPortal(t)
	c := signIn(t, srv, "bocongan")
	status, v := getJSON(t, c, srv.URL+"/api/v1/2023/units/01/summary", "")
	if status != 200 {
		t.Fatalf("api = %d %v", status, v)
	}
	wards := v["wards"].([]any)
	recs := csvRecords(t, get(t, c, srv.URL+"/2023/units/01/summary.csv").body)
	if len(wards) != len(recs)-1 {
		t.Fatalf("%d wards in JSON, %d in CSV", len(wards), len(recs)-1)
	}
	header := recs[0]
	for i, w := range wards {
		o := w.(map[string]any)
		for j, col := range header {
			got := o[col]
			if got == nil {
				got = "" // a tier not reached: null in JSON, empty in CSV
			}
			if n, ok := got.(float64); ok {
				got = strconv.Itoa(int(n))
			}
			if got != recs[i+1][j] {
				t.Errorf("ward %d %s: JSON %v, CSV %q", i, col, o[col], recs[i+1][j])
			}
		}
	}
	if _, ok := wards[0].(map[string]any)["met"].(float64); !ok {
		t.Error("met is not a number")
	}
}

func TestAPITokens(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	admin := signIn(t, srv, "admin")
	if status, v := getJSON(t, nil, srv.URL+"/api/v1/2023/units/01/summary", ""); status != 401 || v["error"] != "Bạn cần đăng nhập để thực hiện việc này." {
		t.Errorf("no credentials: %d %v", status, v)
	}
	if r := post(t, admin, srv.URL+"/admin/tokens", url.Values{"name": {"Hệ thống báo cáo"}, "username": {"nobody"}}); r.status != 400 {
		t.Errorf("token for an unknown user = %d", r.status)
	}
	if r := post(t, signIn(t, srv, "hanoi"), srv.URL+"/admin/tokens", url.Values{"name": {"x"}, "username": {"hanoi"}}); r.status != 403 {
		t.Errorf("a reviewer issues a token: %d", r.status)
	}
	r := post(t, admin, srv.URL+"/admin/tokens", url.Values{"name": {"Hệ thống báo cáo thành phố"}, "username": {"hanoi"}})
	m := regexp.MustCompile(`<code id="token">(mw_[A-Z2-7]+)</code>`).FindStringSubmatch(r.body)
	if r.status != 200 || m == nil {
		t.Fatalf("issue = %d", r.status)
	}
	token := m[1]
	if n := queryInt(t, dbURL, `SELECT count(*) FROM api_tokens WHERE token_sha256 = sha256(convert_to($1, 'UTF8'))`, token); n != 1 {
		t.Error("the token's hash is not what is stored")
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM api_tokens WHERE position($1 in encode(token_sha256, 'escape')) > 0`, token); n != 0 {
		t.Error("the token itself is stored")
	}

	// The token has the scope of its user.
	if status, v := getJSON(t, nil, srv.URL+"/api/v1/2023/units/01/summary", token); status != 200 || len(v["wards"].([]any)) != 26 {
		t.Errorf("token in scope: %d", status)
	}
	if status, v := getJSON(t, nil, srv.URL+"/api/v1/2023/units/VN/summary", token); status != 403 || v["error"] != "Tài khoản của bạn không có quyền xem hoặc thay đổi đơn vị này." {
		t.Errorf("token out of scope: %d %v", status, v)
	}
	if status, _ := getJSON(t, nil, srv.URL+"/api/v1/1999/units/01/summary", token); status != 404 {
		t.Errorf("unknown year: %d", status)
	}
	if status, _ := getJSON(t, nil, srv.URL+"/api/v1/20x3/units/01/summary", token); status != 400 {
		t.Errorf("malformed year: %d", status)
	}
	if status, _ := getJSON(t, nil, srv.URL+"/api/v1/2023/units/01/summary", token+"x"); status != 401 {
		t.Errorf("wrong token: %d", status)
	}
	r = get(t, admin, srv.URL+"/admin/tokens")
	mustContain(t, "tokens page", r.body, "Hệ thống báo cáo thành phố", "hanoi", "Thu hồi")

	id := queryInt(t, dbURL, `SELECT id FROM api_tokens`)
	if r := post(t, admin, srv.URL+"/admin/tokens/"+strconv.Itoa(id)+"/revoke", nil); r.status != 303 {
		t.Fatalf("revoke = %d", r.status)
	}
	if status, v := getJSON(t, nil, srv.URL+"/api/v1/2023/units/01/summary", token); status != 401 || v["error"] != "Mã truy cập API không hợp lệ hoặc đã bị thu hồi." {
		t.Errorf("revoked token: %d %v", status, v)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action IN ('token_create', 'token_revoke')`); n != 2 {
		t.Errorf("%d token audit rows, want 2", n)
	}
}

// Other Ministry systems read the unit tree: every unit in force on a day,
// in the official lists' columns, and the whole history of one code with
// its successors; a bearer token of a Ministry user will do.
func TestAPIUnits(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ministry := signIn(t, srv, "bocongan")
	count := func(v map[string]any, kind string) int {
		n := 0
		for _, u := range v["units"].([]any) {
			if u.(map[string]any)["kind"] == kind {
				n++
			}
		}
		return n
	}
	for on, want := range map[string][3]int{"2023-06-30": {63, 705, 10598}, "2025-07-01": {34, 0, 3321}} {
		status, v := getJSON(t, ministry, srv.URL+"/api/v1/units?on="+on, "")
		if got := [3]int{count(v, "province"), count(v, "district"), count(v, "ward")}; status != 200 || got != want || v["on"] != on {
			t.Errorf("on %s: %d %v, want %v", on, status, got, want)
		}
	}
	// Today (the tests' clock: 01/12/2026) when no day is given.
	status, v := getJSON(t, ministry, srv.URL+"/api/v1/units", "")
	if status != 200 || v["on"] != "2026-12-01" || count(v, "ward") != 3321 {
		t.Errorf("today: %d %v %d", status, v["on"], count(v, "ward"))
	}
	for _, u := range v["units"].([]any) {
		if m := u.(map[string]any); m["code"] == "09552" {
			if m["name"] != "Phường Kiến Hưng" || m["type"] != "phuong" || m["parent_code"] != "01" || m["valid_from"] != "2025-07-01" || m["valid_to"] != nil {
				t.Errorf("09552 today: %v", m)
			}
		}
	}
	status, v = getJSON(t, ministry, srv.URL+"/api/v1/units?code=09552", "")
	if status != 200 {
		t.Fatalf("history of 09552 = %d", status)
	}
	units := v["units"].([]any)
	if len(units) != 2 {
		t.Fatalf("09552 named %d units, want 2", len(units))
	}
	phuLa, kienHung := units[0].(map[string]any), units[1].(map[string]any)
	if phuLa["name"] != "Phường Phú La" || phuLa["valid_to"] != "2025-06-30" || kienHung["name"] != "Phường Kiến Hưng" {
		t.Errorf("history: %v", units)
	}
	var toDuongNoi bool
	for _, s := range phuLa["successors"].([]any) {
		m := s.(map[string]any)
		toDuongNoi = toDuongNoi || m["code"] == "09886" && m["on"] == "2025-07-01" && m["share"] == "partial"
	}
	if !toDuongNoi || len(kienHung["predecessors"].([]any)) < 2 {
		t.Errorf("links: Phú La → %v; Kiến Hưng ← %v", phuLa["successors"], kienHung["predecessors"])
	}
	if status, _ := getJSON(t, ministry, srv.URL+"/api/v1/units?code=99999", ""); status != 404 {
		t.Errorf("unknown code = %d", status)
	}
	if status, v := getJSON(t, ministry, srv.URL+"/api/v1/units?on=01/07/2025", ""); status != 400 || v["error"] != "Ngày phải có dạng YYYY-MM-DD." {
		t.Errorf("bad day = %d %v", status, v)
	}
	if status, _ := getJSON(t, signIn(t, srv, "hanoi"), srv.URL+"/api/v1/units", ""); status != 403 {
		t.Errorf("a reviewer reads the tree = %d, want 403", status)
	}
	if status, _ := getJSON(t, nil, srv.URL+"/api/v1/units", ""); status != 401 {
		t.Errorf("anonymous = %d, want 401", status)
	}
	// A token issued for the Ministry's user.
	admin := signIn(t, srv, "admin")
	r := post(t, admin, srv.URL+"/admin/tokens", url.Values{"name": {"Hệ thống danh mục"}, "username": {"bocongan"}})
	m := regexp.MustCompile(`<code id="token">(mw_[A-Z2-7]+)</code>`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("issue = %d", r.status)
	}
	if status, v := getJSON(t, nil, srv.URL+"/api/v1/units?on=2025-07-01", m[1]); status != 200 || count(v, "province") != 34 {
		t.Errorf("with a token: %d", status)
	}
}

// API tokens expire: 90 days unless the admin says otherwise, a year at
// most; an expired token is refused, and the admin page says so.
func TestAPITokensExpire(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	admin := signIn(t, srv, "admin")
	for _, days := range []string{"0", "366", "abc"} {
		if r := post(t, admin, srv.URL+"/admin/tokens", url.Values{"name": {"x"}, "username": {"hanoi"}, "days": {days}}); r.status != 400 || !strings.Contains(r.body, "Thời hạn là số ngày từ 1 đến 365.") {
			t.Errorf("days=%s = %d, want 400", days, r.status)
		}
	}
	r := post(t, admin, srv.URL+"/admin/tokens", url.Values{"name": {"Hệ thống báo cáo"}, "username": {"hanoi"}})
	m := regexp.MustCompile(`<code id="token">(mw_[A-Z2-7]+)</code>`).FindStringSubmatch(r.body)
	if r.status != 200 || m == nil {
		t.Fatalf("issue = %d", r.status)
	}
	// 90 days from the clock's 1 December 2026.
	mustContain(t, "tokens page", get(t, admin, srv.URL+"/admin/tokens").body, "<th scope=\"col\">Hết hạn</th>", "01/03/2027")
	if status, _ := getJSON(t, nil, srv.URL+"/api/v1/2023/units/01/summary", m[1]); status != 200 {
		t.Fatalf("a live token = %d", status)
	}
	execSQL(t, dbURL, `UPDATE api_tokens SET created_at = '2026-09-01', expires_at = '2026-11-30'`)
	if status, _ := getJSON(t, nil, srv.URL+"/api/v1/2023/units/01/summary", m[1]); status != 401 {
		t.Errorf("an expired token = %d, want 401", status)
	}
	mustContain(t, "tokens page", get(t, admin, srv.URL+"/admin/tokens").body, "đã hết hạn ngày 30/11/2026")
	if r := post(t, admin, srv.URL+"/admin/tokens", url.Values{"name": {"Năm"}, "username": {"hanoi"}, "days": {"365"}}); r.status != 200 {
		t.Errorf("a token for a year = %d", r.status)
	}
}
