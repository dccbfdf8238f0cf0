package server_test

import (
	"net/url"
	"strings"
	"testing"
)

// Each role's home leads with what it must do now, across years.
func TestHomeSaysWhatIsDue(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	officer := signIn(t, srv, "phula")
	reviewer := signIn(t, srv, "hanoi")

	// The officer: the open year's criteria not yet judged, the year-end
	// ones apart (open since 1 November), each linked.
	home := get(t, officer, srv.URL+"/").body
	mustContain(t, "officer's home", home, `id="open-year"`, "Hồ sơ đánh giá năm 2026", "đạt 12/20 tiêu chí",
		"tiêu chí cuối năm đã mở để đánh giá", `href="/2026/wards/09552/criteria/`)
	if strings.Contains(home, `id="returned"`) {
		t.Error("the officer's home shows a returned assessment before any is returned")
	}

	// Returned: shown first, with the reason.
	if r := post(t, officer, srv.URL+"/2026/wards/09552/submit", url.Values{}); r.status != 303 {
		t.Fatalf("submit = %d", r.status)
	}
	mustContain(t, "home after submitting", get(t, officer, srv.URL+"/").body, "Hồ sơ đã gửi duyệt ngày 01/12/2026; đang chờ Công an tỉnh, thành phố xem xét.")
	if r := post(t, reviewer, srv.URL+"/2026/wards/09552/review", url.Values{"decision": {"return"}, "reason": {"Bổ sung biên bản kiểm tra tháng 11"}}); r.status != 303 {
		t.Fatalf("return = %d", r.status)
	}
	home = get(t, officer, srv.URL+"/").body
	mustContain(t, "home after the return", home, `id="open-state"`, "Hồ sơ bị trả lại ngày 01/12/2026 để bổ sung.",
		"Bổ sung biên bản kiểm tra tháng 11", `href="/2026/wards/09552"`, "Bổ sung xong, hãy gửi duyệt lại.")
	if strings.Contains(home, "Mọi tiêu chí đã được đánh giá") {
		t.Error("a returned file is said to be ready to submit")
	}
	if strings.Contains(home, `id="returned"`) {
		t.Error("the open year's return is told twice")
	}

	// The reviewer: the queue across years, oldest first.
	home = get(t, reviewer, srv.URL+"/").body
	mustContain(t, "reviewer's home", home, `id="queue"`, `href="/2023/wards/09552#review"`, `href="/2025/wards/00082#review"`, `href="/2026/wards/00190#review"`)
	if !(strings.Index(home, "/2023/wards/09552#review") < strings.Index(home, "/2025/wards/00082#review") &&
		strings.Index(home, "/2025/wards/00082#review") < strings.Index(home, "/2026/wards/00190#review")) {
		t.Error("the review queue is not oldest first")
	}
	if strings.Contains(home, `id="decisions"`) {
		t.Error("Hà Nội has no city-level ward awaiting a decision, yet its home lists some")
	}
	// Its own date first (the review's), its wards' after it; a file
	// waiting past its year's review date is marked overdue.
	mustContain(t, "reviewer's dates", home, `id="deadline-review_due"`, `<div class="watched" id="watched">`, `id="deadline-self_assessment_due"`)
	if strings.Contains(home, "quá hạn") {
		t.Error("a file is marked overdue while no review date has passed")
	}
	execSQL(t, dbURL, `UPDATE catalogues SET review_due = '2024-01-31' WHERE year = 2023`)
	home = get(t, reviewer, srv.URL+"/").body
	if row := rowWith(t, home, `/2023/wards/09552#review`); !strings.Contains(row, `<span class="tag overdue">quá hạn</span>`) {
		t.Errorf("the 2023 file waiting since then is not marked overdue: %s", row)
	}
	if row := rowWith(t, home, `/2026/wards/00190#review`); strings.Contains(row, "quá hạn") {
		t.Error("a 2026 file is marked overdue")
	}

	// The Ministry: approved wards fully met, awaiting its decision.
	home = get(t, signIn(t, srv, "bocongan"), srv.URL+"/").body
	mustContain(t, "Ministry's home", home, `id="decisions"`, `href="/2026/wards/00004#recognize"`)
	// Phú La 2024 (Ministry level, 20/20) was never inspected on site: it
	// does not await a decision.
	if strings.Contains(home, `href="/2024/wards/09552#recognize"`) {
		t.Error("a Ministry-level ward without an inspection is listed as awaiting a decision")
	}
	// The Ministry's own date (the inspection window's, in December) comes
	// first, the provinces' review among the dates it watches.
	if own, watched := strings.Index(home, `id="deadline-inspection_`), strings.Index(home, `id="deadline-review_due"`); own < 0 || watched < own {
		t.Errorf("the Ministry's home: its own date at %d, the provinces' at %d", own, watched)
	}
	if strings.Contains(home, "/2022/wards/00019#recognize") {
		t.Error("a ward not fully met is listed as awaiting a decision")
	}
	if strings.Contains(home, `id="queue"`) {
		t.Error("the Ministry, which does not review, has a review queue")
	}

	// An officer whose unit ended is told who took it over.
	execSQL(t, dbURL, `INSERT INTO users (username, full_name, role, unit_id, password_hash)
		SELECT 'cuphula', 'Công an phường Phú La', 'ward_officer', unit_in_year('09552', 2023), password_hash FROM users WHERE username = 'phula'`)
	mustContain(t, "ended unit's home", get(t, signIn(t, srv, "cuphula"), srv.URL+"/").body,
		`id="taken-over"`, `<a href="/2026/wards/09552">Phường Kiến Hưng</a>`)
}

