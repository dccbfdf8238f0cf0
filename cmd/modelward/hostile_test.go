package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/hostile"
	"modelward/internal/seed"
	"modelward/internal/testdb"
)

// One copy of the portal receives, at once, the files that used to take a
// copy down, two at a time from each of four officers: spreadsheets that
// unfold into gigabytes or nest without end or lie about their sizes, a
// picture that costs the decoder some 800 MB, one that claims more than
// 40 megapixels, and a PDF that keeps a renderer busy for hours. The copy
// stays up and under 512 MB, each request gets its answer (refused with
// the file's fault in Vietnamese, or stored and drawn later outside the
// copy), and a reviewer's ward page keeps answering meanwhile.
func TestHostileFilesAtOnce(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil && os.Getenv("CI") != "true" {
		t.Skip("poppler-utils is not installed (make test installs it as root)")
	}
	dbURL := testdb.NewDemo(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	officers := []string{"phula", "phula2", "phula3", "phula4"}
	for _, name := range officers[1:] {
		if _, err := conn.Exec(ctx, `INSERT INTO users (username, full_name, role, unit_id, password_hash)
			SELECT $1, 'Cán bộ ' || $1, role, unit_id, password_hash FROM users WHERE username = 'phula'`, name); err != nil {
			t.Fatal(err)
		}
	}
	addr := freeAddr(t)
	server := startServe(t, dbURL, addr)
	waitReady(t, addr, 10*time.Second)
	base := "http://" + addr

	// The reviewer's ward page, before: its usual time.
	hanoi := signInAs(t, addr, "hanoi")
	ward := base + "/2026/wards/09552"
	var usual []time.Duration
	for range 5 {
		usual = append(usual, timedGet(t, hanoi, ward))
	}
	slices.Sort(usual)

	crit := base + "/2026/wards/09552/criteria/13/evidence"
	imp := base + "/2026/units/09552/results/import"
	type attack struct {
		user, what, url, field, name string
		file                         []byte
		status                       int
		says                         string
	}
	attacks := []attack{
		{officers[0], "40-megapixel progressive JPEG", crit, "file", "anh.jpg", hostile.ProgressiveJPEG(7000, 5700), http.StatusSeeOther, ""},
		{officers[0], "100,000 rows with a cell in column XFD", imp, "file", "rong.xlsx", hostile.WideXLSX(100000), http.StatusBadRequest, "nằm ngoài các cột của mẫu"},
		{officers[1], "a JPEG that claims 60 megapixels", crit, "file", "lon.jpg", hostile.ProgressiveJPEG(10000, 6000), http.StatusRequestEntityTooLarge, "lớn hơn 40 megapixel"},
		{officers[1], "a sheet nested 30,000 deep", imp, "file", "sau.xlsx", hostile.DeepXLSX(30000), http.StatusBadRequest, "lồng nhau quá sâu"},
		{officers[2], "a PDF of 10^10 squares", crit, "file", "bom.pdf", hostile.NestedPDF(10, 10), http.StatusSeeOther, ""},
		{officers[2], "a sheet that lies about its size", imp, "file", "doi.xlsx", hostile.LyingXLSX(20000), http.StatusBadRequest, "không khớp với khai báo"},
		{officers[3], "100,000 rows for a ward that does not exist", imp, "file", "nhieu.xlsx", hostile.ManyRowsXLSX(100000, 2026, "09552"), http.StatusBadRequest, "và 99800 lỗi khác"},
		{officers[3], "a CSV line of a million commas", imp, "file", "phay.csv", hostile.CommasCSV(1000000), http.StatusBadRequest, "nằm ngoài các cột của mẫu"},
	}
	clients := map[string]*http.Client{}
	for _, name := range officers {
		clients[name] = signInAs(t, addr, name)
	}

	var wg sync.WaitGroup
	answers := make([]string, len(attacks))
	for i, a := range attacks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, body, err := postFile(clients[a.user], a.url, a.field, a.name, a.file)
			switch {
			case err != nil:
				answers[i] = err.Error()
			case status != a.status:
				answers[i] = fmt.Sprintf("answered %d, want %d", status, a.status)
			case a.says != "" && !strings.Contains(body, a.says):
				answers[i] = fmt.Sprintf("answered %d without saying %q", status, a.says)
			}
		}()
	}
	// Meanwhile the reviewer reads the ward page.
	stop := make(chan struct{})
	var during []time.Duration
	var pages sync.WaitGroup
	pages.Add(1)
	go func() {
		defer pages.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			during = append(during, timedGet(t, hanoi, ward))
			time.Sleep(100 * time.Millisecond)
		}
	}()
	wg.Wait()
	// The drawing worker takes the photo in its child process: wait until
	// its pictures are kept, the copy's memory measured after.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		var drawn bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM evidence_previews p JOIN evidence e ON e.id = p.evidence_id
			WHERE e.filename = 'anh.jpg' AND NOT p.failed)`).Scan(&drawn); err != nil {
			t.Fatal(err)
		}
		if drawn {
			break
		}
		if time.Now().After(deadline) {
			var queue string
			_ = conn.QueryRow(ctx, `SELECT string_agg(concat_ws(' ', e.filename, q.tries, q.next_try_at, q.last_error), '; ') FROM preview_queue q JOIN evidence e ON e.id = q.evidence_id`).Scan(&queue)
			close(stop)
			pages.Wait()
			t.Fatalf("the 40-megapixel photo was not drawn within a minute; waiting: %s", queue)
		}
	}
	close(stop)
	pages.Wait()

	for i, a := range attacks {
		if answers[i] != "" {
			t.Errorf("%s from %s: %s", a.what, a.user, answers[i])
		}
	}
	if server.ProcessState != nil {
		t.Fatalf("the copy died: %v", server.ProcessState)
	}
	if res, err := http.Get(base + "/healthz"); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the copy does not answer: %v", err)
	}
	peak, err := hostile.PeakRSS(server.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the copy's peak resident size: %d MB; the ward page took %v usually (median), at most %v during (%d reads)",
		peak>>20, usual[2], slices.Max(during), len(during))
	if peak > 512<<20 {
		t.Errorf("the copy's peak resident size was %d MB, over 512 MB", peak>>20)
	}
	if limit := 2*time.Second + 10*usual[2]; slices.Max(during) > limit {
		t.Errorf("the ward page took %v during the attack, over %v", slices.Max(during), limit)
	}
	// The PDF waits in the queue for another try, the copy untouched.
	var tries int
	if err := conn.QueryRow(ctx, `SELECT coalesce(max(q.tries), 0) FROM preview_queue q JOIN evidence e ON e.id = q.evidence_id WHERE e.filename = 'bom.pdf'`).Scan(&tries); err != nil {
		t.Fatal(err)
	}
	t.Logf("the PDF was tried %d times", tries)
}

// signInAs signs a demo user without a second factor in at addr.
func signInAs(t *testing.T, addr, username string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 2 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm("http://"+addr+"/login", url.Values{"username": {username}, "password": {seed.DemoPassword}})
	if err != nil {
		t.Fatalf("sign in %s: %v", username, err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d", username, res.StatusCode)
	}
	return c
}

// timedGet reads a page, which must answer 200, and says how long it took.
func timedGet(t *testing.T, c *http.Client, u string) time.Duration {
	start := time.Now()
	res, err := c.Get(u)
	if err != nil {
		t.Errorf("GET %s: %v", u, err)
		return 0
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET %s = %d", u, res.StatusCode)
	}
	return time.Since(start)
}

// postFile posts a multipart form with one file, a title and a date.
func postFile(c *http.Client, u, field, name string, content []byte) (int, string, error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("title", "Minh chứng "+name)
	_ = mw.WriteField("dated", "2026-06-01")
	fw, _ := mw.CreateFormFile(field, name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, u, &b)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, string(body), err
}
