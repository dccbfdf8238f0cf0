package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"modelward/internal/seed"
	"modelward/internal/server"
	"modelward/internal/store"
	"modelward/internal/testdb"
)

// Two copies of the portal on one database, as behind a proxy, each with
// its own connections: a session begun on one is good on the other, the
// sign-in failures counted on both lock the account on both, and a notice
// written through one is read through the other.
func TestCopiesShareTheirState(t *testing.T) {
	_, dbURL := testdb.Open(t, true)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var copies []string
	for range 2 {
		st, err := store.Open(context.Background(), testdb.RuntimeURL(t, dbURL))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		srv := servePortal(t, server.Config{Store: st, Demo: true, Logger: quiet, Now: testNow,
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
		copies = append(copies, srv.URL)
	}
	a, b := copies[0], copies[1]

	// Cookies go by host, not port: one client's session reaches both.
	officer := newClient()
	r := post(t, officer, a+"/login", url.Values{"username": {"phula"}, "password": {seed.DemoPassword}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("sign in on the first copy = %d", r.status)
	}
	mustContain(t, "the other copy's home", get(t, officer, b+"/").body, "Hồ sơ đánh giá năm 2026")

	// The officer submits through one copy; the reviewer's notice and
	// queue come through the other.
	reviewer := newClient()
	if r := post(t, reviewer, b+"/login", url.Values{"username": {"hanoi"}, "password": {seed.DemoPassword}}); r.status != http.StatusSeeOther {
		t.Fatalf("reviewer's sign in = %d", r.status)
	}
	if strings.Contains(get(t, reviewer, a+"/notifications").body, "Phường Kiến Hưng") {
		t.Fatal("the reviewer has a notice about Kiến Hưng before it submits")
	}
	if r := post(t, officer, b+"/2026/wards/09552/submit", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("submit = %d", r.status)
	}
	mustContain(t, "notices on the first copy", get(t, reviewer, a+"/notifications").body, "Phường Kiến Hưng")

	// Failures alternate between the copies, from one address: the fifth
	// locks the account there, on both.
	login := func(base, password string) int {
		req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(url.Values{"username": {"phula"}, "password": {password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "10.9.0.1")
		res, err := newClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return read(t, res).status
	}
	for i := range 5 {
		if s := login(copies[i%2], fmt.Sprintf("sai %d", i)); s != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d", i+1, s)
		}
	}
	for _, base := range copies {
		if s := login(base, seed.DemoPassword); s != http.StatusTooManyRequests {
			t.Errorf("the right password after five failures across copies = %d on %s, want 429", s, base)
		}
	}
}
