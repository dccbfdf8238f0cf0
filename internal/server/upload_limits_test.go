package server_test

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"testing"

	"modelward/internal/server"
	"modelward/internal/testdb"
)

// A ward's evidence has a quota; a file over it is refused clearly, and
// nothing is stored.
func TestEvidenceQuota(t *testing.T) {
	st, dbURL := testdb.Open(t, true)
	onPhuLa2022(t, st)
	st.EvidenceQuota = int64(len(samplePDF)) + 10
	srv := servePortal(t, server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: testNow})
	c := signIn(t, srv, "phula")
	u := srv.URL + "/2022/wards/09552/criteria/2/evidence"
	if r := uploadPDF(t, c, u, "Biên bản 1", "2022-05-01"); r.status != http.StatusSeeOther {
		t.Fatalf("first file = %d", r.status)
	}
	r := uploadPDF(t, c, u, "Biên bản 2", "2022-05-02")
	if r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a file over the quota = %d, want 413", r.status)
	}
	mustContain(t, "over the quota", r.body, "Phường đã dùng hết dung lượng lưu minh chứng", `value="Biên bản 2"`)
	if n := queryInt(t, dbURL, `SELECT count(*) FROM evidence`); n != 1 {
		t.Errorf("%d files stored, want 1", n)
	}
}

func uploadPDF(t *testing.T, c *http.Client, u, title, dated string) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("title", title)
	_ = mw.WriteField("dated", dated)
	fw, _ := mw.CreateFormFile("file", "bien-ban.pdf")
	_, _ = fw.Write(samplePDF)
	_ = mw.Close()
	res, err := c.Post(u, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}
