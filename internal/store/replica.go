package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultMaxReplicaLag is how far behind the primary a standby may be and
// still serve reads, unless MAX_REPLICA_LAG says otherwise.
const DefaultMaxReplicaLag = 10 * time.Second

// replicaCheck is how often the standby's lag is measured.
const replicaCheck = time.Second

// replica is a hot standby serving the heavy reads, and what was last
// measured of it.
type replica struct {
	pool   *pgxpool.Pool
	maxLag time.Duration
	hosts  string
	state  atomic.Pointer[ReadState]
	stop   context.CancelFunc
	done   chan struct{}
	// stuckAt is where the standby's replay stood, behind what it had
	// received, since stuckSince (measure's own, one goroutine at a time).
	stuckAt    string
	stuckSince time.Time
}

// ReadState says where the dashboards' and exports' reads go, and why.
type ReadState struct {
	// Replica says a read replica is configured (DATABASE_READ_URL).
	Replica bool
	// OnReplica says reads go to it now; otherwise to the primary.
	OnReplica bool
	// Hosts names the replica, as its URL does; Server the one of them
	// that answered (address:port).
	Hosts, Server string
	// Lag is how far behind the primary the replica was when measured.
	Lag    time.Duration
	MaxLag time.Duration
	// Fault is why the replica is skipped when it did not answer.
	Fault string
	// Promoted says the replica is no standby now: it was promoted, and
	// the reads go to the primary through its URL.
	Promoted bool
}

// String is the state as /readyz tells it.
func (r ReadState) String() string {
	switch {
	case !r.Replica:
		return "reads: primary (no read replica configured)"
	case r.OnReplica && r.Promoted:
		return fmt.Sprintf("reads: replica %s, a primary now (promoted)", r.Server)
	case r.OnReplica:
		return fmt.Sprintf("reads: replica %s (lag %.1f s, at most %s)", r.Server, r.Lag.Seconds(), r.MaxLag)
	case r.Fault != "":
		return fmt.Sprintf("reads: primary (replica %s unavailable: %s)", r.Hosts, r.Fault)
	}
	return fmt.Sprintf("reads: primary (replica %s lags %.1f s, more than %s)", r.Server, r.Lag.Seconds(), r.MaxLag)
}

// UseReadReplica sends dashboards', exports' and public pages' reads to
// the hot standby at url (one host, or several with
// target_session_attrs=prefer-standby). A standby lagging more than maxLag
// behind the primary, or not answering, is skipped for the primary until
// it catches up: its lag is measured every second. Pages where a user
// has just changed something read the primary all the same (ReadPrimary).
func (s *Store) UseReadReplica(ctx context.Context, url string, maxLag time.Duration) error {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("parse read replica URL: %w", err)
	}
	readDefaults(cfg)
	// A standby that stopped or restarted has closed its connections, which
	// the pool learns only by using one: a ping at each acquire (one round
	// trip) finds them, so that the read goes to a live connection or, the
	// standby gone, to the primary, rather than failing.
	cfg.ShouldPing = func(context.Context, pgxpool.ShouldPingParams) bool { return true }
	// A connection lives 5 minutes: after a failover the URL's standby may
	// be the primary now, and once a new standby joins, the reads find it
	// (prefer-standby chooses when a connection is made) within minutes.
	if cfg.MaxConnLifetime > 5*time.Minute {
		cfg.MaxConnLifetime = 5 * time.Minute
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect to read replica: %w", err)
	}
	hosts := []string{fmt.Sprintf("%s:%d", cfg.ConnConfig.Host, cfg.ConnConfig.Port)}
	for _, f := range cfg.ConnConfig.Fallbacks {
		hosts = append(hosts, fmt.Sprintf("%s:%d", f.Host, f.Port))
	}
	watch, stop := context.WithCancel(context.Background())
	r := &replica{pool: pool, maxLag: maxLag, hosts: strings.Join(hosts, ","), stop: stop, done: make(chan struct{})}
	r.measure(ctx)
	s.replica = r
	go func() {
		defer close(r.done)
		t := time.NewTicker(replicaCheck)
		defer t.Stop()
		for {
			select {
			case <-watch.Done():
				return
			case <-t.C:
				r.measure(watch)
			}
		}
	}()
	return nil
}

