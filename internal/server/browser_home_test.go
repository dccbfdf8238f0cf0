package server_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"modelward/internal/seed"
)

// On a phone: after a partial return the officer's home lists the
// criteria sent back with their reasons; following one opens the
// criterion with why it came back on top.
func TestBrowserOfficerHomeAfterAPartialReturn(t *testing.T) {
	srv, _ := newPortalDemo(t)
	officer := signIn(t, srv, "phula")
	reviewer := signIn(t, srv, "hanoi")
	ward := srv.URL + "/2026/wards/09552"
	if r := post(t, officer, ward+"/submit", url.Values{}); r.status != 303 {
		t.Fatalf("submit = %d", r.status)
	}
	if r := post(t, reviewer, ward+"/review", url.Values{"decision": {"return"}, "reason": {"Bổ sung hai tiêu chí."},
		"criteria": {"13", "5"}, "reason.13": {"Thiếu báo cáo quý IV."}, "reason.5": {"Số liệu chưa khớp."}}); r.status != 303 {
		t.Fatalf("return = %d", r.status)
	}

	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/"))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#open-state`)))
	if s := text(t, ctx, "#open-state"); s != "Hồ sơ bị trả lại ngày 01/12/2026; cần bổ sung 2 tiêu chí:" {
		t.Errorf("the home says %q", s)
	}
	if list := text(t, ctx, "#open-year .returned-list"); !strings.Contains(list, "Thiếu báo cáo quý IV.") || !strings.Contains(list, "Số liệu chưa khớp.") {
		t.Errorf("the returned criteria read %q", list)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#open-year .returned-list a[href$="/criteria/13"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#returned`)),
	)
	if loc := location(t, ctx); loc != ward+"/criteria/13" {
		t.Errorf("the link led to %s", loc)
	}
	if b := text(t, ctx, "#returned"); !strings.Contains(b, "Tiêu chí này bị trả lại ngày 01/12/2026.") ||
		!strings.Contains(b, "Lý do: Thiếu báo cáo quý IV.") || !strings.Contains(b, "Lý do chung của hồ sơ: Bổ sung hai tiêu chí.") {
		t.Errorf("the criterion's banner says %q", b)
	}
}

