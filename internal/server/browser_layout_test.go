package server_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"modelward/internal/seed"
)

// overflowJS measures how far a page reaches past the viewport's width,
// and names the element that reaches furthest, to say what to fix.
const overflowJS = `(() => {
  const width = document.documentElement.clientWidth;
  let worst = null, right = width;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > right + 0.5) { right = r.right; worst = el; }
  }
  const over = Math.max(document.documentElement.scrollWidth - width, Math.ceil(right - width));
  if (over <= 0) return "";
  const name = worst ? worst.tagName.toLowerCase() + (worst.id ? "#" + worst.id : "") + (worst.className && typeof worst.className === "string" ? "." + worst.className.split(" ").join(".") : "") : "?";
  return over + "px too wide, by " + name + ": " + (worst ? worst.textContent.trim().slice(0, 60) : "");
})()`

// cellOverflowJS finds table cells whose content reaches outside the
// cell's box, over its neighbours: text that does not wrap in a column too
// narrow for it.
const cellOverflowJS = `(() => {
  const bad = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const c = cell.getBoundingClientRect();
    if (c.width === 0 || c.height === 0) continue;
    let over = cell.scrollWidth > cell.clientWidth + 1;
    if (!over) {
      for (const el of cell.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || getComputedStyle(el).position === 'absolute') continue;
        if (r.right > c.right + 1 || r.left < c.left - 1) { over = true; break; }
      }
    }
    if (over) bad.push((cell.closest('tr') && cell.closest('tr').id ? cell.closest('tr').id + " " : "") + cell.className + ": " + cell.textContent.trim().slice(0, 40));
    if (bad.length > 3) break;
  }
  return bad.join("; ");
})()`

// chartTextJS finds the text of a visible chart that renders smaller than
// 11 px, or reaches outside its drawing (a clipped label).
const chartTextJS = `(() => {
  const bad = [];
  for (const svg of document.querySelectorAll('figure svg')) {
    if (svg.getBoundingClientRect().width === 0) continue;
    const vb = svg.viewBox.baseVal;
    for (const t of svg.querySelectorAll('text')) {
      const px = parseFloat(getComputedStyle(t).fontSize) * svg.getScreenCTM().a;
      const b = t.getBBox();
      if (px < 10.95) bad.push(t.textContent.slice(0, 30) + " at " + px.toFixed(1) + "px");
      else if (b.x < vb.x - 0.5 || b.x + b.width > vb.x + vb.width + 0.5) bad.push(t.textContent.slice(0, 30) + " clipped (" + b.x.toFixed(1) + "+" + b.width.toFixed(1) + " in " + vb.width + ")");
      if (bad.length > 3) return bad.join("; ");
    }
  }
  return bad.join("; ");
})()`

