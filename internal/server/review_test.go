package server_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"modelward/internal/assess"
	"modelward/internal/gen"
	"modelward/internal/seed"
	"modelward/internal/store"
)

// addReviewer adds a reviewer for another city, signed in.
func addReviewer(t *testing.T, srv *httptest.Server, dbURL, username, unit string) *http.Client {
	t.Helper()
	execSQL(t, dbURL, `INSERT INTO users (username, full_name, role, unit_id, password_hash)
		SELECT $1, 'Công an ' || $1, 'reviewer', unit_in_year($2::text, 2022), password_hash FROM users WHERE username = 'hanoi'`, username, unit)
	return signIn(t, srv, username)
}

// refreshStandings counts again the stored standings of a year, after a
// test wrote results around the store.
// inspectedOnSite records, around the portal, that an inspection on site
// visited the ward's file and its leader concluded with proposal, finding
// nothing against the appraisal: what recognition of a Ministry-level ward
// needs.
func inspectedOnSite(t *testing.T, dbURL string, year int, province, ward, proposal string) {
	t.Helper()
	execSQL(t, dbURL, `
		WITH i AS (
		    INSERT INTO inspections (year, level, province_id, starts_on, ends_on, leader_id)
		    SELECT $1, r.level, unit_in_year($2, $1), make_date($1, 11, 10), make_date($1, 11, 10), (SELECT id FROM users WHERE username = 'bocongan')
		    FROM registrations r WHERE r.year = $1 AND r.ward_id = unit_in_year($3, $1)
		    RETURNING id)
		INSERT INTO inspection_wards (inspection_id, assessment_id, proposal, concluded_at)
		SELECT i.id, a.id, $4, now() FROM i, assessments a WHERE a.ward_id = unit_in_year($3, $1) AND a.year = $1`,
		year, province, ward, proposal)
	refreshStandings(t, dbURL, year)
}

// approveDuongNoi makes Dương Nội (city level, 2026) meet all 20 criteria
// and its file approved on 25/11/2026, around the portal.
func approveDuongNoi(t *testing.T, dbURL string) {
	t.Helper()
	execSQL(t, dbURL, `
		INSERT INTO results (assessment_id, year, number, status)
		SELECT a.id, 2026, c.number, 'met' FROM assessments a JOIN criteria c ON c.year = a.year
		WHERE a.ward_id = unit_in_year('09886', 2026) AND a.year = 2026
		ON CONFLICT (assessment_id, number) DO UPDATE SET status = 'met'`)
	execSQL(t, dbURL, `UPDATE assessments SET state = 'approved', submitted_at = '2026-11-20', reviewed_at = '2026-11-25 10:00+07', approved_at = '2026-11-25 10:00+07'
		WHERE ward_id = unit_in_year('09886', 2026) AND year = 2026`)
	refreshStandings(t, dbURL, 2026)
}

func refreshStandings(t *testing.T, dbURL string, year int) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.RefreshStandings(ctx, year); err != nil {
		t.Fatal(err)
	}
}

func stateOf(t *testing.T, dbURL, ward string, year int) string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := st.Assessment(ctx, year, ward)
	if err != nil {
		t.Fatal(err)
	}
	return string(a.State)
}

var versionField = regexp.MustCompile(`action="/2023/wards/09552/review"[^>]*>\s*<input type="hidden" name="version" value="([0-9]+)"`)

