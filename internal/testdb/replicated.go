package testdb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"modelward/internal/pgcluster"
	"modelward/internal/seed"
	"modelward/internal/store"
)

// Replicated is a primary and its streaming standby, private to one test,
// holding the database "modelward" with every migration applied.
type Replicated struct {
	Primary, Standby *pgcluster.Cluster
}

// NewReplicated starts a primary, migrates it (and loads the demo when
// demo), makes a standby from a base backup and starts it; both stop and
// are removed when the test ends. It costs a few seconds.
func NewReplicated(t testing.TB, demo bool) *Replicated {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a primary and a standby")
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "modelward-ha-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(dir, 0o755) // #nosec G302 -- a directory the cluster's user must enter; the data directories inside are 0700
	r := &Replicated{}
	t.Cleanup(func() {
		for _, c := range []*pgcluster.Cluster{r.Standby, r.Primary} {
			if c != nil {
				_ = c.Stop() // a killed cluster has nothing to stop
			}
		}
		_ = os.RemoveAll(dir)
	})
	if r.Primary, err = pgcluster.New(filepath.Join(dir, "primary"), pgcluster.Options{Fast: true}); err != nil {
		t.Fatal(err)
	}
	if err := r.Primary.Start(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, r.Primary.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, `CREATE DATABASE modelward`)
	_ = conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CreateRuntimeRole(ctx, r.Primary.URL("postgres"), RuntimeUser); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx, r.OwnerURL()); err != nil {
		t.Fatal(err)
	}
	if demo {
		st, err := store.Open(ctx, r.OwnerURL())
		if err != nil {
			t.Fatal(err)
		}
		d, err := seed.Demo(seed.DemoDay)
		if err == nil {
			err = seed.Load(ctx, st, d)
		}
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if r.Standby, err = r.Primary.NewStandby(ctx, filepath.Join(dir, "standby")); err != nil {
		t.Fatal(err)
	}
	if err := r.Standby.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return r
}

// OwnerURL is the primary's database as its owner.
func (r *Replicated) OwnerURL() string { return r.Primary.URL("modelward") }

// PrimaryURL is the primary's database as the portal reaches it.
func (r *Replicated) PrimaryURL() string { return r.Primary.URLAs(RuntimeUser, "modelward") }

// StandbyURL is the standby's database as the portal reaches it.
func (r *Replicated) StandbyURL() string { return r.Standby.URLAs(RuntimeUser, "modelward") }

// Exec runs sql on c's database "modelward" as the superuser, for tests
// that act on a server behind the portal's back (pause its replay, say).
func Exec(t testing.TB, c *pgcluster.Cluster, sql string, args ...any) {
	t.Helper()
	ExecURL(t, c.URL("modelward"), sql, args...)
}

// ExecURL runs sql on the database at url, for tests that set a row up
// behind the store's back.
func ExecURL(t testing.TB, url, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", strings.TrimSpace(sql), err)
	}
}
