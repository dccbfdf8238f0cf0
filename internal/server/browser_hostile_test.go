package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"modelward/internal/hostile"
	"modelward/internal/seed"
)

// In the browser: a spreadsheet that unfolds into gigabytes is refused at
// once, saying what is wrong in Vietnamese; the province's template
// brought back unchanged shows its submitted and approved wards as locked
// and unchanged, with no error.
func TestBrowserHostileAndLockedImports(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	dir := t.TempDir()
	wide := filepath.Join(dir, "rong.xlsx")
	if err := os.WriteFile(wide, hostile.WideXLSX(100000), 0o600); err != nil {
		t.Fatal(err)
	}
	unchanged := filepath.Join(dir, "ha-noi.csv")
	if err := os.WriteFile(unchanged, []byte(get(t, signIn(t, srv, "hanoi"), srv.URL+"/2026/units/01/results.csv").body), 0o600); err != nil {
		t.Fatal(err)
	}
	before := dbState(t, dbURL)

	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2026/units/01/results"))
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	send := func(file string) {
		do(t, ctx,
			chromedp.WaitVisible(chromedp.CSS(`#import-file`)),
			chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{file}),
			chromedp.Click(chromedp.CSS(`form[enctype="multipart/form-data"] button[type=submit]`), chromedp.NodeVisible),
		)
	}
	send(wide)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#error-summary`)))
	if msg := text(t, ctx, "#error-summary"); !strings.Contains(msg, "nằm ngoài các cột của mẫu") {
		t.Errorf("the refusal says %q", msg)
	}
	send(unchanged)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#import-plan`)))
	plan := text(t, ctx, "#import-plan")
	for _, want := range []string{"Hồ sơ đã gửi duyệt: không sửa được từ tệp; 20 dòng không đổi.", "Hồ sơ đã phê duyệt: không sửa được từ tệp; 20 dòng không đổi."} {
		if !strings.Contains(plan, want) {
			t.Errorf("the plan lacks %q: %s", want, plan)
		}
	}
	if errs, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#error-summary').length`)); err != nil || errs != 0 {
		t.Errorf("the unchanged template shows %d error summaries (%v)", errs, err)
	}
	if dbState(t, dbURL) != before {
		t.Error("the refused and the unchanged files changed the database")
	}
}

// In the browser: a new mail address on /me is taken only with the
// current password, typed in the same form.
func TestBrowserMailChangeAsksForThePassword(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/me"))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`#me-email`)),
		chromedp.SendKeys(chromedp.CSS(`#me-email`), "kienhung@congan.example"),
		chromedp.SendKeys(chromedp.CSS(`#email-password`), "không phải mật khẩu"),
		chromedp.Click(chromedp.CSS(`form[action="/me/email"] button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#error-summary`)),
	)
	if msg := text(t, ctx, "#error-summary"); !strings.Contains(msg, "Mật khẩu") {
		t.Errorf("a wrong password is refused saying %q", msg)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM mail_outbox`); n != 0 {
		t.Fatalf("%d mails queued with a wrong password", n)
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#email-password`), seed.DemoPassword),
		chromedp.Click(chromedp.CSS(`form[action="/me/email"] button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#email-pending`)),
	)
	if n := queryInt(t, dbURL, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'kienhung@congan.example'`); n != 1 {
		t.Errorf("%d confirmation mails queued, want 1", n)
	}
}
