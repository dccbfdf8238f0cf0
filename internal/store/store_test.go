package store_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
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
	// Hà Nội 2023 lists the 26 wards it registered: 15 for the Ministry,
	// 11 at city level (the seed article's figures).
	if len(wards) != 26 {
		t.Fatalf("Hà Nội 2023 has %d wards, want 26", len(wards))
	}
	byMet := map[int]int{}
	levels := map[string]int{}
	for _, w := range wards {
		levels[w.Level]++
		byMet[w.Standing.Met]++
		if w.Standing.Total != 22 || w.Standing.PendingYearEnd != 3 {
			t.Errorf("%s: %+v, want 22 criteria with 3 pending year end", w.Code, w.Standing)
		}
		if len(w.Statuses) != 22 {
			t.Errorf("%s: %d statuses", w.Code, len(w.Statuses))
		}
	}
	if levels["ministry"] != 15 || levels["city"] != 11 {
		t.Errorf("levels %v, want 15 ministry and 11 city", levels)
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
	}{"00019": {21, assess.Approved}, "26776": {22, assess.Recognized}, "20236": {21, assess.Approved}} {
		if w := got[code]; w.Standing.Met != want.met || w.State != want.state || w.Standing.PendingYearEnd != 0 {
			t.Errorf("2022 %s: %d/%d %s, want %d %s", code, w.Standing.Met, w.Standing.Total, w.State, want.met, want.state)
		}
	}
	if w := got["00019"]; w.Statuses[5] != assess.NotMet {
		t.Errorf("Điện Biên 2022 criterion 6 is %s, want not_met", w.Statuses[5])
	}

	// 2024: 20 criteria; the three Quảng Nam wards recognised by the real
	// decision, under their districts of the time.
	wards, err = st.WardStandings(ctx, 2024, "VN")
	if err != nil {
		t.Fatal(err)
	}
	recognised := 0
	for _, w := range wards {
		if w.Standing.Total != 20 {
			t.Errorf("2024 %s: %d criteria, want 20", w.Code, w.Standing.Total)
		}
		if w.State == assess.Recognized {
			recognised++
			if w.ProvinceCode != "49" || w.DistrictCode == "" || w.DecisionNo != "2878" || w.DecisionDate == nil ||
				w.DecisionDate.Format(time.DateOnly) != "2025-04-22" || w.Level != "ministry" {
				t.Errorf("2024 %s: %+v", w.Code, w)
			}
		}
	}
	if recognised != 3 || len(wards) != 6 {
		t.Errorf("2024: %d wards, %d recognised; want 6 and 3", len(wards), recognised)
	}

	// 2025 and 2026: wards directly under the city, after the reform.
	wards, err = st.WardStandings(ctx, 2026, "01")
	if err != nil {
		t.Fatal(err)
	}
	levels := map[string]int{}
	for _, w := range wards {
		levels[w.Level]++
		if w.DistrictCode != "" || w.ProvinceCode != "01" {
			t.Errorf("2026 %s is not directly under the city: %+v", w.Code, w)
		}
		if w.Code == "09552" && (w.Name != "Phường Kiến Hưng" || w.State != assess.Draft || w.Standing.Met != 12 || w.Standing.PendingYearEnd != 3) {
			t.Errorf("Kiến Hưng 2026: %+v", w)
		}
		if w.Code == "00070" && w.State != assess.Returned {
			t.Errorf("Hoàn Kiếm 2026: %+v", w)
		}
	}
	if levels["ministry"] != 10 || levels["city"] != 2 {
		t.Errorf("Hà Nội 2026 levels: %v, want 10 ministry and 2 city", levels)
	}
	wards, _ = st.WardStandings(ctx, 2026, "79")
	if len(wards) != 1 || wards[0].Name != "Phường Sài Gòn" {
		t.Errorf("Hồ Chí Minh 2026: %+v", wards)
	}
}

