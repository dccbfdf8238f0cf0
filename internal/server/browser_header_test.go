package server_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"modelward/internal/seed"
)

// On a phone the top bar is one line — the brand, the
// notices and "Menu" — and the breadcrumb only the way up; "Menu" opens
// the year, language, account and sign-out, and signing out from there
// works (a checkbox and its label: the page's script plays no part).
func TestBrowserPhoneHeaderFolds(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2026/wards/09552"))
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`h1`)))
	type measures struct {
		Header, Crumbs float64
		Notices, Out   bool
	}
	const measure = `({
		Header: document.querySelector('.topbar').getBoundingClientRect().height,
		Crumbs: document.querySelector('.crumbs').getBoundingClientRect().height,
		Notices: document.querySelector('#notices-link').getBoundingClientRect().height > 0,
		Out: document.querySelector('.signout button').getBoundingClientRect().height > 0,
	})`
	m, err := chromedp.Run(ctx, chromedp.Evaluate[measures](measure))
	if err != nil {
		t.Fatal(err)
	}
	if m.Header > 60 || m.Crumbs > 50 || !m.Notices || m.Out {
		t.Errorf("folded: header %.0f px, breadcrumb %.0f px, notices shown %v, sign-out shown %v", m.Header, m.Crumbs, m.Notices, m.Out)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`.menu-label`), chromedp.NodeVisible))
	if m, err = chromedp.Run(ctx, chromedp.Evaluate[measures](measure)); err != nil {
		t.Fatal(err)
	}
	if !m.Out {
		t.Error("Menu does not open the sign-out")
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`.signout button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
	)
}
