package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"modelward/internal/seed"
)

// In the browser: the admin (code computed from the demo's secret) resets
// the Ministry user's factor; that user's next sign-in sets up a new one
// from the secret on the page, keeps the recovery codes, and later signs
// in with one of them.
func TestBrowserFactorSetUpAndSignIn(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/admin/users"))
	signInBrowser(t, ctx, "admin", seed.DemoPassword)
	if loc := location(t, ctx); loc != srv.URL+"/admin/users" {
		t.Fatalf("admin after the code is on %s", loc)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`a[href="/admin/users/bocongan/factor"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`form.confirm button`)),
		chromedp.Click(chromedp.CSS(`form.confirm button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		openMenu(),
		chromedp.Click(chromedp.CSS(`form.signout button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
	)

	signInBrowser(t, ctx, "bocongan", seed.DemoPassword)
	if h := text(t, ctx, "h1"); h != "Thiết lập xác thực hai lớp" {
		t.Fatalf("after the password bocongan sees %q, want the set-up", h)
	}
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`svg.qr`)))
	secret, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#factor-secret').textContent.replaceAll(' ', '')`))
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#code`), codeAt(t, secret, testNow())),
		chromedp.Click(chromedp.CSS(`form[action="/login/enrol"] button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#recovery-codes`)),
	)
	codes := strings.Fields(text(t, ctx, "#recovery-codes"))
	if len(codes) != 10 {
		t.Fatalf("recovery codes shown: %q", codes)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#continue`), chromedp.NodeVisible),
		chromedp.WaitReady(chromedp.CSS(`form.signout button`)),
	)
	if h := text(t, ctx, "h1"); h != "Bộ Công an" {
		t.Errorf("after the set-up bocongan lands on %q", h)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM users WHERE username = 'bocongan' AND totp_secret = $1`, secret); n != 1 {
		t.Error("the secret on the page is not the one set up")
	}

	// The phone is not at hand: a recovery code, from the sign-in page.
	do(t, ctx,
		openMenu(),
		chromedp.Click(chromedp.CSS(`form.signout button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), "bocongan"),
		chromedp.SendKeys(chromedp.CSS(`#password`), seed.DemoPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login/code"] #code`)),
		chromedp.SendKeys(chromedp.CSS(`#code`), codes[0]),
		chromedp.Click(chromedp.CSS(`form[action="/login/code"] button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#factor-state`)),
	)
	if f := text(t, ctx, ".flash"); !strings.Contains(f, "còn 9 mã") {
		t.Errorf("after a recovery code /me says %q", f)
	}
}
