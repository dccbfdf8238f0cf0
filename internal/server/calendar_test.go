package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"modelward/internal/server"
	"modelward/internal/testdb"
)

var resultVersion = regexp.MustCompile(`name="version" value="([0-9]+)"`)

// saveCriterion saves criterion n of phula's 2026 assessment as in
// progress, from the version its page shows, and returns the status.
func saveCriterion(t *testing.T, c *http.Client, base string, n int) response {
	t.Helper()
	page := get(t, c, base+"/criteria/"+itoa(n))
	version := "0"
	if m := resultVersion.FindStringSubmatch(page.body); m != nil {
		version = m[1]
	}
	return post(t, c, base+"/criteria/"+itoa(n), url.Values{"status": {"in_progress"}, "note": {"đang làm"}, "version": {version}})
}

// The year runs on a calendar an admin keeps; every ward page, home and
// the calendar page show the next deadline; after the self-assessment
// deadline a ward's draft is read-only, unless the province extends it,
// and taking the extension back closes it again.
func TestCalendarDeadlineAndExtension(t *testing.T) {
	st, dbURL := testdb.Open(t, true)
	clock := &movingClock{at: testNow()}
	srv := servePortal(t, server.Config{Store: st, Demo: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock.now})
	admin := signIn(t, srv, "admin")

	// The admin edits the calendar; dates out of order are refused.
	mustContain(t, "catalogue page", get(t, admin, srv.URL+"/admin/catalogues/2026").body,
		`id="calendar"`, `name="self_assessment_due"`, `value="2026-12-31"`)
	before := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = 'catalogue_calendar'`)
	r := post(t, admin, srv.URL+"/admin/catalogues/2026/calendar", url.Values{"registration_due": {"2026-03-31"},
		"self_assessment_due": {"2026-12-31"}, "review_due": {"2026-12-15"}, "decision_due": {"2027-04-30"}})
	if r.status != http.StatusBadRequest {
		t.Fatalf("a review due before the self-assessment = %d, want 400", r.status)
	}
	mustContain(t, "calendar out of order", r.body, "Mốc này phải sau các mốc trước nó.", `value="2026-12-15"`)
	r = post(t, admin, srv.URL+"/admin/catalogues/2026/calendar", url.Values{"registration_due": {"2026-03-31"},
		"self_assessment_due": {"2026-12-31"}, "review_due": {"2027-01-31"}, "inspection_from": {"2027-02-15"},
		"inspection_to": {"2027-03-15"}, "decision_due": {"30/04/2027"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("save the calendar = %d", r.status)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = 'catalogue_calendar'`); n != before+1 {
		t.Error("the calendar change is not audited")
	}

	officer := signIn(t, srv, "phula")
	ward := srv.URL + "/2026/wards/09552"
	line := "Hạn tự đánh giá: 31/12/2026 — còn 30 ngày"
	mustContain(t, "ward page", get(t, officer, ward).body, line, `href="/2026/calendar"`)
	mustContain(t, "officer's home", get(t, officer, srv.URL+"/").body, line)
	mustContain(t, "calendar", get(t, officer, srv.URL+"/2026/calendar").body, "Lịch năm 2026", line,
		"Bộ Công an bắt đầu kiểm tra", "15/02/2027", "Việc của bạn")
	reviewer := signIn(t, srv, "hanoi")
	mustContain(t, "reviewer's home", get(t, reviewer, srv.URL+"/").body, line)
	mustContain(t, "review queue", get(t, reviewer, srv.URL+"/2026/units/01").body, "Hạn thẩm định của tỉnh, thành phố: 31/01/2027 — còn 61 ngày")
	if r := saveCriterion(t, officer, ward, 2); r.status != http.StatusSeeOther {
		t.Fatalf("a save before the deadline = %d", r.status)
	}

	// 2 January 2027: the deadline has passed.
	clock.advance(32 * 24 * time.Hour)
	officer = signIn(t, srv, "phula")
	reviewer = signIn(t, srv, "hanoi")
	state := dbState(t, dbURL)
	if r := saveCriterion(t, officer, ward, 3); r.status != http.StatusConflict {
		t.Fatalf("a save after the deadline = %d, want 409", r.status)
	} else {
		mustContain(t, "refused after the deadline", r.body, "Đã quá hạn tự đánh giá", "có thể gia hạn")
	}
	if r := post(t, officer, ward+"/submit", url.Values{}); r.status != http.StatusConflict {
		t.Errorf("a submission after the deadline = %d, want 409", r.status)
	}
	if dbState(t, dbURL) != state {
		t.Error("refused changes after the deadline changed the database")
	}
	page := get(t, officer, ward).body
	mustContain(t, "closed ward page", page, "đã quá hạn 2 ngày", "chỉ còn xem")
	if regexp.MustCompile(`action="/2026/wards/09552/criteria/3"`).MatchString(get(t, officer, ward+"/criteria/3").body) {
		t.Error("the criterion page offers a form that cannot succeed")
	}
	if r := post(t, officer, ward+"/extension", url.Values{"until": {"2027-01-10"}, "reason": {"x"}}); r.status != http.StatusForbidden {
		t.Errorf("an officer extends their own deadline = %d, want 403", r.status)
	}

	// The province extends: refused without a reason or before the
	// deadline, then granted, and the ward saves again.
	for _, form := range []url.Values{
		{"until": {"2027-01-10"}, "reason": {""}},
		{"until": {"2026-12-20"}, "reason": {"Mưa bão"}},
		{"until": {"2027-01-01"}, "reason": {"Mưa bão"}},
		{"until": {"không phải ngày"}, "reason": {"Mưa bão"}},
		{"until": {"9999-12-31"}, "reason": {"Mưa bão"}},
		{"until": {"2027-02-01"}, "reason": {"Mưa bão"}}, // a day past the review deadline
	} {
		if r := post(t, reviewer, ward+"/extension", form); r.status != http.StatusBadRequest {
			t.Errorf("extension %v = %d, want 400", form, r.status)
		}
	}
	if r := post(t, reviewer, ward+"/extension", url.Values{"until": {"9999-12-31"}, "reason": {"Mưa bão"}}); !strings.Contains(r.body, "không được quá hạn thẩm định") {
		t.Error("an extension past the review deadline is refused without saying why")
	}
	// A ward not registered this year has no deadline to extend.
	if r := post(t, reviewer, srv.URL+"/2026/wards/00091/extension", url.Values{"until": {"2027-01-10"}, "reason": {"Mưa bão"}}); r.status != http.StatusConflict {
		t.Errorf("an extension for a ward not registered = %d, want 409", r.status)
	}
	if dbState(t, dbURL) != state {
		t.Error("refused extensions changed the database")
	}
	mustContain(t, "ward page for the reviewer", get(t, reviewer, ward).body, `action="/2026/wards/09552/extension"`)
	if r := post(t, reviewer, ward+"/extension", url.Values{"until": {"2027-01-10"}, "reason": {"Mưa bão làm chậm việc thu thập minh chứng"}}); r.status != http.StatusSeeOther {
		t.Fatalf("extension = %d", r.status)
	}
	if countAudit(t, dbURL, "extension_grant", "09552/2026") != 1 {
		t.Error("the extension is not audited")
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'extended' AND u.username = 'phula'`); n != 1 {
		t.Errorf("the ward's officer got %d notices of the extension, want 1", n)
	}
	mustContain(t, "extension notice", get(t, officer, srv.URL+"/notifications").body, "được gia hạn tự đánh giá năm 2026 đến hết ngày 10/01/2027")
	mustContain(t, "extended ward page", get(t, officer, ward).body, "Được gia hạn tự đánh giá đến hết ngày 10/01/2027", "Mưa bão")
	if r := saveCriterion(t, officer, ward, 3); r.status != http.StatusSeeOther {
		t.Fatalf("a save within the extension = %d, want 303", r.status)
	}

	// Taken back, the ward is closed again.
	if r := post(t, reviewer, ward+"/extension/revoke", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("revoke = %d", r.status)
	}
	if countAudit(t, dbURL, "extension_revoke", "09552/2026") != 1 {
		t.Error("the revocation is not audited")
	}
	if r := saveCriterion(t, officer, ward, 4); r.status != http.StatusConflict {
		t.Errorf("a save after the revocation = %d, want 409", r.status)
	}
}
