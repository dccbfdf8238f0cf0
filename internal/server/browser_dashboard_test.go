package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"modelward/internal/seed"
)

// heatJS measures Hà Nội's heat map as drawn: how much of its box the
// table uses, the smallest text, the tallest column number (a number
// wrapped digit by digit is taller than one line), and the lowest contrast
// between a cell's text and its fill (WCAG 2 relative luminance).
const heatJS = `(() => {
	const table = document.querySelector('.heat-map');
	const box = document.querySelector('main').getBoundingClientRect();
	const lum = (c) => {
		const [r, g, b] = c.match(/\d+/g).slice(0, 3).map(Number).map(v => {
			v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
		});
		return 0.2126 * r + 0.7152 * g + 0.0722 * b;
	};
	const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
	let minFont = 99, minContrast = 99, headHeight = 0, line = 0;
	for (const el of table.querySelectorAll('th, td, a')) {
		minFont = Math.min(minFont, parseFloat(getComputedStyle(el).fontSize));
	}
	for (const th of table.querySelectorAll('thead th')) {
		headHeight = Math.max(headHeight, th.getBoundingClientRect().height);
		line = Math.max(line, parseFloat(getComputedStyle(th).lineHeight) || 0);
	}
	for (const td of table.querySelectorAll('tbody td')) {
		const s = getComputedStyle(td);
		minContrast = Math.min(minContrast, contrast(s.color, s.backgroundColor));
	}
	return { used: table.getBoundingClientRect().width / box.width, minFont, minContrast, headHeight, line };
})()`

type heatMeasure struct {
	Used        float64 `json:"used"`
	MinFont     float64 `json:"minFont"`
	MinContrast float64 `json:"minContrast"`
	HeadHeight  float64 `json:"headHeight"`
	Line        float64 `json:"line"`
}

// On the Ministry's desktop, Hà Nội's heat map of 2023 (26 wards × 22
// criteria) takes the width it has, writes nothing under 12 px, keeps each
// column number on one line, and every cell's text reads against its fill
// (WCAG 1.4.3: 4.5:1 or more).
func TestBrowserHeatMapReads(t *testing.T) {
	srv, _ := newPortalDB(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.EmulateViewport(1366, 900))
	do(t, ctx, chromedp.Navigate(srv.URL+"/2023/units/01"))
	signInBrowser(t, ctx, "bocongan", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`.heat-map`)))
	m, err := chromedp.Run(ctx, chromedp.Evaluate[heatMeasure](heatJS))
	if err != nil {
		t.Fatal(err)
	}
	if m.Used < 0.9 {
		t.Errorf("the heat map uses %.0f%% of its width", 100*m.Used)
	}
	if m.MinFont < 12 {
		t.Errorf("the smallest text in the heat map is %.1f px", m.MinFont)
	}
	if m.HeadHeight > 1.6*m.Line {
		t.Errorf("a column number is %.0f px tall, its line %.0f px: it wraps", m.HeadHeight, m.Line)
	}
	if m.MinContrast < 4.5 {
		t.Errorf("a cell's text has contrast %.2f:1 against its fill", m.MinContrast)
	}
}

// On a phone, the national dashboard of 2023 no longer scrolls through 61
// provinces of zeros: the provinces' table holds those taking part, the
// rest one closed line.
func TestBrowserNationalPageOnAPhone(t *testing.T) {
	srv, _ := newPortalDB(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2023/units/VN"))
	signInBrowser(t, ctx, "bocongan", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`.idle-units summary`)))
	// The provinces' section: a card for Hà Nội and the closed line (it
	// was 63 cards, some 13,000 px).
	height, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector('.idle-units').closest('section').getBoundingClientRect().height`))
	if err != nil {
		t.Fatal(err)
	}
	if height > 600 {
		t.Errorf("the provinces' section is %.0f px tall on a phone", height)
	}
}

// On a phone, after 2026's registration deadline, Hà Nội's reviewer is
// told it has closed and who may still register, and offered no form.
func TestBrowserRegistrationClosedForTheProvince(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/2026/units/01/registrations"))
	signInBrowser(t, ctx, "hanoi", seed.DemoPassword)
	if s := text(t, ctx, "#closed"); !strings.Contains(s, "Đã hết hạn đăng ký năm nay (31/03/2026).") || !strings.Contains(s, "đề nghị Bộ Công an") {
		t.Errorf("the province reads %q", s)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name=ward_code]').length`)); err != nil || n != 0 {
		t.Errorf("%d registration fields offered to the province (%v)", n, err)
	}
}
