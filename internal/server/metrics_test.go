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
	h := server.New(server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler()
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := newClient()
	post(t, c, srv.URL+"/login", url.Values{"username": {"bocongan"}, "password": {"wrong password"}})
	c = signIn(t, srv, "bocongan")
	get(t, c, srv.URL+"/2023/units/01/summary.csv")

	// From this machine, a scraper needs no sign-in.
	r := get(t, nil, srv.URL+"/metrics")
	if r.status != 200 {
		t.Fatalf("/metrics from loopback = %d", r.status)
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
		h.ServeHTTP(rec, req)
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
