package server_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"modelward/internal/seed"
)

// In the browser, the criterion page's evidence pictures load: a photo's
// and a PDF's first page.
func TestBrowserEvidencePicturesLoad(t *testing.T) {
	srv, _ := newPortalDB(t)
	c := signIn(t, srv, "phula")
	crit := srv.URL + "/2022/wards/09552/criteria/13"
	for name, content := range map[string][]byte{"anh.png": samplePNG(t), "bao-cao.pdf": realPDF(t)} {
		if r := upload(t, c, crit+"/evidence", name, content, "Minh chứng "+name, "2022-09-30"); r.status != 303 {
			t.Fatalf("upload %s = %d", name, r.status)
		}
	}
	drawPreviews(t, srv.URL)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(crit))
	signInBrowser(t, ctx, "phula", seed.DemoPassword)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`a.thumb img`)))
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[int](`new Promise(done => {
		const imgs = [...document.querySelectorAll('a.thumb img')];
		imgs.forEach(i => i.loading = 'eager');
		Promise.all(imgs.map(i => i.complete ? Promise.resolve() : new Promise(r => { i.onload = r; i.onerror = r; })))
			.then(() => done(imgs.filter(i => i.naturalWidth === 240).length)); // drawn, not the icon
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if loaded != 2 {
		t.Errorf("%d of 2 evidence pictures loaded as drawn", loaded)
	}
}
