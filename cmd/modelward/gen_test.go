package main

import (
	"context"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/internal/testdb"
)

// countryDigest sums up a generated country: the same seed must give the
// same digest.
func countryDigest(t *testing.T, url string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var digest string
	err = conn.QueryRow(ctx, `SELECT md5(concat(
		(SELECT string_agg(concat_ws(',', code, kind, name, parent_code), ';' ORDER BY code) FROM units),
		(SELECT string_agg(concat_ws(',', w.code, a.year, a.state, r.number, r.status, r.value, r.note), ';' ORDER BY w.code, a.year, r.number)
		   FROM results r JOIN assessments a ON a.id = r.assessment_id JOIN units w ON w.id = a.ward_id),
		(SELECT string_agg(concat_ws(',', w.code, e.number, e.title, e.dated, encode(e.sha256, 'hex')), ';' ORDER BY w.code, a.year, e.number, e.id)
		   FROM evidence e JOIN assessments a ON a.id = e.assessment_id JOIN units w ON w.id = a.ward_id)))`).Scan(&digest)
	if err != nil {
		t.Fatal(err)
	}
	return digest
}

func TestGenIsDeterministicAndConsistent(t *testing.T) {
	ctx := context.Background()
	gen := func(seed string) string {
		url := testdb.New(t)
		if err := run(ctx, []string{"gen", "--wards", "300", "--years", "2", "--seed", seed}, env(map[string]string{"DATABASE_URL": url}), nil, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		return url
	}
	a, b, c := gen("7"), gen("7"), gen("8")
	if countryDigest(t, a) != countryDigest(t, b) {
		t.Error("the same seed gave two countries")
	}
	if countryDigest(t, a) == countryDigest(t, c) {
		t.Error("two seeds gave the same country")
	}

	st, err := store.Open(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cat, err := st.Catalogue(ctx, 2025)
	if err != nil {
		t.Fatal(err)
	}
	wards, err := st.WardStandings(ctx, 2025, "VN")
	if err != nil {
		t.Fatal(err)
	}
	if len(wards) != 300 {
		t.Fatalf("%d wards, want 300", len(wards))
	}
	states := map[assess.State]int{}
	provinces := map[string]int{}
	for _, w := range wards {
		states[w.State]++
		provinces[w.ProvinceCode]++
		if w.DistrictCode == "" {
			t.Errorf("%s has no district", w.Code)
		}
		if w.State == assess.Recognized && !w.Standing.Full() {
			t.Errorf("%s is recognised at %d/%d", w.Code, w.Standing.Met, w.Standing.Total)
		}
	}
	for _, s := range []assess.State{"", assess.Draft, assess.Submitted, assess.Returned, assess.Approved, assess.Recognized} {
		if states[s] == 0 {
			t.Errorf("no assessment in state %q: %v", s, states)
		}
	}
	if len(provinces) != 63 {
		t.Errorf("%d provinces, want 63", len(provinces))
	}
	// Every stored measure value judges to its stored status; evidence is
	// dated in its year and its SHA-256 is its content's.
	conn, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT r.number, r.value::text, r.status FROM results r WHERE r.year = 2025 AND r.value IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	byNumber := map[int]assess.Criterion{}
	for _, c := range cat.Criteria {
		byNumber[c.Number] = c
	}
	var n int
	var value string
	var status assess.Status
	checked := 0
	_, err = pgx.ForEachRow(rows, []any{&n, &value, &status}, func() error {
		checked++
		if want, err := byNumber[n].Evaluate(value); err != nil || want != status {
			t.Errorf("criterion %d value %s stored %s, judged %s (%v)", n, value, status, want, err)
		}
		return nil
	})
	if err != nil || checked == 0 {
		t.Fatalf("%d values checked: %v", checked, err)
	}
	var bad, evidence int
	if err := conn.QueryRow(ctx, `SELECT count(*) FILTER (WHERE sha256 <> sha256(content) OR extract(year FROM dated) <> year), count(*) FROM evidence`).Scan(&bad, &evidence); err != nil {
		t.Fatal(err)
	}
	if bad != 0 || evidence == 0 {
		t.Errorf("%d of %d evidence rows are inconsistent", bad, evidence)
	}
	// The stored standings are what a recount in SQL gives.
	standings := func() string {
		var digest string
		if err := conn.QueryRow(ctx, `SELECT md5(string_agg(concat_ws(',', id, met, pending, statuses), ';' ORDER BY id)) FROM assessments`).Scan(&digest); err != nil {
			t.Fatal(err)
		}
		return digest
	}
	loaded := standings()
	for _, year := range []int{2024, 2025} {
		if err := st.RefreshStandings(ctx, year); err != nil {
			t.Fatal(err)
		}
	}
	if standings() != loaded {
		t.Error("the generator's stored standings differ from a recount")
	}
	// The foreign keys taken off for the load are back as the migrations
	// made them, and hold.
	keys := func(url string) string {
		c, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		var list string
		if err := c.QueryRow(ctx, `SELECT string_agg(concat_ws(' ', conrelid::regclass, conname, pg_get_constraintdef(oid), convalidated), '; ' ORDER BY conrelid::regclass::text, conname)
			FROM pg_constraint WHERE contype = 'f'`).Scan(&list); err != nil {
			t.Fatal(err)
		}
		return list
	}
	if got, want := keys(a), keys(testdb.New(t)); got != want {
		t.Errorf("foreign keys after a load:\n%s\nafter the migrations:\n%s", got, want)
	}

	// Loading twice is refused.
	if err := run(ctx, []string{"gen", "--wards", "10", "--years", "1"}, env(map[string]string{"DATABASE_URL": a}), nil, io.Discard, io.Discard); err == nil {
		t.Error("a second country was loaded over the first")
	}
}

// TestGenNationalSize times the national country; run with GEN_WARDS=10000.
func TestGenNationalSize(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GEN_WARDS"))
	if n == 0 {
		t.Skip("set GEN_WARDS to time a generation of that size")
	}
	url := testdb.New(t)
	start := time.Now()
	if err := run(context.Background(), []string{"gen", "--wards", strconv.Itoa(n), "--years", "5"}, env(map[string]string{"DATABASE_URL": url}), nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d wards × 5 years in %s", n, time.Since(start))
}
