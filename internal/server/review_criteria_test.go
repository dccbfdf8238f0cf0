package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"modelward/internal/assess"
)

// A reviewer returns two criteria, each with its reason; the ward may
// change exactly those two; on the new submission the reviewer sees what
// changed since the return; after approval nothing has changed.
func TestReturnOfSomeCriteria(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	reviewer := signIn(t, srv, "hanoi")
	officer := signIn(t, srv, "phula")
	ward := srv.URL + "/2023/wards/09552"
	r := get(t, reviewer, ward)
	// The criteria come first, each with its own return control; the
	// decision after them.
	mustContain(t, "return form", r.body, `<details class="return-one" id="r-criterion-13"><summary>Trả lại tiêu chí này</summary>`,
		`form="review-form" name="reason.13"`)
	if strings.Index(r.body, `id="review-form"`) < strings.Index(r.body, `id="c20"`) {
		t.Error("the decision comes before the criteria it decides on")
	}
	m := versionField.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no review form")
	}

	// A criterion returned without its reason is refused, as typed.
	before := dbState(t, dbURL)
	r = post(t, reviewer, ward+"/review", url.Values{"decision": {"return"}, "reason": {"Bổ sung hai tiêu chí."}, "version": {m[1]},
		"criteria": {"13", "5"}, "reason.13": {"Thiếu báo cáo quý IV."}, "reason.5": {" "}})
	if r.status != http.StatusBadRequest {
		t.Fatalf("a returned criterion without a reason = %d, want 400", r.status)
	}
	mustContain(t, "refused return", r.body, `href="#r-criterion-5">Hãy ghi lý do trả lại tiêu chí 5.</a>`,
		"Hãy ghi lý do trả lại tiêu chí này.", "Thiếu báo cáo quý IV.")
	if dbState(t, dbURL) != before {
		t.Fatal("the refused return changed the database")
	}

	// Without the file's reason, every reason typed comes back, the
	// criteria open, and each missing reason is named.
	r = post(t, reviewer, ward+"/review", url.Values{"decision": {"return"}, "reason": {""}, "version": {m[1]},
		"criteria": {"13", "5"}, "reason.13": {"Thiếu báo cáo quý IV."}, "reason.5": {""}})
	if r.status != http.StatusBadRequest {
		t.Fatalf("a return without its reason = %d, want 400", r.status)
	}
	mustContain(t, "return refused for its reason", r.body, `href="#r-reason">Hãy nêu lý do trả lại hồ sơ.</a>`,
		`href="#r-criterion-5">Hãy ghi lý do trả lại tiêu chí 5.</a>`,
		`<details class="return-one" id="r-criterion-13" open>`, `<details class="return-one has-error" id="r-criterion-5" open>`,
		`name="reason.13" rows="2" maxlength="2000">Thiếu báo cáo quý IV.</textarea>`)
	if dbState(t, dbURL) != before {
		t.Fatal("the refused return changed the database")
	}

	// A value that names no criterion (0, 99, not a number) is refused: it
	// would have turned the partial return into a whole one.
	for _, bad := range []string{"0", "99", "mười"} {
		r = post(t, reviewer, ward+"/review", url.Values{"decision": {"return"}, "reason": {"Bổ sung."}, "version": {m[1]},
			"criteria": {bad}, "reason." + bad: {"Lý do."}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "Tiêu chí không có trong bộ tiêu chí của năm.") {
			t.Errorf("a return of criterion %q = %d, want 400 naming the field", bad, r.status)
		}
	}
	if dbState(t, dbURL) != before {
		t.Fatal("a return of no criterion changed the database")
	}

	// Reasons typed and then "approve": refused, the reasons kept.
	r = post(t, reviewer, ward+"/review", url.Values{"decision": {"approve"}, "version": {m[1]}, "reason.13": {"Thiếu báo cáo quý IV."}})
	if r.status != http.StatusBadRequest {
		t.Fatalf("an approval with reasons for criteria = %d, want 400", r.status)
	}
	mustContain(t, "approval with reasons", r.body, `href="#r-decision">Đã ghi lý do trả lại cho tiêu chí nhưng lại chọn Phê duyệt`,
		`name="reason.13" rows="2" maxlength="2000">Thiếu báo cáo quý IV.</textarea>`)
	if dbState(t, dbURL) != before {
		t.Fatal("the refused approval changed the database")
	}

	// The page's form names a criterion by its reason alone (no
	// criteria field), as a browser sends it.
	r = post(t, reviewer, ward+"/review", url.Values{"decision": {"return"}, "reason": {"Bổ sung hai tiêu chí."}, "version": {m[1]},
		"reason.13": {"Thiếu báo cáo quý IV."}, "reason.5": {"Số liệu chưa khớp."}, "reason.7": {" "}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("return of two criteria = %d", r.status)
	}
	page := get(t, officer, ward).body
	mustContain(t, "ward page, returned", page, "Các tiêu chí cần bổ sung (2)", "Thiếu báo cáo quý IV.", "Số liệu chưa khớp.")
	// The two returned rows stand out with their reasons and may be
	// changed; the others are there to read. Reason 7 was blank: not named.
	for n, want := range map[string][]string{
		"13": {`<tr id="c13" class="returned">`, `Bị trả lại:</strong> Thiếu báo cáo quý IV.`, `>Cập nhật</a>`},
		"5":  {`<tr id="c5" class="returned">`, `Bị trả lại:</strong> Số liệu chưa khớp.`, `>Cập nhật</a>`},
		"7":  {`>Xem</a>`},
		"1":  {`>Xem</a>`},
	} {
		row := rowOf(t, page, n)
		mustContain(t, "row "+n, row, want...)
		if returned := strings.Contains(row, "returned"); returned != (n == "13" || n == "5") {
			t.Errorf("row %s marked returned: %v", n, returned)
		}
	}

	// A returned criterion says when and why at the top; the file's own
	// reason comes with it.
	returnedOn := testNow().In(assess.Vietnam).Format("02/01/2006")
	mustContain(t, "a returned criterion's banner", get(t, officer, ward+"/criteria/13").body, `id="returned"`,
		"Tiêu chí này bị trả lại ngày "+returnedOn+".", "Lý do:</strong> Thiếu báo cáo quý IV.",
		"Lý do chung của hồ sơ:</strong> Bổ sung hai tiêu chí.")

	// Stepping from one to the next goes through those two alone.
	mustContain(t, "a returned criterion's neighbours", get(t, officer, ward+"/criteria/5").body,
		`href="/2023/wards/09552/criteria/13" rel="next"`)

	// Only those two are open to the ward.
	page = get(t, officer, ward+"/criteria/1").body
	mustContain(t, "an accepted criterion", page, `id="accepted"`)
	if strings.Contains(page, `id="returned"`) {
		t.Error("an accepted criterion says it was returned")
	}
	if strings.Contains(page, `action="/2023/wards/09552/criteria/1"`) {
		t.Error("an accepted criterion offers its form")
	}
	before = dbState(t, dbURL)
	if r := post(t, officer, ward+"/criteria/1", url.Values{"status": {"met"}, "version": {"1"}}); r.status != http.StatusConflict {
		t.Errorf("a change to an accepted criterion = %d, want 409", r.status)
	}
	if r := upload(t, officer, ward+"/criteria/1/evidence", "x.pdf", samplePDF, "Không được", "2023-10-15"); r.status != http.StatusConflict {
		t.Errorf("evidence for an accepted criterion = %d, want 409", r.status)
	}
	if dbState(t, dbURL) != before {
		t.Error("refused changes to accepted criteria changed the database")
	}
	mustContain(t, "a returned criterion", get(t, officer, ward+"/criteria/13").body, `action="/2023/wards/09552/criteria/13"`)
	if r := upload(t, officer, ward+"/criteria/13/evidence", "bc.pdf", samplePDF, "Báo cáo quý IV", "2023-12-20"); r.status != http.StatusSeeOther {
		t.Fatalf("evidence for a returned criterion = %d", r.status)
	}
	if r := post(t, officer, ward+"/submit", nil); r.status != http.StatusSeeOther {
		t.Fatalf("resubmit = %d", r.status)
	}

	// The reviewer sees what changed since the return.
	r = get(t, reviewer, ward)
	mustContain(t, "since the return", r.body, `id="since-return"`, "Thay đổi từ lần trả lại (1 tiêu chí)", "Minh chứng mới: Báo cáo quý IV")
	m = versionField.FindStringSubmatch(r.body)
	if r := post(t, reviewer, ward+"/review", url.Values{"decision": {"approve"}, "version": {m[1]}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve = %d", r.status)
	}
	mustContain(t, "after approval", get(t, reviewer, ward).body, "Không có thay đổi nào kể từ khi phê duyệt")
	if n := queryInt(t, dbURL, `SELECT count(*) FROM review_snapshots s JOIN assessments a ON a.id = s.assessment_id
		WHERE a.year = 2023 AND s.action = 'approve' AND jsonb_array_length(s.evidence) > 0`); n != 1 {
		t.Errorf("%d approval snapshots with the evidence, want 1", n)
	}
}

// rowOf is criterion n's row of a ward page.
func rowOf(t *testing.T, page, n string) string {
	t.Helper()
	i := strings.Index(page, `<tr id="c`+n+`"`)
	if i < 0 {
		t.Fatalf("no row for criterion %s", n)
	}
	j := strings.Index(page[i:], "</tr>")
	return page[i : i+j]
}
