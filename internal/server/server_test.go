package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
	"modelward/internal/preview"
	"modelward/internal/seed"
	"modelward/internal/server"
	"modelward/internal/store"
	"modelward/internal/testdb"
	"modelward/web"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

// newPortal serves the real router over a fresh database with the demo data.
func newPortal(t *testing.T) *httptest.Server {
	t.Helper()
	srv, _ := newPortalDB(t)
	return srv
}

// newPortalDB is newPortal that also gives the database's URL, for tests
// that look behind the portal. Most tests work in 2022, which has the
// 22-criteria catalogue and almost no assessments: there phula is an
// officer of Phường Phú La (the unit code 09552 named before the reform),
// and the wards of Quận Hà Đông are registered for the Ministry.
func newPortalDB(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	st, url := testdb.Open(t, true)
	onPhuLa2022(t, st)
	return serve(t, st), url
}

// onPhuLa2022 makes phula an officer of Phường Phú La and registers the
// wards of Quận Hà Đông for 2022.
func onPhuLa2022(t *testing.T, st *store.Store) {
	t.Helper()
	err := st.Transact(context.Background(), func(tx pgx.Tx) error {
		_, err := tx.Exec(context.Background(), `
			UPDATE users SET unit_id = unit_in_year('09552', 2022), full_name = 'Công an phường Phú La' WHERE username = 'phula';
			INSERT INTO registrations (year, ward_id, level)
			SELECT 2022, l.child_id, 'ministry'
			FROM unit_parents l JOIN units d ON d.id = l.parent_id
			WHERE d.code = '268' AND l.span @> DATE '2022-12-31'
			ON CONFLICT DO NOTHING`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// newPortalDemo serves the demo data exactly as seeded.
func newPortalDemo(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	st, url := testdb.Open(t, true)
	return serve(t, st), url
}

func serve(t *testing.T, st *store.Store) *httptest.Server {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	return servePortal(t, server.Config{Store: st, Demo: true, Logger: quiet, Now: testNow})
}

// servePortal serves the router cfg makes, over HTTP, for one test.
func servePortal(t *testing.T, cfg server.Config) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(server.New(cfg).Handler())
	t.Cleanup(srv.Close)
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	portals.Store(srv.URL, portal{cfg.Store, now})
	t.Cleanup(func() { portals.Delete(srv.URL) })
	return srv
}

// portals are the test portals by address, for the helpers that must look
// behind one (a user's second-factor secret, the portal's clock).
var portals sync.Map

type portal struct {
	st  *store.Store
	now func() time.Time
}

// drawPreviews draws the pictures of every file uploaded to the portal at
// addr so far, as the preview worker of a running portal does in the
// background, each in its child process.
func drawPreviews(t *testing.T, addr string) int {
	t.Helper()
	p, ok := portals.Load(addr)
	if !ok {
		t.Fatalf("no test portal at %s", addr)
	}
	w := preview.Worker{Store: p.(portal).st, Now: p.(portal).now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	n, err := w.DrawDue(context.Background())
	if err != nil {
		t.Fatalf("draw previews: %v", err)
	}
	return n
}

// factorCode is the code username's authenticator shows at the tests'
// clock. That clock stands still, so every sign-in falls in one 30-second
// step, whose code the portal accepts once; a person's next sign-in comes
// in a later step. The helper forgets the step used, as time passing would.
func factorCode(t *testing.T, addr, username string) string {
	t.Helper()
	p, ok := portals.Load(addr)
	if !ok {
		t.Fatalf("no test portal at %s", addr)
	}
	var secret string
	err := p.(portal).st.Transact(context.Background(), func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `UPDATE users SET totp_last_step = NULL WHERE username = $1 RETURNING totp_secret`, username).Scan(&secret)
	})
	if err != nil {
		t.Fatalf("factor of %s: %v", username, err)
	}
	code, err := assess.FactorCode(secret, p.(portal).now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// secretShown reads the secret a set-up page shows.
func secretShown(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`data-secret="([A-Z2-7]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no secret on the set-up page")
	}
	return m[1]
}

// passFactor takes a sign-in past its second step, whose password step
// answered r: the code of the user's authenticator, or, for a user who
// must set one up, the set-up with the secret the page shows. It returns
// the last answer; other answers pass through.
func passFactor(t *testing.T, addr string, c *http.Client, username string, r response) response {
	t.Helper()
	switch {
	case strings.Contains(r.body, `action="/login/code"`):
		return post(t, c, addr+"/login/code", url.Values{"code": {factorCode(t, addr, username)}})
	case strings.Contains(r.body, `action="/login/enrol"`):
		p, _ := portals.Load(addr)
		code, err := assess.FactorCode(secretShown(t, r.body), p.(portal).now())
		if err != nil {
			t.Fatal(err)
		}
		r = post(t, c, addr+"/login/enrol", url.Values{"code": {code}})
		if r.status != http.StatusOK || !strings.Contains(r.body, `id="recovery-codes"`) {
			t.Fatalf("set up the factor of %s: %d", username, r.status)
		}
	}
	return r
}

// testNow is the tests' clock: the demo's day, the year-end window of 2026 open.
func testNow() time.Time { return time.Date(2026, time.December, 1, 9, 0, 0, 0, web.HoChiMinh) }

func noFollow(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// newClient is a browser-like client with cookies that does not follow redirects.
func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: noFollow}
}

// signIn signs a demo user in and returns their client.
func signIn(t *testing.T, srv *httptest.Server, username string) *http.Client {
	t.Helper()
	c := newClient()
	r := post(t, c, srv.URL+"/login", url.Values{"username": {username}, "password": {seed.DemoPassword}})
	r = passFactor(t, srv.URL, c, username, r)
	if r.status != http.StatusSeeOther && !strings.Contains(r.body, `id="recovery-codes"`) {
		t.Fatalf("sign in as %s: %d", username, r.status)
	}
	return c
}

func post(t *testing.T, c *http.Client, u string, form url.Values) response {
	t.Helper()
	res, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}

func read(t *testing.T, res *http.Response) response {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

type response struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, c *http.Client, url string) response {
	t.Helper()
	if c == nil {
		c = newClient()
	}
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s does not contain %q", what, w)
		}
	}
	if i := strings.Index(body, "%!"); i >= 0 {
		t.Errorf("%s has a badly formatted message: %s", what, body[i:min(len(body), i+40)])
	}
	if strings.Contains(body, "[[") {
		t.Errorf("%s has a message missing from the catalogue: %s", what, body[strings.Index(body, "[["):][:40])
	}
}

func TestHealthAndReadiness(t *testing.T) {
	srv := newPortal(t)
	if r := get(t, nil, srv.URL+"/healthz"); r.status != 200 {
		t.Errorf("/healthz = %d", r.status)
	}
	if r := get(t, nil, srv.URL+"/readyz"); r.status != 200 {
		t.Errorf("/readyz = %d", r.status)
	}
}

func TestDatabaseDownAnswers503(t *testing.T) {
	// A store pointed at a port where no database listens.
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	st, err := store.Open(context.Background(), "postgres://nobody@"+addr+"/none?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(server.New(server.Config{Store: st}).Handler())
	defer srv.Close()

	if r := get(t, nil, srv.URL+"/healthz"); r.status != 200 {
		t.Errorf("/healthz = %d while the database is down, want 200", r.status)
	}
	if r := get(t, nil, srv.URL+"/readyz"); r.status != 503 {
		t.Errorf("/readyz = %d, want 503", r.status)
	}
	// A signed-in user's session cannot be read either.
	c := newClient()
	u, _ := url.Parse(srv.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "modelward_session", Value: "some-session-token"}})
	for _, path := range []string{"/2023/units/VN", "/2023/wards/09552", "/2023/units/01/summary.csv"} {
		r := get(t, c, srv.URL+path)
		if r.status != 503 || r.header.Get("Retry-After") != "5" {
			t.Errorf("%s = %d (Retry-After %q), want 503 with Retry-After: 5", path, r.status, r.header.Get("Retry-After"))
		}
		mustContain(t, path, r.body, "Hệ thống tạm thời không truy cập được cơ sở dữ liệu", "thử lại sau vài giây")
		for _, leak := range []string{"dial", "connect", "pgx", "127.0.0.1", "goroutine"} {
			if strings.Contains(r.body, leak) {
				t.Errorf("%s shows %q to the user", path, leak)
			}
		}
	}
}

func TestDashboard(t *testing.T) {
	srv := newPortal(t)
	c := signIn(t, srv, "bocongan")

	r := get(t, c, srv.URL+"/2023/units/VN")
	if r.status != 200 {
		t.Fatalf("national dashboard = %d", r.status)
	}
	mustContain(t, "national dashboard", r.body,
		`<html lang="vi">`, "Bộ Công an", "Các tỉnh/thành phố",
		`href="/2023/units/01"`, "Thành phố Hà Nội", "Thành phố Đà Nẵng", "Thành phố Hồ Chí Minh",
		"<svg", "Số liệu trình diễn chỉ mang tính minh họa")

	r = get(t, c, srv.URL+"/2023/units/01")
	mustContain(t, "Hà Nội dashboard", r.body,
		"Các quận/huyện", `href="/2023/units/268"`, "Quận Hà Đông",
		"3 trong 26 phường đạt mức cao nhất là 19/22 tiêu chí.",
		`<title>19/22: 3</title>`, `<title>18/22: 11</title>`, `<title>16/22: 6</title>`, `<title>15/22: 6</title>`,
		`href="/2023/wards/09552"`, "Phường Phú La", "đã gửi duyệt", "đang soạn",
		`href="/2023/units/01/summary.csv"`)
	if n := strings.Count(r.body, `data-label="Phường"><a href="/2023/wards/`); n != 26 {
		t.Errorf("Hà Nội 2023 lists %d wards, want 26", n)
	}
	// The heat map: a row per ward, a cell per criterion, each with its
	// status in words as well as in colour and sign.
	heat := r.body[strings.Index(r.body, `<table class="heat-map"`):]
	heat = heat[:strings.Index(heat, "</table>")]
	if rows, cells := strings.Count(heat, `<th scope="row">`), strings.Count(heat, "<td "); rows != 26 || cells != 26*22 {
		t.Errorf("heat map has %d rows and %d cells, want 26 and %d", rows, cells, 26*22)
	}
	mustContain(t, "heat map", heat, `<th scope="row"><a href="/2023/wards/09552">Phường Phú La</a></th>`,
		`class="c-met" title="đạt">✓</td>`, `<td data-n="22" class="c-`, `class="c-pending_year_end" title="chờ đánh giá cuối năm">`)

	// Sorted by standing, the three wards at 19/22 come first.
	r = get(t, c, srv.URL+"/2023/units/01?sort=standing.desc")
	first := strings.Index(r.body, `href="/2023/wards/`)
	if first < 0 || !strings.Contains(r.body[first:first+200], "Phường Phú La") &&
		!strings.Contains(r.body[first:first+200], "Phường Điện Biên") &&
		!strings.Contains(r.body[first:first+200], "Phường Ô Chợ Dừa") {
		t.Errorf("sorted by standing, the first ward is not one at 19/22: %s", r.body[first:first+200])
	}
	r = get(t, c, srv.URL+"/2023/units/01?sort=standing.asc")
	first = strings.Index(r.body, `<td class="num" data-label="Kết quả">`)
	if first < 0 || !strings.HasPrefix(r.body[first+len(`<td class="num" data-label="Kết quả">`):], "15/22") {
		t.Errorf("sorted lowest first, the first standing is not 15/22")
	}

	// 2025: the post-reform wards sit directly under the city.
	r = get(t, c, srv.URL+"/2025/units/01")
	mustContain(t, "Hà Nội 2025", r.body, "Trực thuộc thành phố", "Phường Ba Đình", `href="/2025/wards/00004"`)

	// A district lists its registered wards; the 2022 national dashboard
	// shows the recognised ward.
	r = get(t, c, srv.URL+"/2023/units/268")
	mustContain(t, "Hà Đông", r.body, "Phường Phú La", "Phường Mộ Lao", "Phường Vạn Phúc")
	if strings.Contains(r.body, "Phường Văn Quán") {
		t.Error("Hà Đông 2023 lists Văn Quán, which is not registered")
	}
	r = get(t, c, srv.URL+"/2022/units/VN")
	mustContain(t, "2022", r.body, "<strong>1</strong> phường đạt đủ 22/22 tiêu chí")
}

func TestWardPage(t *testing.T) {
	srv := newPortal(t)
	c := signIn(t, srv, "bocongan")
	r := get(t, c, srv.URL+"/2023/wards/09552")
	if r.status != 200 {
		t.Fatalf("ward page = %d", r.status)
	}
	mustContain(t, "Phú La 2023", r.body,
		"<h1>Phường Phú La</h1>", "đạt 19/22 tiêu chí (3 tiêu chí chờ đánh giá cuối năm)",
		"Nhóm A. Xây dựng Đảng và chính quyền", "Nhóm G. Phong trào quần chúng và phục vụ nhân dân",
		"Tỷ lệ khám phá án phạm pháp hình sự", "≥ 90 %", "91 %", "100 %", "-8 %",
		"Chờ đánh giá cuối năm", `· Trạng thái: <span class="state sa-submitted">Đã gửi duyệt</span>`, "Gửi duyệt ngày 20/11/2023",
		`href="/2023/units/268"`, `href="/2022/wards/09552"`, "Kết quả:")
	// One table, fixed columns across the groups; the year-end window of a
	// year long past is not announced.
	if n := strings.Count(r.body, `<table class="cards criteria"`); n != 1 {
		t.Errorf("%d criteria tables, want one", n)
	}
	if strings.Contains(r.body, "01/11/2023") {
		t.Error("the ward page of 2023 still says when the 2023 year-end window opens")
	}
	for n := 1; n <= 22; n++ {
		if !strings.Contains(r.body, `id="c`+itoa(n)+`"`) {
			t.Errorf("criterion %d is missing", n)
		}
	}
	if got := strings.Count(r.body, "st-pending_year_end"); got != 3 {
		t.Errorf("%d criteria shown pending year end, want 3", got)
	}

	r = get(t, c, srv.URL+"/2022/wards/26776")
	mustContain(t, "Tân Chánh Hiệp 2022", r.body, "đạt 22/22 tiêu chí", ">Đã công nhận</span>",
		"Quyết định công nhận số 1523, ngày 14/04/2023")

	r = get(t, c, srv.URL+"/2022/wards/09552")
	mustContain(t, "Phú La 2022", r.body, "Phường chưa bắt đầu hồ sơ đánh giá năm 2022.", "đạt 0/22 tiêu chí (3 tiêu chí chờ đánh giá cuối năm)")
}

// signInLang signs in and chooses a language.
func signInLang(t *testing.T, srv *httptest.Server, username, lang string) *http.Client {
	t.Helper()
	c := signIn(t, srv, username)
	get(t, c, srv.URL+"/lang?to="+lang+"&next=/")
	return c
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestEnglishBySwitch(t *testing.T) {
	srv := newPortal(t)
	c := signIn(t, srv, "phula")
	r := get(t, c, srv.URL+"/lang?to=en&next=%2F2023%2Fwards%2F09552")
	if r.status != 303 || r.header.Get("Location") != "/2023/wards/09552" {
		t.Fatalf("switch = %d to %q", r.status, r.header.Get("Location"))
	}
	r = get(t, c, srv.URL+r.header.Get("Location"))
	mustContain(t, "English ward page", r.body, `<html lang="en">`, "19/22 met (3 pending year end)",
		"Share of criminal cases solved", "pending year end", "Group E. Crime and social order", "-8 %",
		"Demo figures are illustrative.")
	// The choice is kept for the next page.
	r = get(t, signInLang(t, srv, "hanoi", "en"), srv.URL+"/2023/units/01")
	mustContain(t, "English dashboard", r.body, `<html lang="en">`, "3 of 26 wards at the highest standing, 19/22.")
	// Back to Vietnamese.
	get(t, c, srv.URL+"/lang?to=vi&next=/2023/wards/09552")
	r = get(t, c, srv.URL+"/2023/wards/09552")
	mustContain(t, "Vietnamese again", r.body, `<html lang="vi">`)
	// The switch never leads off the site.
	for _, next := range []string{"https://example.org/", "//example.org/", "/\\example.org"} {
		r := get(t, nil, srv.URL+"/lang?to=en&next="+next)
		if loc := r.header.Get("Location"); loc != "/" {
			t.Errorf("next=%s redirects to %q, want /", next, loc)
		}
	}
}

func TestBadAddresses(t *testing.T) {
	srv := newPortal(t)
	c := signIn(t, srv, "bocongan")
	for path, want := range map[string]int{
		"/2023/units/99999":             404,
		"/2023/wards/99999":             404,
		"/1999/units/VN":                404,
		"/1999/wards/09552":             404,
		"/20x3/units/VN":                400,
		"/23/wards/09552":               400,
		"/2023/units/99999/summary.csv": 404,
		"/abc/units/VN/summary.csv":     400,
		"/no/such/page":                 404,
	} {
		r := get(t, c, srv.URL+path)
		if r.status != want {
			t.Errorf("%s = %d, want %d", path, r.status, want)
			continue
		}
		msg := "Không tìm thấy trang hoặc đơn vị này"
		if want == 400 {
			msg = "Năm phải là số có bốn chữ số"
		}
		mustContain(t, path, r.body, `<html lang="vi">`, msg)
	}
	// A code that names no unit in the year says what it named, and when.
	r := get(t, c, srv.URL+"/2026/wards/00001")
	if r.status != 404 {
		t.Errorf("2026 00001 = %d, want 404", r.status)
	}
	mustContain(t, "code elsewhere", r.body, "Mã 00001 không ứng với đơn vị nào trong năm 2026. Mã này từng là:",
		`<a href="/2025/wards/00001">Phường Phúc Xá (đến 30/06/2025)</a>`)
	// A ward asked for as a unit, and a unit as a ward, lead to the right page.
	if r := get(t, c, srv.URL+"/2023/units/09552"); r.status != 303 || r.header.Get("Location") != "/2023/wards/09552" {
		t.Errorf("ward as unit: %d %s", r.status, r.header.Get("Location"))
	}
	if r := get(t, c, srv.URL+"/2023/wards/01"); r.status != 303 || r.header.Get("Location") != "/2023/units/01" {
		t.Errorf("unit as ward: %d %s", r.status, r.header.Get("Location"))
	}
	if home := homeLink(t, c, srv.URL); home != "/2026/units/VN" {
		t.Errorf("home links %q", home)
	}
}

func TestSummaryCSV(t *testing.T) {
	srv := newPortal(t)
	c := signIn(t, srv, "bocongan")
	r := get(t, c, srv.URL+"/2023/units/01/summary.csv")
	if r.status != 200 {
		t.Fatalf("summary.csv = %d", r.status)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.HasPrefix(r.body, "\uFEFF") {
		t.Fatal("no byte-order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := "province_code,province,district_code,district,ward_code,ward,status,met,total,pending_year_end," +
		"c01,c02,c03,c04,c05,c06,c07,c08,c09,c10,c11,c12,c13,c14,c15,c16,c17,c18,c19,c20,c21,c22,level,decision_no,decision_date," +
		"claimed_met,appraised_met,inspected_met,inspection"
	if got := strings.Join(recs[0], ","); got != header {
		t.Fatalf("header\n got %s\nwant %s", got, header)
	}
	if len(recs) != 27 {
		t.Fatalf("%d rows, want 26 wards", len(recs)-1)
	}
	var phuLa []string
	for _, rec := range recs[1:] {
		if rec[4] == "09552" {
			phuLa = rec
		}
	}
	want := "01,Thành phố Hà Nội,268,Quận Hà Đông,09552,Phường Phú La,submitted,19,22,3," +
		"pending_year_end,met,met,met,pending_year_end,met,pending_year_end,met,met,met,met,met,met,met,met,met,met,met,met,met,met,met,ministry,,," +
		"19,19,19,recognize"
	if got := strings.Join(phuLa, ","); got != want {
		t.Errorf("Phú La\n got %s\nwant %s", got, want)
	}

	// A ward directly under a province has empty district columns; a ward
	// without an assessment is not_started.
	r = get(t, c, srv.URL+"/2022/units/VN/summary.csv")
	recs, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	notStarted := 0
	for _, rec := range recs[1:] {
		if rec[3] == "Quận Hà Đông" {
			notStarted++
			if rec[6] != "not_started" || rec[7] != "0" || rec[9] != "3" {
				t.Errorf("2022 %s: %v", rec[4], rec[:10])
			}
		}
		if rec[4] == "26776" && strings.Join(rec[len(rec)-7:], ",") != "ministry,1523,2023-04-14,22,22,," {
			t.Errorf("Tân Chánh Hiệp 2022: %v", rec[len(rec)-7:])
		}
	}
	if notStarted == 0 {
		t.Error("2022 lists no ward of Hà Đông")
	}
	r = get(t, c, srv.URL+"/2026/units/01/summary.csv")
	if !strings.Contains(r.body, "\n01,Thành phố Hà Nội,,,09552,Phường Kiến Hưng,draft,12,20,3,") {
		t.Errorf("2026: Kiến Hưng is not listed with empty district columns")
	}
	// A single ward can be exported too.
	r = get(t, c, srv.URL+"/2023/units/09552/summary.csv")
	if n := strings.Count(r.body, "\n"); r.status != 200 || n != 2 {
		t.Errorf("ward summary: %d, %d lines", r.status, n)
	}
}

// Every request leaves one structured log line, with who and how long, and
// nothing secret.
func TestRequestLog(t *testing.T) {
	st, _ := testdb.Open(t, true)
	var buf syncBuffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	srv := httptest.NewServer(server.New(server.Config{Store: st, Logger: log}).Handler())
	defer srv.Close()
	c := newClient()
	post(t, c, srv.URL+"/login", url.Values{"username": {"phula"}, "password": {seed.DemoPassword}})
	get(t, c, srv.URL+"/2023/wards/09552")
	var found bool
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("not JSON: %s", line)
		}
		if e["msg"] == "request" && e["route"] == "/{year}/wards/{code}" {
			found = e["user"] == "phula" && e["status"] == float64(200) && e["request_id"] != "" && e["duration_ms"] != nil
		}
	}
	if !found {
		t.Errorf("no request line for the ward page: %s", buf.String())
	}
	if strings.Contains(buf.String(), seed.DemoPassword) || strings.Contains(buf.String(), "modelward_session") {
		t.Error("the log holds a password or a session")
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var homeButton = regexp.MustCompile(`<a class="button primary" href="([^"]+)">`)

// homeLink is where the home page's button to the user's own unit leads.
func homeLink(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	r := get(t, c, base+"/")
	if r.status != 200 {
		t.Fatalf("home = %d", r.status)
	}
	m := homeButton.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("the home page has no link to the user's unit")
	}
	return m[1]
}
