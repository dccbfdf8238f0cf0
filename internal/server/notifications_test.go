package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"modelward/internal/testdb"
	"modelward/web"
)

func noticesOf(t *testing.T, dbURL, username string) int {
	t.Helper()
	return queryInt(t, dbURL, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = $1`, username)
}

var noticeLink = regexp.MustCompile(`<a href="(/notifications/[0-9]+)">([^<]*)</a>`)

// Each step of the workflow tells those who must act, and no one else, in
// the transaction of the step; the top bar counts the unread, a notice
// leads to its page and is read, and all can be marked read.
func TestNoticesGoToThoseConcerned(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	reviewer := signIn(t, srv, "hanoi")
	officer := signIn(t, srv, "phula")
	other := addReviewer(t, srv, dbURL, "danang", "48")
	ministry := signIn(t, srv, "bocongan")
	ward := srv.URL + "/2023/wards/09552"

	// A refused return tells no one.
	if r := post(t, reviewer, ward+"/review", url.Values{"decision": {"return"}, "reason": {" "}}); r.status != http.StatusBadRequest {
		t.Fatalf("a return without a reason = %d", r.status)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM notifications`); n != 0 {
		t.Fatalf("%d notices after a refused step", n)
	}

	// Returned, with its reason: the ward's officers are told.
	m := versionField.FindStringSubmatch(get(t, reviewer, ward).body)
	if m == nil {
		t.Fatal("no review form")
	}
	reason := "Bổ sung minh chứng cho tiêu chí 13."
	if r := post(t, reviewer, ward+"/review", url.Values{"decision": {"return"}, "reason": {reason}, "version": {m[1]}}); r.status != http.StatusSeeOther {
		t.Fatalf("return = %d", r.status)
	}
	if noticesOf(t, dbURL, "phula") != 1 || noticesOf(t, dbURL, "hanoi") != 0 || noticesOf(t, dbURL, "danang") != 0 || noticesOf(t, dbURL, "bocongan") != 0 {
		t.Error("the return told the wrong people")
	}
	home := get(t, officer, srv.URL+"/me").body
	mustContain(t, "top bar", home, `href="/notifications"`, `<span class="badge" aria-hidden="true">1</span> <span class="visually-hidden">1 thông báo chưa đọc</span>`)
	r := get(t, officer, srv.URL+"/notifications")
	mustContain(t, "notices", r.body, "Mới", "bị trả lại để bổ sung", reason, "Đánh dấu tất cả đã đọc")
	link := noticeLink.FindStringSubmatch(r.body)
	if link == nil {
		t.Fatal("no link on the notice")
	}
	r = get(t, officer, srv.URL+link[1])
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/2023/wards/09552" {
		t.Errorf("opening the notice = %d %q", r.status, r.header.Get("Location"))
	}
	if strings.Contains(get(t, officer, srv.URL+"/me").body, `class="badge"`) {
		t.Error("an opened notice is still counted unread")
	}
	if r := get(t, reviewer, srv.URL+link[1]); r.status != http.StatusNotFound {
		t.Errorf("another user opens the notice = %d, want 404", r.status)
	}

	// Submitted again: the province's reviewers are told, and not another
	// province's, nor the Ministry.
	if r := upload(t, officer, ward+"/criteria/13/evidence", "bc.pdf", samplePDF, "Báo cáo bổ sung", "2023-10-15"); r.status != http.StatusSeeOther {
		t.Fatalf("upload = %d", r.status)
	}
	if r := post(t, officer, ward+"/submit", nil); r.status != http.StatusSeeOther {
		t.Fatalf("submit = %d", r.status)
	}
	if noticesOf(t, dbURL, "hanoi") != 1 || noticesOf(t, dbURL, "danang") != 0 || noticesOf(t, dbURL, "bocongan") != 0 || noticesOf(t, dbURL, "phula") != 1 {
		t.Error("the submission told the wrong people")
	}
	r = get(t, reviewer, srv.URL+"/notifications")
	mustContain(t, "reviewer's notices", r.body, "đã gửi hồ sơ tự đánh giá năm 2023")
	if link := noticeLink.FindStringSubmatch(r.body); link == nil || get(t, reviewer, srv.URL+link[1]).header.Get("Location") != "/2023/wards/09552#review" {
		t.Error("the submission's notice does not lead to the review form")
	}

	// A comment tells the ward's officers and whoever spoke before on the
	// criterion, never its author.
	if r := post(t, reviewer, ward+"/criteria/13/comments", url.Values{"body": {"Đề nghị ghi rõ nguồn số liệu."}}); r.status != http.StatusSeeOther {
		t.Fatalf("comment = %d", r.status)
	}
	if noticesOf(t, dbURL, "phula") != 2 || noticesOf(t, dbURL, "hanoi") != 1 {
		t.Error("the reviewer's comment told the wrong people")
	}
	if r := post(t, ministry, ward+"/criteria/13/comments", url.Values{"body": {"Bộ đã xem."}}); r.status != http.StatusSeeOther {
		t.Fatalf("comment = %d", r.status)
	}
	if noticesOf(t, dbURL, "phula") != 3 || noticesOf(t, dbURL, "hanoi") != 2 || noticesOf(t, dbURL, "bocongan") != 0 {
		t.Error("the Ministry's comment told the wrong people")
	}
	mustContain(t, "comment notice", get(t, reviewer, srv.URL+"/notifications").body, "Ý kiến mới về tiêu chí 13", "Cục V05")

	// Mark all read.
	if r := post(t, officer, srv.URL+"/notifications/read", nil); r.status != http.StatusSeeOther {
		t.Fatalf("mark all read = %d", r.status)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'phula' AND read_at IS NULL`); n != 0 {
		t.Errorf("%d unread after marking all read", n)
	}
	_ = other
}

// A deadline's warning reads in the reader's language, its deadline too;
// one written before the deadline was named by its field reads as written.
func TestDeadlineNoticeInEachLanguage(t *testing.T) {
	st, dbURL := testdb.Open(t, true)
	srv := serve(t, st)
	if _, err := st.SweepDeadlines(context.Background(), time.Date(2026, 12, 24, 9, 0, 0, 0, web.HoChiMinh)); err != nil {
		t.Fatal(err)
	}
	officer := signIn(t, srv, "phula")
	mustContain(t, "Vietnamese", get(t, officer, srv.URL+"/notifications").body, "Còn 7 ngày đến hạn tự đánh giá (31/12/2026)")
	get(t, officer, srv.URL+"/lang?to=en&next=/")
	page := get(t, officer, srv.URL+"/notifications").body
	mustContain(t, "English", page, "7 days to go until the self-assessment deadline (31/12/2026)")
	if strings.Contains(page, "hạn tự đánh giá") {
		t.Error("the English notice has the deadline in Vietnamese")
	}
	execSQL(t, dbURL, `UPDATE notifications SET args[3] = 'hạn tự đánh giá' WHERE kind = 'deadline_7'`)
	mustContain(t, "an older notice", get(t, officer, srv.URL+"/notifications").body, "7 days to go until hạn tự đánh giá (31/12/2026)")
}
