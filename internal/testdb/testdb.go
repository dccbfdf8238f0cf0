// Package testdb gives each test a fresh, migrated database on a real
// PostgreSQL: the one named by TEST_DATABASE_URL, or a private throw-away
// cluster that Main starts for the test binary and removes afterwards.
package testdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver pgtestdb connects with
	"github.com/peterldowns/pgtestdb"

	"modelward/internal/pgcluster"
	"modelward/internal/seed"
	"modelward/internal/store"
	"modelward/migrations"
)

var server pgtestdb.Config

// RuntimeUser is the login role, a member of store.RuntimeRole, that the
// stores Open returns connect as on the private cluster; runtime says it
// exists (a server named by TEST_DATABASE_URL may not have it).
const RuntimeUser = "modelward_web"

var runtime bool

// Main runs the tests of a package against a real PostgreSQL; call it from
// TestMain: os.Exit(testdb.Main(m)).
func Main(m *testing.M) int {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		cfg, err := configFromURL(u)
		if err != nil {
			fmt.Fprintln(os.Stderr, "TEST_DATABASE_URL:", err)
			return 2
		}
		server = cfg
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "modelward-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	// When root, the cluster runs as "postgres", which must enter dir.
	_ = os.Chmod(dir, 0o755) // #nosec G302 -- a directory the cluster's user must enter; the data directory inside is 0700
	cluster, err := pgcluster.New(filepath.Join(dir, "pg"), pgcluster.Options{Fast: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "test database:", err)
		return 2
	}
	if err := cluster.Start(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "test database:", err)
		return 2
	}
	defer func() {
		if err := cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop test database:", err)
		}
	}()
	server, _ = configFromURL(cluster.URL("postgres"))
	// The portal's stores connect as the runtime role's member, as in
	// production, so that every test proves it has the rights it needs.
	if err := store.CreateRuntimeRole(context.Background(), cluster.URL("postgres"), RuntimeUser); err != nil {
		fmt.Fprintln(os.Stderr, "test database:", err)
		return 2
	}
	runtime = true
	return m.Run()
}

func configFromURL(raw string) (pgtestdb.Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return pgtestdb.Config{}, err
	}
	pass, _ := u.User.Password()
	return pgtestdb.Config{
		DriverName: "pgx",
		Host:       u.Hostname(),
		Port:       u.Port(),
		User:       u.User.Username(),
		Password:   pass,
		Database:   "postgres",
		Options:    "sslmode=disable",
	}, nil
}

// New returns the URL of a fresh database with every migration applied.
func New(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, server, migrator{}).URL()
}

// Empty returns the URL of a fresh database with no migration applied.
func Empty(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, server, pgtestdb.NoopMigrator{}).URL()
}

// NewDemo returns the URL of a fresh database holding the demo data.
func NewDemo(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, server, migrator{demo: true}).URL()
}

// Open returns a store on a fresh database, closed when the test ends,
// and the database's URL as its owner (for tests that look behind the
// store). The store connects as the runtime role.
func Open(t testing.TB, demo bool) (*store.Store, string) {
	t.Helper()
	var u string
	if demo {
		u = NewDemo(t)
	} else {
		u = New(t)
	}
	st, err := store.Open(context.Background(), RuntimeURL(t, u))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st, u
}

// RuntimeURL is the database at u as the portal reaches it: as the
// runtime role's member when the server has one, else as u's own role.
func RuntimeURL(t testing.TB, u string) string {
	t.Helper()
	if !runtime {
		return u
	}
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	p.User = url.User(RuntimeUser)
	return p.String()
}

// migrator builds the template databases that pgtestdb clones for each test.
type migrator struct{ demo bool }

func (m migrator) Hash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if m.demo {
		d, err := seed.Demo(seed.DemoDay)
		if err != nil {
			return "", err
		}
		d.Users = nil // salted hashes differ on every call
		b, err := json.Marshal(d)
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), err
}

func (m migrator) Migrate(ctx context.Context, _ *sql.DB, cfg pgtestdb.Config) error {
	if _, err := store.Migrate(ctx, cfg.URL()); err != nil {
		return err
	}
	if !m.demo {
		return nil
	}
	st, err := store.Open(ctx, cfg.URL())
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := seed.Demo(seed.DemoDay)
	if err != nil {
		return err
	}
	return seed.Load(ctx, st, d)
}

// AdminURL is the URL of the test server's administrative database, for
// commands that create databases of their own (bench).
func AdminURL() string { return server.URL() }
