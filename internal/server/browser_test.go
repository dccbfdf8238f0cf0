package server_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"modelward/internal/seed"
)

// newBrowser starts headless Chromium (Debian's package) with a fresh
// profile. Without Chromium the browser tests skip, except in CI.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; `make test` installs it as root")
		}
		t.Skip("chromium is not installed (sudo apt-get install chromium, or run make test as root)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844), // a phone
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	// A bound on the whole journey, against a browser that hangs; each
	// step has its own (do), so a slow machine is not charged for the
	// journey's length.
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// text reads the text of the first element matching a CSS selector.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// stepTimeout bounds one step of a browser journey: a page loaded, a form
// sent.
const stepTimeout = 30 * time.Second

// openMenu opens the top bar's menu where it is folded (on a phone), as a
// person taps "Menu" before signing out or changing the language.
func openMenu() chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](`(() => {
			const box = document.querySelector('#menu-toggle'), label = document.querySelector('.menu-label');
			if (!box || box.checked || getComputedStyle(label).display === 'none') return false;
			label.click();
			return true;
		})()`)(ctx, t)
		return chromedp.Void{}, err
	}
}

// signInBrowser fills in and sends the sign-in form the browser is on.
func signInBrowser(t *testing.T, ctx context.Context, username, password string) {
	t.Helper()
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), username),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`), chromedp.NodeVisible),
		// The next page has loaded: signed in, the second step, or the form
		// is back with its error.
		chromedp.WaitVisible(chromedp.CSS(`#notices-link, .error-summary, #code`)),
	)
	second, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('form[action="/login/code"]') && !document.querySelector('.error-summary')`))
	if err != nil {
		t.Fatal(err)
	}
	if second {
		u, err := url.Parse(location(t, ctx))
		if err != nil {
			t.Fatal(err)
		}
		do(t, ctx,
			chromedp.SendKeys(chromedp.CSS(`#code`), factorCode(t, u.Scheme+"://"+u.Host, username)),
			chromedp.Click(chromedp.CSS(`form[action="/login/code"] button[type=submit]`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(`#notices-link, .error-summary`)),
		)
	}
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// Each demo user signs in, lands on their home, and signs out.
func TestBrowserSignInLandsHome(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ctx := newBrowser(t)
	for _, tt := range []struct{ username, home, h1 string }{
		{"phula", "/", "Phường Kiến Hưng"},
		{"hanoi", "/", "Thành phố Hà Nội"},
		{"bocongan", "/", "Bộ Công an"},
		{"admin", "/admin/users", "Người dùng"},
	} {
		do(t, ctx, chromedp.Navigate(srv.URL+"/"))
		if loc := location(t, ctx); loc != srv.URL+"/login?next=%2F" {
			t.Fatalf("signed out, / leads to %s", loc)
		}
		signInBrowser(t, ctx, tt.username, seed.DemoPassword)
		do(t, ctx, chromedp.WaitReady(chromedp.CSS(`form.signout button`)))
		if loc := location(t, ctx); loc != srv.URL+tt.home {
			t.Errorf("%s lands on %s, want %s", tt.username, loc, tt.home)
		}
		if h1 := text(t, ctx, "h1"); h1 != tt.h1 {
			t.Errorf("%s home says %q, want %q", tt.username, h1, tt.h1)
		}
		do(t, ctx,
			openMenu(),
			chromedp.Click(chromedp.CSS(`form.signout button`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(`#username`)),
		)
		if loc := location(t, ctx); loc != srv.URL+"/login" {
			t.Errorf("after sign-out %s is on %s", tt.username, loc)
		}
	}
	// A wrong password keeps the form, with the error summarised and the
	// field kept.
	do(t, ctx, chromedp.Navigate(srv.URL+"/login"))
	signInBrowser(t, ctx, "phula", "not-the-password")
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`.error-summary`)))
	if msg := text(t, ctx, ".error-summary"); msg != "Tên đăng nhập hoặc mật khẩu không đúng." {
		t.Errorf("wrong password says %q", msg)
	}
}

