package pgcluster

import (
	"context"
	"os"
	"path/filepath"
	"testing"

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
	t.Cleanup(func() { _ = c.Stop() })
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