// The top bar says who is signed in once: name, role and unit.
func TestTopBarNamesTheUserOnce(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	execSQL(t, dbURL, `INSERT INTO users (username, full_name, role, unit_id, password_hash)
		SELECT 'nguyenvana', 'Nguyễn Văn A', 'ward_officer', unit_id, password_hash FROM users WHERE username = 'phula'`)
	for user, want := range map[string]string{
		"nguyenvana": `<a class="who" href="/me">Nguyễn Văn A · cán bộ Công an phường Kiến Hưng</a>`,
		"hanoi":      `<a class="who" href="/me">Công an Thành phố Hà Nội · cán bộ thẩm định hồ sơ</a>`,
		// A name that says the role already is not followed by it again.
		"bocongan": `<a class="who" href="/me">Cục V05 – Bộ Công an</a>`,
		"admin":    `<a class="who" href="/me">Quản trị hệ thống</a>`,
	} {
		body := get(t, signIn(t, srv, user), srv.URL+"/me").body
		mustContain(t, user+"'s top bar", body, want)
		// Once: the name is not said again elsewhere in the top bar.
		bar := body[strings.Index(body, `<header class="topbar">`):]
		bar = bar[:strings.Index(bar, "</header>")]
		name := strings.TrimSuffix(strings.SplitN(strings.TrimPrefix(want, `<a class="who" href="/me">`), " · ", 2)[0], "</a>")
		if n := strings.Count(bar, name); n != 1 {
			t.Errorf("%s's top bar names them %d times, want once", user, n)
		}
	}
}

// The officer's home says where the open year's file stands: a partial
// return lists the criteria sent back with their reasons and links, an
// approval says by whom and when and what comes next.
func TestOfficerHomeFollowsTheFile(t *testing.T) {
	srv, _ := newPortalDemo(t)
	officer := signIn(t, srv, "phula")
	reviewer := signIn(t, srv, "hanoi")
	ward := srv.URL + "/2026/wards/09552"
	if r := post(t, officer, ward+"/submit", url.Values{}); r.status != 303 {
		t.Fatalf("submit = %d", r.status)
	}
	if r := post(t, reviewer, ward+"/review", url.Values{"decision": {"return"}, "reason": {"Bổ sung hai tiêu chí."},
		"criteria": {"13", "5"}, "reason.13": {"Thiếu báo cáo quý IV."}, "reason.5": {"Số liệu chưa khớp."}}); r.status != 303 {
		t.Fatalf("return = %d", r.status)
	}
	home := get(t, officer, srv.URL+"/").body
	mustContain(t, "home after a partial return", home, "Hồ sơ bị trả lại ngày 01/12/2026; cần bổ sung 2 tiêu chí:",
		`href="/2026/wards/09552/criteria/5"`, "Số liệu chưa khớp.", `href="/2026/wards/09552/criteria/13"`, "Thiếu báo cáo quý IV.",
		"Lý do chung của hồ sơ:</strong> Bổ sung hai tiêu chí.", "Bổ sung xong, hãy gửi duyệt lại.")
	if strings.Contains(home, "Mọi tiêu chí đã được đánh giá") || strings.Contains(home, "Hồ sơ đã gửi duyệt") {
		t.Error("a returned file is said to be ready or submitted")
	}

	if r := post(t, officer, ward+"/submit", url.Values{}); r.status != 303 {
		t.Fatalf("resubmit = %d", r.status)
	}
	if r := post(t, reviewer, ward+"/review", url.Values{"decision": {"approve"}}); r.status != 303 {
		t.Fatalf("approve = %d", r.status)
	}
	home = get(t, officer, srv.URL+"/").body
	mustContain(t, "home after approval", home, "Hồ sơ đã được Công an Thành phố Hà Nội phê duyệt ngày 01/12/2026.",
		"Hồ sơ đạt 12/20 tiêu chí nên năm nay phường chưa đủ điều kiện được công nhận.")
	if strings.Contains(home, "Hồ sơ đã gửi duyệt") {
		t.Error("an approved file is said to wait for review")
	}
	get(t, officer, srv.URL+"/lang?to=en&next=/")
	home = get(t, officer, srv.URL+"/").body
	mustContain(t, "home after approval, in English", home, "Approved by Công an Thành phố Hà Nội on 01/12/2026.")
}
