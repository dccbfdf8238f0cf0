package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime/pprof"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
	"modelward/internal/bench"
	"modelward/internal/pgcluster"
	"modelward/internal/seed"
	"modelward/internal/store"
	"modelward/internal/units"
)

// cmdBench generates a country in two fresh databases (the national size
// and about 100 wards), measures the portal against its targets, prints a
// table and writes the results as JSON. It exits 0 even when a target is
// missed: the ok fields say so.
func cmdBench(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	wards := fs.Int("wards", 10000, "wards in the country measured")
	years := fs.Int("years", 5, "years of assessments")
	out := fs.String("out", "bench.json", "where to write the JSON results")
	duration := fs.Duration("duration", 5*time.Second, "length of each throughput run")
	clients := fs.Int("concurrency", 32, "concurrent clients")
	// Every ward in the country with an officer opening a page every 25 s,
	// all at once: a generous national peak.
	peakRate := fs.Float64("peak-rate", 400, "ward pages a second at which the ward page's p99 is measured")
	dir := fs.String("data", ".data/bench", "where the private cluster keeps its files")
	reuse := fs.Bool("reuse", false, "measure the countries a previous run generated, when they are there")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the measurements (server and clients) to this file")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	admin := getenv("DATABASE_URL")
	if admin == "" {
		cluster, err := pgcluster.New(*dir, pgcluster.Options{})
		if err != nil {
			return err
		}
		if err := cluster.Start(ctx); err != nil {
			return err
		}
		defer func() {
			if stopErr := cluster.Stop(); stopErr != nil && err == nil {
				err = stopErr
			}
		}()
		admin = cluster.URL("postgres")
	}
	urls := map[string]string{}
	for name, n := range map[string]int{"modelward_bench_big": *wards, "modelward_bench_small": 100} {
		if *reuse {
			if dbURL, ok := generatedDatabase(ctx, admin, name); ok {
				fmt.Fprintf(stdout, "reusing %s\n", name)
				urls[name] = dbURL
				continue
			}
		}
		dbURL, err := freshDatabase(ctx, admin, name)
		if err != nil {
			return err
		}
		if _, err := store.Migrate(ctx, dbURL); err != nil {
			return err
		}
		st, err := store.Open(ctx, dbURL)
		if err != nil {
			return err
		}
		start := time.Now()
		err = generate(ctx, st, n, *years, 1)
		st.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "generated %d wards × %d years in %s\n", n, *years, time.Since(start).Round(time.Millisecond))
		urls[name] = dbURL
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	results, err := bench.Run(ctx, bench.Config{
		BigURL: urls["modelward_bench_big"], SmallURL: urls["modelward_bench_small"], Year: lastYear,
		Duration: *duration, Concurrency: *clients, Repeats: 9, PeakRate: *peakRate, Log: stdout,
	})
	if err != nil {
		return err
	}
	// The real tree: the import timed, then the programme loaded on it and
	// the pages measured.
	treeURL, took, err := timeTreeImport(ctx, admin)
	if err != nil {
		return err
	}
	results = append(results, bench.Result{Name: "units_import_time", Value: float64(took.Milliseconds()), Unit: "ms",
		Target: "< 10 s, 15,315 units + 11,315 links", OK: took < 10*time.Second})
	if err := programmeOnTree(ctx, treeURL, stdout); err != nil {
		return err
	}
	real, err := bench.RunRealTree(ctx, bench.Config{BigURL: treeURL, Year: lastYear,
		Duration: *duration, Concurrency: *clients, Repeats: 9, PeakRate: *peakRate, Log: stdout})
	if err != nil {
		return err
	}
	results = append(results, real...)
	fmt.Fprintln(stdout)
	bench.Table(stdout, results)
	b, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nresults written to", *out)
	return nil
}

// freshDatabase drops and creates database name on the server of adminURL
// and returns its URL.
func freshDatabase(ctx context.Context, adminURL, name string) (string, error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	id := pgx.Identifier{name}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+id+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+id); err != nil {
		return "", err
	}
	return databaseURLFor(adminURL, name)
}

// databaseURLFor is adminURL pointing at database name instead.
func databaseURLFor(adminURL, name string) (string, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// generatedDatabase returns the URL of database name when a previous run
// generated a country in it.
func generatedDatabase(ctx context.Context, adminURL, name string) (string, bool) {
	dbURL, err := databaseURLFor(adminURL, name)
	if err != nil {
		return "", false
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return "", false
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM assessments WHERE year = $1`, lastYear).Scan(&n); err != nil || n == 0 {
		return "", false
	}
	return dbURL, true
}

// timeTreeImport loads the official tree (data/vn) into an empty database
// as `units import` does, and returns the database and how long planning
// and writing took.
func timeTreeImport(ctx context.Context, adminURL string) (string, time.Duration, error) {
	dbURL, err := freshDatabase(ctx, adminURL, "modelward_bench_tree")
	if err != nil {
		return "", 0, err
	}
	took, err := importTree(ctx, dbURL)
	return dbURL, took, err
}

func importTree(ctx context.Context, dbURL string) (time.Duration, error) {
	if _, err := store.Migrate(ctx, dbURL); err != nil {
		return 0, err
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	unitsCSV, successorsCSV, err := seed.Tree()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	tree, links, err := st.UnitTree(ctx)
	if err != nil {
		return 0, err
	}
	plan, successors := units.PlanImport(tree, links, bytes.NewReader(unitsCSV), bytes.NewReader(successorsCSV))
	if !plan.OK() || !successors.OK() {
		return 0, fmt.Errorf("the official tree has %d problems", len(plan.Problems)+len(successors.Problems))
	}
	if _, err := st.ApplyImport(ctx, assess.Actor{}, plan, successors); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// programmeOnTree registers every ward of the real tree in force at the
// end of the benchmark's year and loads generated assessments for them.
func programmeOnTree(ctx context.Context, dbURL string, stdout io.Writer) error {
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	catalogue, err := seed.Criteria2024()
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := st.LoadProgramme(ctx, 1, lastYear, catalogue)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "real tree: %d wards registered and assessed for %d in %s\n", n, lastYear, time.Since(start).Round(time.Millisecond))
	return nil
}
