package server_test

import (
	"net/url"
	"os"
	"path/filepath"
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
	// Who publishes it, and the way in for staff.
	if s := text(t, ctx, "#issuer"); !strings.HasPrefix(s, "BỘ CÔNG AN") {
		t.Errorf("the publisher reads %q", s)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#signin-link`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
	)
}

// The admin puts the Ministry's inspection into 2026's calendar; a date
// out of order comes back named; then everyone's calendar page shows it.
func TestBrowserCalendar(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/admin/catalogues/2026"))
	signInBrowser(t, ctx, "admin", seed.DemoPassword)
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#cal-inspection_from`), "2027-03-15", chromedp.NodeReady),
		chromedp.SetValue(chromedp.CSS(`#cal-inspection_to`), "2027-02-01", chromedp.NodeReady),
		chromedp.Submit(chromedp.CSS(`#cal-inspection_to`)),
		chromedp.WaitVisible(chromedp.CSS(`.error-summary`)),
	)
	if s := text(t, ctx, ".error-summary"); !strings.Contains(s, "Mốc này phải sau các mốc trước nó.") {
		t.Errorf("dates out of order: %q", s)
	}
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#cal-inspection_from`), "2027-02-01", chromedp.NodeReady),
		chromedp.SetValue(chromedp.CSS(`#cal-inspection_to`), "2027-03-15", chromedp.NodeReady),
		chromedp.Submit(chromedp.CSS(`#cal-inspection_to`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2026/calendar"), chromedp.WaitVisible(chromedp.CSS(`#cal-inspection_from`)))
	if row := text(t, ctx, "#cal-inspection_from"); !strings.Contains(row, "01/02/2027") {
		t.Errorf("the calendar's inspection row reads %q", row)
	}
}

// The admin reopens an approved file with a reason; the page says so and
// the history keeps the reason.
func TestBrowserReopen(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ward := srv.URL + "/2024/wards/09552"
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(ward))
	signInBrowser(t, ctx, "admin", seed.DemoPassword)
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#o-reason`), "Sửa số liệu tiêu chí 3 theo kết luận thanh tra.", chromedp.NodeVisible),
		chromedp.Submit(chromedp.CSS(`#o-reason`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if f := text(t, ctx, ".flash"); !strings.Contains(f, "Đã mở lại hồ sơ.") {
		t.Errorf("after reopening: %q", f)
	}
	do(t, ctx, chromedp.Navigate(ward+"/history"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if h := text(t, ctx, "main"); !strings.Contains(h, "Sửa số liệu tiêu chí 3 theo kết luận thanh tra.") {
		t.Error("the history does not keep the reopening's reason")
	}
}

// The admin adds an officer for Phú La; the new user is listed, and a
// second user of the same name is refused with the form kept.
func TestBrowserAdminCreatesAUser(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/admin/users"))
	signInBrowser(t, ctx, "admin", seed.DemoPassword)
	add := func() {
		do(t, ctx,
			chromedp.SetValue(chromedp.CSS(`#n-username`), "tranthib", chromedp.NodeReady),
			chromedp.SetValue(chromedp.CSS(`#n-full_name`), "Trần Thị B", chromedp.NodeReady),
			chromedp.SetValue(chromedp.CSS(`#n-role`), "ward_officer", chromedp.NodeReady),
			chromedp.SetValue(chromedp.CSS(`#n-unit`), "09552", chromedp.NodeReady),
			chromedp.Submit(chromedp.CSS(`#n-unit`)),
		)
	}
	add()
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	if f := text(t, ctx, ".flash"); !strings.Contains(f, "Đã thêm người dùng tranthib.") {
		t.Errorf("after adding: %q", f)
	}
	if body := text(t, ctx, "main"); !strings.Contains(body, "Trần Thị B") {
		t.Error("the new user is not listed")
	}
	add()
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`.error-summary`)))
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#n-full_name').value`))
	if err != nil || kept != "Trần Thị B" {
		t.Errorf("the refused form kept %q (%v)", kept, err)
	}
}

// The admin issues an API token for the Ministry's account, sees it once,
// and revokes it.
func TestBrowserAPITokens(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/admin/tokens"))
	signInBrowser(t, ctx, "admin", seed.DemoPassword)
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#t-name`), "Báo cáo tổng hợp", chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`#t-user`), "bocongan"),
		chromedp.Submit(chromedp.CSS(`#t-user`)),
		chromedp.WaitVisible(chromedp.CSS(`#token`)),
	)
	if tok := text(t, ctx, "#token"); len(tok) < 20 {
		t.Errorf("the token shown is %q", tok)
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/admin/tokens"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	has, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('#token')`))
	if err != nil || has {
		t.Errorf("the token is shown again (%v)", err)
	}
	if body := text(t, ctx, "main"); !strings.Contains(body, "Báo cáo tổng hợp") {
		t.Error("the token is not listed")
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`a.button[href$="/revoke"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`form.confirm button`)),
		chromedp.Click(chromedp.CSS(`form.confirm button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if f := text(t, ctx, ".flash"); !strings.Contains(f, "Đã thu hồi mã truy cập.") {
		t.Errorf("after revoking: %q", f)
	}
}

// The admin brings a later official list of units: a dry run names each
// line's change and writes nothing; applying it adds the new ward.
func TestBrowserUnitImport(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	execSQL(t, dbURL, `INSERT INTO units (code, kind, type, name, parent_code, valid_from) VALUES ('HOA', 'ward', 'phuong', 'Phường Hòa Bình', '01', '2025-07-01')`)
	file := filepath.Join(t.TempDir(), "don-vi.csv")
	if err := os.WriteFile(file, []byte(laterList), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/admin/units"))
	signInBrowser(t, ctx, "admin", seed.DemoPassword)
	do(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#i-file`), []string{file}),
		chromedp.Click(chromedp.CSS(`form[action="/admin/units/import"] button[value=dry]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#result`)),
	)
	if r := text(t, ctx, "#result"); !strings.Contains(r, "Kết quả chạy thử (chưa ghi gì)") || !strings.Contains(r, "Phường Sài Gòn Mới") {
		t.Errorf("the dry run reads %q", r)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM units WHERE code = '99001'`); n != 0 {
		t.Fatal("the dry run wrote")
	}
	// The dry run's result goes from the page, so that the next one seen
	// is the application's.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#result').remove() === undefined`)); err != nil {
		t.Fatal(err)
	}
	do(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#i-file`), []string{file}),
		chromedp.Click(chromedp.CSS(`form[action="/admin/units/import"] button[value=apply]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#result`)),
	)
	if r := text(t, ctx, "#result"); !strings.Contains(r, "Đã áp dụng") {
		t.Errorf("after applying: %q", r)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM units WHERE code = '99001'`); n != 1 {
		t.Errorf("after applying, %d units 99001", n)
	}
}

// The admin makes 2027's catalogue from 2026's, then rewrites a
// criterion's title there; the catalogue lists it as written.
func TestBrowserCatalogueEditing(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/admin/catalogues"))
	signInBrowser(t, ctx, "admin", seed.DemoPassword)
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#cp-from`), "2026", chromedp.NodeReady),
		chromedp.SetValue(chromedp.CSS(`#cp-to`), "2027", chromedp.NodeReady),
		chromedp.Submit(chromedp.CSS(`#cp-to`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if f := text(t, ctx, ".flash"); !strings.Contains(f, "Đã tạo bộ tiêu chí năm 2027.") {
		t.Fatalf("after copying: %q", f)
	}
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/admin/catalogues/2027"),
		chromedp.Click(chromedp.CSS(`a[href$="/criteria/1"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#k-title_vi`)),
		chromedp.SetValue(chromedp.CSS(`#k-title_vi`), "Chi bộ công an phường được xếp loại hoàn thành xuất sắc nhiệm vụ"),
		chromedp.Submit(chromedp.CSS(`#k-title_vi`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if body := text(t, ctx, "main"); !strings.Contains(body, "hoàn thành xuất sắc nhiệm vụ") {
		t.Error("the catalogue does not list the title as rewritten")
	}
}

// On a phone, the admin reads an approval in the audit log as words: the
// action's name, the state before and after, and the address it came from.
func TestBrowserAuditViewerReads(t *testing.T) {
	srv, _ := newPortalDB(t)
	review(t, signIn(t, srv, "hanoi"), srv.URL+"/2023/wards/09552", url.Values{"decision": {"approve"}})
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/admin/audit?action=assessment_approve"))
	signInBrowser(t, ctx, "admin", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`table.audit`)))
	row := text(t, ctx, "table.audit tbody tr")
	for _, want := range []string{"Phê duyệt hồ sơ", "Trạng thái: đã gửi duyệt → đã phê duyệt", "127.0.0.1"} {
		if !strings.Contains(row, want) {
			t.Errorf("the approval's row %q does not say %q", row, want)
		}
	}
	if strings.Contains(row, "{") {
		t.Errorf("raw JSON in the row: %q", row)
	}
}

// On the admin's list of users, at desktop and phone widths, no username
// is broken across lines.
func TestBrowserUsernamesStayWhole(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/admin/users"))
	signInBrowser(t, ctx, "admin", seed.DemoPassword)
	for _, width := range []int64{360, 1024, 1366} {
		do(t, ctx, chromedp.EmulateViewport(width, 800), chromedp.Navigate(srv.URL+"/admin/users"), chromedp.WaitVisible(chromedp.CSS(`th.username`)))
		broken, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('th.username')].filter(th => {
			const r = document.createRange(); r.selectNodeContents(th.firstChild);
			const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
			return tops.size > 1;
		}).map(th => th.textContent.trim())`))
		if err != nil {
			t.Fatal(err)
		}
		if len(broken) > 0 {
			t.Errorf("at %d px these usernames break: %v", width, broken)
		}
	}
}

// On a phone, Hà Nội's reviewer appraises criterion 2 of Phú La's file as
// not met, with its reason, from the criterion's row; the page then shows
// the claim's and the appraisal's standings side by side.
func TestBrowserAppraisal(t *testing.T) {
	srv, _ := newPortalDB(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2023/wards/09552"))
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#appraise-2 summary`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`#appraise-2 input[value=not_met]`), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`#ap-reason-2`), "Chưa có nghị quyết quý I.", chromedp.NodeVisible),
		chromedp.Submit(chromedp.CSS(`#ap-reason-2`)),
		chromedp.WaitVisible(chromedp.CSS(`#appraisal-2`)),
	)
	if s := text(t, ctx, "#tiers"); !strings.Contains(s, "Tự đánh giá 19/22") || !strings.Contains(s, "Thẩm định 18/22") {
		t.Errorf("the tiers read %q", s)
	}
	if s := text(t, ctx, "#appraisal-2"); !strings.Contains(s, "Chưa đạt") || !strings.Contains(s, "Chưa có nghị quyết quý I.") {
		t.Errorf("criterion 2's appraisal reads %q", s)
	}
}
