package server_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// Pages travel compressed and stay out of caches; static files carry
// their content hash and are kept for a year.
func TestLightOnTheWire(t *testing.T) {
	srv := newPortal(t)
	c := signIn(t, srv, "phula")
	raw := &http.Client{Jar: c.Jar, Transport: &http.Transport{DisableCompression: true}, CheckRedirect: noFollow}
	req, _ := http.NewRequest("GET", srv.URL+"/2022/wards/09552", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := raw.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("ward page Content-Encoding = %q, want gzip", res.Header.Get("Content-Encoding"))
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("ward page Cache-Control = %q, want no-store", cc)
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "compressed ward page", string(page), "<h1>Phường Phú La</h1>")

	m := regexp.MustCompile(`href="(/static/style\.css\?v=[0-9a-f]{12})"`).FindStringSubmatch(string(page))
	if m == nil {
		t.Fatal("the page does not link the stylesheet by its content hash")
	}
	r := get(t, nil, srv.URL+m[1])
	if r.status != 200 || r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("hashed stylesheet = %d, Cache-Control %q", r.status, r.header.Get("Cache-Control"))
	}
	if r := get(t, nil, srv.URL+"/static/style.css?v=0000"); r.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("stylesheet with an old hash is kept: %q", r.header.Get("Cache-Control"))
	}
	if r := get(t, nil, srv.URL+"/favicon.ico"); r.status != http.StatusMovedPermanently || !strings.HasPrefix(r.header.Get("Location"), "/static/favicon.svg?v=") {
		t.Errorf("favicon = %d %q", r.status, r.header.Get("Location"))
	}
}
