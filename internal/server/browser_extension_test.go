package server_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"modelward/internal/seed"
	"modelward/internal/server"
	"modelward/internal/testdb"
)

// In the browser, after the self-assessment deadline: the officer finds
// the file read-only and told why; the city's reviewer gives the ward a
// week more from the ward page; the officer can record again.
func TestBrowserDeadlineAndExtension(t *testing.T) {
	st, _ := testdb.Open(t, true)
	clock := &movingClock{at: testNow().Add(32 * 24 * time.Hour)} // 2 January 2027
	srv := servePortal(t, server.Config{Store: st, Demo: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock.now})
	ward := srv.URL + "/2026/wards/09552"

	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(ward))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#closed`)))
	if c := text(t, ctx, "#closed"); !strings.Contains(c, "31/12/2026") || !strings.Contains(c, "gia hạn") {
		t.Errorf("the closed notice says %q", c)
	}
	if d := text(t, ctx, "#deadline-self_assessment_due"); !strings.Contains(d, "đã quá hạn 2 ngày") {
		t.Errorf("the deadline line says %q", d)
	}
	do(t, ctx,
		openMenu(),
		chromedp.Click(chromedp.CSS(`form.signout button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.Navigate(ward),
	)
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`.extension-form summary`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#ext-until`)),
		chromedp.SetValue(chromedp.CSS(`#ext-until`), "2027-01-09"),
		chromedp.SendKeys(chromedp.CSS(`#ext-reason`), "Lũ lụt, chậm thu thập minh chứng"),
		chromedp.Click(chromedp.CSS(`.extension-form button.primary`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#extension`)),
	)
	if e := text(t, ctx, "#extension"); !strings.Contains(e, "09/01/2027") || !strings.Contains(e, "Lũ lụt") {
		t.Errorf("the extension reads %q", e)
	}
	do(t, ctx,
		openMenu(),
		chromedp.Click(chromedp.CSS(`form.signout button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.Navigate(ward+"/criteria/3"),
	)
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`form[action="/2026/wards/09552/criteria/3"] textarea[name="note"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action="/2026/wards/09552/criteria/3"] textarea[name="note"]`), "Bổ sung trong thời gian gia hạn"),
		chromedp.Click(chromedp.CSS(`form[action="/2026/wards/09552/criteria/3"] button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if f := text(t, ctx, ".flash"); !strings.Contains(f, "Đã lưu tiêu chí 3") {
		t.Errorf("after saving within the extension: %q", f)
	}
}
