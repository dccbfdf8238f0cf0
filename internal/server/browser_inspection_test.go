package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"modelward/internal/seed"
)

// On a phone, the Ministry plans a visit: chooses the province, then the
// dates, the ward and the leader; the inspection's page follows.
func TestBrowserPlanInspection(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	hanoi := signIn(t, srv, "hanoi")
	m := regexp.MustCompile(`action="/2026/wards/00190/review"[^>]*>\s*<input type="hidden" name="version" value="([0-9]+)"`).
		FindStringSubmatch(get(t, hanoi, srv.URL+"/2026/wards/00190").body)
	if m == nil {
		t.Fatal("no review form")
	}
	if r := post(t, hanoi, srv.URL+"/2026/wards/00190/review", url.Values{"decision": {"approve"}, "version": {m[1]}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve = %d", r.status)
	}
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2026/inspections"))
	signInBrowser(t, ctx, "bocongan", seed.DemoPassword)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`#plan-province`)),
		chromedp.SetValue(chromedp.CSS(`#plan-province`), "01", chromedp.NodeVisible),
		chromedp.Submit(chromedp.CSS(`#plan-province`)),
		chromedp.WaitVisible(chromedp.CSS(`#plan-form`)),
		chromedp.SetValue(chromedp.CSS(`#plan-from`), "2026-12-14", chromedp.NodeVisible),
		chromedp.SetValue(chromedp.CSS(`#plan-to`), "2026-12-15", chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`input[name=wards][value="00190"]`), chromedp.NodeVisible),
		chromedp.SetValue(chromedp.CSS(`#plan-leader`), "bocongan", chromedp.NodeVisible),
		chromedp.Submit(chromedp.CSS(`#plan-leader`)),
		chromedp.WaitVisible(chromedp.CSS(`#team`)),
	)
	if s := text(t, ctx, "main"); !strings.Contains(s, "Đã lập kế hoạch kiểm tra 1 phường") || !strings.Contains(s, "14/12/2026 – 15/12/2026") ||
		!strings.Contains(s, "Phường Ô Chợ Dừa") {
		t.Errorf("after planning: %q", s)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM inspection_wards v JOIN assessments a ON a.id = v.assessment_id
		WHERE a.year = 2026 AND a.ward_id = unit_in_year('00190', 2026)`); n != 1 {
		t.Error("the plan was not recorded")
	}
	fitsThePhone(t, ctx)
}

// On a phone, on site: the leader opens Hồng Hà's sheet from the
// inspection, records a finding with one tap and a save, is told where a
// differing finding needs its note, and once every criterion is found
// concludes the visit, which closes the sheet.
func TestBrowserInspectionSheet(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	id := queryInt(t, dbURL, `SELECT id FROM inspections WHERE year = 2026`)
	sheet := fmt.Sprintf("/2026/inspections/%d/wards/00097", id)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2026/inspections"))
	signInBrowser(t, ctx, "bocongan", seed.DemoPassword)
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#inspections a`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#team`)),
		chromedp.Click(chromedp.CSS(`#w00097 a.button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#c13`)),
	)
	fitsThePhone(t, ctx)
	if s := text(t, ctx, "#tiers"); !strings.Contains(s, "Kiểm tra 19/20") {
		t.Errorf("the sheet's tiers read %q", s)
	}
	// One tap and a save.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#c13 input[value=met]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`#c13 button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#finding-13`)),
	)
	if s := text(t, ctx, ".flash"); !strings.Contains(s, "Đã lưu kết quả kiểm tra tiêu chí 13.") {
		t.Errorf("after saving: %q", s)
	}
	// A finding that differs from the appraisal, without its note.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#c14 input[value=not_met]`), chromedp.NodeVisible),
		chromedp.SetValue(chromedp.CSS(`#f-value-14`), "1", chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`#c14 button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#error-summary`)),
	)
	if s := text(t, ctx, "#c14 .field-error"); !strings.Contains(s, "hãy ghi rõ lý do") {
		t.Errorf("the refused finding says %q", s)
	}
	// The rest found as appraised, over HTTP; then the leader concludes.
	leader := signIn(t, srv, "bocongan")
	page := get(t, leader, srv.URL+sheet).body
	for n := 14; n <= 20; n++ {
		if strings.Contains(page, fmt.Sprintf(`id="finding-%d"`, n)) {
			continue
		}
		value := queryRow[string](t, dbURL, `SELECT coalesce(r.value::text, '') FROM results r JOIN assessments a ON a.id = r.assessment_id
			WHERE a.year = 2026 AND a.ward_id = unit_in_year('00097', 2026) AND r.number = $1`, n)
		version := sheetVersion.FindStringSubmatch(page)[1]
		if r := post(t, leader, fmt.Sprintf("%s%s/criteria/%d", srv.URL, sheet, n), url.Values{"finding": {"met"}, "value": {value}, "version": {version}}); r.status != http.StatusSeeOther {
			t.Fatalf("finding %d = %d", n, r.status)
		}
		page = get(t, leader, srv.URL+sheet).body
	}
	do(t, ctx,
		chromedp.Navigate(srv.URL+sheet+"#conclude"),
		chromedp.Click(chromedp.CSS(`#c-proposal input[value=decline]`), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`#c-note`), "Tiêu chí 11 chưa đạt tại thời điểm kiểm tra.", chromedp.NodeVisible),
		chromedp.Submit(chromedp.CSS(`#c-note`)),
		chromedp.WaitVisible(chromedp.CSS(`#conclusion`)),
	)
	if s := text(t, ctx, "#conclusion"); !strings.Contains(s, "Không đề nghị công nhận") || !strings.Contains(s, "Tiêu chí 11 chưa đạt") {
		t.Errorf("the conclusion reads %q", s)
	}
	forms, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('main form').length`))
	if err != nil {
		t.Fatal(err)
	}
	if forms != 0 {
		t.Errorf("the concluded sheet has %d forms", forms)
	}
}

// fitsThePhone fails the test when the page scrolls sideways.
func fitsThePhone(t *testing.T, ctx context.Context) {
	t.Helper()
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if wide {
		t.Error("the page scrolls sideways on a phone")
	}
}

// On a phone, the Ministry drafts a decision for the demo's eligible ward,
// and issues it signed by the portal; the ward then shows as recognised
// with the decision, its certificate offered.
func TestBrowserDecision(t *testing.T) {
	srv, dbURL := signedPortal(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/login?next=%2F2026%2Fdecisions"))
	signInBrowser(t, ctx, "bocongan", seed.DemoPassword)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`#d-number`)),
		chromedp.SendKeys(chromedp.CSS(`#d-number`), "15/QĐ-BCA", chromedp.NodeVisible),
		chromedp.SetValue(chromedp.CSS(`#d-date`), "2026-12-01", chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`#d-signer`), "Nguyễn Văn A", chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`#d-title`), "Bộ trưởng", chromedp.NodeVisible),
		chromedp.Submit(chromedp.CSS(`#d-title`)),
		chromedp.WaitVisible(chromedp.CSS(`#issue-portal`)),
	)
	fitsThePhone(t, ctx)
	if s := text(t, ctx, "main"); !strings.Contains(s, "Đã lập dự thảo quyết định số 15/QĐ-BCA") || !strings.Contains(s, "Phường Ba Đình") {
		t.Errorf("the draft reads %q", s)
	}
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#decision-file`), "href"))
	if err != nil || !strings.HasSuffix(href.Value, ".pdf") {
		t.Errorf("the draft's file: %v %v", href, err)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#issue-portal button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/2026/wards/00004/certificate.pdf"]`)),
	)
	if s := text(t, ctx, "main"); !strings.Contains(s, "Đã ban hành quyết định số 15/QĐ-BCA: 1 phường được công nhận.") || !strings.Contains(s, "SHA-256") {
		t.Errorf("after issuing: %q", s)
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/2026/wards/00004"), chromedp.WaitVisible(chromedp.CSS(`.decision`)))
	if s := text(t, ctx, ".decision"); !strings.Contains(s, "15/QĐ-BCA") {
		t.Errorf("the ward's decision reads %q", s)
	}
	if st := stateOf(t, dbURL, "00004", 2026); st != "recognized" {
		t.Errorf("Ba Đình is %s", st)
	}
}

