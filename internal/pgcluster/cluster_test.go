package pgcluster

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// A cluster keeps its data across a stop and a start, as `make run` does
// from one run to the next.
func TestClusterKeepsDataAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	_ = os.Chmod(dir, 0o755) // as root, the cluster's user must enter it
	c, err := New(filepath.Join(dir, "pg"), Options{Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// t.TempDir is not for others to enter: as root, the cluster is kept
	// elsewhere, and removed with Remove.
	t.Cleanup(func() { _ = c.Stop(); _ = c.Remove() })
	exec := func(sql string) {
		t.Helper()
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	exec(`CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)`)

	// Starting again while it runs finds the running server.
	again, _ := New(filepath.Join(dir, "pg"), Options{Fast: true})
	if err := again.Start(ctx); err != nil || again.Port != c.Port {
		t.Fatalf("second start: port %d, want %d, %v", again.Port, c.Port, err)
	}

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT n FROM kept`).Scan(&n); err != nil || n != 42 {
		t.Fatalf("after restart: %d, %v", n, err)
	}
}

// A standby made from a primary that waits for standbys streams its
// changes, and promoted it takes writes at once, without waiting for a
// standby of its own.
func TestStandbyPromoted(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two clusters")
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "modelward-standby-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	_ = os.Chmod(dir, 0o755)
	primary, err := New(filepath.Join(dir, "primary"), Options{Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := primary.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer primary.Stop()
	// Waiting for standbys before there is one: the backup carries it.
	if err := primary.WaitForStandby(ctx); err != nil {
		t.Fatal(err)
	}
	standby, err := primary.NewStandby(ctx, filepath.Join(dir, "standby"))
	if err != nil {
		t.Fatal(err)
	}
	if err := standby.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer standby.Stop()
	if !standby.Standby() {
		t.Fatal("a fresh standby says it is none")
	}
	exec := func(c *Cluster, sql string) error {
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	// Committed on the primary only once the standby has it.
	if err := exec(primary, `CREATE TABLE t (n int); INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	if err := exec(standby, `INSERT INTO t VALUES (2)`); err == nil {
		t.Error("a standby took a write")
	}
	if err := primary.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := standby.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	if standby.Standby() {
		t.Error("promoted, it says it is a standby still")
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(wctx, standby.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// A wait for a standby would run into the deadline.
	if _, err := conn.Exec(wctx, `INSERT INTO t VALUES (2)`); err != nil {
		t.Fatalf("a write on the promoted standby: %v", err)
	}
	var n int
	if err := conn.QueryRow(wctx, `SELECT count(*) FROM t`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("the promoted standby holds %d rows, want the primary's and its own", n)
	}
}
