package server_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"

	"modelward/internal/preview"
)

func samplePNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 640, 480))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var thumbSrc = regexp.MustCompile(`<img src="(/evidence/([0-9]+)/thumb)"`)

// Evidence shows as pictures on the criterion page: a thumbnail linked to
// a larger view, for images and a PDF's first page, served under the
// file's own access rule, never cached; a file without a picture gets an
// icon, never an error.
func TestEvidencePreviews(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	crit := srv.URL + "/2022/wards/09552/criteria/13"
	for _, f := range []struct {
		name    string
		content []byte
	}{{"anh.png", samplePNG(t)}, {"bao-cao.pdf", realPDF(t)}} {
		if r := upload(t, c, crit+"/evidence", f.name, f.content, "Minh chứng "+f.name, "2022-09-30"); r.status != http.StatusSeeOther {
			t.Fatalf("upload %s = %d", f.name, r.status)
		}
	}
	// Until the worker has drawn them, the page shows icons, and draws
	// nothing itself.
	if r := get(t, c, srv.URL+"/evidence/"+lastEvidence(t, dbURL)+"/thumb"); r.status != http.StatusOK || r.header.Get("Content-Type") != "image/png" {
		t.Errorf("a thumbnail not drawn yet = %d %q, want the icon", r.status, r.header.Get("Content-Type"))
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM evidence_previews`); n != 0 {
		t.Errorf("%d previews drawn by a request, want none", n)
	}
	if n := drawPreviews(t, srv.URL); n != 2 {
		t.Errorf("the worker drew %d files, want 2", n)
	}
	page := get(t, c, crit).body
	mustContain(t, "PDF page count", page, "2 trang")
	srcs := thumbSrc.FindAllStringSubmatch(page, -1)
	// A thumbnail opens the ward page's viewer, with a way back.
	if len(srcs) != 2 || !strings.Contains(page, `class="thumb" href="/2022/wards/09552?view=`+srcs[0][2]+`#viewer"`) {
		t.Fatalf("thumbnails on the criterion page: %v", srcs)
	}
	for _, s := range srcs {
		for _, u := range []string{s[1], strings.TrimSuffix(s[1], "thumb") + "preview"} {
			r := get(t, c, srv.URL+u)
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "image/") ||
				r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Cache-Control") != "private, no-store" {
				t.Errorf("%s = %d %v", u, r.status, r.header)
			}
		}
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM evidence_previews WHERE NOT failed`); n != 2 {
		t.Errorf("%d previews kept, want 2", n)
	}
	// Another ward's officer may not see them.
	execSQL(t, dbURL, `INSERT INTO users (username, full_name, role, unit_id, password_hash)
		SELECT 'molao', 'Mộ Lao', 'ward_officer', unit_in_year('09886', 2022), password_hash FROM users WHERE username = 'phula'`)
	if r := get(t, signIn(t, srv, "molao"), srv.URL+srcs[0][1]); r.status != http.StatusForbidden {
		t.Errorf("another ward's officer sees a thumbnail = %d, want 403", r.status)
	}
	// A file without a picture (a spreadsheet): an icon.
	xf := excelize.NewFile()
	if err := xf.SetDocProps(&excelize.DocProperties{Title: "Số liệu quý III"}); err != nil {
		t.Fatal(err)
	}
	_, _ = xf.NewSheet("Quý III")
	var sheet bytes.Buffer
	if err := xf.Write(&sheet); err != nil {
		t.Fatal(err)
	}
	if r := upload(t, c, crit+"/evidence", "bang.xlsx", sheet.Bytes(), "Bảng số liệu", "2022-09-30"); r.status != http.StatusSeeOther {
		t.Fatalf("upload xlsx = %d", r.status)
	}
	drawPreviews(t, srv.URL)
	page = get(t, c, crit).body
	mustContain(t, "office properties", page, "Tiêu đề trong tệp: Số liệu quý III", "2 trang tính")
	srcs = thumbSrc.FindAllStringSubmatch(page, -1)
	r := get(t, c, srv.URL+srcs[len(srcs)-1][1])
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "image/png" {
		t.Errorf("a spreadsheet's thumbnail = %d %q", r.status, r.header.Get("Content-Type"))
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM evidence_previews WHERE failed`); n != 1 {
		t.Errorf("%d files without a picture kept, want 1", n)
	}

	// A reviewer steps through the ward's evidence in the ward page.
	ward := srv.URL + "/2022/wards/09552"
	hanoi := signIn(t, srv, "hanoi")
	first := srcs[0][2]
	r = get(t, hanoi, ward+"?view="+first)
	mustContain(t, "viewer", r.body, `id="viewer"`, "Minh chứng 1/3", `<img src="/evidence/`+first+`/preview"`, `rel="next"`)
	next := regexp.MustCompile(`href="(/2022/wards/09552\?view=[0-9]+#viewer)" rel="next"`).FindStringSubmatch(r.body)
	if next == nil || strings.Contains(r.body, `rel="prev"`) {
		t.Fatal("the first file's viewer has no next, or has a previous")
	}
	r = get(t, hanoi, srv.URL+strings.ReplaceAll(strings.TrimSuffix(next[1], "#viewer"), "&amp;", "&"))
	mustContain(t, "second", r.body, "Minh chứng 2/3", `rel="prev"`, `rel="next"`)
	if r := get(t, hanoi, ward+"?view=999999"); strings.Contains(r.body, `id="viewer"`) {
		t.Error("a viewer for a file that is not the ward's")
	}
}

// realPDF is a two-page PDF that poppler draws.
func realPDF(t *testing.T) []byte {
	t.Helper()
	doc := fpdf.New("P", "mm", "A4", "")
	for range 2 {
		doc.AddPage()
		doc.SetFont("Helvetica", "", 20)
		doc.Cell(40, 10, "Bao cao quy III")
	}
	var b bytes.Buffer
	if err := doc.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// lastEvidence is the id of the file uploaded last.
func lastEvidence(t *testing.T, dbURL string) string {
	t.Helper()
	return strconv.Itoa(queryInt(t, dbURL, `SELECT max(id) FROM evidence`))
}

// A file whose drawing process dies (a hostile file, or a busy machine)
// is tried again later, each time after a longer wait, and kept as
// without pictures only after the fourth try; meanwhile its pages show
// an icon and draw nothing.
func TestPreviewTriedAgainThenGivenUp(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	c := signIn(t, srv, "phula")
	crit := srv.URL + "/2022/wards/09552/criteria/13"
	if r := upload(t, c, crit+"/evidence", "anh.png", samplePNG(t), "Ảnh", "2022-09-30"); r.status != http.StatusSeeOther {
		t.Fatalf("upload = %d", r.status)
	}
	p, _ := portals.Load(srv.URL)
	clock := testNow()
	tries := 0
	w := preview.Worker{Store: p.(portal).st, Now: func() time.Time { return clock }, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Draw: func(context.Context, string, []byte) (preview.Drawing, error) {
			tries++
			return preview.Drawing{}, fmt.Errorf("%w: killed", preview.ErrChildFailed)
		}}
	for i, wait := range []time.Duration{0, time.Minute, 4 * time.Minute, 16 * time.Minute} {
		clock = clock.Add(wait)
		if _, err := w.DrawDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		if tries != i+1 {
			t.Fatalf("after %v: %d tries, want %d", wait, tries, i+1)
		}
		// Not due again before its wait.
		if _, err := w.DrawDue(context.Background()); err != nil || tries != i+1 {
			t.Fatalf("tried again at once: %d tries, %v", tries, err)
		}
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM evidence_previews WHERE failed`); n != 1 {
		t.Errorf("%d files kept as without pictures after 4 tries, want 1", n)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM preview_queue`); n != 0 {
		t.Errorf("%d files still waiting after 4 tries, want 0", n)
	}
	if r := get(t, c, srv.URL+"/evidence/"+lastEvidence(t, dbURL)+"/thumb"); r.status != http.StatusOK || r.header.Get("Content-Type") != "image/png" {
		t.Errorf("the thumbnail of a file given up = %d %q, want the icon", r.status, r.header.Get("Content-Type"))
	}
}
