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
	mustContain(t, "home after submitting", get(t, officer, srv.URL+"/").body, "Hồ sơ đã gửi duyệt")
	if r := post(t, reviewer, srv.URL+"/2026/wards/09552/review", url.Values{"decision": {"return"}, "reason": {"Bổ sung biên bản kiểm tra tháng 11"}}); r.status != 303 {
		t.Fatalf("return = %d", r.status)
	}
	home = get(t, officer, srv.URL+"/").body
	mustContain(t, "home after the return", home, `id="returned"`, "Bổ sung biên bản kiểm tra tháng 11", `href="/2026/wards/09552"`)
	if strings.Index(home, `id="returned"`) > strings.Index(home, `id="open-year"`) {
		t.Error("the returned assessment is not the first thing on the officer's home")
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

	// The Ministry: approved wards fully met, awaiting its decision.
	home = get(t, signIn(t, srv, "bocongan"), srv.URL+"/").body
	mustContain(t, "Ministry's home", home, `id="decisions"`, `href="/2026/wards/00004#recognize"`, `href="/2024/wards/09552#recognize"`)
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
		"hanoi":      `<a class="who" href="/me">Công an Thành phố Hà Nội · cán bộ duyệt hồ sơ</a>`,
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
