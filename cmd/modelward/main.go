// Command modelward is the model ward police portal: one binary that
// migrates its database, loads demo data and serves the portal.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"modelward/internal/assess"
	"modelward/internal/mail"
	"modelward/internal/preview"
	"modelward/internal/seed"
	"modelward/internal/server"
	"modelward/internal/signing"
	"modelward/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "modelward:", err)
		os.Exit(1)
	}
}

const usage = `usage: modelward <command> [flags]

commands:
  serve          serve the portal on ADDR (default :8080) from DATABASE_URL
  migrate        apply pending database migrations to DATABASE_URL
  seed --demo    load the demo units, catalogues, users and assessments
  dev            the one-command local run: a private database under .data/,
                 migrations, demo data and the portal on ADDR;
                 --replicas 1: a primary, a streaming standby, two copies of
                 the portal and haproxy in front (make cluster)
  user           add --username U --role ROLE --unit CODE | passwd U | disable U
                 (passwords on standard input)
  units          import --units FILE [--successors FILE] [--dry-run]: official lists
  audit          verify: recompute the audit log's hash chain, say where it breaks
  factor         reseal: seal the second factors' secrets with FACTOR_KEY's first key
  gen            --wards N --years Y [--seed S]: a synthetic country for load tests
  bench          [--wards N --years Y --load-wards N --out FILE --strict]: measure the portal against its targets

environment:
  DATABASE_URL   PostgreSQL URL, e.g. postgres://user:pass@localhost/modelward;
                 several hosts for failover: postgres://u:p@db1,db2/modelward?target_session_attrs=read-write
  ADDR           listen address, default :8080
  DATABASE_READ_URL  optional hot standby for dashboards, exports and public pages
  MAX_REPLICA_LAG    how far behind the standby may be and still serve, default 10s
  FACTOR_KEY     keys sealing second-factor secrets: 32 bytes in base64, newest first
  SECURE_COOKIES true when the portal is reached over TLS (directly or via a proxy)
  TRUSTED_PROXIES    proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client
  BASE_URL       the portal's address as users reach it, for links in mail and the feed
  SMTP_URL       smtp://user:pass@host:port or smtps://…: send notices by mail (needs BASE_URL)
  MAIL_FROM      the address mail is sent from
  MFA_ROLES      roles that must use a second factor, default admin,ministry
  SESSION_IDLE   a session unused this long ends, default 15m
  ADMIN_SESSION_IDLE  an admin's, default 5m
  METRICS_TOKEN  bearer token a scraper sends for /metrics

docs/running.md says more of each.
`

// run is main without the process around it, so that tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	cmd, args := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, args, getenv, log)
	case "migrate":
		return cmdMigrate(ctx, args, getenv, stdout)
	case "seed":
		return cmdSeed(ctx, args, getenv, stdout)
	case "dev":
		return cmdDev(ctx, args, getenv, stdout, log)
	case "user":
		return cmdUser(ctx, args, getenv, stdin, stdout)
	case "units":
		return cmdUnits(ctx, args, getenv, stdout)
	case "audit":
		return cmdAudit(ctx, args, getenv, stdout)
	case "factor":
		return cmdFactor(ctx, args, getenv, stdout)
	case "gen":
		return cmdGen(ctx, args, getenv, stdout)
	case "bench":
		return cmdBench(ctx, args, getenv, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func databaseURL(getenv func(string) string) (string, error) {
	url := getenv("DATABASE_URL")
	if url == "" {
		return "", errors.New("DATABASE_URL is not set: give the PostgreSQL URL, e.g. postgres://user:pass@localhost/modelward")
	}
	return url, nil
}

// openStore opens the store at DATABASE_URL, sealing and opening the
// second factors' secrets with FACTOR_KEY: the one way every command
// reaches the database (migrate, which runs as the tables' owner and only
// migrates, aside).
func openStore(ctx context.Context, getenv func(string) string) (*store.Store, error) {
	url, err := databaseURL(getenv)
	if err != nil {
		return nil, err
	}
	keys, err := store.ParseFactorKeys(getenv("FACTOR_KEY"))
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	st.FactorKeys = keys
	return st, nil
}

func addr(getenv func(string) string) string {
	if a := getenv("ADDR"); a != "" {
		return a
	}
	return ":8080"
}

func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if err := flag.NewFlagSet("migrate", flag.ContinueOnError).Parse(args); err != nil {
		return err
	}
	url, err := databaseURL(getenv)
	if err != nil {
		return err
	}
	return migrate(ctx, url, stdout)
}