// On a phone, a province issues a decision for its city-level ward by
// uploading the draft it signed elsewhere (here with a key of its own, as
// the signer's software would); the ward then shows as recognised.
func TestBrowserDecisionUpload(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	approveDuongNoi(t, dbURL)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/login?next=%2F2026%2Fdecisions"))
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`#d-number`)),
		chromedp.SendKeys(chromedp.CSS(`#d-number`), "45/QĐ-CAHN", chromedp.NodeVisible),
		chromedp.SetValue(chromedp.CSS(`#d-date`), "2026-11-30", chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`#d-signer`), "Trần Văn B", chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`#d-title`), "Giám đốc", chromedp.NodeVisible),
		chromedp.Submit(chromedp.CSS(`#d-title`)),
		chromedp.WaitVisible(chromedp.CSS(`#issue-upload`)),
	)
	decision := location(t, ctx)
	// The signer's software signs the draft the page offers.
	draft := []byte(get(t, signIn(t, srv, "hanoi"), decision+".pdf").body)
	signed, err := demoSigner(t, "Công an Thành phố Hà Nội").Sign(draft, "Ký ban hành", testNow())
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "quyet-dinh-da-ky.pdf")
	if err := os.WriteFile(file, signed, 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#i-file`), []string{file}),
		chromedp.Click(chromedp.CSS(`#issue-upload button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/2026/wards/09886/certificate.pdf"]`)),
	)
	if s := text(t, ctx, "main"); !strings.Contains(s, "Đã ban hành quyết định số 45/QĐ-CAHN") || !strings.Contains(s, "Công an Thành phố Hà Nội (DEMO)") {
		t.Errorf("after the upload: %q", s)
	}
	if st := stateOf(t, dbURL, "09886", 2026); st != "recognized" {
		t.Errorf("Dương Nội is %s", st)
	}
}