// Every page of every role fits a 360 px phone and a 1366 px laptop:
// nothing reaches past the screen's width, so nothing scrolls sideways.
func TestBrowserEveryPageFitsTheScreen(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	// A file with a long title on the criterion and history pages.
	officer := signIn(t, srv, "phula")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("title", "Báo cáo tổng hợp số liệu phạm pháp hình sự quý III năm 2022 của Công an phường")
	_ = mw.WriteField("dated", "2022-09-30")
	fw, _ := mw.CreateFormFile("file", "bao-cao.pdf")
	_, _ = fw.Write(samplePDF)
	_ = mw.Close()
	res, err := officer.Post(srv.URL+"/2022/wards/09552/criteria/13/evidence", mw.FormDataContentType(), &body)
	if err != nil || res.StatusCode != 303 {
		t.Fatalf("upload: %v %v", err, res)
	}
	res.Body.Close()
	r := post(t, signIn(t, srv, "admin"), srv.URL+"/admin/tokens", map[string][]string{"name": {"Hệ thống báo cáo thống kê của Bộ"}, "username": {"bocongan"}})
	if r.status != 200 {
		t.Fatalf("token = %d", r.status)
	}
	token := queryInt(t, dbURL, `SELECT max(id) FROM api_tokens`)
	evidence := queryInt(t, dbURL, `SELECT max(id) FROM evidence`)
	inspection := fmt.Sprintf("/2026/inspections/%d", queryInt(t, dbURL, `SELECT id FROM inspections WHERE year = 2026`))
	decision := fmt.Sprintf("/2024/decisions/%d", queryInt(t, dbURL, `SELECT id FROM decisions WHERE year = 2024`))
	certificate := queryRow[string](t, dbURL, `SELECT min(token) FROM decision_wards`)

	pages := map[string][]string{
		"": {"/login", "/login?next=%2F2023%2Fwards%2F09552&expired=1", "/public", "/public/2023", "/public/verify/" + certificate, "/public/verify/UNKNOWN"},
		"phula": {"/", "/2022/wards/09552", "/2022/wards/09552/criteria/13", "/2022/wards/09552/criteria/2",
			"/2022/wards/09552/history", "/2022/wards/09552/submit", "/me", "/2022/wards/99999", "/notifications", "/me/factor",
			"/2022/units/09552/results", fmt.Sprintf("/2022/wards/09552/evidence/%d/remove", evidence), "/2022/calendar",
			"/me/email/confirm?token=not-one"},
		"hanoi": {"/", "/2023/units/01", "/2023/units/268", "/2023/units/01/registrations", "/2023/wards/09552",
			"/2023/wards/09552/criteria/13", "/2023/wards/09552/history", "/2026/units/01", "/2026/inspections", "/2026/units/01/changes", "/2026/decisions"},
		"bocongan": {"/", "/2023/units/VN", "/2026/units/VN", "/2022/wards/00019", "/2022/wards/26776", "/2022/units/VN/registrations",
			"/2026/inspections?level=ministry&province=01", inspection, inspection + "/wards/00097", inspection + "/wards/00004", "/2026/units/VN/changes?criterion=11",
			"/2026/decisions", decision},
		"admin": {"/admin/audit", "/admin/users", "/admin/tokens", "/admin/units", "/admin/catalogues", "/admin/catalogues/2023",
			"/admin/catalogues/2023/criteria/13", "/admin/catalogues/2023/criteria/new", "/admin/users/phula/disable",
			"/admin/users/phula/password", fmt.Sprintf("/admin/tokens/%d/revoke", token), "/admin/catalogues/2023/criteria/13/remove",
			"/admin/access", "/admin/users/bocongan/factor"},
	}
	// Every page the route list serves is among them: a new page route
	// without a sample here fails.
	for _, route := range pageRoutes(t) {
		re := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[a-z]+\\\}`).ReplaceAllString(regexp.QuoteMeta(route), `[^/]+`) + "$")
		found := false
		for _, paths := range pages {
			for _, p := range paths {
				path, _, _ := strings.Cut(p, "?")
				found = found || re.MatchString(path)
			}
		}
		if !found {
			t.Errorf("the page route %s has no page in this test", route)
		}
	}
	for user, paths := range pages {
		ctx := newBrowser(t)
		if user != "" {
			do(t, ctx, chromedp.Navigate(srv.URL+"/login"))
			signInBrowser(t, ctx, user, seed.DemoPassword)
		}
		for _, width := range []int64{360, 1366} {
			do(t, ctx, chromedp.EmulateViewport(width, 800))
			for _, path := range paths {
				do(t, ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitReady(chromedp.CSS(`footer`)))
				over, err := chromedp.Run(ctx, chromedp.Evaluate[string](overflowJS))
				if err != nil {
					t.Fatal(err)
				}
				if over != "" {
					t.Errorf("%s at %d px, as %q: %s", path, width, user, over)
				}
				cells, err := chromedp.Run(ctx, chromedp.Evaluate[string](cellOverflowJS))
				if err != nil {
					t.Fatal(err)
				}
				if cells != "" {
					t.Errorf("%s at %d px, as %q: cells overflow: %s", path, width, user, cells)
				}
				small, err := chromedp.Run(ctx, chromedp.Evaluate[string](chartTextJS))
				if err != nil {
					t.Fatal(err)
				}
				if small != "" {
					t.Errorf("%s at %d px, as %q: chart text %s", path, width, user, small)
				}
			}
		}
	}
}

// On every desktop width from 1024 to 1920 px, a ward's criteria table
// keeps each cell's content in its box: a long status ("chờ đánh giá cuối
// năm") wraps in its column instead of running over the notes.
func TestBrowserWardTableCellsKeepTheirContent(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/login"))
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	for _, width := range []int64{1024, 1152, 1280, 1366, 1440, 1600, 1920} {
		do(t, ctx, chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(srv.URL+"/2026/wards/09552"), chromedp.WaitReady(chromedp.CSS(`footer`)))
		cells, err := chromedp.Run(ctx, chromedp.Evaluate[string](cellOverflowJS))
		if err != nil {
			t.Fatal(err)
		}
		if cells != "" {
			t.Errorf("at %d px: %s", width, cells)
		}
	}
}

// pageRoutes are the GET routes of routes.go that answer with a page:
// not files, feeds, probes, redirects or the API.
func pageRoutes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	notPages := map[string]bool{"/healthz": true, "/readyz": true, "/favicon.ico": true, "/lang": true, "/metrics": true,
		"/public/feed.xml": true, "/notifications/{id}": true, "/evidence/{id}": true, "/evidence/{id}/thumb": true,
		"/evidence/{id}/preview": true, "/units": true, "/{year}/units/{code}/summary": true}
	var out []string
	for _, m := range regexp.MustCompile(`r\.Get\("([^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		route := m[1]
		if notPages[route] || regexp.MustCompile(`\.(csv|xlsx|pdf|xml|json)$`).MatchString(route) {
			continue
		}
		out = append(out, route)
	}
	if len(out) < 30 {
		t.Fatalf("found %d page routes in routes.go", len(out))
	}
	return out
}
