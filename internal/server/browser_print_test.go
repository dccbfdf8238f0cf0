package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"modelward/internal/seed"
)

// emulateMedia makes the page use the stylesheet of a medium ("print"),
// as the browser does when printing.
func emulateMedia(media string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return chromedp.Void{}, err
	}
}

// printedJS reports what a printed page shows that it should not, and
// whether the unit and year head the page and every table.
const printedJS = `(() => {
  const shown = el => el && getComputedStyle(el).display !== "none" && el.getClientRects().length > 0;
  const bad = [];
  for (const sel of [".topbar", ".crumbs", "footer", ".filters", ".sort", ".exports", "a[download]", "main form", "details", ".pager", "a.button"]) {
    for (const el of document.querySelectorAll(sel)) if (shown(el)) { bad.push(sel); break; }
  }
  const head = document.querySelector(".print-head");
  if (!shown(head)) bad.push("no print head");
  for (const t of document.querySelectorAll("main table.cards")) {
    const row = t.querySelector("thead tr.print-only");
    if (!shown(row)) bad.push("a table without the unit and year in its head");
    if (getComputedStyle(t.querySelector("thead")).display !== "table-header-group") bad.push("a table head that does not repeat");
    const tr = t.querySelector("tbody tr");
    if (tr && getComputedStyle(tr).breakInside !== "avoid") bad.push("rows that split across pages");
  }
  return (head ? head.textContent : "") + "|" + bad.join(", ");
})()`

// The ward page, the dashboards and the criterion page print on A4 with
// the unit and the year on every page, without navigation, filters,
// toggles, forms or download links.
func TestBrowserPagesPrint(t *testing.T) {
	srv := newPortal(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/login"))
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	do(t, ctx, chromedp.EmulateViewport(794, 1123), emulateMedia("print"))
	for path, head := range map[string]string{
		"/2023/wards/09552":             "Phường Phú La · năm 2023",
		"/2023/units/01":                "Thành phố Hà Nội · năm 2023",
		"/2023/units/268":               "Quận Hà Đông · năm 2023",
		"/2023/wards/09552/criteria/13": "Tiêu chí 13 · Phường Phú La · năm 2023",
		"/2023/wards/09552/history":     "năm 2023",
	} {
		do(t, ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitReady(chromedp.CSS(`main`)))
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](printedJS))
		if err != nil {
			t.Fatal(err)
		}
		printed, problems, _ := strings.Cut(got, "|")
		if !strings.Contains(printed, head) || problems != "" {
			t.Errorf("%s printed: head %q (want %q), problems: %s", path, printed, head, problems)
		}
	}
}
