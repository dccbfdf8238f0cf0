package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Hà Nội's reviewer appraises Phú La's submitted 2023 file criterion by
// criterion: agreeing changes no standing; judging criterion 2 not met
// needs a reason, and with one the ward page shows both tiers while the
// ward's claim stays as it was. An officer may not appraise, nor may
// anyone a file that is not submitted; a stale version is refused.
func TestAppraisal(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	reviewer := signIn(t, srv, "hanoi")
	ward := srv.URL + "/2023/wards/09552"
	page := get(t, reviewer, ward).body
	mustContain(t, "appraisal control", page, `id="appraise-2"`, `action="/2023/wards/09552/criteria/2/appraisal"`)
	version := versionField.FindStringSubmatch(page)[1]
	claims := `SELECT string_agg(number || ':' || status, ',' ORDER BY number) FROM results r JOIN assessments a ON a.id = r.assessment_id
		WHERE a.year = 2023 AND a.ward_id = unit_in_year('09552', 2023)`
	claimed := queryRow[string](t, dbURL, claims)

	before := dbState(t, dbURL)
	for _, tt := range []struct {
		who    *http.Client
		form   url.Values
		status int
		msg    string
	}{
		{reviewer, url.Values{"status": {"not_met"}, "reason": {" "}, "version": {version}}, 400, "Hãy nêu lý do khi kết quả thẩm định khác với phường tự đánh giá."},
		{reviewer, url.Values{"status": {"maybe"}, "reason": {"Gõ dở vẫn còn."}, "version": {version}}, 400, "Hãy chọn đồng ý, đạt hoặc chưa đạt."},
		{reviewer, url.Values{"status": {"agree"}, "version": {"0"}}, 409, ""},
		{signIn(t, srv, "phula"), url.Values{"status": {"agree"}, "version": {version}}, 403, ""},
	} {
		r := post(t, tt.who, ward+"/criteria/2/appraisal", tt.form)
		if r.status != tt.status || !strings.Contains(r.body, tt.msg) {
			t.Errorf("%v = %d, want %d saying %q", tt.form, r.status, tt.status, tt.msg)
		}
	}
	if dbState(t, dbURL) != before {
		t.Fatal("a refused appraisal changed the database")
	}
	// A refusal comes back on the ward page: the criterion's appraisal
	// open, as typed, its error named at the top.
	r := post(t, reviewer, ward+"/criteria/2/appraisal", url.Values{"status": {"not_met"}, "reason": {""}, "version": {version}})
	mustContain(t, "refused appraisal", r.body, `<details class="appraise-one has-error" id="appraise-2" open>`,
		`href="#appraise-2">Hãy nêu lý do khi kết quả thẩm định khác với phường tự đánh giá.</a>`, `name="status" value="not_met" checked`)
	r = post(t, reviewer, ward+"/criteria/2/appraisal", url.Values{"status": {"maybe"}, "reason": {"Gõ dở vẫn còn."}, "version": {version}})
	mustContain(t, "refused appraisal's reason", r.body, `>Gõ dở vẫn còn.</textarea>`)

	if r := post(t, reviewer, ward+"/criteria/1/appraisal", url.Values{"status": {"agree"}, "version": {version}}); r.status != http.StatusSeeOther {
		t.Fatalf("agree = %d", r.status)
	}
	page = get(t, reviewer, ward).body
	version = versionField.FindStringSubmatch(page)[1]
	mustContain(t, "after agreeing", page, "Đã lưu thẩm định tiêu chí 1.", `id="appraisal-1"`, "đồng ý với phường tự đánh giá",
		"Tự đánh giá 19/22", "Thẩm định 19/22")
	if r := post(t, reviewer, ward+"/criteria/2/appraisal", url.Values{"status": {"not_met"}, "reason": {"Chưa có nghị quyết quý I."}, "version": {version}}); r.status != http.StatusSeeOther {
		t.Fatalf("not met = %d", r.status)
	}
	page = get(t, reviewer, ward).body
	mustContain(t, "after judging otherwise", page, "Tự đánh giá 19/22", "Thẩm định 18/22", "Chưa có nghị quyết quý I.")
	if queryRow[string](t, dbURL, claims) != claimed {
		t.Error("the appraisal changed the ward's claim")
	}
	if countAudit(t, dbURL, "appraisal_update", "09552/2023/2") != 1 {
		t.Error("the appraisal is not audited")
	}
	// The 2022 file is a draft: nothing to appraise.
	if r := post(t, reviewer, srv.URL+"/2022/wards/09552/criteria/2/appraisal", url.Values{"status": {"agree"}, "version": {"0"}}); r.status != http.StatusConflict {
		t.Errorf("appraising a draft = %d, want 409", r.status)
	}
}
