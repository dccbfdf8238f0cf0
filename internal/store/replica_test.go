package store_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/pgcluster"
	"modelward/internal/store"
	"modelward/internal/testdb"
)

// waitRead waits until the store's reads go where want says, and returns
// that state.
func waitRead(t *testing.T, st *store.Store, want func(store.ReadState) bool, what string) store.ReadState {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rs := st.ReadState()
		if want(rs) {
			return rs
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s, still not %s: %s", what, rs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// standbyRan counts the portal's connections to c whose last query
// contains fragment: pg_stat_activity keeps an idle connection's last
// query.
func standbyRan(t *testing.T, c *pgcluster.Cluster, fragment string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.URL("modelward"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE usename = $1 AND strpos(query, $2) > 0`,
		testdb.RuntimeUser, fragment).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wardName(t *testing.T, st *store.Store, ctx context.Context, code string) string {
	t.Helper()
	wards, err := st.WardStandings(ctx, 2023, "01")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range wards {
		if w.Code == code {
			return w.Name
		}
	}
	t.Fatalf("ward %s not among Hà Nội's %d", code, len(wards))
	return ""
}

// A real hot standby made with pg_basebackup serves the dashboards' reads;
// one that falls behind by more than the bound (its replay paused) or goes
// away is skipped for the primary, and taken back once it catches up.
func TestReadReplica(t *testing.T) {
	ha := testdb.NewReplicated(t, true)
	ctx := context.Background()
	st, err := store.Open(ctx, ha.PrimaryURL())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if rs := st.ReadState(); rs.Replica || !strings.Contains(rs.String(), "no read replica") {
		t.Errorf("without a replica: %s", rs)
	}
	if err := st.UseReadReplica(ctx, "postgres://%zz", time.Second); err == nil {
		t.Error("a malformed replica URL was accepted")
	}
	if err := st.UseReadReplica(ctx, ha.StandbyURL(), time.Second); err != nil {
		t.Fatal(err)
	}
	rs := waitRead(t, st, func(rs store.ReadState) bool { return rs.OnReplica }, "on the replica")
	if !strings.Contains(rs.String(), "reads: replica 127.0.0.1:") {
		t.Errorf("state: %s", rs)
	}

	const fragment = "target AS MATERIALIZED (SELECT id, kind FROM units"
	if n := standbyRan(t, ha.Standby, fragment); n != 0 {
		t.Fatalf("the standby ran the standings query %d times before any was asked", n)
	}
	name := wardName(t, st, ctx, "00004")
	if n := standbyRan(t, ha.Standby, fragment); n == 0 {
		t.Error("the standings were not read on the standby")
	}
	if n := standbyRan(t, ha.Primary, fragment); n != 0 {
		t.Errorf("the primary ran the standings query %d times", n)
	}

	// Replay paused, a change on the primary does not reach the standby's
	// data: its lag grows past the bound and reads move to the primary,
	// which has the change.
	testdb.Exec(t, ha.Standby, `SELECT pg_wal_replay_pause()`)
	testdb.Exec(t, ha.Primary, `UPDATE units SET name = name || ' (mới)' WHERE code = '00004' AND span @> '2023-06-30'::date`)
	if got := wardName(t, st, store.ReadPrimary(ctx), "00004"); got != name+" (mới)" {
		t.Errorf("read on the primary: %q, want the change", got)
	}
	rs = waitRead(t, st, func(rs store.ReadState) bool { return !rs.OnReplica }, "back on the primary")
	if !strings.Contains(rs.String(), "lags") || rs.Lag <= time.Second {
		t.Errorf("state of a paused standby: %s", rs)
	}
	if got := wardName(t, st, ctx, "00004"); got != name+" (mới)" {
		t.Errorf("with the standby behind: %q, want the primary's change", got)
	}

	testdb.Exec(t, ha.Standby, `SELECT pg_wal_replay_resume()`)
	waitRead(t, st, func(rs store.ReadState) bool { return rs.OnReplica }, "on the replica again")
	if got := wardName(t, st, ctx, "00004"); got != name+" (mới)" {
		t.Errorf("standby caught up: %q", got)
	}

	// The standby gone: reads go on, on the primary, and /readyz can say why.
	if err := ha.Standby.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := wardName(t, st, ctx, "00004"); got != name+" (mới)" {
		t.Errorf("with the standby stopped: %q", got)
	}
	rs = waitRead(t, st, func(rs store.ReadState) bool { return rs.Fault != "" }, "marked unavailable")
	if rs.OnReplica || !strings.Contains(rs.String(), "unavailable") {
		t.Errorf("state of a stopped standby: %s", rs)
	}
}

// A database server that takes the connection and never answers (a
// machine gone behind a router that still accepts) is given up after the
// default bound, not waited for as long as the operating system would.
func TestSilentServerIsGivenUp(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		var held []net.Conn // never answered, closed with the listener
		for {
			c, err := l.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := store.Open(ctx, "postgres://nobody@"+l.Addr().String()+"/modelward?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	if err := st.Ping(ctx); err == nil {
		t.Fatal("a silent server answered")
	}
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("gave up after %s, want about 5 s", took)
	}
}
