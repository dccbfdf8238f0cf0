// Package bench measures the portal against its targets on a synthetic
// country and on the real tree: it serves the real router on loopback,
// signs in an officer for each of many wards, drives the pages with
// concurrent clients spread over those wards, and measures each page
// against a baseline taken in the same run and in turn with it (a minimal
// signed-in page, PostgreSQL alone, reading the same rows).
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
	"golang.org/x/crypto/bcrypt"

	"modelward/internal/assess"
	"modelward/internal/gen"
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
	// Duration of each load measured, taken in rounds of Round.
	Duration time.Duration
	Round    time.Duration
	// Concurrency is the requests in flight at once.
	Concurrency int
	// Wards is how many distinct wards in draft the load spreads over,
	// each requested by an officer of its own.
	Wards int
	// Repeats of each latency measurement.
	Repeats int
	// PeakRate is the national peak of ward pages a second, at which the
	// ward page's p99 is measured; SaveRate the saves a second at which a
	// save's p99 is.
	PeakRate float64
	SaveRate float64
	Log      io.Writer
}

// Result is one target, as the JSON output lists it. A bounded target is
// ok when it meets its bound; an informational one has none. Load targets
// say how many distinct wards and users their requests went to.
type Result struct {
	Name          string  `json:"name"`
	Value         float64 `json:"value"`
	Unit          string  `json:"unit"`
	Baseline      float64 `json:"baseline"`
	Ratio         float64 `json:"ratio"`
	Target        string  `json:"target"`
	OK            bool    `json:"ok"`
	Informational bool    `json:"informational,omitempty"`
	Wards         int     `json:"wards,omitempty"`
	Users         int     `json:"users,omitempty"`
}

// Missed names the bounded targets results miss.
func Missed(results []Result) []string {
	var missed []string
	for _, r := range results {
		if !r.Informational && !r.OK {
			missed = append(missed, r.Name)
		}
	}
	return missed
}

// Table writes the results for people.
func Table(w io.Writer, results []Result) {
	fmt.Fprintf(w, "%-30s %10s %-7s %10s %7s %6s %6s  %-40s %s\n", "target", "value", "unit", "baseline", "ratio", "wards", "users", "goal", "ok")
	fmt.Fprintln(w, strings.Repeat("-", 130))
	for _, r := range results {
		ok := fmt.Sprint(r.OK)
		if r.Informational {
			ok = "-"
		}
		fmt.Fprintf(w, "%-30s %10.2f %-7s %10.2f %7.2f %6s %6s  %-40s %s\n", r.Name, r.Value, r.Unit, r.Baseline, r.Ratio,
			count(r.Wards), count(r.Users), r.Target, ok)
	}
}

func count(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprint(n)
}

// queryCounter counts the queries the portal sends.
type queryCounter struct{ n atomic.Int64 }

func (q *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	q.n.Add(1)
	return ctx
}

func (q *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

const password = "benchmark-password"

// portal is a served portal with its store, and the benchmark's users.
type portal struct {
	st        *store.Store
	srv       *httptest.Server
	queries   *queryCounter
	transport *http.Transport
	// officers are signed in, one client each; crew[k] is an officer of
	// ward wards[k].
	officers []gen.Officer
	crew     []*http.Client
	staff    map[string]*http.Client
}

// open serves the portal of dbURL and signs in up to wards officers of
// distinct wards in draft in year, and staff: a reviewer of province and
// the Ministry.
func open(ctx context.Context, dbURL string, year, wards, workers int, province string) (*portal, error) {
	q := &queryCounter{}
	st, err := store.OpenTraced(ctx, dbURL, q)
	if err != nil {
		return nil, err
	}
	// The benchmark measures pages, not signing in: its users sign in
	// with a password alone, hashed at bcrypt's lowest cost so that a
	// thousand of them sign in within seconds.
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		st.Close()
		return nil, err
	}
	staff := []gen.BenchUser{{Username: "bench-reviewer", Role: string(assess.Reviewer), Unit: province},
		{Username: "bench-ministry", Role: string(assess.Ministry), Unit: "VN"}}
	officers, err := gen.BenchOfficers(ctx, st, year, string(assess.Draft), wards, string(hash), staff)
	if err != nil {
		st.Close()
		return nil, err
	}
	if len(officers) == 0 {
		st.Close()
		return nil, fmt.Errorf("no ward in draft in %d", year)
	}
	h := server.New(server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FactorRoles: []assess.Role{}}).Handler()
	p := &portal{st: st, srv: httptest.NewServer(h), queries: q, officers: officers,
		transport: &http.Transport{MaxIdleConnsPerHost: 512}, staff: map[string]*http.Client{}}
	p.crew = make([]*http.Client, len(officers))
	err = eachOnce(workers, len(officers), func(k int) error {
		c, err := p.signIn(officers[k].Username)
		p.crew[k] = c
		return err
	})
	for _, u := range staff {
		if err != nil {
			break
		}
		p.staff[u.Role], err = p.signIn(u.Username)
	}
	if err != nil {
		p.close()
		return nil, fmt.Errorf("sign in: %w", err)
	}
	return p, nil
}

