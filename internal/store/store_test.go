package store_test

import (
	"context"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
	"modelward/internal/seed"
	"modelward/internal/store"
	"modelward/internal/testdb"
	"modelward/migrations"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

func TestDemoStandingsAsAtNovember2023(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	wards, err := st.WardStandings(ctx, 2023, "01")
	if err != nil {
		t.Fatal(err)
	}
	// Hà Nội 2023 lists the 26 pre-reform wards; the three post-reform wards
	// exist only from 2025.
	if len(wards) != 26 {
		t.Fatalf("Hà Nội 2023 has %d wards, want 26", len(wards))
	}
	byMet := map[int]int{}
	for _, w := range wards {
		byMet[w.Standing.Met]++
		if w.Standing.Total != 22 || w.Standing.PendingYearEnd != 3 {
			t.Errorf("%s: %+v, want 22 criteria with 3 pending year end", w.Code, w.Standing)
		}
		if len(w.Statuses) != 22 {
			t.Errorf("%s: %d statuses", w.Code, len(w.Statuses))
		}
	}
	want := map[int]int{19: 3, 18: 11, 16: 6, 15: 6}
	for met, n := range want {
		if byMet[met] != n {
			t.Errorf("%d wards at %d/22, want %d (all: %v)", byMet[met], met, n, byMet)
		}
	}
	for _, w := range wards {
		if w.Code == "09552" {
			if w.Name != "Phường Phú La" || w.District != "Quận Hà Đông" || w.Province != "Thành phố Hà Nội" ||
				w.State != assess.Submitted || w.Standing.Met != 19 {
				t.Errorf("Phú La: %+v", w)
			}
			for _, n := range []int{1, 5, 7} {
				if w.Statuses[n-1] != assess.PendingYearEnd {
					t.Errorf("Phú La criterion %d is %s, want pending year end", n, w.Statuses[n-1])
				}
			}
		}
	}

	a, err := st.Assessment(ctx, 2023, "09552")
	if err != nil {
		t.Fatal(err)
	}
	for n, v := range map[int]string{10: "0", 13: "91", 14: "100", 12: "-8"} {
		if a.Results[n].Value != v || a.Results[n].Status != assess.Met {
			t.Errorf("Phú La criterion %d = %q %s, want %s met", n, a.Results[n].Value, a.Results[n].Status, v)
		}
	}
}

func TestDemoOtherYearsAndReform(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	wards, err := st.WardStandings(ctx, 2022, "VN")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]store.WardStanding{}
	for _, w := range wards {
		got[w.Code] = w
	}
	for code, want := range map[string]struct {
		met   int
		state assess.State
	}{"00019": {21, assess.Approved}, "26740": {22, assess.Recognized}, "20227": {21, assess.Approved}} {
		if w := got[code]; w.Standing.Met != want.met || w.State != want.state || w.Standing.PendingYearEnd != 0 {
			t.Errorf("2022 %s: %d/%d %s, want %d %s", code, w.Standing.Met, w.Standing.Total, w.State, want.met, want.state)
		}
	}
	if w := got["00019"]; w.Statuses[5] != assess.NotMet {
		t.Errorf("Điện Biên 2022 criterion 6 is %s, want not_met", w.Statuses[5])
	}

	// 2025: the old wards (until 30 June) and the new ones (from 1 July)
	// both exist; the new ones sit directly under the city.
	wards, err = st.WardStandings(ctx, 2025, "01")
	if err != nil {
		t.Fatal(err)
	}
	var direct int
	for _, w := range wards {
		if w.DistrictCode == "" {
			direct++
			if w.State != assess.Draft || w.ProvinceCode != "01" {
				t.Errorf("2025 %s: %+v", w.Code, w)
			}
		}
	}
	if direct != 3 || len(wards) != 29 {
		t.Errorf("2025 Hà Nội: %d wards, %d directly under the city; want 29 and 3", len(wards), direct)
	}

	// 2024 has a catalogue and no assessments.
	cat, err := st.Catalogue(ctx, 2024)
	if err != nil || len(cat.Criteria) != 22 {
		t.Fatalf("2024 catalogue: %d criteria, %v", len(cat.Criteria), err)
	}
	wards, _ = st.WardStandings(ctx, 2024, "VN")
	for _, w := range wards {
		if w.State != "" {
			t.Errorf("2024 %s has an assessment in state %s", w.Code, w.State)
		}
	}
}

func TestLoadDemoIsIdempotent(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	before, err := st.WardStandings(ctx, 2023, "VN")
	if err != nil {
		t.Fatal(err)
	}
	d, err := seed.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.LoadDemo(ctx, d); err != nil {
		t.Fatalf("second load: %v", err)
	}
	after, err := st.WardStandings(ctx, 2023, "VN")
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != len(after) {
		t.Fatalf("%d wards before, %d after", len(before), len(after))
	}
	for i := range before {
		if before[i].Standing != after[i].Standing || before[i].State != after[i].State {
			t.Errorf("%s changed: %+v → %+v", before[i].Code, before[i], after[i])
		}
	}
}

func TestUnknownThingsAreNotFound(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	if _, err := st.Catalogue(ctx, 1999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("catalogue 1999: %v, want ErrNotFound", err)
	}
	if _, err := st.UnitPath(ctx, "99999"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unit 99999: %v, want ErrNotFound", err)
	}
	path, err := st.UnitPath(ctx, "09552")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range path {
		names = append(names, u.Code)
	}
	if len(names) != 4 || names[0] != "VN" || names[1] != "01" || names[2] != "268" || names[3] != "09552" {
		t.Errorf("path of Phú La: %v", names)
	}
}

