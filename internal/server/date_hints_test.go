package server_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"modelward/internal/seed"
)

// Every date field's example lies inside the dates it takes: the
// evidence of a past year by its last day, of this year by today; a
// ward's extension inside its window (after 31/12/2026, up to the review's
// 31/01/2027), with the bounds on the field itself.
func TestDateHintsInsideTheRange(t *testing.T) {
	past, _ := newPortalDB(t)
	srv, _ := newPortalDemo(t)
	today := testNow().Format("02/01/2006")
	for _, tc := range []struct {
		srv        *httptest.Server
		page, want string
	}{
		{past, "/2022/wards/09552/criteria/2", "Ngày/tháng/năm, ví dụ 31/12/2022."},
		{srv, "/2026/wards/09552/criteria/2", "Ngày/tháng/năm, ví dụ " + today + "."},
	} {
		page := tc.page
		body := get(t, signIn(t, tc.srv, "phula"), tc.srv.URL+page).body
		mustContain(t, page, body, tc.want)
		if strings.Contains(body, "22/04/2027") {
			t.Errorf("%s still gives an example outside its range", page)
		}
	}
	ward := get(t, signIn(t, srv, "hanoi"), srv.URL+"/2026/wards/09552").body
	mustContain(t, "extension form", ward, "Từ 01/01/2027 đến 31/01/2027. Ngày/tháng/năm, ví dụ 15/01/2027.",
		`min="2027-01-01" max="2027-01-31"`)
}

// In the browser, the criterion page's date example is a day its field
// accepts.
func TestBrowserDateExampleIsAccepted(t *testing.T) {
	srv, _ := newPortalDB(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2022/wards/09552/criteria/2"))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx, chromedp.WaitReady(chromedp.CSS(`#u-dated-hint`)))
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const m = document.querySelector('#u-dated-hint').textContent.match(/(\d\d)\/(\d\d)\/(\d{4})/);
		const f = document.querySelector('#u-dated');
		f.value = m[3] + '-' + m[2] + '-' + m[1];
		return f.value !== '' && f.checkValidity();
	})()`))
	if err != nil || !ok {
		t.Errorf("the example date is refused by its own field (%v)", err)
	}
}
