package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"modelward/internal/seed"
)

// In the browser: the officer follows "Nhập từ bảng tính" from the ward
// page, checks an edited template (a dry run), then applies it.
func TestBrowserSpreadsheetImport(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	rows := templateRows(t, get(t, signIn(t, srv, "phula"), srv.URL+"/2022/units/09552/results.csv").body)
	rows[2][6] = "Đạt"
	file := filepath.Join(t.TempDir(), "ket-qua.csv")
	if err := os.WriteFile(file, writeCSV(rows), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2022/wards/09552"))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#import-link`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#import-file`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{file}),
		chromedp.Click(chromedp.CSS(`form[enctype="multipart/form-data"] button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#import-plan`)),
	)
	if plan := text(t, ctx, "#import-plan"); !strings.Contains(plan, "1 thay đổi") || !strings.Contains(plan, "Tiêu chí 2 (dòng 3)") {
		t.Errorf("the plan says %q", plan)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM results r JOIN assessments a ON a.id = r.assessment_id WHERE a.year = 2022 AND a.ward_id = unit_in_year('09552', 2022) AND r.number = 2`); n != 0 {
		t.Fatal("the dry run wrote")
	}
	do(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{file}),
		chromedp.Click(chromedp.CSS(`input[name="dry_run"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`form[enctype="multipart/form-data"] button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#import-applied`)),
	)
	if n := queryInt(t, dbURL, `SELECT count(*) FROM results r JOIN assessments a ON a.id = r.assessment_id WHERE a.year = 2022 AND a.ward_id = unit_in_year('09552', 2022) AND r.number = 2 AND r.status = 'met'`); n != 1 {
		t.Error("the import was not applied")
	}
}