func TestReviewCycle(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	reviewer := signIn(t, srv, "hanoi")
	officer := signIn(t, srv, "phula")
	ward := srv.URL + "/2023/wards/09552"

	// The queue: submitted wards, oldest first, with days waiting.
	r := get(t, reviewer, srv.URL+"/2023/units/01")
	mustContain(t, "queue", r.body, "Hồ sơ chờ thẩm định", "20/11/2023", `href="/2023/wards/09552#review"`, "<dt>chờ thẩm định</dt><dd>3</dd>")
	if strings.Contains(get(t, signIn(t, srv, "bocongan"), srv.URL+"/2023/units/01").body, "Hồ sơ chờ thẩm định") {
		t.Error("the Ministry, which does not review, sees a review queue")
	}

	r = get(t, reviewer, ward)
	mustContain(t, "review form", r.body, "Thẩm định hồ sơ", `name="decision" value="approve"`, `name="decision" value="return"`)
	m := versionField.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no version in the review form")
	}

	// Refusals write nothing.
	danang := addReviewer(t, srv, dbURL, "danang", "48")
	before := dbState(t, dbURL)
	for name, tt := range map[string]struct {
		c      *http.Client
		form   url.Values
		status int
		msg    string
	}{
		"no reason":        {reviewer, url.Values{"decision": {"return"}, "reason": {"  "}}, 400, "Hãy nêu lý do trả lại hồ sơ."},
		"no decision":      {reviewer, url.Values{"reason": {"x"}}, 400, "Hãy chọn phê duyệt hoặc trả lại."},
		"odd decision":     {reviewer, url.Values{"decision": {"maybe"}}, 400, "Hãy chọn phê duyệt hoặc trả lại."},
		"huge reason":      {reviewer, url.Values{"decision": {"return"}, "reason": {strings.Repeat("x", 2001)}}, 400, "Lý do tối đa 2.000 ký tự"},
		"bad version":      {reviewer, url.Values{"decision": {"approve"}, "version": {"abc"}}, 400, "Không đọc được nội dung biểu mẫu"},
		"other city":       {danang, url.Values{"decision": {"approve"}}, 403, "không có quyền"},
		"the ward itself":  {officer, url.Values{"decision": {"approve"}}, 403, "không có quyền"},
		"draft assessment": {reviewer, url.Values{"decision": {"approve"}}, 409, "Hồ sơ đã gửi duyệt hoặc đã được duyệt"},
	} {
		target := ward + "/review"
		if name == "draft assessment" {
			target = srv.URL + "/2023/wards/00028/review"
		}
		r := post(t, tt.c, target, tt.form)
		if r.status != tt.status {
			t.Errorf("%s = %d, want %d", name, r.status, tt.status)
		}
		mustContain(t, name, r.body, tt.msg)
	}
	if dbState(t, dbURL) != before {
		t.Error("refused reviews changed the database")
	}

	// Return with a reason: the ward sees it and may edit again.
	r = post(t, reviewer, ward+"/review", url.Values{"decision": {"return"}, "reason": {"Bổ sung minh chứng cho tiêu chí 13."}, "version": {m[1]}})
	if r.status != 303 || stateOf(t, dbURL, "09552", 2023) != "returned" {
		t.Fatalf("return = %d, state %s", r.status, stateOf(t, dbURL, "09552", 2023))
	}
	r = get(t, officer, ward)
	mustContain(t, "returned, seen by the ward", r.body, "bị trả lại", "Lý do trả lại", "Bổ sung minh chứng cho tiêu chí 13.", "Việc cần làm")
	if r := upload(t, officer, ward+"/criteria/13/evidence", "bc.pdf", samplePDF, "Báo cáo bổ sung", "2023-10-15"); r.status != 303 {
		t.Fatalf("upload after return = %d", r.status)
	}
	if r := post(t, officer, ward+"/submit", nil); r.status != 303 {
		t.Fatalf("resubmit = %d", r.status)
	}

	// A decision made on an older version is refused and shows what changed.
	before = dbState(t, dbURL)
	r = post(t, reviewer, ward+"/review", url.Values{"decision": {"approve"}, "version": {m[1]}})
	if r.status != 409 {
		t.Fatalf("approve on a stale version = %d, want 409", r.status)
	}
	mustContain(t, "stale approval", r.body, "Hồ sơ đã thay đổi sau khi bạn mở trang", "Thêm minh chứng cho tiêu chí 13", "Hồ sơ: gửi duyệt")
	if dbState(t, dbURL) != before {
		t.Error("a stale approval changed the database")
	}
	m = versionField.FindStringSubmatch(get(t, reviewer, ward).body)
	if r := post(t, reviewer, ward+"/review", url.Values{"decision": {"approve"}, "version": {m[1]}}); r.status != 303 {
		t.Fatalf("approve = %d", r.status)
	}
	if st := stateOf(t, dbURL, "09552", 2023); st != "approved" {
		t.Fatalf("state after approval %s", st)
	}
	// Approved is frozen for everyone.
	for name, r := range map[string]response{
		"edit":          post(t, officer, ward+"/criteria/2", url.Values{"status": {"not_met"}, "version": {"1"}}),
		"approve again": post(t, reviewer, ward+"/review", url.Values{"decision": {"approve"}}),
		"return":        post(t, reviewer, ward+"/review", url.Values{"decision": {"return"}, "reason": {"x"}}),
	} {
		if r.status != 409 {
			t.Errorf("%s after approval = %d, want 409", name, r.status)
		}
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE entity = 'assessment' AND entity_key = '09552/2023'`); n != 3 {
		t.Errorf("%d workflow audit rows, want 3 (return, submit, approve)", n)
	}
}

func TestRecognition(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	ministry := signIn(t, srv, "bocongan")
	// Điện Biên 2022 fixed its headquarters: 22/22, approved.
	execSQL(t, dbURL, `UPDATE results SET status = 'met' WHERE number = 6 AND assessment_id = (SELECT id FROM assessments WHERE ward_id = unit_in_year('00019', 2022) AND year = 2022)`)
	inspectedOnSite(t, dbURL, 2022, "01", "00019", "recognize")
	inspectedOnSite(t, dbURL, 2022, "48", "20236", "recognize")

	before := dbState(t, dbURL)
	for name, tt := range map[string]struct {
		c      *http.Client
		ward   string
		form   url.Values
		status int
		msg    string
	}{
		"21/22":         {ministry, "20236", url.Values{"decision_no": {"2879"}, "decision_date": {"2023-04-22"}}, 409, "hồ sơ chưa đạt đủ mọi tiêu chí"},
		"recognised":    {ministry, "26776", url.Values{"decision_no": {"2880"}, "decision_date": {"2023-04-22"}}, 409, "Chỉ công nhận được hồ sơ đã phê duyệt"},
		"no number":     {ministry, "00019", url.Values{"decision_date": {"2023-04-22"}}, 400, "Hãy nhập số quyết định"},
		"bad date":      {ministry, "00019", url.Values{"decision_no": {"2878"}, "decision_date": {"22.04.2023"}}, 400, "Ngày quyết định không hợp lệ"},
		"future date":   {ministry, "00019", url.Values{"decision_no": {"2878"}, "decision_date": {"2099-01-01"}}, 400, "Ngày quyết định không hợp lệ"},
		"before year":   {ministry, "00019", url.Values{"decision_no": {"2878"}, "decision_date": {"2021-12-31"}}, 400, "Ngày quyết định không hợp lệ"},
		"city reviewer": {signIn(t, srv, "hanoi"), "00019", url.Values{"decision_no": {"2878"}, "decision_date": {"2023-04-22"}}, 403, "không có quyền"},
	} {
		r := post(t, tt.c, srv.URL+"/2022/wards/"+tt.ward+"/recognize", tt.form)
		if r.status != tt.status {
			t.Errorf("%s = %d, want %d", name, r.status, tt.status)
		}
		mustContain(t, name, r.body, tt.msg)
	}
	if dbState(t, dbURL) != before {
		t.Error("refused recognitions changed the database")
	}
	r := post(t, ministry, srv.URL+"/2022/wards/00019/recognize", url.Values{"decision_no": {"2878"}, "decision_date": {"22/04/2023"}})
	if r.status != 303 {
		t.Fatalf("recognise = %d", r.status)
	}
	r = get(t, ministry, srv.URL+"/2022/wards/00019")
	mustContain(t, "recognised ward", r.body, "Đã ghi quyết định công nhận.", ">Đã công nhận</span>", "Quyết định công nhận số 2878, ngày 22/04/2023")
	r = get(t, ministry, srv.URL+"/2022/units/VN")
	mustContain(t, "national 2022", r.body, "<strong>2</strong> phường đạt đủ 22/22 tiêu chí")
	if n := strings.Count(r.body, `<span class="state sa-recognized">Đã công nhận</span>`); n != 2 {
		t.Errorf("%d wards marked recognised on the national dashboard, want 2", n)
	}

	// An admin reopens with a reason; the decision is cleared and audited.
	admin := signIn(t, srv, "admin")
	if r := post(t, admin, srv.URL+"/2022/wards/00019/reopen", url.Values{"reason": {""}}); r.status != 400 {
		t.Errorf("reopen without reason = %d", r.status)
	}
	if r := post(t, ministry, srv.URL+"/2022/wards/00019/reopen", url.Values{"reason": {"x"}}); r.status != 403 {
		t.Errorf("reopen by the Ministry = %d", r.status)
	}
	// A reopen decided on a page that has gone stale is refused, showing
	// what changed.
	version := queryInt(t, dbURL, `SELECT version FROM assessments WHERE ward_id = unit_in_year('00019', 2022) AND year = 2022`)
	stale := url.Values{"reason": {"Quyết định bị thu hồi"}, "version": {strconv.Itoa(version - 1)}}
	beforeStale := dbState(t, dbURL)
	if r := post(t, admin, srv.URL+"/2022/wards/00019/reopen", stale); r.status != 409 {
		t.Errorf("reopen from a stale page = %d, want 409", r.status)
	} else {
		mustContain(t, "stale reopen", r.body, "Hồ sơ đã thay đổi")
	}
	if dbState(t, dbURL) != beforeStale {
		t.Error("a stale reopen changed the database")
	}
	if r := post(t, admin, srv.URL+"/2022/wards/00019/reopen", url.Values{"reason": {"Quyết định bị thu hồi"}, "version": {strconv.Itoa(version)}}); r.status != 303 {
		t.Fatalf("reopen = %d", r.status)
	}
	if st := stateOf(t, dbURL, "00019", 2022); st != "draft" {
		t.Errorf("after reopening: %s", st)
	}
	if r := post(t, admin, srv.URL+"/2022/wards/00019/reopen", url.Values{"reason": {"again"}}); r.status != 409 {
		t.Errorf("reopening a draft = %d, want 409", r.status)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = 'assessment_reopen' AND after->>'reason' = 'Quyết định bị thu hồi'`); n != 1 {
		t.Error("reopening is not audited with its reason")
	}
}

