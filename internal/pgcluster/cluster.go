// Package pgcluster runs a private PostgreSQL cluster from the operating
// system's PostgreSQL binaries, for the one-command local run and for tests.
//
// PostgreSQL refuses to run as root, so when this process is root the cluster
// runs as the unprivileged "postgres" user that Debian's package creates, in
// a directory that user can reach.
package pgcluster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoPostgres means the PostgreSQL server binaries were not found.
var ErrNoPostgres = errors.New(`PostgreSQL server binaries (initdb, pg_ctl) were not found.
Install them with "sudo apt-get install postgresql" (Debian, Ubuntu), or point the
portal at a database you already have with DATABASE_URL=postgres://user:pass@host/db`)

// Superuser is the database superuser the private cluster is created with.
const Superuser = "modelward"

// Cluster is one private PostgreSQL cluster.
type Cluster struct {
	// DataDir is where the cluster's files live.
	DataDir string
	// Port is the TCP port on 127.0.0.1 the running cluster listens on.
	Port int

	bin  string
	cred *syscall.Credential // nil when not root
	fast bool
}

// Options tune a cluster.
type Options struct {
	// Fast turns off durability (fsync), for throw-away test clusters.
	Fast bool
}

// New prepares a cluster whose data lives in dir (created when missing).
// Nothing is started until Start.
func New(dir string, opts Options) (*Cluster, error) {
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{DataDir: abs, bin: bin, fast: opts.Fast}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, PostgreSQL needs the unprivileged user \"postgres\" (created by Debian's postgresql package): %w", err)
		}
		uid, err := strconv.ParseUint(u.Uid, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("user postgres: uid %q: %w", u.Uid, err)
		}
		gid, err := strconv.ParseUint(u.Gid, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("user postgres: gid %q: %w", u.Gid, err)
		}
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if !reachableByOthers(filepath.Dir(abs)) {
			// A checkout inside root's home cannot be entered by "postgres":
			// keep the data in a directory it can reach, named after the checkout.
			sum := sha256.Sum256([]byte(abs))
			c.DataDir = filepath.Join(os.TempDir(), "modelward-pg-"+hex.EncodeToString(sum[:6]), filepath.Base(abs))
		}
	}
	return c, nil
}

// Binary returns the path of one of PostgreSQL's programs (pg_dump,
// pg_restore…) from the same installation the clusters use.
func Binary(name string) (string, error) {
	dir, err := findBinaries()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, name), nil
}

// findBinaries looks for pg_ctl on PATH, then in Debian's versioned
// directories, newest first.
func findBinaries() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			// Follow a link to the installation's own directory, which
			// holds the other programs (pg_dump, pg_restore) too.
			if real, err := filepath.EvalSymlinks(p); err == nil {
				p = real
			}
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", ErrNoPostgres
}

// reachableByOthers reports whether every directory from / down to dir may
// be entered by a user who is neither its owner nor in its group.
func reachableByOthers(dir string) bool {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return false
		}
		// A directory still to be made is made enterable by initdb below.
		if err == nil && fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...) // #nosec G204 -- PostgreSQL's own programs from the OS's directory, with the cluster's paths and options
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "TZ=UTC")
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
		cmd.Dir = "/"
	}
	return cmd
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	cmd := c.command(ctx, name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

// Start creates the cluster when it does not exist yet and starts it, or
// finds it already running. It returns once the server accepts connections.
func (c *Cluster) Start(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(c.DataDir, "PG_VERSION")); err != nil {
		if err := c.initdb(ctx); err != nil {
			return err
		}
	}
	if port, ok := c.runningPort(ctx); ok {
		c.Port = port
		return nil
	}
	// A restarted cluster keeps its port when it can, so that clients
	// holding its URL find it again.
	port := c.Port
	if port == 0 || !portFree(port) {
		var err error
		if port, err = freePort(); err != nil {
			return err
		}
	}
	c.Port = port
	return c.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", c.DataDir,
		"-l", filepath.Join(c.DataDir, "server.log"),
		"-o", fmt.Sprintf("-p %d", port))
}