func (p *portal) close() { p.srv.Close(); p.st.Close(); p.transport.CloseIdleConnections() }

// signIn signs username in on a client of its own (its own cookies) over
// the portal's shared connections.
func (p *portal) signIn(username string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second, Transport: p.transport,
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

// page is a target that sends request i to the page path(k) as officer
// k = i mod officers, counting the wards and officers it touched.
func (p *portal) page(path func(k int) string) (*target, *spread) {
	sp := newSpread(len(p.crew))
	return &target{do: func(i int) error {
		k := sp.hit(i)
		return get(p.crew[k], p.srv.URL+path(k))
	}}, sp
}

func (p *portal) wardPath(year int) func(k int) string {
	return func(k int) string { return fmt.Sprintf("/%d/wards/%s", year, p.officers[k].Ward) }
}

func get(c *http.Client, u string) error {
	status, _, err := fetch(c, http.MethodGet, u, nil)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("%s: %d", u, status)
	}
	return err
}

// fetch sends a request as a browser does, accepting gzip, and reads the
// response as it comes over the wire: unzipping it is the browser's work,
// on the browser's machine, not the portal's.
func fetch(c *http.Client, method, u string, form url.Values) (int, int64, error) {
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return 0, 0, err
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := c.Do(req)
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

// Run measures every target on the synthetic countries.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	big, err := open(ctx, cfg.BigURL, cfg.Year, cfg.Wards, cfg.Concurrency, "P01")
	if err != nil {
		return nil, err
	}
	defer big.close()
	small, err := open(ctx, cfg.SmallURL, cfg.Year, cfg.Wards, cfg.Concurrency, "P01")
	if err != nil {
		return nil, err
	}
	defer small.close()
	logf("%d officers of distinct wards signed in (%d in the small country)", len(big.crew), len(small.crew))
	y := fmt.Sprint(cfg.Year)
	reviewer, ministry := big.staff[string(assess.Reviewer)], big.staff[string(assess.Ministry)]
	var results []Result
	add := func(r Result) {
		logf("%-30s %10.2f %-7s baseline %10.2f ratio %6.2f  %s", r.Name, r.Value, r.Unit, r.Baseline, r.Ratio, r.Target)
		results = append(results, r)
	}
	rounds := max(1, int(cfg.Duration/cfg.Round))

	// The ward page against the minimal signed-in page, and against the
	// ward page of a country of 100 wards, in turn, after a warm-up.
	me, meSpread := big.page(func(int) string { return "/me" })
	ward, wardSpread := big.page(big.wardPath(cfg.Year))
	smallWard, smallSpread := small.page(small.wardPath(cfg.Year))
	for _, t := range []struct {
		t *target
		n int
	}{{me, len(big.crew)}, {ward, len(big.crew)}, {smallWard, len(small.crew)}} {
		if err := eachOnce(cfg.Concurrency, t.n, t.t.do); err != nil {
			return nil, fmt.Errorf("warm-up: %w", err)
		}
	}
	for _, sp := range []*spread{meSpread, wardSpread, smallSpread} {
		sp.reset()
	}
	inTurn(cfg.Concurrency, rounds, cfg.Round, me, ward, smallWard)
	if me.errors+ward.errors+smallWard.errors > 0 {
		return nil, fmt.Errorf("ward page: %d errors, minimal page: %d errors, small country's ward page: %d errors", ward.errors, me.errors, smallWard.errors)
	}
	wards, users := wardSpread.count(), wardSpread.count()
	add(Result{Name: "ward_page_throughput", Value: ward.rps(), Unit: "req/s", Baseline: me.rps(), Ratio: ratio(ward.rps(), me.rps()),
		Target: ">= 0.5 × /me, in turn", OK: ward.rps() >= 0.5*me.rps(), Wards: wards, Users: users})
	// At saturation every worker always has a request queued, so latency
	// is workers ÷ throughput (Little's law): it measures the queue, not
	// the page. Reported, not bounded; the p99 below is.
	add(Result{Name: "ward_page_p99_saturated", Value: ms(ward.p99()), Unit: "ms", Baseline: ms(me.p99()), Ratio: ratio(ms(ward.p99()), ms(me.p99())),
		Target: fmt.Sprintf("informational: %d in flight", cfg.Concurrency), OK: true, Informational: true, Wards: wards, Users: users})
	add(Result{Name: "ward_page_growth", Value: ms(ward.p50()), Unit: "ms", Baseline: ms(smallWard.p50()), Ratio: ratio(ms(ward.p50()), ms(smallWard.p50())),
		Target: "<= 1.2 × with 100 wards, in turn", OK: ms(ward.p50()) <= 1.2*ms(smallWard.p50()), Wards: wards + smallSpread.count(), Users: users + smallSpread.count()})
	// Latency at the national peak rate, open loop, twice as long as the
	// loads above: a p99 needs samples.
	peakWard, peakSpread := big.page(big.wardPath(cfg.Year))
	peak := atRate(cfg.Concurrency, cfg.PeakRate, 2*cfg.Duration, peakWard.do)
	if peak.errors > 0 {
		return nil, fmt.Errorf("ward page at %g/s: %d errors", cfg.PeakRate, peak.errors)
	}
	add(Result{Name: "ward_page_p99", Value: ms(peak.p99()), Unit: "ms", Baseline: ms(peak.p50()), Ratio: ratio(ms(peak.p99()), ms(peak.p50())),
		Target: fmt.Sprintf("< 25 ms at %g pages/s (baseline: p50)", cfg.PeakRate), OK: peak.p99() < 25*time.Millisecond,
		Wards: peakSpread.count(), Users: peakSpread.count()})

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
		big.queries.n.Store(0)
		if err := get(d.client, big.srv.URL+"/"+y+"/units/"+d.unit); err != nil {
			return nil, err
		}
		queries[d.name] = float64(big.queries.n.Load())
	}
	// A dashboard costs the same number of queries whatever its size.
	pq, nq := queries["province_dashboard"], queries["national_dashboard"]
	add(Result{Name: "dashboard_queries", Value: nq, Unit: "queries", Baseline: pq, Ratio: ratio(nq, pq),
		Target: "national = province (no query per row)", OK: nq == pq})
	// Light on the wire: the bytes a browser receives, compressed.
	for _, pg := range []struct {
		name   string
		client *http.Client
		url    string
		limit  int64
	}{
		{"ward_page_size", big.crew[0], big.srv.URL + big.wardPath(cfg.Year)(0), 20 << 10},
		{"province_dashboard_size", reviewer, big.srv.URL + "/" + y + "/units/P01", 60 << 10},
	} {
		wire, plain, err := compressedSize(pg.client, pg.url)
		if err != nil {
			return nil, err
		}
		add(Result{Name: pg.name, Value: float64(wire) / 1024, Unit: "KB", Baseline: float64(plain) / 1024,
			Ratio: ratio(float64(wire), float64(plain)), Target: fmt.Sprintf("< %d KB gzip (baseline: unzipped)", pg.limit>>10), OK: wire < pg.limit})
	}

	r, err := saves(ctx, big, cfg)
	if err != nil {
		return nil, err
	}
	add(r)

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

	// National exports against reading the same rows from PostgreSQL,
	// taken in turn; the server's heap is sampled during the XLSX export.
	readRows := func() error {
		return big.st.EachWardStanding(ctx, cfg.Year, "VN", func(store.WardStanding) error { return nil })
	}
	for _, e := range []struct {
		ext    string
		factor float64
	}{{"csv", 1.5}, {"xlsx", 5}, {"pdf", 8}} {
		u := big.srv.URL + "/" + y + "/units/VN/summary." + e.ext
		export := func() error { return get(ministry, u) }
		var peak uint64
		if e.ext == "xlsx" {
			if peak, err = peakHeap(export); err != nil {
				return nil, err
			}
		}
		took, alone, err := paired(max(3, cfg.Repeats/2), export, readRows)
		if err != nil {
			return nil, err
		}
		add(Result{Name: "national_" + e.ext, Value: ms(took), Unit: "ms", Baseline: ms(alone), Ratio: ratio(ms(took), ms(alone)),
			Target: fmt.Sprintf("<= %g × reading the rows", e.factor), OK: ms(took) <= e.factor*ms(alone)})
		if e.ext == "xlsx" {
			mb := float64(peak) / (1 << 20)
			add(Result{Name: "national_xlsx_peak_memory", Value: mb, Unit: "MB", Target: "< 150 MB", OK: mb < 150})
		}
	}
	return results, nil
}