func TestComments(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	reviewer := signIn(t, srv, "hanoi")
	officer := signIn(t, srv, "phula")
	crit := srv.URL + "/2023/wards/09552/criteria/13"
	if r := post(t, reviewer, crit+"/comments", url.Values{"body": {"Đề nghị bổ sung biên bản."}}); r.status != 303 {
		t.Fatalf("comment = %d", r.status)
	}
	if r := post(t, officer, crit+"/comments", url.Values{"body": {"Đã bổ sung <b>biên bản</b>."}}); r.status != 303 {
		t.Fatalf("answer = %d", r.status)
	}
	r := get(t, reviewer, crit)
	mustContain(t, "thread", r.body, "Đề nghị bổ sung biên bản.", "Đã bổ sung &lt;b&gt;biên bản&lt;/b&gt;.", "Công an phường Phú La", "Công an Thành phố Hà Nội")
	if strings.Index(r.body, "Đề nghị bổ sung") > strings.Index(r.body, "Đã bổ sung") {
		t.Error("the thread is not in order")
	}
	mustContain(t, "ward page", get(t, officer, srv.URL+"/2023/wards/09552").body, "2 ý kiến")
	danang := addReviewer(t, srv, dbURL, "danang", "48")
	before := dbState(t, dbURL)
	for name, tt := range map[string]struct {
		c      *http.Client
		u      string
		status int
	}{
		"empty":         {reviewer, crit + "/comments", 400},
		"other city":    {danang, crit + "/comments", 403},
		"no assessment": {officer, srv.URL + "/2022/wards/09552/criteria/13/comments", 409},
		"no criterion":  {officer, srv.URL + "/2023/wards/09552/criteria/99/comments", 404},
	} {
		body := "x"
		if name == "empty" {
			body = " "
		}
		if r := post(t, tt.c, tt.u, url.Values{"body": {body}}); r.status != tt.status {
			t.Errorf("%s = %d, want %d", name, r.status, tt.status)
		}
	}
	if dbState(t, dbURL) != before {
		t.Error("refused comments changed the database")
	}
}

