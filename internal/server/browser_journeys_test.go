package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"modelward/internal/seed"
)

// On a phone: an officer changes the password from /me, is told so,
// signs out, and signs in with the new one (the old one no longer works).
func TestBrowserPasswordChange(t *testing.T) {
	srv, _ := newPortalDB(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/me"))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	const fresh = "mật khẩu mới đủ dài 2026"
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#pw-current`), seed.DemoPassword, chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`#pw-new`), fresh),
		chromedp.SendKeys(chromedp.CSS(`#pw-again`), fresh),
		chromedp.Click(chromedp.CSS(`form[action="/me/password"] button.primary`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if f := text(t, ctx, ".flash"); !strings.Contains(f, "Đã đổi mật khẩu.") {
		t.Errorf("after the change: %q", f)
	}
	signOutBrowser(t, ctx)
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	if s := text(t, ctx, ".error-summary"); !strings.Contains(s, "không đúng") {
		t.Errorf("the old password: %q", s)
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/login"))
	signInBrowser(t, ctx, "phula", fresh)
	if h := text(t, ctx, "h1"); h == "" || strings.Contains(h, "Đăng nhập") {
		t.Errorf("the new password did not sign in: %q", h)
	}
}

// On a phone: an officer sets up two-step verification from /me —
// confirms the password, adds the secret shown, types a code — keeps the
// recovery codes, and /me says it is on.
func TestBrowserFactorFromMe(t *testing.T) {
	srv, _ := newPortalDB(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/me"))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`a.button[href="/me/factor"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`svg.qr`)),
	)
	secret, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#factor-secret').textContent.replaceAll(' ', '')`))
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#factor-password`), seed.DemoPassword),
		chromedp.SendKeys(chromedp.CSS(`#code`), codeAt(t, secret, testNow())),
		chromedp.Submit(chromedp.CSS(`#code`)),
		chromedp.WaitVisible(chromedp.CSS(`#recovery-codes`)),
	)
	if codes := strings.Fields(text(t, ctx, "#recovery-codes")); len(codes) != 10 {
		t.Errorf("recovery codes shown: %q", codes)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#continue`), chromedp.NodeVisible),
		chromedp.WaitNotPresent(chromedp.CSS(`#recovery-codes`)),
	)
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/me"),
		chromedp.WaitVisible(chromedp.CSS(`#factor-state`)),
	)
	if s := text(t, ctx, "#factor-state"); strings.Contains(s, "Chưa bật") {
		t.Errorf("/me after the set-up says %q", s)
	}
}

// On a phone: a reviewer asks about a criterion; the officer reads the
// question on the criterion's page and answers; both see the thread.
func TestBrowserComments(t *testing.T) {
	srv, _ := newPortalDB(t)
	crit := srv.URL + "/2023/wards/09552/criteria/13"
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(crit))
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#c-body`), "Đề nghị bổ sung biên bản họp quý I.", chromedp.NodeVisible),
		chromedp.Submit(chromedp.CSS(`#c-body`)),
		chromedp.WaitVisible(chromedp.CSS(`#comments .thread`)),
	)
	signOutBrowser(t, ctx)
	do(t, ctx, chromedp.Navigate(crit))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`#comments .thread`)),
		chromedp.SendKeys(chromedp.CSS(`#c-body`), "Đã tải biên bản lên.", chromedp.NodeVisible),
		chromedp.Submit(chromedp.CSS(`#c-body`)),
		chromedp.WaitVisible(chromedp.CSS(`#comments .thread li + li`)),
	)
	if th := text(t, ctx, "#comments .thread"); !strings.Contains(th, "Đề nghị bổ sung biên bản họp quý I.") || !strings.Contains(th, "Đã tải biên bản lên.") {
		t.Errorf("the thread reads %q", th)
	}
}

// Anyone, signed out, on a phone: the public list of model wards and a
// year's list open without a sign-in.
func TestBrowserPublicPages(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ctx := newBrowser(t)
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/public"),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
	)
	if loc := location(t, ctx); loc != srv.URL+"/public" {
		t.Fatalf("/public led to %s", loc)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('main a[href^="/public/"]').length`)); err != nil || n == 0 {
		t.Errorf("no year to open on /public (%v)", err)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`main a[href^="/public/2"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
	)
	if loc := location(t, ctx); !strings.HasPrefix(loc, srv.URL+"/public/2") {
		t.Errorf("the year's link led to %s", loc)
	}
}
