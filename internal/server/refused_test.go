package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A refused form comes back on the page it came from, with the page's
// header and breadcrumbs, the error beside the field and summarised at the
// top, and what was typed kept.
func TestRefusedFormsComeBackAsTyped(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	reviewer := signIn(t, srv, "hanoi")
	ministry := signIn(t, srv, "bocongan")
	admin := signIn(t, srv, "admin")
	execSQL(t, dbURL, `UPDATE results SET status = 'met' WHERE number = 6 AND assessment_id = (SELECT id FROM assessments WHERE ward_id = unit_in_year('00019', 2022) AND year = 2022)`)
	inspectedOnSite(t, dbURL, 2022, "01", "00019", "recognize")
	long := strings.Repeat("ư", 2001)

	before := dbState(t, dbURL)
	for name, tt := range map[string]struct {
		c     *http.Client
		url   string
		form  url.Values
		wants []string
	}{
		"return without a reason": {reviewer, "/2023/wards/09552/review", url.Values{"decision": {"return"}, "reason": {" "}},
			[]string{"<h1>Phường Phú La</h1>", `href="/2023/units/01"`, `id="error-summary"`, `href="#r-reason"`,
				`id="r-reason-error"`, `value="return" checked`}},
		"a reason too long": {reviewer, "/2023/wards/09552/review", url.Values{"decision": {"return"}, "reason": {long}},
			[]string{`id="r-reason-error"`, ">" + long + "</textarea>"}},
		"no decision": {reviewer, "/2023/wards/09552/review", url.Values{"reason": {"Thiếu biên bản"}},
			[]string{`id="r-decision-error"`, ">Thiếu biên bản</textarea>"}},
		"recognition with a bad date": {ministry, "/2022/wards/00019/recognize", url.Values{"decision_no": {"2878/QĐ-BCA"}, "decision_date": {"22.04.2023"}},
			[]string{`id="d-date-error"`, `href="#d-date"`, `value="2878/QĐ-BCA"`, `value="22.04.2023"`}},
		"recognition without a number": {ministry, "/2022/wards/00019/recognize", url.Values{"decision_date": {"2023-04-22"}},
			[]string{`id="d-no-error"`, `value="2023-04-22"`}},
		"reopen without a reason": {admin, "/2022/wards/26776/reopen", url.Values{"reason": {""}},
			[]string{`id="o-reason-error"`, "Hãy nêu lý do mở lại hồ sơ."}},
		"a year-end date outside the year": {admin, "/admin/catalogues/2022/year-end", url.Values{"year_end_opens": {"2019-11-01"}},
			[]string{"<h1>Bộ tiêu chí năm 2022</h1>", `href="#opens"`, `value="2019-11-01"`}},
		"an empty comment": {reviewer, "/2023/wards/09552/criteria/13/comments", url.Values{"body": {"  "}},
			[]string{"Tiêu chí 13", `href="#c-body"`, `id="c-body-error"`}},
		"a comment too long": {reviewer, "/2023/wards/09552/criteria/13/comments", url.Values{"body": {strings.Repeat("a", 4001)}},
			[]string{`id="c-body-error"`, strings.Repeat("a", 4001) + "</textarea>"}},
	} {
		r := post(t, tt.c, srv.URL+tt.url, tt.form)
		if r.status != 400 {
			t.Errorf("%s = %d, want 400", name, r.status)
		}
		mustContain(t, name, r.body, tt.wants...)
		if strings.Contains(r.body, "Không thể hiển thị trang") {
			t.Errorf("%s answers with an error page, not the form", name)
		}
	}
	if dbState(t, dbURL) != before {
		t.Error("refused forms changed the database")
	}
}

// The approve form lists what is not judged; a ward not fully met is
// offered no recognition form, but told why.
func TestDecisionFormsSayWhatIsMissing(t *testing.T) {
	srv := newPortal(t)
	r := get(t, signIn(t, srv, "hanoi"), srv.URL+"/2023/wards/09552")
	mustContain(t, "review form", r.body, `id="not-judged"`)
	r = get(t, signIn(t, srv, "bocongan"), srv.URL+"/2022/wards/20236")
	mustContain(t, "ward not fully met", r.body, "Chưa thể công nhận")
	if strings.Contains(r.body, `action="/2022/wards/20236/recognize"`) {
		t.Error("a ward not fully met is offered a recognition form")
	}
}