func TestDashboardFilters(t *testing.T) {
	srv, _ := newPortalDB(t)
	c := signIn(t, srv, "hanoi")
	rows := func(body string) []string {
		return regexp.MustCompile(`data-label="Phường"><a href="/20[0-9]{2}/wards/([0-9]+)"`).FindAllString(body, -1)
	}
	for query, want := range map[string]int{
		"q=o+cho+dua":          1,
		"q=%C3%94+CH%E1%BB%A2": 1, // Ô CHỢ
		"q=phuong+phu":         2, // Phú La, Phú Thượng
		"district=268":         3,
		"state=submitted":      3,
		"state=draft":          23,
		"min=19":               3,
		"min=16&max=16":        6,
		"district=268&min=19":  1,
		"q=nowhere":            0,
		"min=abc&max=":         26,
	} {
		r := get(t, c, srv.URL+"/2023/units/01?"+query)
		if got := len(rows(r.body)); got != want {
			t.Errorf("%s lists %d wards, want %d", query, got, want)
		}
	}
	r := get(t, c, srv.URL+"/2023/units/01?q=o+cho+dua")
	mustContain(t, "filtered", r.body, "Phường Ô Chợ Dừa", "Đang hiện 1 trong 26 phường.")

	// Year over year: Điện Biên stood at 21/22 in 2022.
	r = get(t, c, srv.URL+"/2023/units/001")
	if !regexp.MustCompile(`Phường Điện Biên</a></th>(.|\n)*?data-label="Năm trước">21/22<`).MatchString(r.body) {
		t.Error("Điện Biên 2023 does not show 21/22 for 2022")
	}
	// Across the reform: the new Phường Ba Đình compares with the wards it
	// took over that stood in 2024 (Điện Biên, 19/20).
	r = get(t, c, srv.URL+"/2025/units/01?q=ba+dinh")
	mustContain(t, "successor comparison", r.body, "Điện Biên 19/20")
}