// A city reviewer opens the city's dashboard on a phone, signs in, sorts the
// wards by standing, opens the best ward, reads its standing, and switches
// to English.
func TestBrowserDashboardToWard(t *testing.T) {
	srv := newPortal(t)
	ctx := newBrowser(t)

	do(t, ctx, chromedp.Navigate(srv.URL+"/2023/units/01"))
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`figcaption`)))
	lang, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang"))
	if err != nil {
		t.Fatal(err)
	}
	if h1, summary := text(t, ctx, "h1"), text(t, ctx, "figcaption"); lang.Value != "vi" || h1 != "Thành phố Hà Nội" || !strings.Contains(summary, "3 trong 26 phường") {
		t.Fatalf("dashboard: lang %q, h1 %q, chart %q", lang.Value, h1, summary)
	}

	do(t, ctx,
		chromedp.Click(chromedp.CSS(`a[href$="sort=standing.desc#wards"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.sort strong`)),
	)
	if first := text(t, ctx, `#wards ~ table tbody tr:first-child td.num`); first != "19/22" {
		t.Errorf("first ward by standing is at %q, want 19/22", first)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#wards ~ table tbody tr:first-child th a`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.standing`)),
	)
	if standing := text(t, ctx, ".standing"); standing != "đạt 19/22 tiêu chí (3 tiêu chí chờ đánh giá cuối năm)" {
		t.Errorf("%s: standing %q", text(t, ctx, "h1"), standing)
	}
	pending, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.st-pending_year_end').length`))
	if err != nil {
		t.Fatal(err)
	}
	if pending != 3 {
		t.Errorf("%d criteria shown pending year end, want 3", pending)
	}

	do(t, ctx,
		openMenu(),
		chromedp.Click(chromedp.CSS(`a.lang`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] .standing`)),
	)
	if english := text(t, ctx, ".standing"); english != "19/22 met (3 pending year end)" {
		t.Errorf("English standing %q", english)
	}
}

// The officer's journey: sign in, record a measure, see its status and the
// standing change, upload a PDF and see its SHA-256, submit, and find the
// assessment read-only.
func TestBrowserOfficerJourney(t *testing.T) {
	srv := newPortal(t)
	ctx := newBrowser(t)
	pdf := filepath.Join(t.TempDir(), "bao-cao-quy-3.pdf")
	if err := os.WriteFile(pdf, samplePDF, 0o644); err != nil {
		t.Fatal(err)
	}

	do(t, ctx, chromedp.Navigate(srv.URL+"/2022/wards/09552"))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`.standing`)))
	if st := text(t, ctx, ".standing"); st != "đạt 0/22 tiêu chí (3 tiêu chí chờ đánh giá cuối năm)" {
		t.Errorf("standing before: %q", st)
	}

	// Record criterion 13, a measure, with a Vietnamese decimal.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#c13 a[href$="/criteria/13"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#f-value`)),
		chromedp.SendKeys(chromedp.CSS(`#f-value`), "91,5"),
		chromedp.SendKeys(chromedp.CSS(`#f-note`), "Số liệu đến hết quý III"),
		// The file goes with the figures, in one save.
		chromedp.SetUploadFiles(chromedp.CSS(`#u-file`), []string{pdf}),
		chromedp.SendKeys(chromedp.CSS(`#u-title`), "Báo cáo quý III"),
		chromedp.SetValue(chromedp.CSS(`#u-dated`), "2022-09-30"),
		chromedp.Click(chromedp.CSS(`#criterion-form button.primary`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	// The confirmation is beside the saved criterion, where the page opens.
	if f := text(t, ctx, "#c13 .flash"); f != "Đã lưu tiêu chí 13: đạt, kèm minh chứng «Báo cáo quý III»." {
		t.Errorf("flash beside criterion 13: %q", f)
	}
	if loc := location(t, ctx); !strings.HasSuffix(loc, "#c13") {
		t.Errorf("after saving, the page opens at %s, not at the criterion", loc)
	}
	if st := text(t, ctx, "#c13 .status"); !strings.Contains(st, "Đạt") {
		t.Errorf("criterion 13 status %q", st)
	}
	if st := text(t, ctx, ".standing"); st != "đạt 1/22 tiêu chí (3 tiêu chí chờ đánh giá cuối năm)" {
		t.Errorf("standing after: %q", st)
	}

	// The criterion keeps the figures, the note and the file, named by its
	// type and size (its SHA-256 is for admins and the dossier).
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/2022/wards/09552/criteria/13"),
		chromedp.WaitVisible(chromedp.CSS(`.evidence`)),
	)
	if ev := text(t, ctx, ".evidence"); !strings.Contains(ev, "PDF") || strings.Contains(ev, "SHA-256") {
		t.Errorf("the officer's file reads %q", ev)
	}
	note, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#f-note').value + '|' + document.querySelector('#f-value').value`))
	if err != nil || note != "Số liệu đến hết quý III|91,5" {
		t.Errorf("after the save with a file the form holds %q (%v)", note, err)
	}

	// Submit, confirming, and find the page read-only.
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/2022/wards/09552"),
		chromedp.Click(chromedp.CSS(`a.button.primary[href$="/submit"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/submit"] button`)),
	)
	if h := text(t, ctx, "h1"); h != "Gửi duyệt hồ sơ năm 2022" {
		t.Errorf("confirmation page %q", h)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`form[action$="/submit"] button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if st := text(t, ctx, ".subtitle .state"); st != "Đã gửi duyệt" {
		t.Errorf("state after submit %q", st)
	}
	forms, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('main form').length`))
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/2022/wards/09552/criteria/13"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	// Only the discussion stays open to the officer.
	critForms, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('main form:not([action$="/comments"])').length`))
	if err != nil {
		t.Fatal(err)
	}
	if forms != 0 || critForms != 0 {
		t.Errorf("after submitting, the ward page has %d forms and the criterion page %d", forms, critForms)
	}
}

func signOutBrowser(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx,
		openMenu(),
		chromedp.Click(chromedp.CSS(`form.signout button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
	)
}

