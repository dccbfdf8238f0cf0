// Package store holds all the SQL of modelward. Each exported method owns its
// transaction; callers pass a context and get plain Go values back.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"modelward/migrations"
)

// ErrNotFound means the unit, year or record asked for does not exist.
var ErrNotFound = errors.New("not found")

// Store is the portal's database.
type Store struct {
	pool *pgxpool.Pool
	// replica serves the heavy reads of dashboards, exports and the
	// public pages when one is configured (UseReadReplica); see reader.
	replica *replica
	// sessions writes sessions without waiting for the disk: every request
	// touches its session, and a session lost in a crash only means signing
	// in again. Everything else waits for a durable commit.
	sessions *pgxpool.Pool
	// EvidenceQuota bounds the evidence a ward stores over every year, in
	// bytes (removed files count: they stay stored); 0 for no bound.
	EvidenceQuota int64
	// FactorKeys seal the second factors' secrets (FACTOR_KEY); none
	// keeps them as they are.
	FactorKeys FactorKeys
}

// DefaultEvidenceQuota is a ward's evidence quota unless set otherwise.
const DefaultEvidenceQuota = 2 << 30

// Open connects to the database at url.
func Open(ctx context.Context, url string) (*Store, error) {
	return OpenTraced(ctx, url, nil)
}

// OpenTraced is Open with a tracer that sees every query (nil for none);
// the benchmark counts queries with it.
func OpenTraced(ctx context.Context, url string, tracer pgx.QueryTracer) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	if tracer != nil {
		cfg.ConnConfig.Tracer = tracer
	}
	readDefaults(cfg)
	scfg := cfg.Copy()
	scfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	sessions, err := pgxpool.NewWithConfig(ctx, scfg)
	if err != nil {
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		sessions.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &Store{pool: pool, sessions: sessions, EvidenceQuota: DefaultEvidenceQuota}, nil
}

// readDefaults gives connections enough memory to sort a national list of
// wards (10,000 rows with their statuses) in memory rather than on disk,
// and gives up on a server that does not answer a connection within 5 s
// (a machine gone: without a bound, each request would wait for the
// operating system's, minutes; with several hosts, the next is tried),
// unless the database URL says otherwise (work_mem, connect_timeout).
func readDefaults(cfg *pgxpool.Config) {
	if _, set := cfg.ConnConfig.RuntimeParams["work_mem"]; !set {
		cfg.ConnConfig.RuntimeParams["work_mem"] = "16MB"
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
}

// defaultConnectTimeout bounds a connection's making, per host.
const defaultConnectTimeout = 5 * time.Second

// Close closes every connection.
func (s *Store) Close() {
	if s.replica != nil {
		s.replica.close()
	}
	s.sessions.Close()
	s.pool.Close()
}

// PoolStat reports the connection pool, for the metrics.
func (s *Store) PoolStat() *pgxpool.Stat { return s.pool.Stat() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// ErrSchemaBehind means the database has not been migrated to the schema
// this build expects.
var ErrSchemaBehind = errors.New("database schema is behind: run modelward migrate")

// Ready reports whether the primary answers and holds the schema this
// build expects, so that a copy of the server started before the
// migrations ran is not sent requests it would fail; and which server
// (address:port) the writes go to now, which a failover changes.
func (s *Store) Ready(ctx context.Context) (primary string, err error) {
	var version int64
	err = s.pool.QueryRow(ctx, `
		SELECT coalesce(max(version_id), 0), coalesce(host(inet_server_addr()) || ':' || inet_server_port(), 'local socket')
		FROM goose_db_version WHERE is_applied`).Scan(&version, &primary)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P01" { // no goose table yet
		return "", fmt.Errorf("no migration applied: %w", ErrSchemaBehind)
	}
	if err != nil {
		return "", err
	}
	if want := latestMigration(); version < want {
		return "", fmt.Errorf("schema at version %d, this build needs %d: %w", version, want, ErrSchemaBehind)
	}
	return primary, nil
}

// latestMigration is the highest version among the embedded migrations.
var latestMigration = sync.OnceValue(func() int64 {
	entries, _ := fs.ReadDir(migrations.FS, ".")
	var latest int64
	for _, e := range entries {
		prefix, _, ok := strings.Cut(e.Name(), "_")
		if v, err := strconv.ParseInt(prefix, 10, 64); ok && err == nil && v > latest {
			latest = v
		}
	}
	return latest
})

// Transact runs fn in a transaction, committing when fn returns nil and
// rolling back otherwise.
func (s *Store) Transact(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// Migrate applies every pending migration to the database at url. Goose's
// Postgres session lock lets several copies start at once: one migrates,
// the others wait and find nothing left to do.
func Migrate(ctx context.Context, url string) ([]string, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	return migrateDB(ctx, db)
}

// RuntimeRole is the role the portal runs as, through a login role that
// is its member: it reads and writes the data, but on the audit log it may
// only read and add (the least privilege of TCVN 14423:2026), and it only
// reads which migrations ran. Migrations run as the tables' owner, and
// give the role its rights every time, so that new tables are covered. A
// database without the role is left as it is.
const RuntimeRole = "modelward_app"

const grantRuntimeSQL = `
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'modelward_app') THEN
        RETURN;
    END IF;
    -- Copies migrating at once grant one after the other.
    PERFORM pg_advisory_xact_lock(hashtextextended('modelward grant runtime role', 0));
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO modelward_app;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO modelward_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM modelward_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON review_snapshots FROM modelward_app;
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON goose_db_version FROM modelward_app;
END
$$`

// CreateRuntimeRole makes RuntimeRole and a login role of that name, its
// member, on the server at adminURL (a role that may create roles), unless
// they exist; for a private cluster (modelward dev, the tests). A
// production server's administrator creates them once (SECURITY.md, "The database roles").
func CreateRuntimeRole(ctx context.Context, adminURL, login string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("create the runtime role: %w", err)
	}
	defer conn.Close(ctx)
	for _, r := range []struct{ name, how string }{{RuntimeRole, "NOLOGIN"}, {login, "LOGIN IN ROLE " + RuntimeRole}} {
		var exists bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)`, r.name).Scan(&exists); err != nil {
			return fmt.Errorf("create role %s: %w", r.name, err)
		}
		if exists {
			continue
		}
		if _, err := conn.Exec(ctx, "CREATE ROLE "+pgx.Identifier{r.name}.Sanitize()+" "+r.how); err != nil {
			return fmt.Errorf("create role %s: %w", r.name, err)
		}
	}
	return nil
}

// MayRewriteAudit says whether the store's role could change or remove
// audit entries (the trigger aside): true when the portal runs as the
// tables' owner rather than as a member of RuntimeRole.
func (s *Store) MayRewriteAudit(ctx context.Context) (bool, error) {
	var may bool
	err := s.pool.QueryRow(ctx, `SELECT has_table_privilege('audit_log', 'UPDATE') OR has_table_privilege('audit_log', 'DELETE')`).Scan(&may)
	if err != nil {
		return false, fmt.Errorf("audit log privileges: %w", err)
	}
	return may, nil
}

func migrateDB(ctx context.Context, db *sql.DB) ([]string, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if _, err := db.ExecContext(ctx, grantRuntimeSQL); err != nil {
		return nil, fmt.Errorf("grant the runtime role: %w", err)
	}
	var applied []string
	for _, r := range results {
		applied = append(applied, r.Source.Path)
	}
	return applied, nil
}
