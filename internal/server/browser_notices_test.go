package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"modelward/internal/seed"
)

// In the browser, on a phone: a reviewer returns a file; the officer sees
// the unread count in the top bar, opens the notices, follows the notice
// to the ward page, and the count is gone.
func TestBrowserNoticeLeadsToTheWard(t *testing.T) {
	srv, _ := newPortalDB(t)
	ward := srv.URL + "/2023/wards/09552"
	review(t, signIn(t, srv, "hanoi"), ward, map[string][]string{"decision": {"return"}, "reason": {"Bổ sung minh chứng tiêu chí 13."}})

	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/"))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	if badge := text(t, ctx, "#notices-link .badge"); badge != "1" {
		t.Fatalf("the top bar counts %q unread", badge)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#notices-link`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#notices li.unread a`)),
	)
	if n := text(t, ctx, "#notices li.unread a"); !strings.Contains(n, "bị trả lại") || !strings.Contains(n, "Bổ sung minh chứng tiêu chí 13.") {
		t.Errorf("the notice says %q", n)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#notices li.unread a`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`p.returned`)),
	)
	if loc := location(t, ctx); loc != ward {
		t.Errorf("the notice led to %s, want %s", loc, ward)
	}
	has, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('#notices-link .badge')`))
	if err != nil || has {
		t.Errorf("the count stays after the notice was read (%v)", err)
	}

	// The officer opens a criterion: why the file came back, and when, is
	// the first thing under the heading.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#c13 a[href$="/criteria/13"]`), chromedp.NodeReady),
		chromedp.WaitVisible(chromedp.CSS(`#returned`)),
	)
	if b := text(t, ctx, "#returned"); !strings.Contains(b, "Hồ sơ bị trả lại ngày 01/12/2026.") || !strings.Contains(b, "Lý do: Bổ sung minh chứng tiêu chí 13.") {
		t.Errorf("the criterion's banner says %q", b)
	}
	first, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#returned').getBoundingClientRect().bottom <= document.querySelector('p.crit-title').getBoundingClientRect().top`))
	if err != nil || !first {
		t.Errorf("the banner is not above the criterion (%v)", err)
	}
}
