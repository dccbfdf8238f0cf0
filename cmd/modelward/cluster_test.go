package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/localcluster"
	"modelward/internal/pgcluster"
)

// localCluster is a running `modelward dev --replicas 1`, as make cluster
// starts it, and what its banner says.
type localCluster struct {
	proxy   string // host:port
	portals []int  // the copies' process ids
	dir     string // the primary's data; the standby's is dir+"-standby-1"
}

// startLocalCluster runs `modelward dev --replicas 1` in a directory of its
// own and waits for its banner; the test ends it with SIGTERM, as Ctrl-C.
func startLocalCluster(t *testing.T) *localCluster {
	t.Helper()
	if _, err := localcluster.FindHaproxy(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	bin := binary(t)
	dir, err := os.MkdirTemp("", "modelward-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(dir, 0o755) // #nosec G302 -- the clusters' user must enter it
	cmd := exec.Command(bin, "dev", "--replicas", "1", "--data", filepath.Join(dir, "pg"))
	cmd.Env = append(os.Environ(), "ADDR="+freeAddr(t))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("dev --replicas 1 stopped with %v", err)
			}
		case <-time.After(60 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("dev --replicas 1 did not stop within 60 s of SIGTERM")
		}
		if t.Failed() {
			// What the copies logged of the requests that failed.
			logs, _ := filepath.Glob(filepath.Join(dir, "cluster", "portal-*.log"))
			for _, l := range logs {
				b, _ := os.ReadFile(l) // #nosec G304 -- the test's own directory
				for _, line := range strings.Split(string(b), "\n") {
					if strings.Contains(line, `"status":500`) && strings.Contains(line, `"err"`) {
						t.Logf("%s: %s", filepath.Base(l), line)
					}
				}
			}
		}
		_ = os.RemoveAll(dir)
	})
	lc := &localCluster{dir: filepath.Join(dir, "pg")}
	proxyLine := regexp.MustCompile(`^  proxy +http://(\S+)`)
	portalLine := regexp.MustCompile(`^  portal \d +http://\S+ +pid (\d+)`)
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(90 * time.Second)
	var seen []string
	for lc.proxy == "" || len(lc.portals) < localcluster.PortalCopies {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("dev --replicas 1 ended before its banner:\n%s", strings.Join(seen, "\n"))
			}
			seen = append(seen, line)
			if m := proxyLine.FindStringSubmatch(line); m != nil {
				lc.proxy = m[1]
			}
			if m := portalLine.FindStringSubmatch(line); m != nil {
				pid, _ := strconv.Atoi(m[1])
				lc.portals = append(lc.portals, pid)
			}
		case <-deadline:
			t.Fatalf("no banner within 90 s:\n%s", strings.Join(seen, "\n"))
		}
	}
	go func() {
		for range lines { // keep the pipe flowing until dev ends
		}
	}()
	return lc
}

