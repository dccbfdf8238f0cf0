package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"modelward/internal/server"
	"modelward/internal/testdb"
)

// formVersionOf finds the version a ward page's decision form carries.
var formVersionOf = regexp.MustCompile(`action="/2026/wards/00004/(?:review|recognize)"[^>]*>\s*<input type="hidden" name="version" value="([0-9]+)"`)

// At 23:30 UTC it is 06:30 the next morning in Hà Nội: a ward approved
// then is recognised by a decision dated that Vietnamese day, and the
// approval is kept at the portal's time, not the database's.
func TestApprovalThenRecognitionAtDawnInHanoi(t *testing.T) {
	st, dbURL := testdb.Open(t, true)
	dawn := time.Date(2026, time.December, 1, 23, 30, 0, 0, time.UTC)
	srv := servePortal(t, server.Config{Store: st, Demo: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return dawn }})
	// Ba Đình 2026 (20/20) back to submitted, as it was before its approval.
	execSQL(t, dbURL, `UPDATE assessments SET state = 'submitted', approved_at = NULL, reviewed_at = NULL
		WHERE year = 2026 AND ward_id = unit_in_year('00004', 2026)`)
	ward := srv.URL + "/2026/wards/00004"

	hanoi := signIn(t, srv, "hanoi")
	m := formVersionOf.FindStringSubmatch(get(t, hanoi, ward).body)
	if m == nil {
		t.Fatal("no review form")
	}
	if r := post(t, hanoi, ward+"/review", url.Values{"decision": {"approve"}, "version": {m[1]}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve = %d", r.status)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM assessments WHERE year = 2026 AND ward_id = unit_in_year('00004', 2026)
		AND approved_at = $1 AND reviewed_at = $1 AND updated_at = $1`, dawn); n != 1 {
		t.Error("the approval is not kept at the portal's time")
	}

	ministry := signIn(t, srv, "bocongan")
	m = formVersionOf.FindStringSubmatch(get(t, ministry, ward).body)
	if m == nil {
		t.Fatal("no recognition form")
	}
	r := post(t, ministry, ward+"/recognize", url.Values{"decision_no": {"15/QĐ-BCA"}, "decision_date": {"02/12/2026"}, "version": {m[1]}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("a decision dated today in Hà Nội = %d: %s", r.status, r.body)
	}
	if st := stateOf(t, dbURL, "00004", 2026); st != "recognized" {
		t.Errorf("state %s, want recognized", st)
	}
}