// saves measures saving a criterion at cfg.SaveRate a second, open loop:
// save i goes to officer k = i mod officers, who saves a criterion of
// their own ward, one criterion after another, each with the version it
// last read.
func saves(ctx context.Context, p *portal, cfg Config) (Result, error) {
	type criterion struct{ number, version int }
	versions := make([][]criterion, len(p.officers))
	var mu sync.Mutex
	err := eachOnce(cfg.Concurrency, len(p.officers), func(k int) error {
		a, err := p.st.Assessment(ctx, cfg.Year, p.officers[k].Ward)
		if err != nil {
			return err
		}
		var cs []criterion
		for _, r := range a.Results {
			cs = append(cs, criterion{r.Number, r.Version})
		}
		if len(cs) == 0 {
			return fmt.Errorf("ward %s has no results", p.officers[k].Ward)
		}
		slices.SortFunc(cs, func(a, b criterion) int { return a.number - b.number })
		mu.Lock()
		versions[k] = cs
		mu.Unlock()
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	sp := newSpread(len(p.officers))
	save := atRate(cfg.Concurrency, cfg.SaveRate, 2*cfg.Duration, func(i int) error {
		k := sp.hit(i)
		mu.Lock()
		cs := versions[k]
		c := &cs[(i/len(p.officers))%len(cs)]
		number, version := c.number, c.version
		mu.Unlock()
		u := fmt.Sprintf("%s/%d/wards/%s/criteria/%d", p.srv.URL, cfg.Year, p.officers[k].Ward, number)
		status, _, err := fetch(p.crew[k], http.MethodPost, u,
			url.Values{"status": {"in_progress"}, "value": {""}, "note": {fmt.Sprintf("bench %d", i)}, "version": {fmt.Sprint(version)}})
		if err != nil {
			return err
		}
		if status != http.StatusSeeOther {
			return fmt.Errorf("save: %d", status)
		}
		mu.Lock()
		c.version++
		mu.Unlock()
		return nil
	})
	if save.errors > 0 {
		return Result{}, fmt.Errorf("saves at %g/s: %d of %d failed", cfg.SaveRate, save.errors, len(save.lat))
	}
	return Result{Name: "save_result_p99", Value: ms(save.p99()), Unit: "ms", Baseline: ms(save.p50()), Ratio: ratio(ms(save.p99()), ms(save.p50())),
		Target: fmt.Sprintf("< 50 ms at %g saves/s (baseline: p50)", cfg.SaveRate), OK: save.p99() < 50*time.Millisecond,
		Wards: sp.count(), Users: sp.count()}, nil
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

// dashboardTime times unit's dashboard served by p against PostgreSQL
// alone running its queries, in turn, repeats times (paired medians);
// limit, when set, bounds the served time too.
func dashboardTime(ctx context.Context, p *portal, c *http.Client, year int, unit string, limit time.Duration, repeats int) (Result, error) {
	u := fmt.Sprintf("%s/%d/units/%s", p.srv.URL, year, unit)
	server, alone, err := paired(repeats,
		func() error { return get(c, u) },
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
// page's p99 at the national peak rate, spread over cfg.Wards wards and
// their officers. cfg.BigURL names the database.
func RunRealTree(ctx context.Context, cfg Config) ([]Result, error) {
	p, err := open(ctx, cfg.BigURL, cfg.Year, cfg.Wards, cfg.Concurrency, "01")
	if err != nil {
		return nil, err
	}
	defer p.close()
	var results []Result
	for _, d := range []struct {
		name   string
		client *http.Client
		unit   string
		limit  time.Duration
	}{
		{"real_province_dashboard_time", p.staff[string(assess.Reviewer)], "01", 0},
		{"real_national_dashboard_time", p.staff[string(assess.Ministry)], "VN", 300 * time.Millisecond},
	} {
		r, err := dashboardTime(ctx, p, d.client, cfg.Year, d.unit, d.limit, cfg.Repeats)
		if err != nil {
			return nil, err
		}
		r.Name = d.name
		results = append(results, r)
	}
	ward, sp := p.page(p.wardPath(cfg.Year))
	if err := eachOnce(cfg.Concurrency, len(p.crew), ward.do); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	sp.reset()
	peak := atRate(cfg.Concurrency, cfg.PeakRate, 2*cfg.Duration, ward.do)
	if peak.errors > 0 {
		return nil, fmt.Errorf("ward page on the real tree: %d errors", peak.errors)
	}
	results = append(results, Result{Name: "real_ward_page_p99", Value: ms(peak.p99()), Unit: "ms", Baseline: ms(peak.p50()),
		Ratio: ratio(ms(peak.p99()), ms(peak.p50())), Target: fmt.Sprintf("< 25 ms at %g pages/s (baseline: p50)", cfg.PeakRate),
		OK: peak.p99() < 25*time.Millisecond, Wards: sp.count(), Users: sp.count()})
	return results, nil
}
