package bench_test

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"modelward/internal/bench"
	"modelward/internal/gen"
	"modelward/internal/seed"
	"modelward/internal/store"
	"modelward/internal/testdb"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

func country(t *testing.T, wards int) string {
	t.Helper()
	ctx := context.Background()
	url := testdb.New(t)
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cat, err := seed.Criteria2023()
	if err != nil {
		t.Fatal(err)
	}
	if err := gen.LoadCountry(ctx, st, gen.Country{Wards: wards, Seed: 3}, []int{2024, 2025}, cat); err != nil {
		t.Fatal(err)
	}
	return url
}

// A short run on a small country: every target is measured and reported.
func TestBenchmarkSmoke(t *testing.T) {
	results, err := bench.Run(context.Background(), bench.Config{
		BigURL: country(t, 400), SmallURL: country(t, 100), Year: 2025,
		Duration: 300 * time.Millisecond, Round: 50 * time.Millisecond, Concurrency: 4, Wards: 40, Repeats: 3,
		PeakRate: 100, SaveRate: 80, Log: io.Discard,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ward_page_throughput", "ward_page_p99", "ward_page_p99_saturated", "ward_page_growth", "province_dashboard_time",
		"national_dashboard_time", "dashboard_queries", "save_result_p99", "national_csv", "national_xlsx",
		"national_xlsx_peak_memory", "national_pdf", "ward_page_size", "province_dashboard_size", "spreadsheet_import_4000_rows"}
	got := map[string]bench.Result{}
	for _, r := range results {
		got[r.Name] = r
	}
	for _, name := range want {
		r, ok := got[name]
		if !ok {
			t.Errorf("no result %s", name)
			continue
		}
		if r.Value <= 0 || r.Target == "" {
			t.Errorf("%s: %+v", name, r)
		}
	}
	// Load is spread over distinct wards, each opened by its own officer.
	for _, name := range []string{"ward_page_throughput", "ward_page_p99", "save_result_p99"} {
		if r := got[name]; r.Wards != 40 || r.Users != 40 {
			t.Errorf("%s touched %d wards and %d users, want 40 of each", name, r.Wards, r.Users)
		}
	}
	if r := got["ward_page_p99_saturated"]; !r.Informational {
		t.Errorf("the saturated p99 has a bound: %+v", r)
	}
	if r := got["dashboard_queries"]; !r.OK {
		t.Errorf("dashboards cost a number of queries that grows with their size: %+v", r)
	}
}