// server is one of the cluster's database servers, found running.
func (lc *localCluster) server(t *testing.T, dir string) *pgcluster.Cluster {
	t.Helper()
	c, err := pgcluster.New(dir, pgcluster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil { // finds it running, and its port
		t.Fatal(err)
	}
	return c
}

// saver saves one criterion of Kiến Hưng's 2026 self-assessment through
// the proxy again and again, each time with a note of its own, and keeps
// what each save was answered.
type saver struct {
	c         *http.Client
	base      string
	criterion int
	acked     []string    // notes saved with a 303
	ackedAt   []time.Time // when each was answered
	failed    map[int]int // saves answered otherwise, by status
	errs      int         // requests with no answer at all
	lost      int         // saves refused by a page that does not keep the form
}

// ackedAfter is the time of the first acknowledged save after t.
func (s *saver) ackedAfter(t time.Time) (time.Time, bool) {
	for _, at := range s.ackedAt {
		if at.After(t) {
			return at, true
		}
	}
	return time.Time{}, false
}

var versionField = regexp.MustCompile(`name="version" value="([0-9]+)"`)

func (s *saver) run(ctx context.Context, id int) {
	page := fmt.Sprintf("%s/2026/wards/09552/criteria/%d", s.base, s.criterion)
	// The version of the form as last seen: like a user with the form
	// open, the client saves again whatever the page answered last.
	version, uncertain := -1, false
	for k := 0; ctx.Err() == nil; k++ {
		if version < 0 {
			res, err := s.c.Get(page)
			if err != nil {
				s.errs++
				time.Sleep(50 * time.Millisecond)
				continue
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			m := versionField.FindSubmatch(body)
			if res.StatusCode != http.StatusOK || m == nil {
				s.failed[res.StatusCode]++
				time.Sleep(50 * time.Millisecond)
				continue
			}
			version, _ = strconv.Atoi(string(m[1]))
		}
		note := fmt.Sprintf("tải %d-%d", id, k)
		res, err := s.c.PostForm(page, url.Values{"status": {"in_progress"}, "note": {note}, "version": {strconv.Itoa(version)}})
		if err != nil {
			s.errs++
			continue
		}
		answer, _ := io.ReadAll(res.Body)
		res.Body.Close()
		switch {
		case res.StatusCode == http.StatusSeeOther:
			s.acked = append(s.acked, note)
			s.ackedAt = append(s.ackedAt, time.Now())
			version, uncertain = version+1, false
		case res.StatusCode == http.StatusServiceUnavailable:
			if !strings.Contains(string(answer), `id="retry"`) {
				s.lost++ // the page does not keep what was sent
			}
			s.failed[res.StatusCode]++
			// The save may have been made, its answer lost with the primary.
			uncertain = true
			time.Sleep(50 * time.Millisecond)
		case res.StatusCode == http.StatusConflict && uncertain:
			// It was: the version moved. Read the form again.
			version, uncertain = -1, false
		default:
			s.failed[res.StatusCode]++
		}
	}
}

// The production shape on loopback (make cluster): clients save results
// through haproxy; the primary is killed with SIGKILL and the standby
// promoted; every save answered 303 is in the new primary with its audit
// entry, the others were answered 503, and saves succeed again within 10 s
// of the promotion, without restarting the portal's copies. Then one copy
// is killed: no page fails that haproxy could send to the other, and the
// sessions survive.
func TestClusterSurvivesFailover(t *testing.T) {
	lc := startLocalCluster(t)
	ctx := context.Background()
	primary := lc.server(t, lc.dir)
	owner, err := pgx.Connect(ctx, primary.URL("modelward"))
	if err != nil {
		t.Fatal(err)
	}
	// Whatever day the tests run, Kiến Hưng may still save for 2026.
	_, err = owner.Exec(ctx, `INSERT INTO extensions (year, ward_id, until, reason)
		SELECT 2026, unit_in_year('09552', 2026), '2099-12-31', 'kiểm thử chuyển máy chủ'
		WHERE NOT EXISTS (SELECT 1 FROM extensions WHERE year = 2026 AND ward_id = unit_in_year('09552', 2026) AND revoked_at IS NULL)`)
	owner.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}

	base := "http://" + lc.proxy
	savers := make([]*saver, 4)
	for i := range savers {
		savers[i] = &saver{c: signInAt(t, lc.proxy), base: base, criterion: i + 1, failed: map[int]int{}}
	}
	load, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for i, s := range savers {
		wg.Add(1)
		go func() { defer wg.Done(); s.run(load, i) }()
	}
	time.Sleep(1500 * time.Millisecond)
	if err := primary.Kill(); err != nil {
		stop()
		t.Fatal(err)
	}
	killed := time.Now()
	// Long enough for haproxy to find no copy ready (2 failed checks),
	// as a failover manager takes seconds to decide.
	time.Sleep(3 * time.Second)
	standby := lc.server(t, lc.dir+"-standby-1")
	if err := standby.Promote(ctx); err != nil {
		stop()
		t.Fatal(err)
	}
	promoted := time.Now()
	// Run on until every client has saved again, for a second more.
	for deadline := promoted.Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		all := true
		for _, s := range savers {
			_, ok := s.ackedAfter(promoted.Add(time.Second))
			all = all && ok
		}
		if all {
			break
		}
	}
	stop()
	wg.Wait()

	conn, err := pgx.Connect(ctx, standby.URL("modelward"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for i, s := range savers {
		t.Logf("client %d: %d saves answered 303, failed %v, %d without an answer", i, len(s.acked), s.failed, s.errs)
		if len(s.acked) == 0 {
			t.Fatalf("client %d saved nothing", i)
		}
		for status := range s.failed {
			if status != http.StatusServiceUnavailable {
				t.Errorf("client %d: a save failed with %d, want 503 only", i, status)
			}
		}
		if s.errs > 0 {
			t.Errorf("client %d: %d requests got no answer at all", i, s.errs)
		}
		if s.lost > 0 {
			t.Errorf("client %d: %d refused saves came back without the form kept to send again", i, s.lost)
		}
		// Every acknowledged save is there, with its audit entry.
		rows, err := conn.Query(ctx, `SELECT after->>'note' FROM audit_log WHERE action = 'result_update' AND entity_key = $1`,
			fmt.Sprintf("09552/2026/%d", s.criterion))
		if err != nil {
			t.Fatal(err)
		}
		audited, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		in := map[string]bool{}
		for _, n := range audited {
			in[n] = true
		}
		for _, note := range s.acked {
			if !in[note] {
				t.Errorf("client %d: the save %q was answered 303 but is not in the new primary", i, note)
			}
		}
		// No save is half-written: the result holds the last audited note.
		var note string
		if err := conn.QueryRow(ctx, `SELECT r.note FROM results r JOIN assessments a ON a.id = r.assessment_id
			WHERE a.ward_id = unit_in_year('09552', 2026) AND a.year = 2026 AND r.number = $1`, s.criterion).Scan(&note); err != nil {
			t.Fatal(err)
		}
		if !in[note] || note != s.acked[len(s.acked)-1] {
			t.Errorf("client %d: the result holds %q, not its last save %q", i, note, s.acked[len(s.acked)-1])
		}
		if at, ok := s.ackedAfter(promoted); !ok {
			t.Errorf("client %d saved nothing after the promotion", i)
		} else if took := at.Sub(promoted); took > 10*time.Second {
			t.Errorf("client %d: saves came back %s after the promotion, want within 10 s", i, took)
		} else {
			t.Logf("client %d: saving again %s after the promotion, %s after the kill", i, took.Round(time.Millisecond), at.Sub(killed).Round(time.Millisecond))
		}
	}
	// Through the proxy, /readyz names the new primary.
	res, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	ready, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if want := fmt.Sprintf("writes: primary 127.0.0.1:%d\n", standby.Port); !strings.Contains(string(ready), want) {
		t.Errorf("/readyz after the failover: %q, want %q", ready, want)
	}
	// The audit chain is whole on the new primary.
	var out strings.Builder
	if err := run(ctx, []string{"audit", "verify"}, env(map[string]string{"DATABASE_URL": standby.URL("modelward")}), nil, &out, io.Discard); err != nil {
		t.Errorf("audit verify on the new primary: %v\n%s", err, out.String())
	}

	// A copy of the portal killed under load: pages keep coming, from the
	// other copy, with the same sessions.
	readers, stopReading := context.WithCancel(ctx)
	// Failures are kept under a lock, however many: a channel of fixed
	// size would block the readers once full.
	var (
		failedMu sync.Mutex
		failed   []string
	)
	fail := func(f string) {
		failedMu.Lock()
		defer failedMu.Unlock()
		failed = append(failed, f)
	}
	var served sync.WaitGroup
	for _, s := range savers[:2] {
		served.Add(1)
		go func() {
			defer served.Done()
			for readers.Err() == nil {
				for _, page := range []string{"/2026/wards/09552", "/2026/wards/09552/criteria/1", "/"} {
					res, err := s.c.Get(base + page)
					if err != nil {
						fail(fmt.Sprintf("%s: %v", page, err))
						continue
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						fail(fmt.Sprintf("%s: %d", page, res.StatusCode))
					}
				}
			}
		}()
	}
	time.Sleep(time.Second)
	if err := syscall.Kill(lc.portals[0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	stopReading()
	served.Wait()
	for _, f := range failed {
		t.Errorf("with a copy killed, a page failed: %s", f)
	}
}
