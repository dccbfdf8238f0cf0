// Package localcluster runs production's shape on loopback, from the OS's
// binaries: a primary; streaming standbys made with pg_basebackup -R, the
// primary waiting at each commit until one has it; copies of the portal,
// each writing to whichever server is the primary now and reading from a
// standby; haproxy in front, with health checks on /readyz. It is what
// `modelward dev --replicas N` (make cluster) starts.
package localcluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"modelward/internal/pgcluster"
)

// PortalCopies is how many copies of the portal the cluster runs.
const PortalCopies = 2

// Database is the database the copies use, on every server.
const Database = "modelward"

// Options say where the cluster keeps its data and what it runs.
type Options struct {
	// Dir is the primary's data directory; standby i's is Dir-standby-i,
	// and the proxy's and copies' files are in a "cluster" directory
	// beside it.
	Dir      string
	Replicas int
	// Listen is where the proxy listens for browsers.
	Listen string
	// Executable is the portal's program, each copy `Executable serve`.
	Executable string
	// Prepare readies the primary before the copies start — its database
	// and roles, the migrations, the demo — and returns the login role the
	// copies connect as.
	Prepare func(ctx context.Context, primary *pgcluster.Cluster) (role string, err error)
	// Started is told where the proxy listens once everything answers,
	// and the directory the data stays in.
	Started func(addr net.Addr, dataDir string)
	Stdout  io.Writer
}

// Run starts the cluster and runs it until ctx ends (Ctrl-C), then stops
// it all; the data stays for the next run.
func Run(ctx context.Context, opts Options) (err error) {
	dir, replicas, stdout := opts.Dir, opts.Replicas, opts.Stdout
	if replicas < 1 {
		return errors.New("a cluster has at least one standby")
	}
	primary, err := pgcluster.New(dir, pgcluster.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "starting the primary in", primary.DataDir)
	if err := primary.Start(ctx); err != nil {
		return err
	}
	stopLater := func(name string, c *pgcluster.Cluster) {
		fmt.Fprintln(stdout, "stopping the", name)
		if stopErr := c.Stop(); stopErr != nil && err == nil {
			err = stopErr
		}
	}
	defer stopLater("primary", primary)
	// The standbys start before anything is written: a primary that waits
	// for a standby at each commit (a run before this one set it so) would
	// otherwise wait for ever.
	standbys := make([]*pgcluster.Cluster, replicas)
	for i := range standbys {
		sdir := fmt.Sprintf("%s-standby-%d", dir, i+1)
		s, err := primary.NewStandby(ctx, sdir)
		if err != nil {
			return err
		}
		if !s.Standby() {
			return fmt.Errorf("%s was promoted to a primary (a failover): remove it, and the old primary %s if it is behind, to start afresh", s.DataDir, primary.DataDir)
		}
		fmt.Fprintln(stdout, "starting standby", i+1, "in", s.DataDir)
		if err := s.Start(ctx); err != nil {
			return err
		}
		defer stopLater(fmt.Sprintf("standby %d", i+1), s)
		standbys[i] = s
	}
	if err := primary.WaitForStandby(ctx); err != nil {
		return err
	}
	role, err := opts.Prepare(ctx, primary)
	if err != nil {
		return err
	}
	work := filepath.Join(filepath.Dir(dir), "cluster")
	if err := os.MkdirAll(work, 0o750); err != nil {
		return err
	}
	all := append([]*pgcluster.Cluster{primary}, standbys...)
	var copies []*portalCopy
	defer func() {
		for _, c := range copies {
			c.stop()
		}
	}()
	for i := range PortalCopies {
		// Each copy prefers its own standby, so that the reads spread.
		reads := append([]*pgcluster.Cluster{}, standbys[i%replicas:]...)
		reads = append(append(reads, standbys[:i%replicas]...), primary)
		c, err := startPortalCopy(opts.Executable, filepath.Join(work, fmt.Sprintf("portal-%d.log", i+1)), []string{
			"DATABASE_URL=" + hostsURL(role, all, "read-write"),
			"DATABASE_READ_URL=" + hostsURL(role, reads, "prefer-standby"),
			"TRUSTED_PROXIES=127.0.0.1",
		})
		if err != nil {
			return err
		}
		copies = append(copies, c)
	}
	var backends []string
	for _, c := range copies {
		if err := c.waitReady(30 * time.Second); err != nil {
			return err
		}
		backends = append(backends, c.addr)
	}
	listen := opts.Listen
	px, err := startProxy(ctx, work, listen, backends)
	if err != nil {
		return err
	}
	defer func() {
		fmt.Fprintln(stdout, "stopping the proxy and the portal's copies")
		px.stop()
	}()
	addr, err := net.ResolveTCPAddr("tcp", listen)
	if err != nil {
		return err
	}
	opts.Started(addr, filepath.Dir(primary.DataDir))
	fmt.Fprint(stdout, clusterBanner(px, copies, primary, standbys))
	<-ctx.Done()
	return nil
}

