package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"modelward/internal/server"
	"modelward/internal/testdb"
)

func TestMetrics(t *testing.T) {
	st, _ := testdb.Open(t, true)
	srv := servePortal(t, server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MetricsToken: "scraper-secret"})
	c := newClient()
	post(t, c, srv.URL+"/login", url.Values{"username": {"bocongan"}, "password": {"wrong password"}})
	c = signIn(t, srv, "bocongan")
	get(t, c, srv.URL+"/2023/units/01/summary.csv")

	// Not even from this machine without the token: a reverse proxy on
	// the same host would make it public.
	if r := get(t, nil, srv.URL+"/metrics"); r.status != 404 {
		t.Errorf("/metrics from loopback without a token = %d, want 404", r.status)
	}
	for _, bad := range []string{"Bearer wrong", "scraper-secret", "Bearer "} {
		req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
		req.Header.Set("Authorization", bad)
		if r := read(t, must(http.DefaultClient.Do(req))); r.status != 404 {
			t.Errorf("/metrics with Authorization %q = %d, want 404", bad, r.status)
		}
	}
	req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer scraper-secret")
	r := read(t, must(http.DefaultClient.Do(req)))
	if r.status != 200 {
		t.Fatalf("/metrics with the scraper's token = %d", r.status)
	}
	for _, want := range []string{
		`modelward_http_request_duration_seconds_count{method="GET",route="/{year}/units/{code}/summary.csv",status="200"} 1`,
		`modelward_signins_total{outcome="success"} 1`,
		`modelward_signins_total{outcome="failure"} 1`,
		`modelward_exports_total{format="csv"} 1`,
		`modelward_db_pool_total_conns`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// From elsewhere: only an admin.
	remote := func(cookies []*http.Cookie) int {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.RemoteAddr = "203.0.113.5:40000"
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		srv.Config.Handler.ServeHTTP(rec, req)
		return rec.Code
	}
	u, _ := url.Parse(srv.URL)
	if code := remote(nil); code != 404 {
		t.Errorf("/metrics from afar, signed out = %d, want 404", code)
	}
	if code := remote(c.Jar.Cookies(u)); code != 404 {
		t.Errorf("/metrics from afar, as the Ministry = %d, want 404", code)
	}
	admin := signIn(t, srv, "admin")
	if code := remote(admin.Jar.Cookies(u)); code != 200 {
		t.Errorf("/metrics from afar, as an admin = %d, want 200", code)
	}
}

func must(res *http.Response, err error) *http.Response {
	if err != nil {
		panic(err)
	}
	return res
}