// The SQL that aggregates standings for dashboards must agree exactly with
// the domain's standing function, on any data.
func TestStandingsSQLAgreesWithDomain(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	cat, err := st.Catalogue(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2024, 11))
	statuses := []assess.Status{assess.NotStarted, assess.InProgress, assess.Met, assess.NotMet}
	wards, err := st.WardStandings(ctx, 2024, "VN")
	if err != nil {
		t.Fatal(err)
	}
	err = st.Transact(ctx, func(tx pgx.Tx) error {
		for _, w := range wards {
			if rng.IntN(5) == 0 {
				continue // some wards have no assessment at all
			}
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO assessments (ward_code, year) VALUES ($1, 2024) RETURNING id`, w.Code).Scan(&id); err != nil {
				return err
			}
			for _, c := range cat.Criteria {
				if rng.IntN(4) == 0 {
					continue // and some criteria have no result row
				}
				if _, err := tx.Exec(ctx, `INSERT INTO results (assessment_id, year, number, status) VALUES ($1, 2024, $2, $3)`,
					id, c.Number, statuses[rng.IntN(len(statuses))]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Written around the store, the stored standings are counted again in
	// SQL; they must come out as Go counts them.
	if err := st.RefreshStandings(ctx, 2024); err != nil {
		t.Fatal(err)
	}
	got, err := st.WardStandings(ctx, 2024, "VN")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range got {
		a, err := st.Assessment(ctx, 2024, w.Code)
		if err != nil {
			t.Fatal(err)
		}
		want := assess.ComputeStanding(cat.Criteria, a.Stored())
		if w.Standing != want {
			t.Errorf("%s: SQL says %+v, Go says %+v", w.Code, w.Standing, want)
		}
		for i, c := range cat.Criteria {
			if shown := c.Shown(a.Stored()[c.Number]); w.Statuses[i] != shown {
				t.Errorf("%s criterion %d: SQL says %s, Go says %s", w.Code, c.Number, w.Statuses[i], shown)
			}
		}
	}
}

// Constraints refuse what the model forbids, whatever the code above them does.
func TestConstraintsRefuseBadRows(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	bad := map[string]string{
		"unknown status":              `INSERT INTO results (assessment_id, year, number, status) SELECT id, 2023, 3, 'done' FROM assessments WHERE ward_code = '00028' AND year = 2023 ON CONFLICT (assessment_id, number) DO UPDATE SET status = 'done'`,
		"second assessment":           `INSERT INTO assessments (ward_code, year) VALUES ('09552', 2023)`,
		"criterion not in year":       `INSERT INTO results (assessment_id, year, number) SELECT id, 2023, 23 FROM assessments WHERE ward_code = '09552' AND year = 2023`,
		"unknown state":               `UPDATE assessments SET state = 'done' WHERE ward_code = '09552' AND year = 2023`,
		"returned without reason":     `UPDATE assessments SET state = 'returned' WHERE ward_code = '09552' AND year = 2023`,
		"recognised without decision": `UPDATE assessments SET state = 'recognized' WHERE ward_code = '09552' AND year = 2023`,
		"duplicate criterion":         `INSERT INTO criteria (year, number, group_code, group_vi, group_en, title_vi, title_en, kind) VALUES (2023, 1, 'A', 'a', 'a', 't', 't', 'check')`,
		"measure without threshold":   `INSERT INTO criteria (year, number, group_code, group_vi, group_en, title_vi, title_en, kind) VALUES (2023, 30, 'A', 'a', 'a', 't', 't', 'measure')`,
		"unknown role":                `INSERT INTO users (username, role, unit_code, password_hash) VALUES ('x1', 'boss', 'VN', 'h')`,
		"ward without parent":         `INSERT INTO units (code, kind, name) VALUES ('77777', 'ward', 'Phường X')`,
		"evidence outside year":       `INSERT INTO evidence (assessment_id, year, number, title, dated, content_type, size, sha256, content) SELECT id, 2023, 2, 't', '2022-12-31', 'application/pdf', 1, decode(repeat('00', 32), 'hex'), '\x00' FROM assessments WHERE ward_code = '09552' AND year = 2023`,
	}
	for name, sql := range bad {
		err := st.Transact(ctx, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, sql)
			return err
		})
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Dashboards read from a replica when one is configured; here the replica
// is a second connection pool on the same database.
func TestReadReplica(t *testing.T) {
	st, url := testdb.Open(t, true)
	ctx := context.Background()
	if err := st.UseReadReplica(ctx, "postgres://%zz"); err == nil {
		t.Error("a malformed replica URL was accepted")
	}
	if err := st.UseReadReplica(ctx, url); err != nil {
		t.Fatal(err)
	}
	wards, err := st.WardStandings(ctx, 2023, "01")
	if err != nil || len(wards) != 26 {
		t.Fatalf("through the replica: %d wards, %v", len(wards), err)
	}
}

// Several copies migrating one empty database at once: goose's lock lets one
// apply each migration once, and every copy finishes without error.
func TestConcurrentMigrations(t *testing.T) {
	ctx := context.Background()
	url := testdb.Empty(t)
	const copies = 6
	errs := make(chan error, copies)
	applied := make(chan int, copies)
	for range copies {
		go func() {
			list, err := store.Migrate(ctx, url)
			applied <- len(list)
			errs <- err
		}()
	}
	total := 0
	for range copies {
		if err := <-errs; err != nil {
			t.Errorf("a copy failed: %v", err)
		}
		total += <-applied
	}
	files, _ := fs.Glob(migrations.FS, "*.sql")
	if total != len(files) {
		t.Errorf("%d migrations applied in all, want each of %d once", total, len(files))
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Years(ctx); err != nil {
		t.Errorf("the migrated database does not answer: %v", err)
	}
}