func migrate(ctx context.Context, url string, stdout io.Writer) error {
	applied, err := store.Migrate(ctx, url)
	if err != nil {
		return err
	}
	for _, m := range applied {
		fmt.Fprintln(stdout, "applied", m)
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "database is up to date")
	}
	return nil
}

func cmdSeed(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "load the demo data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*demo {
		return errors.New("seed: say what to load: --demo")
	}
	st, err := openStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	return seedDemo(ctx, st, demoKeyPath(getenv, ".data"), getenv("SIGNING_KEY_PASSWORD"), stdout)
}

// demoKeyPath is where the demo's signing key is: SIGNING_KEY, else a
// demo key in the data directory dir.
func demoKeyPath(getenv func(string) string, dir string) string {
	if p := getenv("SIGNING_KEY"); p != "" {
		return p
	}
	return filepath.Join(dir, "demo-signing-key.pem")
}

// seedDemo loads the demo, its decisions signed by the key at keyPath (a
// demo key under a demo authority, made there when missing; keyPassword
// opens a PKCS#12 file).
func seedDemo(ctx context.Context, st *store.Store, keyPath, keyPassword string, stdout io.Writer) error {
	d, err := seed.Demo(time.Now())
	if err != nil {
		return err
	}
	if _, err := signing.MakeDemo(keyPath, "Bộ Công an", time.Now()); err != nil {
		return err
	}
	if d.Signer, err = signing.Load(keyPath, keyPassword); err != nil {
		return err
	}
	if err := seed.Load(ctx, st, d); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "demo data loaded")
	return nil
}

func cmdServe(ctx context.Context, args []string, getenv func(string) string, log *slog.Logger) error {
	if err := flag.NewFlagSet("serve", flag.ContinueOnError).Parse(args); err != nil {
		return err
	}
	st, err := openStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	if len(st.FactorKeys) == 0 {
		log.Warn("FACTOR_KEY is not set: second factors' secrets are kept unsealed in the database (SECURITY.md, \"How the controls work\")")
	}
	if read := getenv("DATABASE_READ_URL"); read != "" {
		maxLag := store.DefaultMaxReplicaLag
		if v := getenv("MAX_REPLICA_LAG"); v != "" {
			if maxLag, err = time.ParseDuration(v); err != nil || maxLag < 0 {
				return fmt.Errorf("MAX_REPLICA_LAG: %q is not a duration such as 10s", v)
			}
		}
		if err := st.UseReadReplica(ctx, read, maxLag); err != nil {
			return err
		}
	}
	l, err := net.Listen("tcp", addr(getenv))
	if err != nil {
		return err
	}
	proxies, err := trustedProxies(getenv)
	if err != nil {
		return err
	}
	factorRoles, err := factorRoles(getenv)
	if err != nil {
		return err
	}
	cfg := server.Config{Store: st, Logger: log, SecureCookies: getenv("SECURE_COOKIES") == "true", TrustedProxies: proxies,
		MetricsToken: getenv("METRICS_TOKEN"), FactorRoles: factorRoles, BaseURL: getenv("BASE_URL")}
	if path := getenv("SIGNING_KEY"); path != "" {
		if cfg.Signer, err = signing.Load(path, getenv("SIGNING_KEY_PASSWORD")); err != nil {
			return err
		}
	}
	var sender *mail.Sender
	if u := getenv("SMTP_URL"); u != "" {
		if cfg.BaseURL == "" {
			return errors.New("BASE_URL: give the portal's address (https://…) for the links in mail")
		}
		if sender, err = mail.NewSender(u, getenv("MAIL_FROM")); err != nil {
			return err
		}
	}
	for name, d := range map[string]*time.Duration{"SESSION_IDLE": &cfg.IdleTimeout, "ADMIN_SESSION_IDLE": &cfg.AdminIdleTimeout} {
		if v := getenv(name); v != "" {
			if *d, err = time.ParseDuration(v); err != nil || *d <= 0 {
				return fmt.Errorf("%s: %q is not a duration such as 15m", name, v)
			}
		}
	}
	return serve(ctx, l, cfg, sender)
}