// The official tree loaded whole: the counts the sources give on three
// days, and every unit with a parent in force on each day of its span.
func TestRealTree(t *testing.T) {
	_, url := testdb.Open(t, true)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for day, want := range map[string][3]int{
		"2023-06-30": {63, 705, 10598},
		"2025-06-30": {63, 696, 10035},
		"2025-07-01": {34, 0, 3321},
	} {
		var got [3]int
		if err := conn.QueryRow(ctx, `
			SELECT count(*) FILTER (WHERE kind = 'province'), count(*) FILTER (WHERE kind = 'district'), count(*) FILTER (WHERE kind = 'ward')
			FROM units WHERE span @> $1::date`, day).Scan(&got[0], &got[1], &got[2]); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("on %s: %v provinces/districts/wards, want %v", day, got, want)
		}
		var orphans int
		if err := conn.QueryRow(ctx, `
			SELECT count(*) FROM units u
			WHERE u.span @> $1::date AND u.kind <> 'ministry'
			  AND NOT EXISTS (SELECT 1 FROM unit_parents l WHERE l.child_id = u.id AND l.span @> $1::date)`, day).Scan(&orphans); err != nil {
			t.Fatal(err)
		}
		if orphans != 0 {
			t.Errorf("on %s: %d units without a parent", day, orphans)
		}
	}
	var units, links int
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM units WHERE kind <> 'ministry'), (SELECT count(*) FROM unit_links)`).Scan(&units, &links); err != nil {
		t.Fatal(err)
	}
	if units != 15315 || links != 11315 {
		t.Errorf("%d units and %d links, want 15,315 and 11,315", units, links)
	}
	// The constraint: no code for two units on one day.
	_, err = conn.Exec(ctx, `INSERT INTO units (code, kind, type, name, parent_code, valid_from) VALUES ('09552', 'ward', 'phuong', 'Phường X', '01', '2026-01-01')`)
	if err == nil || !strings.Contains(err.Error(), "units_code_day_excl") {
		t.Errorf("a second unit with code 09552 in 2026: %v", err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO units (code, kind, type, name, parent_code, valid_from) VALUES ('09552', 'ward', 'phuong', 'Phường X', '01', '2099-01-01')`); err == nil {
		t.Error("a unit overlapping the open span of Kiến Hưng was accepted")
	}
}

// A code names the unit in force on 31 December of the year, or the last
// one in force in it when that code's unit ended during the year.
func TestCodeResolution(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	for _, tt := range []struct {
		year int
		code string
		path string
	}{
		{2023, "09552", "VN 01 268 09552 Phường Phú La"},
		{2024, "09552", "VN 01 268 09552 Phường Phú La"},
		{2025, "09552", "VN 01 09552 Phường Kiến Hưng"},
		{2026, "09552", "VN 01 09552 Phường Kiến Hưng"},
		{2023, "26740", "VN 79 760 26740 Phường Bến Nghé"},
		{2026, "26740", "VN 79 26740 Phường Sài Gòn"},
		// Phúc Xá ended on 30/06/2025 and its code was not reused.
		{2025, "00001", "VN 01 001 00001 Phường Phúc Xá"},
		// Thừa Thiên Huế became Thành phố Huế on 1/1/2025; its districts
		// hang under each in turn.
		{2024, "477", "VN 46 477 Huyện Quảng Điền"},
		{2025, "477", "VN 46 477 Huyện Quảng Điền"},
		{2024, "46", "VN 46 Tỉnh Thừa Thiên Huế"},
		{2025, "46", "VN 46 Thành phố Huế"},
	} {
		path, err := st.UnitPath(ctx, tt.year, tt.code)
		if err != nil {
			t.Errorf("%d %s: %v", tt.year, tt.code, err)
			continue
		}
		var got []string
		for _, u := range path {
			got = append(got, u.Code)
		}
		got = append(got, path[len(path)-1].Name)
		if strings.Join(got, " ") != tt.path {
			t.Errorf("%d %s: %q, want %q", tt.year, tt.code, strings.Join(got, " "), tt.path)
		}
	}
	p24, _ := st.UnitPath(ctx, 2024, "477")
	p25, _ := st.UnitPath(ctx, 2025, "477")
	if p24[1].ID == p25[1].ID {
		t.Error("Quảng Điền has the same province identity in 2024 and 2025")
	}
	_, err := st.UnitPath(ctx, 2026, "00001")
	var elsewhere *store.CodeElsewhereError
	if !errors.As(err, &elsewhere) || len(elsewhere.Units) != 1 || elsewhere.Units[0].Name != "Phường Phúc Xá" || !errors.Is(err, store.ErrNotFound) {
		t.Errorf("2026 00001: %v", err)
	}
	if _, err := st.UnitPath(ctx, 2026, "99999"); !errors.Is(err, store.ErrNotFound) || errors.As(err, &elsewhere) {
		t.Errorf("unit 99999: %v, want plain ErrNotFound", err)
	}
}