// replicaLagSQL reads which server answered, and what its lag is
// measured from: whether it is in recovery still (a standby since promoted is not), whether it
// has replayed all it received (an idle primary sends nothing new, and the
// last replayed commit grows old without the standby falling behind), the
// age of the last commit it replayed (none before its first since it
// started), and where its replay stands.
const replicaLagSQL = `
	SELECT coalesce(host(inet_server_addr()) || ':' || inet_server_port(), 'local socket'),
	       pg_is_in_recovery(),
	       pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn(),
	       extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8,
	       coalesce(pg_last_wal_replay_lsn()::text, '')`

// measure asks the standby its lag and records whether it may serve. A
// standby behind what it received is as late as its last replayed commit
// is old, and at least as late as the time its replay has stood still.
func (r *replica) measure(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	now := time.Now()
	st := ReadState{Replica: true, Hosts: r.hosts, MaxLag: r.maxLag}
	var recovering, caughtUp bool
	var age *float64
	var replayed string
	if err := r.pool.QueryRow(ctx, replicaLagSQL).Scan(&st.Server, &recovering, &caughtUp, &age, &replayed); err != nil {
		if errors.Is(err, context.Canceled) {
			return // stopping
		}
		st.Fault = faultWords(err)
		r.state.Store(&st)
		return
	}
	st.Promoted = !recovering
	if !recovering || caughtUp {
		r.stuckAt, r.stuckSince = "", time.Time{}
	} else {
		if replayed != r.stuckAt {
			r.stuckAt, r.stuckSince = replayed, now
		}
		st.Lag = now.Sub(r.stuckSince)
		if age != nil {
			st.Lag = max(st.Lag, time.Duration(*age*float64(time.Second)))
		}
	}
	st.OnReplica = st.Lag <= r.maxLag
	r.state.Store(&st)
}

// down records that a read on the standby failed for want of it, until
// the next measurement finds it back.
func (r *replica) down(err error) {
	st := ReadState{Replica: true, Hosts: r.hosts, MaxLag: r.maxLag, Fault: faultWords(err)}
	r.state.Store(&st)
}

func faultWords(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code + " " + pgErr.Message
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer within 2 s"
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return "cannot connect"
	}
	return "connection lost"
}

func (r *replica) close() {
	r.stop()
	<-r.done
	r.pool.Close()
}

// ReadState says where the heavy reads go now.
func (s *Store) ReadState() ReadState {
	if s.replica == nil {
		return ReadState{}
	}
	return *s.replica.state.Load()
}

type primaryKey struct{}

// ReadPrimary marks ctx's reads for the primary: the requests of a user
// who has just changed something, so that nobody sees their own change
// missing from a standby that has not replayed it yet.
func ReadPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryKey{}, true)
}

// reader is the pool the heavy reads of ctx go to, and whether it is the
// replica.
func (s *Store) reader(ctx context.Context) (*pgxpool.Pool, bool) {
	if s.replica == nil || ctx.Value(primaryKey{}) != nil || !s.replica.state.Load().OnReplica {
		return s.pool, false
	}
	return s.replica.pool, true
}

// readQuery runs a read on the replica when it is in use, else on the
// primary. A read the replica cannot take (it went away, or cancelled
// the query in a conflict with recovery) runs again on the primary: reads
// change nothing, so running one twice is safe.
func (s *Store) readQuery(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	pool, onReplica := s.reader(ctx)
	rows, err := pool.Query(ctx, sql, args...)
	if err != nil && onReplica && replicaFault(err) {
		s.replica.down(err)
		return s.pool.Query(ctx, sql, args...)
	}
	return rows, err
}

// readConn is readQuery's counterpart for a connection of its own (COPY).
func (s *Store) readConn(ctx context.Context) (*pgxpool.Conn, error) {
	pool, onReplica := s.reader(ctx)
	conn, err := pool.Acquire(ctx)
	if err != nil && onReplica && replicaFault(err) {
		s.replica.down(err)
		return s.pool.Acquire(ctx)
	}
	return conn, err
}

// replicaFault reports whether err means the replica could not serve a
// read, rather than a fault of the read itself: unreachable, a query it
// cancelled in a conflict with recovery (40001), or one that failed
// before it was sent.
func replicaFault(err error) bool {
	var pgErr *pgconn.PgError
	return Unreachable(err) || errors.As(err, &pgErr) && pgErr.Code == "40001" || pgconn.SafeToRetry(err)
}

// Unreachable reports whether err means the database could not be reached
// or was lost under a statement (refused, shutting down or starting, the
// connection broken or closed by the driver), as opposed to a fault of the
// statement.
func Unreachable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// 08: connection exceptions; 57P0x: the server shutting down or
		// starting.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P0")
	}
	var ce *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &ce) || errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, pgconn.ErrConnClosed)
}