// hostsURL names every server of list, in order, for the login role,
// asking for a server with the session attributes attrs (read-write: the
// primary, whichever it is now; prefer-standby: a standby when one
// answers). A server that does not answer is given 2 s.
func hostsURL(role string, list []*pgcluster.Cluster, attrs string) string {
	hosts := make([]string, len(list))
	for i, c := range list {
		hosts[i] = fmt.Sprintf("127.0.0.1:%d", c.Port)
	}
	return fmt.Sprintf("postgres://%s@%s/%s?sslmode=disable&target_session_attrs=%s&connect_timeout=2",
		role, strings.Join(hosts, ","), Database, attrs)
}

func clusterBanner(px *proxy, copies []*portalCopy, primary *pgcluster.Cluster, standbys []*pgcluster.Cluster) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nthe cluster, on loopback:\n  proxy      http://%s  haproxy; its own page: http://%s/\n", px.Addr, px.Stats)
	for i, c := range copies {
		fmt.Fprintf(&b, "  portal %d   http://%s  pid %d, log %s\n", i+1, c.addr, c.cmd.Process.Pid, c.log)
	}
	fmt.Fprintf(&b, "  primary    127.0.0.1:%d  %s\n", primary.Port, primary.DataDir)
	for i, s := range standbys {
		fmt.Fprintf(&b, "  standby %d  127.0.0.1:%d  %s (streaming; commits wait for a standby)\n", i+1, s.Port, s.DataDir)
	}
	pgCtl, err := pgcluster.Binary("pg_ctl")
	if err != nil {
		pgCtl = "pg_ctl"
	}
	fmt.Fprintf(&b, "\nfailover by hand: kill -9 the primary's postmaster (first line of %s/postmaster.pid), then\n", primary.DataDir)
	if len(standbys) > 0 {
		as := ""
		if os.Geteuid() == 0 {
			as = " (as the postgres user: su postgres -c '…')"
		}
		fmt.Fprintf(&b, "  %s promote -D %s%s\n", pgCtl, standbys[0].DataDir, as)
	}
	return b.String()
}

// portalCopy is one `modelward serve` process of the local cluster.
type portalCopy struct {
	addr, log string
	*child
}

// startPortalCopy starts exe serve on a free loopback port, with env added
// to this process's environment and its output in logPath.
func startPortalCopy(exe, logPath string, env []string) (*portalCopy, error) {
	addr, err := freeLoopback()
	if err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600) // #nosec G304 -- a log file under the cluster's own directory
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "serve") // #nosec G204 -- this very program
	cmd.Env = append(append(os.Environ(), env...), "ADDR="+addr)
	ch, err := startChild(cmd, logFile)
	if err != nil {
		return nil, fmt.Errorf("start a portal copy: %w", err)
	}
	return &portalCopy{addr: addr, log: logPath, child: ch}, nil
}

func (c *portalCopy) waitReady(within time.Duration) error {
	for deadline := time.Now().Add(within); ; time.Sleep(100 * time.Millisecond) {
		if res, err := http.Get("http://" + c.addr + "/readyz"); err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-c.exited:
			return fmt.Errorf("a portal copy stopped at start: see %s", c.log)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("a portal copy was not ready within %s: see %s", within, c.log)
		}
	}
}

// stop asks the copy to finish its requests and end (SIGTERM), as a
// deployment would, and kills it if it has not within 25 s.
func (c *portalCopy) stop() { c.end(syscall.SIGTERM, 25*time.Second) }