// The dashboard's figures and the CSV agree with the domain's standing
// function on random data.
func TestDashboardAgreesWithDomainOnRandomData(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rng := rand.New(rand.NewPCG(5, 2022))
	statuses := []string{"not_started", "in_progress", "met", "not_met"}
	states := []string{"draft", "submitted", "approved"}
	wards, err := st.WardStandings(ctx, 2022, "VN")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range wards {
		if rng.IntN(6) == 0 || w.State != "" {
			continue
		}
		execSQL(t, dbURL, `INSERT INTO assessments (ward_id, year, state) VALUES (unit_in_year($1, 2022), 2022, $2)`, w.Code, states[rng.IntN(len(states))])
		full := rng.IntN(4) == 0
		for n := 1; n <= 22; n++ {
			status := statuses[rng.IntN(len(statuses))]
			if full {
				status = "met"
			}
			if !full && rng.IntN(3) == 0 {
				continue
			}
			execSQL(t, dbURL, `INSERT INTO results (assessment_id, year, number, status) SELECT id, 2022, $2, $3 FROM assessments WHERE ward_id = unit_in_year($1, 2022) AND year = 2022`, w.Code, n, status)
		}
	}
	if err := st.RefreshStandings(ctx, 2022); err != nil {
		t.Fatal(err)
	}
	cat, _ := st.Catalogue(ctx, 2022)
	want := map[string]assess.Standing{}
	fullCount, submitted := 0, 0
	for _, w := range wards {
		a, err := st.Assessment(ctx, 2022, w.Code)
		if err != nil {
			t.Fatal(err)
		}
		s := assess.ComputeStanding(cat.Criteria, a.Stored())
		want[w.Code] = s
		if s.Full() {
			fullCount++
		}
		if a.State == assess.Submitted || a.State == assess.Approved || a.State == assess.Recognized {
			submitted++
		}
	}
	c := signIn(t, srv, "bocongan")
	r := get(t, c, srv.URL+"/2022/units/VN")
	mustContain(t, "national 2022", r.body, fmt.Sprintf("<strong>%d</strong> phường đạt đủ 22/22", fullCount),
		fmt.Sprintf("<dt>đã gửi duyệt</dt><dd>%d</dd>", submitted))
	r = get(t, c, srv.URL+"/2022/units/VN/summary.csv")
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(r.body, "\uFEFF")), "\n")
	if len(lines)-1 != len(wards) {
		t.Fatalf("%d CSV rows for %d wards", len(lines)-1, len(wards))
	}
	for _, line := range lines[1:] {
		f := strings.Split(line, ",")
		met, _ := strconv.Atoi(f[7])
		pending, _ := strconv.Atoi(f[9])
		if w := want[f[4]]; met != w.Met || pending != w.PendingYearEnd {
			t.Errorf("%s: CSV says %d met, %d pending; the domain says %+v", f[4], met, pending, w)
		}
	}
}

