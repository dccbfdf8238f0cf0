package server_test

import (
	"context"
	"encoding/json"
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

// printedColumnsJS measures the criteria table as printed: the title
// column's share, the narrowest column shown, whether the kind and action
// columns are gone, and how tall the table is.
const printedColumnsJS = `(() => {
  const t = document.querySelector("table.criteria");
  const shown = el => getComputedStyle(el).display !== "none" && el.getClientRects().length > 0;
  const heads = [...t.querySelectorAll("thead tr:not(.print-only) th")].filter(shown);
  const widths = heads.map(th => th.getBoundingClientRect().width);
  const title = t.querySelector("thead th.title").getBoundingClientRect().width;
  return JSON.stringify({
    table: t.getBoundingClientRect().width, height: t.getBoundingClientRect().height,
    title: title, narrowest: Math.min(...widths), columns: heads.length,
    kind: [...t.querySelectorAll(".kind")].some(shown), actions: [...t.querySelectorAll(".actions")].some(shown),
  });
})()`

// A ward page printed on A4 (about 703 px between the margins): the kind
// and action columns are dropped, the titles take the width, no column is
// squeezed to nothing, and the table fits on one or two pages.
func TestBrowserWardPrintsOnAFewPages(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/login"))
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	do(t, ctx, chromedp.EmulateViewport(703, 1032), emulateMedia("print"))
	for _, path := range []string{"/2023/wards/09552", "/2026/wards/09552"} {
		do(t, ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitReady(chromedp.CSS(`footer`)))
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](printedColumnsJS))
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Table, Height, Title, Narrowest float64
			Columns                         int
			Kind, Actions                   bool
		}
		if err := json.Unmarshal([]byte(got), &m); err != nil {
			t.Fatal(err)
		}
		if m.Kind || m.Actions || m.Columns != 6 {
			t.Errorf("%s printed with %d columns (kind %v, actions %v), want 6 without kind and actions", path, m.Columns, m.Kind, m.Actions)
		}
		if m.Table > 703.5 || m.Title < 0.35*m.Table || m.Narrowest < 24 {
			t.Errorf("%s printed: table %.0f px, titles %.0f px, narrowest column %.0f px", path, m.Table, m.Title, m.Narrowest)
		}
		// A4 less its margins is 273 mm, 1,032 px: two pages at most.
		if m.Height > 2*1032 {
			t.Errorf("%s printed: the table is %.0f px tall, more than two A4 pages", path, m.Height)
		}
	}
}
