// Package bench measures the portal against its targets on a synthetic
// country: it serves the real router on loopback, drives it with concurrent
// signed-in clients, and measures each page against a baseline taken in the
// same run (a minimal signed-in page, PostgreSQL alone, COPY).
package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
	"modelward/internal/server"
	"modelward/internal/store"
)

// Config says where and how long to measure.
type Config struct {
	// BigURL holds the country measured; SmallURL a country of about 100
	// wards, for the ward page's growth check. Both are generated already.
	BigURL   string
	SmallURL string
	Year     int
	// Duration of each throughput run, and the clients in it.
	Duration    time.Duration
	Concurrency int
	// Repeats of each latency measurement.
	Repeats int
	// PeakRate is the national peak of ward pages a second, at which the
	// ward page's p99 is measured.
	PeakRate float64
	Log      io.Writer
}

// Result is one target, as the JSON output lists it.
type Result struct {
	Name     string  `json:"name"`
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	Baseline float64 `json:"baseline"`
	Ratio    float64 `json:"ratio"`
	Target   string  `json:"target"`
	OK       bool    `json:"ok"`
}

// queryCounter counts the queries the portal sends.
type queryCounter struct{ n atomic.Int64 }

func (q *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	q.n.Add(1)
	return ctx
}

func (q *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

const password = "benchmark-password"

// portal is a served portal with its store.
type portal struct {
	st      *store.Store
	srv     *httptest.Server
	queries *queryCounter
}

func open(ctx context.Context, url string) (*portal, error) {
	q := &queryCounter{}
	st, err := store.OpenTraced(ctx, url, q)
	if err != nil {
		return nil, err
	}
	// Each run signs its users in afresh: the sessions earlier runs left
	// (with --reuse) would lengthen /me's list of sessions, the baseline.
	err = st.Transact(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			WITH gone AS (DELETE FROM user_sessions WHERE user_id IN (SELECT id FROM users WHERE username LIKE 'bench-%') RETURNING token)
			DELETE FROM sessions WHERE token IN (SELECT token FROM gone)`)
		return err
	})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("end the benchmark's earlier sessions: %w", err)
	}
	// The benchmark measures pages, not signing in: its users sign in
	// with a password alone.
	h := server.New(server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FactorRoles: []assess.Role{}}).Handler()
	return &portal{st: st, srv: httptest.NewServer(h), queries: q}, nil
}

func (p *portal) close() { p.srv.Close(); p.st.Close() }

// user makes (or finds) a user for the benchmark and signs a client in.
func (p *portal) client(ctx context.Context, username string, role assess.Role, unit string) (*http.Client, error) {
	hash, err := assess.HashPassword(password)
	if err != nil {
		return nil, err
	}
	if u, err := p.st.UserByUsername(ctx, username); err != nil {
		if _, err := p.st.CreateUser(ctx, assess.Actor{}, store.NewUser{Username: username, FullName: username, Role: string(role), UnitCode: unit, On: time.Now(), PasswordHash: hash}); err != nil {
			return nil, err
		}
		// As if the user had chosen it: an admin-set password opens only /me.
		err := p.st.Transact(ctx, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE users SET must_change_password = false WHERE username = $1`, username)
			return err
		})
		if err != nil {
			return nil, err
		}
	} else if u.UnitCode != unit {
		// A country measured again (--reuse) may have another ward in draft.
		err := p.st.Transact(ctx, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE users SET unit_id = (SELECT id FROM units WHERE code = $2 AND upper_inf(span)) WHERE username = $1`, username, unit)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 256},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(p.srv.URL+"/login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		return nil, err
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign in %s: %d", username, res.StatusCode)
	}
	return c, nil
}

func fetch(c *http.Client, method, u string, form url.Values) (int, int64, error) {
	var res *http.Response
	var err error
	if method == http.MethodPost {
		res, err = c.PostForm(u, form)
	} else {
		res, err = c.Get(u)
	}
	if err != nil {
		return 0, 0, err
	}
	n, err := io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode, n, err
}

// compressedSize fetches u as a browser does, accepting gzip, and returns
// the bytes on the wire and the page's own size.
func compressedSize(c *http.Client, u string) (wire, plain int64, err error) {
	raw := &http.Client{Jar: c.Jar, Timeout: c.Timeout, CheckRedirect: c.CheckRedirect,
		Transport: &http.Transport{DisableCompression: true}}
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := raw.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, 0, err
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
		return 0, 0, fmt.Errorf("%s: %d, Content-Encoding %q", u, res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	// The portal's own page, yet bounded all the same.
	n, err := io.Copy(io.Discard, io.LimitReader(zr, 256<<20))
	return int64(len(body)), n, err
}

// load is the outcome of a throughput run.
type load struct {
	rps      float64
	p50, p99 time.Duration
	errors   int
}

// throughput runs clients against do for d, closed loop (each client
// sends its next request when the last returns), and measures requests per
// second and latencies. do returns an error for a failed request.
func throughput(clients []*http.Client, d time.Duration, do func(c *http.Client, i int) error) load {
	deadline := time.Now().Add(d)
	var sent atomic.Int64
	lat, errs := drive(clients, func() (int, time.Time, bool) {
		now := time.Now()
		return int(sent.Add(1)), now, now.Before(deadline)
	}, do)
	return load{rps: float64(len(lat)) / d.Seconds(), p50: percentile(lat, 50), p99: percentile(lat, 99), errors: errs}
}

// atRate sends requests at a steady rate for d, open loop: request i is
// due at start + i/rate whatever happened to the ones before, and its
// latency counts from when it was due, so a slow server is charged for the
// requests waiting behind it. The clients are the workers: at most one
// request each at a time.
func atRate(clients []*http.Client, rate float64, d time.Duration, do func(c *http.Client, i int) error) load {
	start := time.Now()
	n := int(rate * d.Seconds())
	due := make(chan int, n)
	for i := range n {
		due <- i
	}
	close(due)
	lat, errs := drive(clients, func() (int, time.Time, bool) {
		i, ok := <-due
		at := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
		time.Sleep(time.Until(at))
		return i, at, ok
	}, do)
	return load{rps: float64(len(lat)) / time.Since(start).Seconds(), p50: percentile(lat, 50), p99: percentile(lat, 99), errors: errs}
}

// drive runs each client as a worker taking requests from next — a number
// and when it is due — until next says there are no more, and returns every
// latency, counted from when its request was due, and the failures. do gets
// client k's requests numbered k×1,000,000 + the request's number.
func drive(clients []*http.Client, next func() (int, time.Time, bool), do func(c *http.Client, i int) error) ([]time.Duration, int) {
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var wg sync.WaitGroup
	for k, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for {
				i, at, ok := next()
				if !ok {
					break
				}
				if err := do(c, k*1_000_000+i); err != nil {
					bad++
				}
				mine = append(mine, time.Since(at))
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	return lat, errs
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

// paired times a and b n times each, alternately, and returns both medians:
// whatever else the machine is doing then weighs on both alike.
func paired(n int, a, b func() error) (time.Duration, time.Duration, error) {
	var da, db []time.Duration
	for range n {
		for _, x := range []struct {
			f func() error
			d *[]time.Duration
		}{{a, &da}, {b, &db}} {
			start := time.Now()
			if err := x.f(); err != nil {
				return 0, 0, err
			}
			*x.d = append(*x.d, time.Since(start))
		}
	}
	return percentile(da, 50), percentile(db, 50), nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// peakHeap runs f while sampling the Go heap, and returns the highest
// sample: the server runs in this process, the clients barely allocate.
func peakHeap(f func() error) (uint64, error) {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse+m.StackInuse > peak.Load() {
				peak.Store(m.HeapInuse + m.StackInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	err := f()
	close(done)
	return peak.Load(), err
}

// Run measures every target.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	big, err := open(ctx, cfg.BigURL)
	if err != nil {
		return nil, err
	}
	defer big.close()
	small, err := open(ctx, cfg.SmallURL)
	if err != nil {
		return nil, err
	}
	defer small.close()
	y := fmt.Sprint(cfg.Year)

	// A ward in draft this year, for the officer's pages and saves.
	var ward string
	err = big.st.Transact(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT w.code FROM assessments a JOIN units w ON w.id = a.ward_id WHERE a.year = $1 AND a.state = 'draft' AND w.code LIKE 'P01%' ORDER BY w.code LIMIT 1`, cfg.Year).Scan(&ward)
	})
	if err != nil {
		return nil, fmt.Errorf("find a ward in draft: %w", err)
	}
	var smallWard string
	err = small.st.Transact(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT w.code FROM assessments a JOIN units w ON w.id = a.ward_id WHERE a.year = $1 AND w.code LIKE 'P01%' ORDER BY w.code LIMIT 1`, cfg.Year).Scan(&smallWard)
	})
	if err != nil {
		return nil, fmt.Errorf("find a small-country ward: %w", err)
	}
	var officers, smallOfficers []*http.Client
	for i := range cfg.Concurrency {
		c, err := big.client(ctx, "bench-officer", assess.WardOfficer, ward)
		if err != nil {
			return nil, err
		}
		officers = append(officers, c)
		c, err = small.client(ctx, "bench-officer", assess.WardOfficer, smallWard)
		if err != nil {
			return nil, err
		}
		smallOfficers = append(smallOfficers, c)
		_ = i
	}
	reviewer, err := big.client(ctx, "bench-reviewer", assess.Reviewer, "P01")
	if err != nil {
		return nil, err
	}
	ministry, err := big.client(ctx, "bench-ministry", assess.Ministry, "VN")
	if err != nil {
		return nil, err
	}
	get := func(u string) func(c *http.Client, _ int) error {
		return func(c *http.Client, _ int) error {
			status, _, err := fetch(c, http.MethodGet, u, nil)
			if err == nil && status != http.StatusOK {
				err = fmt.Errorf("%s: %d", u, status)
			}
			return err
		}
	}
	var results []Result
	add := func(r Result) {
		logf("%-40s %10.2f %-6s baseline %10.2f ratio %6.2f  %-24s %v", r.Name, r.Value, r.Unit, r.Baseline, r.Ratio, r.Target, r.OK)
		results = append(results, r)
	}

	// Ward page against the minimal signed-in page.
	minimal := throughput(officers, cfg.Duration, get(big.srv.URL+"/me"))
	wardURL := big.srv.URL + "/" + y + "/wards/" + ward
	wardLoad := throughput(officers, cfg.Duration, get(wardURL))
	if wardLoad.errors > 0 || minimal.errors > 0 {
		return nil, fmt.Errorf("ward page: %d errors, minimal page: %d errors", wardLoad.errors, minimal.errors)
	}
	add(Result{Name: "ward_page_throughput", Value: wardLoad.rps, Unit: "req/s", Baseline: minimal.rps,
		Ratio: ratio(wardLoad.rps, minimal.rps), Target: ">= 0.5 × minimal page", OK: wardLoad.rps >= 0.5*minimal.rps})
	// Latency is measured at the national peak rate, open loop. At
	// saturation (the run above) every client always has a request queued,
	// so latency is clients ÷ throughput by Little's law and measures the
	// queue, not the page; that figure is reported too.
	// Twice as long as the other runs: a p99 needs samples.
	peak := atRate(officers, cfg.PeakRate, 2*cfg.Duration, get(wardURL))
	if peak.errors > 0 {
		return nil, fmt.Errorf("ward page at %g/s: %d errors", cfg.PeakRate, peak.errors)
	}
	add(Result{Name: "ward_page_p99", Value: ms(peak.p99), Unit: "ms", Baseline: ms(peak.p50),
		Ratio: ratio(ms(peak.p99), ms(peak.p50)), Target: fmt.Sprintf("< 25 ms, %d clients, %g pages/s", cfg.Concurrency, cfg.PeakRate), OK: peak.p99 < 25*time.Millisecond})
	add(Result{Name: "ward_page_p99_saturated", Value: ms(wardLoad.p99), Unit: "ms", Baseline: ms(minimal.p99),
		Ratio: ratio(ms(wardLoad.p99), ms(minimal.p99)), Target: fmt.Sprintf("measured, %d clients flat out", cfg.Concurrency), OK: true})
	smallLoad := throughput(smallOfficers, cfg.Duration, get(small.srv.URL+"/"+y+"/wards/"+smallWard))
	add(Result{Name: "ward_page_growth", Value: ms(wardLoad.p50), Unit: "ms", Baseline: ms(smallLoad.p50),
		Ratio: ratio(ms(wardLoad.p50), ms(smallLoad.p50)), Target: "<= 1.2 × with 100 wards", OK: ms(wardLoad.p50) <= 1.2*ms(smallLoad.p50)})

	// Dashboards against PostgreSQL alone running the same queries.
	queries := map[string]float64{}
	for _, d := range []struct {
		name   string
		client *http.Client
		unit   string
		limit  time.Duration
	}{
		{"province_dashboard", reviewer, "P01", 0},
		{"national_dashboard", ministry, "VN", 300 * time.Millisecond},
	} {
		r, err := dashboardTime(ctx, big, d.client, cfg.Year, d.unit, d.limit, cfg.Repeats)
		if err != nil {
			return nil, err
		}
		r.Name = d.name + "_time"
		add(r)
		u := big.srv.URL + "/" + y + "/units/" + d.unit
		big.queries.n.Store(0)
		if err := get(u)(d.client, 0); err != nil {
			return nil, err
		}
		queries[d.name] = float64(big.queries.n.Load())
	}
	// Light on the wire: the bytes a browser receives, compressed.
	for _, pg := range []struct {
		name   string
		client *http.Client
		url    string
		limit  int64
	}{
		{"ward_page_size", officers[0], wardURL, 20 << 10},
		{"province_dashboard_size", reviewer, big.srv.URL + "/" + y + "/units/P01", 60 << 10},
	} {
		wire, plain, err := compressedSize(pg.client, pg.url)
		if err != nil {
			return nil, err
		}
		add(Result{Name: pg.name, Value: float64(wire) / 1024, Unit: "KB", Baseline: float64(plain) / 1024,
			Ratio: ratio(float64(wire), float64(plain)), Target: fmt.Sprintf("< %d KB gzip", pg.limit>>10), OK: wire < pg.limit})
	}

	// A dashboard costs the same number of queries whatever its size.
	pq, nq := queries["province_dashboard"], queries["national_dashboard"]
	add(Result{Name: "dashboard_queries", Value: nq, Unit: "queries", Baseline: pq, Ratio: ratio(nq, pq),
		Target: "national = province (no query per row)", OK: nq == pq})

	// Saving a result: each client saves its own criterion.
	versions := make([]int, cfg.Concurrency)
	a, err := big.st.Assessment(ctx, cfg.Year, ward)
	if err != nil {
		return nil, err
	}
	for k := range versions {
		versions[k] = a.Results[k%22+1].Version
	}
	var vmu sync.Mutex
	save := throughput(officers[:min(len(officers), 22)], cfg.Duration, func(c *http.Client, i int) error {
		k := i / 1_000_000
		vmu.Lock()
		v := versions[k]
		vmu.Unlock()
		status, _, err := fetch(c, http.MethodPost, fmt.Sprintf("%s/criteria/%d", wardURL, k%22+1),
			url.Values{"status": {"in_progress"}, "value": {""}, "note": {fmt.Sprintf("bench %d", i)}, "version": {fmt.Sprint(v)}})
		if err != nil {
			return err
		}
		if status != http.StatusSeeOther {
			return fmt.Errorf("save: %d", status)
		}
		vmu.Lock()
		versions[k]++
		vmu.Unlock()
		return nil
	})
	add(Result{Name: "save_result_p99", Value: ms(save.p99), Unit: "ms", Baseline: ms(minimal.p99), Ratio: ratio(ms(save.p99), ms(minimal.p99)),
		Target: "no errors", OK: save.errors == 0})

	// A province's spreadsheet round trip: dry run and import, for the
	// rows of its open wards; the target scales to 4,000 rows (200 wards
	// × 20 criteria) in 5 s.
	n, took, err := importSpreadsheet(reviewer, big.srv.URL+"/"+y+"/units/P01/results")
	if err != nil {
		return nil, fmt.Errorf("spreadsheet import: %w", err)
	}
	per4000 := ms(took) / float64(max(n, 1)) * 4000
	add(Result{Name: "spreadsheet_import_4000_rows", Value: per4000, Unit: "ms", Baseline: float64(n),
		Target: "< 5000 ms for 4,000 rows (baseline: rows applied)", OK: n > 0 && per4000 < 5000})

	// National exports against COPY of the same rows, taken in turn; the
	// server's heap is sampled during the first XLSX export.
	copyRows := func() error { return big.st.CopyWardStandings(ctx, cfg.Year, "VN", io.Discard) }
	for _, e := range []struct {
		ext    string
		factor float64
	}{{"csv", 1.5}, {"xlsx", 5}, {"pdf", 0}} {
		u := big.srv.URL + "/" + y + "/units/VN/summary." + e.ext
		export := func() error { return get(u)(ministry, 0) }
		var peak uint64
		if e.ext == "xlsx" {
			if peak, err = peakHeap(export); err != nil {
				return nil, err
			}
		}
		took, copyTime, err := paired(max(3, cfg.Repeats/2), export, copyRows)
		if err != nil {
			return nil, err
		}
		r := Result{Name: "national_" + e.ext, Value: ms(took), Unit: "ms", Baseline: ms(copyTime), Ratio: ratio(ms(took), ms(copyTime))}
		if e.factor > 0 {
			r.Target = fmt.Sprintf("<= %g × COPY", e.factor)
			r.OK = r.Ratio <= e.factor
		} else {
			r.Target, r.OK = "measured", true
		}
		add(r)
		if e.ext == "xlsx" {
			mb := float64(peak) / (1 << 20)
			add(Result{Name: "national_xlsx_peak_memory", Value: mb, Unit: "MB", Target: "< 150 MB", OK: mb < 150})
		}
	}
	return results, nil
}

// dashboardQueries runs, through the store, the queries the dashboard
// handler runs: PostgreSQL's share of a dashboard.
func dashboardQueries(ctx context.Context, st *store.Store, year int, unit string) error {
	if _, err := st.Catalogue(ctx, year); err != nil {
		return err
	}
	if _, err := st.Years(ctx); err != nil {
		return err
	}
	wards, err := st.WardStandings(ctx, year, unit)
	if err != nil {
		return err
	}
	path, err := st.UnitPath(ctx, year, unit)
	if err != nil {
		return err
	}
	if _, err := st.Children(ctx, year, path[len(path)-1].ID); err != nil {
		return err
	}
	if _, err := st.QuotaOf(ctx, year, path[len(path)-1]); err != nil {
		return err
	}
	// The handler looks up the previous year for one page of the table.
	codes := make([]string, 0, 200)
	for _, w := range wards[:min(len(wards), 200)] {
		codes = append(codes, w.Code)
	}
	_, err = st.PreviousStandings(ctx, year-1, codes)
	return err
}

// Table writes the results for people.
func Table(w io.Writer, results []Result) {
	fmt.Fprintf(w, "%-28s %12s %-8s %12s %8s  %-34s %s\n", "target", "value", "unit", "baseline", "ratio", "goal", "ok")
	fmt.Fprintln(w, strings.Repeat("-", 110))
	for _, r := range results {
		fmt.Fprintf(w, "%-28s %12.2f %-8s %12.2f %8.2f  %-34s %v\n", r.Name, r.Value, r.Unit, r.Baseline, r.Ratio, r.Target, r.OK)
	}
}

// dashboardTime times unit's dashboard served by p against PostgreSQL
// alone running its queries, in turn, repeats times (paired medians);
// limit, when set, bounds the served time too.
func dashboardTime(ctx context.Context, p *portal, c *http.Client, year int, unit string, limit time.Duration, repeats int) (Result, error) {
	u := fmt.Sprintf("%s/%d/units/%s", p.srv.URL, year, unit)
	server, alone, err := paired(repeats,
		func() error {
			status, _, err := fetch(c, http.MethodGet, u, nil)
			if err == nil && status != http.StatusOK {
				err = fmt.Errorf("%s: %d", u, status)
			}
			return err
		},
		func() error { return dashboardQueries(ctx, p.st, year, unit) })
	if err != nil {
		return Result{}, err
	}
	r := Result{Value: ms(server), Unit: "ms", Baseline: ms(alone), Ratio: ratio(ms(server), ms(alone)),
		Target: "<= 1.5 × PostgreSQL alone", OK: ms(server) <= 1.5*ms(alone)}
	if limit > 0 {
		r.Target += fmt.Sprintf(", < %d ms", limit.Milliseconds())
		r.OK = r.OK && server < limit
	}
	return r, nil
}

// RunRealTree measures the portal on the real tree (the official units of
// internal/seed/data/vn, with every ward in force at the end of cfg.Year
// registered and assessed, as gen.LoadProgramme loads them): the
// national and Hà Nội's dashboards against PostgreSQL alone, and the ward
// page's p99 at the national peak rate. cfg.BigURL names the database.
func RunRealTree(ctx context.Context, cfg Config) ([]Result, error) {
	p, err := open(ctx, cfg.BigURL)
	if err != nil {
		return nil, err
	}
	defer p.close()
	var ward string
	err = p.st.Transact(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT w.code FROM assessments a JOIN units w ON w.id = a.ward_id
			WHERE a.year = $1 AND a.state = 'draft' ORDER BY w.code LIMIT 1`, cfg.Year).Scan(&ward)
	})
	if err != nil {
		return nil, fmt.Errorf("find a ward in draft on the real tree: %w", err)
	}
	var officers []*http.Client
	for range cfg.Concurrency {
		c, err := p.client(ctx, "bench-officer", assess.WardOfficer, ward)
		if err != nil {
			return nil, err
		}
		officers = append(officers, c)
	}
	reviewer, err := p.client(ctx, "bench-reviewer", assess.Reviewer, "01")
	if err != nil {
		return nil, err
	}
	ministry, err := p.client(ctx, "bench-ministry", assess.Ministry, "VN")
	if err != nil {
		return nil, err
	}
	var results []Result
	for _, d := range []struct {
		name   string
		client *http.Client
		unit   string
		limit  time.Duration
	}{
		{"real_province_dashboard_time", reviewer, "01", 0},
		{"real_national_dashboard_time", ministry, "VN", 300 * time.Millisecond},
	} {
		r, err := dashboardTime(ctx, p, d.client, cfg.Year, d.unit, d.limit, cfg.Repeats)
		if err != nil {
			return nil, err
		}
		r.Name = d.name
		results = append(results, r)
	}
	wardURL := fmt.Sprintf("%s/%d/wards/%s", p.srv.URL, cfg.Year, ward)
	peak := atRate(officers, cfg.PeakRate, 2*cfg.Duration, func(c *http.Client, _ int) error {
		status, _, err := fetch(c, http.MethodGet, wardURL, nil)
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("%s: %d", wardURL, status)
		}
		return err
	})
	if peak.errors > 0 {
		return nil, fmt.Errorf("ward page on the real tree: %d errors", peak.errors)
	}
	results = append(results, Result{Name: "real_ward_page_p99", Value: ms(peak.p99), Unit: "ms", Baseline: ms(peak.p50),
		Ratio: ratio(ms(peak.p99), ms(peak.p50)), Target: fmt.Sprintf("< 25 ms, %g pages/s", cfg.PeakRate), OK: peak.p99 < 25*time.Millisecond})
	return results, nil
}