func (c *Cluster) initdb(ctx context.Context) error {
	if err := c.makeDataDir(); err != nil {
		return err
	}
	if err := c.run(ctx, "initdb", "-D", c.DataDir, "-U", Superuser, "--auth=trust",
		"--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"); err != nil {
		return err
	}
	// Loopback TCP only: no Unix socket, whose path length and directory
	// permissions vary from machine to machine.
	conf := "\n# modelward private cluster\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 200\ntimezone = 'UTC'\n"
	if c.fast {
		conf += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
	}
	f, err := os.OpenFile(filepath.Join(c.DataDir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(conf); err != nil {
		return errors.Join(err, f.Close())
	}
	return f.Close()
}

// makeDataDir makes the empty data directory, owned by the cluster's user.
func (c *Cluster) makeDataDir() error {
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return err
	}
	// Parents made here must be enterable by the cluster's user.
	for d := filepath.Dir(c.DataDir); strings.Contains(d, "modelward-pg-") || filepath.Base(d) == ".data"; d = filepath.Dir(d) {
		_ = os.Chmod(d, 0o755) // #nosec G302 -- directories the cluster's user must enter; the data directory itself is 0700
	}
	if c.cred != nil {
		if err := os.Chown(c.DataDir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return err
		}
	}
	return os.Chmod(c.DataDir, 0o700) // #nosec G302 -- a directory: 0700 is owner-only, what PostgreSQL requires
}

// runningPort reads the port of a server already running on this data
// directory from its postmaster.pid.
func (c *Cluster) runningPort(ctx context.Context) (int, bool) {
	if err := c.run(ctx, "pg_ctl", "status", "-D", c.DataDir); err != nil {
		return 0, false
	}
	b, err := os.ReadFile(filepath.Join(c.DataDir, "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 4 {
		return 0, false
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	return port, err == nil
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	return l.Close() == nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Stop shuts the cluster down, letting running transactions roll back;
// a cluster not running is left as it is.
func (c *Cluster) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, running := c.runningPort(ctx); !running {
		return nil // stopped already, or killed
	}
	return c.run(ctx, "pg_ctl", "stop", "-w", "-m", "fast", "-D", c.DataDir)
}

// Remove deletes the cluster's files; the cluster must be stopped. A
// cluster kept in a directory of its own for want of access (as root, see
// New) goes with that directory.
func (c *Cluster) Remove() error {
	if dir := filepath.Dir(c.DataDir); strings.HasPrefix(filepath.Base(dir), "modelward-pg-") {
		return os.RemoveAll(dir)
	}
	return os.RemoveAll(c.DataDir)
}

// URL is the connection URL of database db in the running cluster.
func (c *Cluster) URL(db string) string { return c.URLAs(Superuser, db) }

// URLAs is the URL of database db as role user (the cluster trusts
// loopback connections: no password).
func (c *Cluster) URLAs(user, db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(user),
		Host:     fmt.Sprintf("127.0.0.1:%d", c.Port),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// NewStandby makes a streaming standby of the running cluster c in dir,
// from a base backup (pg_basebackup -R: it follows c from where the backup
// ends), unless dir holds one already. Nothing is started until Start.
func (c *Cluster) NewStandby(ctx context.Context, dir string) (*Cluster, error) {
	s, err := New(dir, Options{Fast: c.fast})
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(s.DataDir, "PG_VERSION")); err == nil {
		return s, nil
	}
	if err := s.makeDataDir(); err != nil {
		return nil, err
	}
	if err := c.run(ctx, "pg_basebackup", "-D", s.DataDir, "-h", "127.0.0.1", "-p", strconv.Itoa(c.Port),
		"-U", Superuser, "-X", "stream", "-c", "fast", "-R"); err != nil {
		return nil, errors.Join(err, os.RemoveAll(s.DataDir))
	}
	// The backup carries the primary's settings: promoted, the standby
	// runs alone until another joins, and must not wait for one at each
	// commit (WaitForStandby).
	f, err := os.OpenFile(filepath.Join(s.DataDir, "postgresql.auto.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString("synchronous_standby_names = ''\n"); err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return s, f.Close()
}

// Standby reports whether the cluster is a standby still (it has not been
// promoted).
func (c *Cluster) Standby() bool {
	_, err := os.Stat(filepath.Join(c.DataDir, "standby.signal"))
	return err == nil
}

// Promote makes a standby the primary and waits until it takes writes.
func (c *Cluster) Promote(ctx context.Context) error {
	return c.run(ctx, "pg_ctl", "promote", "-w", "-t", "60", "-D", c.DataDir)
}

// Kill ends the cluster's server at once with SIGKILL, as a machine that
// fails would: nothing is flushed or shut down in order.
func (c *Cluster) Kill() error {
	b, err := os.ReadFile(filepath.Join(c.DataDir, "postmaster.pid"))
	if err != nil {
		return err
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 1 {
		return fmt.Errorf("postmaster.pid: no process id in %q", first)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return fmt.Errorf("kill postmaster %d: %w", pid, err)
	}
	// The server's own processes notice their postmaster is gone and end;
	// wait for them, so that the port and the data are free again.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if syscall.Kill(pid, 0) != nil && portFree(c.Port) {
			return nil
		}
	}
	return fmt.Errorf("postmaster %d still running after SIGKILL", pid)
}

// WaitForStandby makes the running primary c wait, at every commit, until
// a standby has the commit on disk (synchronous_standby_names = '*',
// synchronous_commit = on): a commit acknowledged to a client then
// survives the primary's loss. Until a standby connects, commits wait.
func (c *Cluster) WaitForStandby(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, sql := range []string{
		`ALTER SYSTEM SET synchronous_standby_names = '*'`,
		`ALTER SYSTEM SET synchronous_commit = 'on'`,
		`SELECT pg_reload_conf()`,
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			return fmt.Errorf("%s: %w", sql, err)
		}
	}
	return nil
}