// In the browser, on a phone: a reviewer reads the criteria first and the
// decision after them; sends criterion 13 back from its own row, chooses
// "return" and forgets the file's reason; the page comes back with the
// mistake named at the top and the row's reason still typed and open.
// Then the return goes, and the ward page shows row 13 returned.
func TestBrowserReturnKeepsTypedReasons(t *testing.T) {
	srv, _ := newPortalDB(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.EmulateViewport(390, 844))
	do(t, ctx, chromedp.Navigate(srv.URL+"/2023/wards/09552"))
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#review`)))
	after, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`(document.querySelector("#c20").compareDocumentPosition(document.querySelector("#review-form")) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0`))
	if err != nil {
		t.Fatal(err)
	}
	if !after {
		t.Error("the decision does not come after the criteria")
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#r-criterion-13 summary`), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`#r-reason-13`), "Thiếu báo cáo quý IV.", chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`#review input[name=decision][value=return]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`#review button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#error-summary`)),
	)
	if summary := text(t, ctx, "#error-summary"); !strings.Contains(summary, "Hãy nêu lý do trả lại hồ sơ.") {
		t.Errorf("the error summary says %q", summary)
	}
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#r-reason-13').value`))
	if err != nil {
		t.Fatal(err)
	}
	open, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#r-criterion-13').open`))
	if err != nil {
		t.Fatal(err)
	}
	if kept != "Thiếu báo cáo quý IV." || !open {
		t.Errorf("after the refusal: reason 13 %q, open %v", kept, open)
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#r-reason`), "Bổ sung một tiêu chí.", chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`#review button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#returned-criteria`)),
	)
	if row := text(t, ctx, "#c13"); !strings.Contains(row, "Bị trả lại: Thiếu báo cáo quý IV.") {
		t.Errorf("row 13 after the return reads %q", row)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('tr.returned').length`)); err != nil || n != 1 {
		t.Errorf("%d rows marked returned (%v), want 1", n, err)
	}
}

// On a phone, an officer records criterion 1 and presses "save and go on":
// criterion 2 opens with the confirmation, and its link back leads to 1.
func TestBrowserSaveAndGoToTheNextCriterion(t *testing.T) {
	srv, _ := newPortalDB(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2022/wards/09552/criteria/1"))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`#f-note`)),
		chromedp.Click(chromedp.CSS(`#f-status input[value=in_progress]`), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`#f-note`), "Đang chờ kết quả phân loại chi bộ"),
		chromedp.Click(chromedp.CSS(`#save-next`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if loc := location(t, ctx); loc != srv.URL+"/2022/wards/09552/criteria/2" {
		t.Errorf("save and go on led to %s", loc)
	}
	if f := text(t, ctx, ".flash"); f != "Đã lưu tiêu chí 1: chờ đánh giá cuối năm." {
		t.Errorf("the next criterion says %q", f)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#crit-prev`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#f-note`)),
	)
	note, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#f-note').value`))
	if err != nil || note != "Đang chờ kết quả phân loại chi bộ" {
		t.Errorf("criterion 1 holds %q (%v)", note, err)
	}
}

// Removing a file asks first, on a page of its own: cancelling keeps it,
// confirming removes it (it stays in the history).
func TestBrowserEvidenceRemovalAsksFirst(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	officer := signIn(t, srv, "phula")
	crit := srv.URL + "/2022/wards/09552/criteria/13"
	if r := upload(t, officer, crit+"/evidence", "bao-cao.pdf", samplePDF, "Báo cáo quý III", "2022-09-30"); r.status != 303 {
		t.Fatalf("upload = %d", r.status)
	}
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(crit))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`a.remove-evidence`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`form.confirm`)),
	)
	if h := text(t, ctx, "h1"); h != "Gỡ minh chứng «Báo cáo quý III»?" {
		t.Errorf("the confirmation asks %q", h)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`form.confirm a.button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#evidence`)),
	)
	if n := queryInt(t, dbURL, `SELECT count(*) FROM evidence WHERE removed_at IS NULL AND title = 'Báo cáo quý III'`); n != 1 {
		t.Fatal("cancelling removed the file")
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`a.remove-evidence`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`form.confirm`)),
		chromedp.Click(chromedp.CSS(`form.confirm button.danger`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if n := queryInt(t, dbURL, `SELECT count(*) FROM evidence WHERE removed_at IS NOT NULL AND title = 'Báo cáo quý III'`); n != 1 {
		t.Error("the confirmed removal did not remove the file")
	}
	if r := get(t, officer, crit); !strings.Contains(r.body, `<li class="removed">`) {
		t.Error("the removed file is not shown as removed")
	}
}

// On a phone: an officer judges a criterion not met and goes to submit:
// the page says which criterion is not met and what it means, lists every
// criterion to check with a link to change it, and the link leads there.
func TestBrowserSubmitSaysWhatIsNotMet(t *testing.T) {
	srv, _ := newPortalDB(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2022/wards/09552/criteria/2"))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`#f-status`)),
		chromedp.Click(chromedp.CSS(`#f-status input[value=not_met]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`#criterion-form button.primary`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		chromedp.Click(chromedp.CSS(`a.button.primary[href$="/submit"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#not-met`)),
	)
	if s := text(t, ctx, "#not-met"); !strings.Contains(s, "1 tiêu chí được đánh giá chưa đạt:") ||
		!strings.Contains(s, "chưa đủ điều kiện được công nhận năm 2022") {
		t.Errorf("the submit page says %q", s)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#answers .summary-row').length`))
	if err != nil || n != 22 {
		t.Errorf("%d criteria to check (%v), want 22", n, err)
	}
	if a := text(t, ctx, "#a2"); !strings.Contains(a, "Chưa đạt") || !strings.Contains(a, "Sửa") {
		t.Errorf("criterion 2 to check reads %q", a)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#a2 .summary-action a`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#f-status`)),
	)
	if loc := location(t, ctx); !strings.HasSuffix(loc, "/2022/wards/09552/criteria/2") {
		t.Errorf("the change link led to %s", loc)
	}
}

// On a phone, Hà Nội's reviewer sees its own date (the review's) before
// its wards', and a file waiting past its year's review date marked
// overdue.
func TestBrowserReviewerHomeDates(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	execSQL(t, dbURL, `UPDATE catalogues SET review_due = '2024-01-31' WHERE year = 2023`)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/"))
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#queue`)))
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.deadline').id`))
	if err != nil || first != "deadline-review_due" {
		t.Errorf("the first date on the home is %q (%v)", first, err)
	}
	if s := text(t, ctx, "#watched"); !strings.Contains(s, "Mốc của các đơn vị cấp dưới") {
		t.Errorf("the wards' date reads %q", s)
	}
	if row := text(t, ctx, `#queue tr:has(a[href="/2023/wards/09552#review"])`); !strings.Contains(row, "quá hạn") {
		t.Errorf("the 2023 file's row reads %q", row)
	}
}
