package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"

	"modelward/internal/localcluster"
	"modelward/internal/pgcluster"
	"modelward/internal/seed"
	"modelward/internal/server"
	"modelward/internal/signing"
	"modelward/internal/store"
)

// cmdDev is the one-command local run: a private PostgreSQL cluster under
// .data/ (unless DATABASE_URL names a database), migrations, the demo data
// and the portal. Ctrl-C stops the portal, then the cluster; the data stays
// for the next run.
func cmdDev(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	dir := fs.String("data", ".data/pg", "where the private cluster keeps its files")
	replicas := fs.Int("replicas", 0, "streaming standbys: with one or more, two copies of the portal behind haproxy (make cluster)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *replicas < 0 || *replicas > 3 {
		return fmt.Errorf("dev --replicas %d: give 0 to 3 standbys", *replicas)
	}
	if *replicas > 0 {
		return devCluster(ctx, *dir, *replicas, getenv, stdout)
	}
	return devSingle(ctx, *dir, getenv, stdout, log)
}

// devCluster is `dev --replicas N`: production's shape on loopback
// (localcluster), with the demo loaded on its primary.
func devCluster(ctx context.Context, dir string, replicas int, getenv func(string) string, stdout io.Writer) error {
	if getenv("DATABASE_URL") != "" {
		return errors.New("dev --replicas makes its own primary and standbys: unset DATABASE_URL")
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	listen := getenv("ADDR")
	if listen == "" {
		listen = "127.0.0.1:8080"
	}
	return localcluster.Run(ctx, localcluster.Options{
		Dir: dir, Replicas: replicas, Listen: listen, Executable: exe, Stdout: stdout,
		Prepare: func(ctx context.Context, primary *pgcluster.Cluster) (string, error) {
			if err := prepareCluster(ctx, primary); err != nil {
				return "", err
			}
			return devRuntimeUser, migrateAndSeed(ctx, primary.URL(localcluster.Database), demoKeyPath(getenv, dir), getenv("SIGNING_KEY_PASSWORD"), stdout)
		},
		Started: func(addr net.Addr, dataDir string) { fmt.Fprint(stdout, banner(addr, dataDir)) },
	})
}

// devSingle is `dev`: one portal on one private cluster, or on the
// database DATABASE_URL names.
func devSingle(ctx context.Context, dir string, getenv func(string) string, stdout io.Writer, log *slog.Logger) (err error) {
	url := getenv("DATABASE_URL")
	runtimeURL := url
	where := "the database at DATABASE_URL"
	if url == "" {
		cluster, err := pgcluster.New(dir, pgcluster.Options{})
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, "starting the private PostgreSQL cluster in", cluster.DataDir)
		if err := cluster.Start(ctx); err != nil {
			return err
		}
		defer func() {
			fmt.Fprintln(stdout, "stopping the private PostgreSQL cluster")
			if stopErr := cluster.Stop(); stopErr != nil && err == nil {
				err = stopErr
			}
		}()
		if err := prepareCluster(ctx, cluster); err != nil {
			return err
		}
		url = cluster.URL(localcluster.Database)
		runtimeURL = cluster.URLAs(devRuntimeUser, localcluster.Database)
		where = cluster.DataDir
	}
	keyPath := demoKeyPath(getenv, dir)
	if err := migrateAndSeed(ctx, url, keyPath, getenv("SIGNING_KEY_PASSWORD"), stdout); err != nil {
		return err
	}
	signer, err := signing.Load(keyPath, getenv("SIGNING_KEY_PASSWORD"))
	if err != nil {
		return err
	}
	keys, err := store.ParseFactorKeys(getenv("FACTOR_KEY"))
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, runtimeURL)
	if err != nil {
		return err
	}
	defer st.Close()
	st.FactorKeys = keys
	l, err := net.Listen("tcp", addr(getenv))
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, banner(l.Addr(), where))
	return serve(ctx, l, server.Config{Store: st, Logger: log, SecureCookies: getenv("SECURE_COOKIES") == "true", Signer: signer}, nil)
}

// prepareCluster makes the database "modelward" in a private cluster, and
// the runtime role: the portal runs as it, as in production; the
// migrations and the demo data as the owner.
func prepareCluster(ctx context.Context, c *pgcluster.Cluster) error {
	if err := createDatabase(ctx, c.URL("postgres"), localcluster.Database); err != nil {
		return err
	}
	return store.CreateRuntimeRole(ctx, c.URL("postgres"), devRuntimeUser)
}

// migrateAndSeed migrates the database at ownerURL and loads the demo.
func migrateAndSeed(ctx context.Context, ownerURL, keyPath, keyPassword string, stdout io.Writer) error {
	if err := migrate(ctx, ownerURL, stdout); err != nil {
		return err
	}
	owner, err := store.Open(ctx, ownerURL)
	if err != nil {
		return err
	}
	defer owner.Close()
	return seedDemo(ctx, owner, keyPath, keyPassword, stdout)
}

// devRuntimeUser is the login role the private cluster's portal runs as.
const devRuntimeUser = "modelward_web"

// createDatabase creates database name unless it exists.
func createDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

func banner(a net.Addr, where string) string {
	port := a.String()
	if tcp, ok := a.(*net.TCPAddr); ok {
		port = fmt.Sprint(tcp.Port)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nmodelward is running: http://localhost:%s\n\ndemo sign-ins (password %s):\n", port, seed.DemoPassword)
	for _, u := range seed.DemoUsers {
		fmt.Fprintf(&b, "  %-9s %-13s unit %s", u.Username, u.Role, u.UnitCode)
		if u.FactorSecret != "" {
			b.WriteString("  + authenticator code")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\nadmin and bocongan also give a code from an authenticator app (TOTP):\nadd the secret %s to it (demo only).\n", seed.DemoFactorSecret)
	fmt.Fprintf(&b, "\nCtrl-C stops the portal and the database; the data stays in %s.\n", where)
	return b.String()
}