// On a phone, the Ministry revokes a recognition from the ward's page; the
// certificate's verification then says revoked.
func TestBrowserRevocation(t *testing.T) {
	srv, dbURL := signedPortal(t)
	ministry := signIn(t, srv, "bocongan")
	r := post(t, ministry, srv.URL+"/2026/decisions", url.Values{"number": {"15/QĐ-BCA"}, "date": {"2026-12-01"}, "signer": {"A"}, "signer_title": {"Bộ trưởng"}, "wards": {"00004"}})
	m := decisionLocation.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("draft = %d", r.status)
	}
	if r := post(t, ministry, srv.URL+"/2026/decisions/"+m[1]+"/issue", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("issue = %d", r.status)
	}
	token := queryRow[string](t, dbURL, `SELECT token FROM decision_wards WHERE decision_id = $1`, m[1])
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/login?next=%2F2026%2Fwards%2F00004"))
	signInBrowser(t, ctx, "bocongan", seed.DemoPassword)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`#revoke`)),
		chromedp.SendKeys(chromedp.CSS(`#v-reason`), "Vi phạm sau khi công nhận", chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`#v-no`), "20/QĐ-BCA", chromedp.NodeVisible),
		chromedp.SetValue(chromedp.CSS(`#v-date`), "2026-12-01", chromedp.NodeVisible),
		chromedp.Submit(chromedp.CSS(`#v-no`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if s := text(t, ctx, ".flash"); !strings.Contains(s, "Đã thu hồi công nhận.") {
		t.Errorf("after revoking: %q", s)
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/public/verify/"+token), chromedp.WaitVisible(chromedp.CSS(`#verdict`)))
	if s := text(t, ctx, "#verdict"); !strings.Contains(s, "đã bị thu hồi ngày 01/12/2026") {
		t.Errorf("the verification says %q", s)
	}
	fitsThePhone(t, ctx)
}