// A national dashboard pages its table and keeps its filters across pages.
func TestDashboardPages(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := seed.Criteria2024()
	if err != nil {
		t.Fatal(err)
	}
	if err := gen.LoadCountry(ctx, st, gen.Country{Wards: 450, Seed: 9}, []int{2025}, cat); err != nil {
		t.Fatal(err)
	}
	st.Close()
	c := signIn(t, srv, "bocongan")
	rows := regexp.MustCompile(`data-label="Phường"><a href="/2025/wards/`)
	r := get(t, c, srv.URL+"/2025/units/VN?sort=standing.desc")
	mustContain(t, "page 1", r.body, "Trang 1/3", "Trang sau ›", "Bản đồ nhiệt chỉ hiện khi")
	if n := len(rows.FindAllString(r.body, -1)); n != 200 {
		t.Errorf("page 1 lists %d wards", n)
	}
	if !strings.Contains(r.body, `href="/2025/units/VN?page=2&amp;sort=standing.desc#wards"`) {
		t.Error("the next page does not keep the sort")
	}
	r = get(t, c, srv.URL+"/2025/units/VN?sort=standing.desc&page=3")
	if n := len(rows.FindAllString(r.body, -1)); n != 453-400 { // 450 generated, 3 of the demo
		t.Errorf("page 3 lists %d wards, want 53", n)
	}
	mustContain(t, "page 3", r.body, "Trang 3/3", "‹ Trang trước")
	if r := get(t, c, srv.URL+"/2025/units/VN?page=99"); !strings.Contains(r.body, "Trang 3/3") {
		t.Error("a page past the end does not show the last page")
	}
}

// A ward registered at city level is recognised by its province's
// reviewers, with the province's decision, never dated before the
// approval; not by the Ministry.
func TestCityLevelRecognition(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	approveDuongNoi(t, dbURL)
	page := srv.URL + "/2026/wards/09886"
	ministry, hanoi := signIn(t, srv, "bocongan"), signIn(t, srv, "hanoi")

	if strings.Contains(get(t, ministry, page).body, `action="/2026/wards/09886/recognize"`) {
		t.Error("the Ministry is offered to recognise a city-level ward")
	}
	mustContain(t, "city reviewer's page", get(t, hanoi, page).body, `action="/2026/wards/09886/recognize"`)
	before := dbState(t, dbURL)
	if r := post(t, ministry, page+"/recognize", url.Values{"decision_no": {"45/QĐ-CAHN"}, "decision_date": {"2026-11-30"}}); r.status != 403 {
		t.Errorf("the Ministry recognising a city-level ward = %d, want 403", r.status)
	}
	r := post(t, hanoi, page+"/recognize", url.Values{"decision_no": {"45/QĐ-CAHN"}, "decision_date": {"2026-11-24"}})
	if r.status != 400 || !strings.Contains(r.body, "không được trước ngày hồ sơ được phê duyệt") {
		t.Errorf("a decision before the approval = %d", r.status)
	}
	if dbState(t, dbURL) != before {
		t.Error("refused recognitions changed the database")
	}
	if r := post(t, hanoi, page+"/recognize", url.Values{"decision_no": {"45/QĐ-CAHN"}, "decision_date": {"2026-11-30"}}); r.status != 303 {
		t.Fatalf("recognise = %d", r.status)
	}
	mustContain(t, "recognised", get(t, hanoi, page).body, ">Đã công nhận</span>", "Quyết định công nhận số 45/QĐ-CAHN, ngày 30/11/2026")
	if !strings.Contains(get(t, hanoi, srv.URL+"/2026/units/01/summary.csv").body, ",city,45/QĐ-CAHN,2026-11-30,20,20,,\n") {
		t.Error("the summary does not end Dương Nội's row with its level and decision")
	}
}