// A reviewer returns a submission with a reason; the officer sees it, fixes
// and resubmits; the reviewer approves.
func TestBrowserReviewCycle(t *testing.T) {
	srv := newPortal(t)
	ctx := newBrowser(t)

	do(t, ctx, chromedp.Navigate(srv.URL+"/2023/units/01"))
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#queue a[href="/2023/wards/09552#review"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#review`)),
		chromedp.Click(chromedp.CSS(`#review input[value="return"]`), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`#r-reason`), "Bổ sung ghi chú cho tiêu chí 2."),
		chromedp.Click(chromedp.CSS(`#review button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if f := text(t, ctx, ".flash"); f != "Đã trả lại hồ sơ cho phường kèm lý do." {
		t.Errorf("flash %q", f)
	}
	signOutBrowser(t, ctx)

	do(t, ctx, chromedp.Navigate(srv.URL+"/2023/wards/09552"))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`.returned`)))
	if reason := text(t, ctx, ".returned"); !strings.Contains(reason, "Bổ sung ghi chú cho tiêu chí 2.") {
		t.Errorf("the officer sees %q", reason)
	}
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/2023/wards/09552/criteria/2"),
		chromedp.WaitVisible(chromedp.CSS(`#f-note`)),
		chromedp.SendKeys(chromedp.CSS(`#f-note`), "Nghị quyết số 12-NQ/ĐU ngày 10/01/2023."),
		chromedp.Click(chromedp.CSS(`form.form button.primary`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		chromedp.Click(chromedp.CSS(`a.button.primary[href$="/submit"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`form[action$="/submit"] button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if st := text(t, ctx, ".subtitle .state"); st != "Đã gửi duyệt" {
		t.Errorf("after resubmitting: %q", st)
	}
	signOutBrowser(t, ctx)

	do(t, ctx, chromedp.Navigate(srv.URL+"/2023/wards/09552"))
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`#review`)),
		chromedp.Click(chromedp.CSS(`#review input[value="approve"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`#review button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if st := text(t, ctx, ".subtitle .state"); st != "Đã phê duyệt" {
		t.Errorf("after approval: %q", st)
	}
}

// The Ministry recognises a 22/22 ward and is refused for a 21/22 one.
func TestBrowserRecognition(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	execSQL(t, dbURL, `UPDATE results SET status = 'met' WHERE number = 6 AND assessment_id = (SELECT id FROM assessments WHERE ward_id = unit_in_year('00019', 2022) AND year = 2022)`)
	inspectedOnSite(t, dbURL, 2022, "01", "00019", "recognize")
	inspectedOnSite(t, dbURL, 2022, "48", "20236", "recognize")
	ctx := newBrowser(t)
	recognise := func(ward string) {
		do(t, ctx,
			chromedp.Navigate(srv.URL+"/2022/wards/"+ward),
			chromedp.WaitVisible(chromedp.CSS(`#recognize`)),
			chromedp.SendKeys(chromedp.CSS(`#d-no`), "2878/QĐ-BCA"),
			chromedp.SetValue(chromedp.CSS(`#d-date`), "2023-04-22"),
			chromedp.Click(chromedp.CSS(`#recognize button`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(`h1`)),
		)
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/login"))
	signInBrowser(t, ctx, "bocongan", seed.DemoPassword)
	do(t, ctx, chromedp.WaitReady(chromedp.CSS(`form.signout`)))

	// A date before the year comes back on the ward page, the error beside
	// the field and summarised at the top, the decision number kept.
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/2022/wards/00019"),
		chromedp.WaitVisible(chromedp.CSS(`#recognize`)),
		chromedp.SendKeys(chromedp.CSS(`#d-no`), "2878/QĐ-BCA"),
		chromedp.SetValue(chromedp.CSS(`#d-date`), "2019-01-01"),
		chromedp.Click(chromedp.CSS(`#recognize button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#d-date-error`)),
	)
	if msg := text(t, ctx, "#error-summary a"); !strings.HasPrefix(msg, "Ngày quyết định không hợp lệ") {
		t.Errorf("summary of a bad date: %q", msg)
	}
	kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#d-no`)))
	if err != nil || kept != "2878/QĐ-BCA" {
		t.Errorf("decision number after a bad date: %q (%v)", kept, err)
	}

	recognise("00019")
	if d := text(t, ctx, ".decision"); d != "Quyết định công nhận số 2878/QĐ-BCA, ngày 22/04/2023" {
		t.Errorf("decision shown %q", d)
	}
	if st := text(t, ctx, ".subtitle .state"); st != "Đã công nhận" {
		t.Errorf("state %q", st)
	}

	// A ward not fully met gets no form that cannot succeed, but the reason.
	do(t, ctx, chromedp.Navigate(srv.URL+"/2022/wards/20236"), chromedp.WaitVisible(chromedp.CSS(`#recognize`)))
	if msg := text(t, ctx, "#recognize .notice"); !strings.HasPrefix(msg, "Chưa thể công nhận: hồ sơ đạt ") {
		t.Errorf("a ward not fully met says %q", msg)
	}
	forms, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#recognize form').length`))
	if err != nil || forms != 0 {
		t.Errorf("a ward not fully met has %d recognition forms (%v)", forms, err)
	}
}

// The Ministry downloads each export from the national dashboard, with the
// browser's own session.
func TestBrowserMinistryDownloadsExports(t *testing.T) {
	srv := newPortal(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2023/units/VN"))
	signInBrowser(t, ctx, "bocongan", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`.exports`)))
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Promise.all([...document.querySelectorAll('.exports a.export')].map(
		a => fetch(a.href).then(async r => a.textContent + ' ' + r.status + ' ' + r.headers.get('content-type') + ' ' + (await r.arrayBuffer()).byteLength)))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d export links: %v", len(got), got)
	}
	for i, want := range []string{"XLSX 200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PDF 200 application/pdf", "CSV 200 text/csv; charset=utf-8"} {
		if !strings.HasPrefix(got[i], want+" ") || strings.HasSuffix(got[i], " 0") {
			t.Errorf("download %d: %q, want %q and some bytes", i, got[i], want)
		}
	}
}

// An officer of Phường Kiến Hưng — code 09552 since the reform, which was
// Phường Phú La's before — follows the link to Phú La, which Kiến Hưng
// took over, and reads its 2023 record, with nothing offered to change.
func TestBrowserSuccessorReadsPredecessor(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/login"))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if h1 := text(t, ctx, "h1"); h1 != "Phường Kiến Hưng" {
		t.Fatalf("home is %q, want the officer's ward", h1)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`main a.button.primary`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.standing`)),
	)
	// Phú La's last year under code 09552 is 2024: the link goes there.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`main .lineage a[href="/2024/wards/09552"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.standing`)),
	)
	if h1 := text(t, ctx, "h1"); h1 != "Phường Phú La" {
		t.Errorf("after the predecessor's link: %q", h1)
	}
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/2023/wards/09552"),
		chromedp.WaitVisible(chromedp.CSS(`.standing`)),
	)
	if h1 := text(t, ctx, "h1"); h1 != "Phường Phú La" {
		t.Errorf("2023 under code 09552 is %q, want Phú La", h1)
	}
	if st := text(t, ctx, ".standing"); !strings.Contains(st, "19/22") {
		t.Errorf("Phú La 2023 stands %q, want 19/22", st)
	}
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/2023/wards/09552/criteria/13"),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
	)
	forms, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name=status], textarea[name=note], form[action$="/evidence"]').length`))
	if err != nil {
		t.Fatal(err)
	}
	if forms != 0 {
		t.Errorf("%d controls to change a predecessor's criterion", forms)
	}
}

// The Ministry follows Hà Nội's dashboard to the city's registrations,
// finds a ward by its name typed without accents, registers it at city
// level and sees it on the list, marked late (2026's registration closed
// on 31/03); on a phone, without scripts of the page's own.
func TestBrowserRegistersAWard(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/login"))
	signInBrowser(t, ctx, "bocongan", seed.DemoPassword)
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/2026/units/01"),
		chromedp.Click(chromedp.CSS(`#quota a[href="/2026/units/01/registrations"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#r-q`)),
		chromedp.SendKeys(chromedp.CSS(`#r-q`), "phu thuong"),
		chromedp.Submit(chromedp.CSS(`#r-q`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.evidence button[value="city"]`)),
		chromedp.Click(chromedp.CSS(`ul.evidence button[value="city"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#w00091`)),
	)
	if f := text(t, ctx, ".flash"); f != "Đã đăng ký phường 00091." {
		t.Errorf("flash %q", f)
	}
	if row := text(t, ctx, "#w00091"); !strings.Contains(row, "Phường Phú Thượng") || !strings.Contains(row, "cấp thành phố") ||
		!strings.Contains(row, "đăng ký muộn") {
		t.Errorf("row %q", row)
	}
	if q := text(t, ctx, "#quota"); q != "Chỉ tiêu Bộ giao: 10 · Đã đăng ký: 10 cấp Bộ, 3 cấp thành phố" {
		t.Errorf("quota line %q", q)
	}
}

// An officer's session ends while a criterion form is open; saving shows
// the sign-in form with the typed note kept, and signing in saves it.
func TestBrowserSessionEndsWhileTyping(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2022/wards/09552/criteria/13"))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`#f-value`)),
		chromedp.SendKeys(chromedp.CSS(`#f-value`), "91,5"),
		chromedp.SendKeys(chromedp.CSS(`#f-note`), "Ghi chú dài gõ trên điện thoại"),
	)
	endSessions(t, dbURL)
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`form.form button.primary`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#resume`)),
	)
	if kept := text(t, ctx, "#resume"); !strings.Contains(kept, "Ghi chú dài gõ trên điện thoại") || !strings.Contains(kept, "91,5") {
		t.Errorf("the sign-in page does not show what is kept: %q", kept)
	}
	if why := text(t, ctx, "#signin-reason"); !strings.Contains(why, "Phiên làm việc đã hết hạn") {
		t.Errorf("the sign-in page says %q", why)
	}
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	if loc := location(t, ctx); !strings.HasSuffix(loc, "/2022/wards/09552#c13") {
		t.Errorf("after the carried save the browser is on %s", loc)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM results WHERE note = 'Ghi chú dài gõ trên điện thoại' AND value = 91.5`); n != 1 {
		t.Errorf("the note typed before the session ended was not saved (%d rows)", n)
	}
}

// Going back to a form refused and shown again opens the page, without
// the browser asking to send the form again.
func TestBrowserBackAfterARefusedForm(t *testing.T) {
	srv := newPortal(t)
	ctx := newBrowser(t)
	crit := srv.URL + "/2022/wards/09552/criteria/13"
	do(t, ctx, chromedp.Navigate(crit))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`#f-value`)),
		chromedp.SendKeys(chromedp.CSS(`#f-value`), "abc"),
		chromedp.Click(chromedp.CSS(`form.form button.primary`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.error-summary`)),
		chromedp.Click(chromedp.CSS(`.subtitle a`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.standing`)),
		chromedp.NavigateBack(),
		chromedp.WaitVisible(chromedp.CSS(`#f-value`)),
	)
	if loc := location(t, ctx); loc != crit {
		t.Errorf("back after a refused form is on %s, want %s", loc, crit)
	}
}

// An admin disables a user through the confirmation page, and cancels a
// password reset from its own.
func TestBrowserAdminConfirmsBeforeDisabling(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/admin/users"))
	signInBrowser(t, ctx, "admin", seed.DemoPassword)
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`a[href="/admin/users/phula/password"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`form.confirm`)),
		chromedp.Click(chromedp.CSS(`form.confirm a.button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/users/phula/disable"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/admin/users/phula/disable"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`form.confirm button.danger`)),
	)
	if h := text(t, ctx, "h1"); h != "Ngừng sử dụng tài khoản phula?" {
		t.Errorf("confirmation asks %q", h)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`form.confirm button.danger`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if n := queryInt(t, dbURL, `SELECT count(*) FROM users WHERE username = 'phula' AND active`); n != 0 {
		t.Error("phula is still active after the confirmed disable")
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = 'user_password'`); n != 0 {
		t.Error("the cancelled password reset changed the password")
	}
}

// The database goes away (a failover) as an officer sends a criterion: the
// page says so and keeps what was typed; once the database is back, one
// press sends it again and it is saved.
func TestBrowserFormKeptWhileTheDatabaseIsAway(t *testing.T) {
	srv, cluster, st := portalOnOwnCluster(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2022/wards/09552/criteria/13"))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	const note = "Ghi chú gõ trong lúc máy chủ chuyển"
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`#f-note`)),
		chromedp.SendKeys(chromedp.CSS(`#f-value`), "88"),
		chromedp.SendKeys(chromedp.CSS(`#f-note`), note),
	)
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`form.form button.primary`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#retry`)),
	)
	if msg := text(t, ctx, `[role=alert]`); !strings.Contains(msg, "không truy cập được cơ sở dữ liệu") {
		t.Errorf("the page says %q", msg)
	}
	if err := cluster.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); get(t, nil, srv.URL+"/readyz").status != 200; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("not ready 10 s after the database came back")
		}
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#retry button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	a, err := st.Assessment(context.Background(), 2022, "09552")
	if err != nil {
		t.Fatal(err)
	}
	if r := a.Results[13]; r.Note != note || r.Value != "88" {
		t.Errorf("after sending again: note %q, value %v", r.Note, r.Value)
	}
}