// factorRoles reads MFA_ROLES: the roles that must sign in with a second
// factor, separated by commas, or "none"; unset means admin and ministry.
func factorRoles(getenv func(string) string) ([]assess.Role, error) {
	v := strings.TrimSpace(getenv("MFA_ROLES"))
	switch v {
	case "":
		return nil, nil
	case "none":
		return []assess.Role{}, nil
	}
	var roles []assess.Role
	for _, f := range strings.Split(v, ",") {
		role := assess.Role(strings.TrimSpace(f))
		if !slices.Contains(assess.Roles, role) {
			return nil, fmt.Errorf("MFA_ROLES: %q is not a role (ward_officer, reviewer, ministry, admin) nor \"none\"", f)
		}
		roles = append(roles, role)
	}
	return roles, nil
}

// trustedProxies reads TRUSTED_PROXIES: addresses or CIDR ranges of the
// reverse proxies in front of the portal, separated by commas.
func trustedProxies(getenv func(string) string) ([]netip.Prefix, error) {
	var list []netip.Prefix
	for _, f := range strings.Split(getenv("TRUSTED_PROXIES"), ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if a, err := netip.ParseAddr(f); err == nil {
			list = append(list, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES: %q is neither an address nor a CIDR range", f)
		}
		list = append(list, p.Masked())
	}
	return list, nil
}

// serve serves the portal configured by cfg on l, with its background
// work (sweeps, pictures, and mail when sender is not nil), until ctx is
// done, then lets requests in flight finish for a grace period.
func serve(ctx context.Context, l net.Listener, cfg server.Config, sender *mail.Sender) error {
	st, log := cfg.Store, cfg.Logger
	demo, err := st.HasDemo(ctx)
	if err != nil {
		log.Warn("could not tell whether demo data is loaded", "err", err)
	}
	if may, err := st.MayRewriteAudit(ctx); err == nil && may {
		log.Warn("the portal's database role may change or remove audit entries: run it as a member of " + store.RuntimeRole + " (SECURITY.md, \"How the controls work\")")
	}
	cfg.Demo, cfg.SessionCleanup = demo, 5*time.Minute
	portal := server.New(cfg)
	srv := &http.Server{
		Handler:           portal.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		// Evidence uploads from phones on slow lines take a while.
		ReadTimeout:  5 * time.Minute,
		WriteTimeout: 5 * time.Minute,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if demo {
		// The demo's published accounts stay open, however long the demo
		// sits unused.
		log.Info("demo data: accounts unused for 45 days stay enabled")
	} else {
		go every(ctx, time.Hour, sweepAccounts(ctx, st, log, time.Now))
	}
	go every(ctx, time.Hour, sweepDeadlines(ctx, st, log, time.Now))
	// Evidence's pictures are drawn here, one file at a time, each in a
	// child process under hard limits; pages only show what is kept.
	go every(ctx, 2*time.Second, drawPreviews(ctx, preview.Worker{Store: st, Now: time.Now, Log: log}, log))
	if sender != nil {
		w := mail.Worker{Store: st, Send: sender.Send, Render: mail.Notices(cfg.BaseURL), Now: time.Now, Log: log, Counts: portal.MailCounts()}
		go w.Run(ctx, 5*time.Second)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	log.Info("serving", "addr", l.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