func TestUnknownThingsAreNotFound(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	if _, err := st.Catalogue(ctx, 1999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("catalogue 1999: %v, want ErrNotFound", err)
	}
}

// The SQL that aggregates standings for dashboards must agree exactly with
// the domain's standing function, on any data: claims, appraisals,
// approvals, findings and concluded visits in every mixture, the official
// standing being the last tier reached.
func TestStandingsSQLAgreesWithDomain(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	cat, err := st.Catalogue(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2024, 11))
	statuses := []assess.Status{assess.NotStarted, assess.InProgress, assess.Met, assess.NotMet}
	err = st.Transact(ctx, func(tx pgx.Tx) error {
		// 400 more wards of the country registered for 2024.
		if _, err := tx.Exec(ctx, `
			INSERT INTO registrations (year, ward_id, level)
			SELECT 2024, id, 'city' FROM units
			WHERE kind = 'ward' AND span @> DATE '2024-12-31' AND id NOT IN (SELECT ward_id FROM registrations WHERE year = 2024)
			ORDER BY code LIMIT 400`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT ward_id FROM registrations WHERE year = 2024 AND level = 'city'`)
		if err != nil {
			return err
		}
		wards, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		var inspection int64
		if err := tx.QueryRow(ctx, `INSERT INTO inspections (year, level, province_id, starts_on, ends_on, leader_id)
			SELECT 2024, 'city', unit_in_year('01', 2024), '2024-11-10', '2024-11-12', min(id) FROM users RETURNING id`).Scan(&inspection); err != nil {
			return err
		}
		for _, w := range wards {
			if rng.IntN(5) == 0 {
				continue // some wards have no assessment at all
			}
			state := []string{"draft", "submitted", "approved"}[rng.IntN(3)]
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO assessments (ward_id, year, state) VALUES ($1, 2024, $2) RETURNING id`, w, state).Scan(&id); err != nil {
				return err
			}
			visited := rng.IntN(3) == 0
			if visited {
				var proposal any
				if rng.IntN(2) == 0 {
					proposal = []string{"recognize", "decline"}[rng.IntN(2)]
				}
				if _, err := tx.Exec(ctx, `INSERT INTO inspection_wards (inspection_id, assessment_id, proposal, concluded_at)
					VALUES ($1, $2, $3, CASE WHEN $3::text IS NOT NULL THEN now() END)`, inspection, id, proposal); err != nil {
					return err
				}
			}
			for _, c := range cat.Criteria {
				if rng.IntN(4) != 0 { // and some criteria have no result row
					if _, err := tx.Exec(ctx, `INSERT INTO results (assessment_id, year, number, status) VALUES ($1, 2024, $2, $3)`,
						id, c.Number, statuses[rng.IntN(len(statuses))]); err != nil {
						return err
					}
				}
				if rng.IntN(6) == 0 {
					if _, err := tx.Exec(ctx, `INSERT INTO appraisals (assessment_id, number, agreed, status, reason) VALUES ($1, $2, false, $3, 'x')`,
						id, c.Number, statuses[rng.IntN(len(statuses))]); err != nil {
						return err
					}
				}
				if visited && rng.IntN(4) == 0 {
					if _, err := tx.Exec(ctx, `INSERT INTO findings (assessment_id, number, status) VALUES ($1, $2, $3)`,
						id, c.Number, statuses[2+rng.IntN(2)]); err != nil {
						return err
					}
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
	if len(got) != 406 {
		t.Fatalf("%d wards registered for 2024, want 406", len(got))
	}
	reached := map[assess.Tier]int{}
	changed := 0
	for _, w := range got {
		a, err := st.Assessment(ctx, 2024, w.Code)
		if err != nil {
			t.Fatal(err)
		}
		j := a.Judgements()
		tiers := assess.ComputeStandings(cat.Criteria, j)
		reached[j.Reached()]++
		if want := tiers.Official(); w.Standing != want {
			t.Errorf("%s: SQL says %+v, Go says %+v", w.Code, w.Standing, want)
		}
		if w.Claimed != tiers.Claimed.Met || !sameMet(w.Appraised, tiers.Appraised) || !sameMet(w.Inspected, tiers.Inspected) {
			t.Errorf("%s: SQL's tiers %d %v %v, Go's %+v", w.Code, w.Claimed, w.Appraised, w.Inspected, tiers)
		}
		byAppraisal, byInspection := assess.Changed(cat.Criteria, j)
		if fmt.Sprint(w.AppraisalChanged) != fmt.Sprint(orNone(byAppraisal)) || fmt.Sprint(w.InspectionChanged) != fmt.Sprint(orNone(byInspection)) {
			t.Errorf("%s: SQL's changes %v %v, Go's %v %v", w.Code, w.AppraisalChanged, w.InspectionChanged, byAppraisal, byInspection)
		}
		changed += len(byAppraisal) + len(byInspection)
		official := j.At(j.Reached())
		for i, c := range cat.Criteria {
			if shown := c.Shown(official[c.Number]); w.Statuses[i] != shown {
				t.Errorf("%s criterion %d: SQL says %s, Go says %s", w.Code, c.Number, w.Statuses[i], shown)
			}
		}
	}
	// The data reached every tier and overturned some, or the test proves
	// less than it says.
	if changed < 50 {
		t.Errorf("only %d criteria overturned", changed)
	}
	for _, tier := range []assess.Tier{assess.TierClaim, assess.TierAppraisal, assess.TierInspection} {
		if reached[tier] < 20 {
			t.Errorf("only %d files at tier %s", reached[tier], tier)
		}
	}
}

func orNone(ns []int) []int {
	if ns == nil {
		return []int{}
	}
	return ns
}

func sameMet(sql *int, goes *assess.Standing) bool {
	if sql == nil || goes == nil {
		return sql == nil && goes == nil
	}
	return *sql == goes.Met
}

// Constraints refuse what the model forbids, whatever the code above them does.
func TestConstraintsRefuseBadRows(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	bad := map[string]string{
		"unknown status":              `INSERT INTO results (assessment_id, year, number, status) SELECT id, 2023, 3, 'done' FROM assessments WHERE ward_id = unit_in_year('00094', 2023) AND year = 2023 ON CONFLICT (assessment_id, number) DO UPDATE SET status = 'done'`,
		"second assessment":           `INSERT INTO assessments (ward_id, year) VALUES (unit_in_year('09552', 2023), 2023)`,
		"criterion not in year":       `INSERT INTO results (assessment_id, year, number) SELECT id, 2023, 23 FROM assessments WHERE ward_id = unit_in_year('09552', 2023) AND year = 2023`,
		"unknown state":               `UPDATE assessments SET state = 'done' WHERE ward_id = unit_in_year('09552', 2023) AND year = 2023`,
		"returned without reason":     `UPDATE assessments SET state = 'returned' WHERE ward_id = unit_in_year('09552', 2023) AND year = 2023`,
		"recognised without decision": `UPDATE assessments SET state = 'recognized' WHERE ward_id = unit_in_year('09552', 2023) AND year = 2023`,
		"duplicate criterion":         `INSERT INTO criteria (year, number, group_code, group_vi, group_en, title_vi, title_en, kind) VALUES (2023, 1, 'A', 'a', 'a', 't', 't', 'check')`,
		"measure without threshold":   `INSERT INTO criteria (year, number, group_code, group_vi, group_en, title_vi, title_en, kind) VALUES (2023, 30, 'A', 'a', 'a', 't', 't', 'measure')`,
		"unknown role":                `INSERT INTO users (username, role, unit_id, password_hash) SELECT 'x1', 'boss', id, 'h' FROM units WHERE code = 'VN'`,
		"ward without parent":         `INSERT INTO units (code, kind, type, name) VALUES ('77777', 'ward', 'phuong', 'Phường X')`,
		"ward of a district type":     `INSERT INTO units (code, kind, type, name, parent_code) VALUES ('77777', 'ward', 'huyen', 'Phường X', '01')`,
		"unregistered assessment":     `INSERT INTO assessments (ward_id, year) VALUES (unit_in_year('00001', 2023), 2023)`,
		"unknown level":               `INSERT INTO registrations (year, ward_id, level) VALUES (2023, unit_in_year('00001', 2023), 'district')`,
		"evidence outside year":       `INSERT INTO evidence (assessment_id, year, number, title, dated, content_type, size, sha256, content) SELECT id, 2023, 2, 't', '2022-12-31', 'application/pdf', 1, decode(repeat('00', 32), 'hex'), '\x00' FROM assessments WHERE ward_id = unit_in_year('09552', 2023) AND year = 2023`,
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
