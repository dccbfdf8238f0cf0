package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"modelward/internal/server"
	"modelward/internal/store"
	"modelward/internal/testdb"
)

// With a hot standby serving the heavy reads, a reviewer who has just
// decided sees the decision in their queue at once (their reads go to the
// primary for a while), while a colleague's queue comes from the standby;
// /readyz says where reads go.
func TestReadYourWritesWithStandby(t *testing.T) {
	ha := testdb.NewReplicated(t, true)
	ctx := context.Background()
	st, err := store.Open(ctx, ha.PrimaryURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	// A bound so long that the paused standby below keeps serving.
	if err := st.UseReadReplica(ctx, ha.StandbyURL(), time.Hour); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := servePortal(t, server.Config{Store: st, Demo: true, Logger: quiet, Now: testNow, MetricsToken: "scraper"})
	mustContain(t, "readyz", get(t, nil, srv.URL+"/readyz").body, "ready\n",
		fmt.Sprintf("writes: primary 127.0.0.1:%d\n", ha.Primary.Port), fmt.Sprintf("reads: replica 127.0.0.1:%d (lag ", ha.Standby.Port))
	metrics := func() string {
		req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer scraper")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	mustContain(t, "metrics", metrics(), "modelward_reads_on_replica 1", "modelward_replica_lag_seconds 0")

	decider := signIn(t, srv, "hanoi")
	colleague := signIn(t, srv, "hanoi")
	u, _ := url.Parse(srv.URL)
	for _, c := range decider.Jar.Cookies(u) {
		if c.Name == "modelward_wrote" {
			t.Error("signing in marked the browser as having changed something")
		}
	}
	const queued = `href="/2026/wards/00190#review"`
	mustContain(t, "queue before", get(t, decider, srv.URL+"/").body, queued)

	testdb.Exec(t, ha.Standby, `SELECT pg_wal_replay_pause()`)
	r := post(t, decider, srv.URL+"/2026/wards/00190/review", url.Values{"decision": {"return"}, "reason": {"Bổ sung biên bản"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("return = %d", r.status)
	}
	if !strings.Contains(strings.Join(r.header.Values("Set-Cookie"), "\n"), "modelward_wrote=1") {
		t.Errorf("the decision did not mark the browser: %q", r.header.Values("Set-Cookie"))
	}
	if strings.Contains(get(t, decider, srv.URL+"/").body, queued) {
		t.Error("the decider's queue still lists the ward just returned")
	}
	if !strings.Contains(get(t, colleague, srv.URL+"/").body, queued) {
		t.Error("the colleague's queue did not come from the paused standby")
	}

	testdb.Exec(t, ha.Standby, `SELECT pg_wal_replay_resume()`)
	deadline := time.Now().Add(10 * time.Second)
	for strings.Contains(get(t, colleague, srv.URL+"/").body, queued) {
		if time.Now().After(deadline) {
			t.Fatal("the standby never replayed the decision")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// No standby: reads go to the primary, and /readyz says why.
	if err := ha.Standby.Stop(); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(get(t, nil, srv.URL+"/readyz").body, "reads: primary (replica 127.0.0.1:") {
		if time.Now().After(deadline.Add(5 * time.Second)) {
			t.Fatalf("readyz: %s", get(t, nil, srv.URL+"/readyz").body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	mustContain(t, "queue without the standby", get(t, colleague, srv.URL+"/").body, `id="queue"`)
	mustContain(t, "metrics without the standby", metrics(), "modelward_reads_on_replica 0")
}
