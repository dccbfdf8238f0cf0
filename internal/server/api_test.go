package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
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
	if status, v := getJSON(t, nil, srv.URL+"/api/v1/2023/units/01/summary", token); status != 401 || v["error"] != "Khóa API không hợp lệ hoặc đã bị thu hồi." {
		t.Errorf("revoked token: %d %v", status, v)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action IN ('token_create', 'token_revoke')`); n != 2 {
		t.Errorf("%d token audit rows, want 2", n)
	}
}
