package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/pgcluster"
	"modelward/internal/seed"
	"modelward/internal/server"
	"modelward/internal/store"
)

// PostgreSQL stops and starts again under a running portal: while it is
// down, pages answer 503 quickly and nothing is acknowledged; once it is
// back, everything works again within seconds, and every acknowledged save
// is there.
func TestDatabaseRestart(t *testing.T) {
	ctx := context.Background()
	srv, cluster, st := portalOnOwnCluster(t)
	c := signIn(t, srv, "phula")
	base := srv.URL + "/2022/wards/09552"
	if r := post(t, c, base+"/criteria/2", url.Values{"status": {"met"}, "version": {"0"}}); r.status != 303 {
		t.Fatalf("save before = %d", r.status)
	}

	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/readyz", "/2022/wards/09552"} {
		start := time.Now()
		r := get(t, c, srv.URL+path)
		if r.status != 503 || time.Since(start) > 3*time.Second {
			t.Errorf("%s with the database down: %d after %s, want 503 at once", path, r.status, time.Since(start))
		}
	}
	refused := post(t, c, base+"/criteria/3", url.Values{"status": {"met"}, "note": {"Đã kiểm tra 12 tổ dân phố"}, "version": {"0"}})
	if refused.status != 503 || refused.header.Get("Retry-After") == "" {
		t.Errorf("save with the database down = %d (Retry-After %q), want 503 saying when to come back", refused.status, refused.header.Get("Retry-After"))
	}
	// What was typed is kept in the page, to be sent again.
	mustContain(t, "the refused save's page", refused.body, "không truy cập được cơ sở dữ liệu",
		`<form method="post" action="/2022/wards/09552/criteria/3" id="retry">`,
		`<input type="hidden" name="note" value="Đã kiểm tra 12 tổ dân phố">`, `<input type="hidden" name="status" value="met">`,
		`<input type="hidden" name="version" value="0">`, "Gửi lại")

	if err := cluster.Start(ctx); err != nil {
		t.Fatal(err)
	}
	back := time.Now()
	for get(t, nil, srv.URL+"/readyz").status != 200 {
		if time.Since(back) > 5*time.Second {
			t.Fatal("not ready 5 s after the database came back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	r := get(t, c, base)
	if r.status != 200 {
		t.Fatalf("ward page after the restart = %d", r.status)
	}
	a, err := st.Assessment(ctx, 2022, "09552")
	if err != nil {
		t.Fatal(err)
	}
	if a.Results[2].Status != "met" || a.Results[3].Version != 0 {
		t.Errorf("after the restart: criterion 2 %s (acknowledged), criterion 3 version %d (refused)", a.Results[2].Status, a.Results[3].Version)
	}
	// Sent again from the page, as its button does: saved.
	if r := post(t, c, base+"/criteria/3", hiddenFields(t, refused.body)); r.status != 303 {
		t.Errorf("the kept form sent again after the restart = %d", r.status)
	}
	if a, err := st.Assessment(ctx, 2022, "09552"); err != nil || a.Results[3].Note != "Đã kiểm tra 12 tổ dân phố" {
		t.Errorf("after sending again: %+v, %v", a.Results[3], err)
	}
}

// portalOnOwnCluster serves the demo (with phula on Phú La in 2022) from a
// PostgreSQL cluster of the test's own, which the test may stop and start.
func portalOnOwnCluster(t *testing.T) (*httptest.Server, *pgcluster.Cluster, *store.Store) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts its own PostgreSQL cluster")
	}
	ctx := context.Background()
	dir := t.TempDir()
	_ = os.Chmod(dir, 0o755)
	cluster, err := pgcluster.New(filepath.Join(dir, "pg"), pgcluster.Options{Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := cluster.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// Kept elsewhere when root (t.TempDir is not for others to enter).
	t.Cleanup(func() { _ = cluster.Stop(); _ = cluster.Remove() })
	conn, err := pgx.Connect(ctx, cluster.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE modelward"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	dbURL := cluster.URL("modelward")
	if _, err := store.Migrate(ctx, dbURL); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dbURL+"&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	d, err := seed.Demo(seed.DemoDay)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.Load(ctx, st, d); err != nil {
		t.Fatal(err)
	}
	onPhuLa2022(t, st)
	srv := httptest.NewServer(server.New(server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	t.Cleanup(srv.Close)
	return srv, cluster, st
}
