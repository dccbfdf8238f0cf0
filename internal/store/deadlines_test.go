package store_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/testdb"
)

// A week and a day before the self-assessment deadline, the officers of
// wards whose file is still open are warned, once each however often the
// sweep runs, also by two copies at once; a ward that has submitted, or
// has an extension, is not.
func TestDeadlineWarnings(t *testing.T) {
	st, url := testdb.Open(t, true)
	ctx := context.Background()
	vn := time.FixedZone("ICT", 7*3600)
	count := func(kind string) int {
		return queryInt(t, url, `SELECT count(*) FROM notifications WHERE kind = $1`, kind)
	}
	if n, err := st.SweepDeadlines(ctx, time.Date(2026, 12, 1, 9, 0, 0, 0, vn)); err != nil || n != 0 || count("deadline_7") != 0 {
		t.Fatalf("30 days ahead: %d wards warned (%v)", n, err)
	}
	week := time.Date(2026, 12, 24, 9, 0, 0, 0, vn)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := st.SweepDeadlines(ctx, week); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	open := queryInt(t, url, `SELECT count(*) FROM users u JOIN registrations r ON r.ward_id = u.unit_id AND r.year = 2026
		LEFT JOIN assessments a ON a.ward_id = r.ward_id AND a.year = 2026
		WHERE u.role = 'ward_officer' AND u.active AND coalesce(a.state, '') IN ('', 'draft', 'returned')`)
	if open == 0 {
		t.Fatal("the demo has no officer of an open 2026 file")
	}
	if n := count("deadline_7"); n != open {
		t.Errorf("%d warnings a week ahead, want %d (one per officer of an open file)", n, open)
	}
	if _, err := st.SweepDeadlines(ctx, week.Add(time.Hour)); err != nil || count("deadline_7") != open {
		t.Errorf("the sweep again warned again: %d (%v)", count("deadline_7"), err)
	}
	if n := queryInt(t, url, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.kind = 'deadline_7' AND u.username = 'phula' AND n.href = '/2026/wards/09552'`); n != 1 {
		t.Errorf("phula got %d warnings for Kiến Hưng, want 1", n)
	}
	if _, err := st.SweepDeadlines(ctx, time.Date(2026, 12, 30, 20, 0, 0, 0, vn)); err != nil || count("deadline_1") != open {
		t.Errorf("the day before: %d warnings (%v), want %d", count("deadline_1"), err, open)
	}
	if n := queryInt(t, url, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind LIKE 'deadline%' AND u.role <> 'ward_officer'`); n != 0 {
		t.Errorf("%d warnings went to others than officers", n)
	}
}

// A week, then a day, before the recognition decision is due, whoever
// decides is told of each ward approved and meeting every criterion with
// no decision yet: the Ministry for a ward at its level, the province for
// one at the city's; once each; not of a ward since recognised.
func TestDecisionWarnings(t *testing.T) {
	st, url := testdb.Open(t, true)
	ctx := context.Background()
	vn := time.FixedZone("ICT", 7*3600)
	warned := func(kind, username string) []string {
		t.Helper()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		rows, err := conn.Query(ctx, `SELECT n.href FROM notifications n JOIN users u ON u.id = n.user_id
			WHERE n.kind = $1 AND u.username = $2 ORDER BY n.href`, kind, username)
		if err != nil {
			t.Fatal(err)
		}
		hrefs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return hrefs
	}
	// The demo's 2026 decision is due 30/04/2027.
	undecided := queryInt(t, url, `SELECT count(*) FROM assessments a JOIN registrations r ON r.ward_id = a.ward_id AND r.year = a.year
		WHERE a.year = 2026 AND a.state = 'approved' AND a.met = (SELECT count(*) FROM criteria WHERE year = 2026)`)
	if undecided == 0 {
		t.Fatal("the demo has no 2026 ward awaiting its decision")
	}
	if _, err := st.SweepDeadlines(ctx, time.Date(2027, 4, 20, 9, 0, 0, 0, vn)); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, url, `SELECT count(*) FROM notifications WHERE kind LIKE 'decision_%'`); n != 0 {
		t.Fatalf("%d decision warnings ten days ahead", n)
	}
	for range 2 {
		if _, err := st.SweepDeadlines(ctx, time.Date(2027, 4, 23, 9, 0, 0, 0, vn)); err != nil {
			t.Fatal(err)
		}
	}
	ministry, city := warned("decision_7", "bocongan"), warned("decision_7", "hanoi")
	if len(ministry)+len(city) == 0 {
		t.Fatal("nobody was told a week ahead")
	}
	for _, h := range append(append([]string{}, ministry...), city...) {
		if !strings.HasPrefix(h, "/2026/wards/") || !strings.HasSuffix(h, "#recognize") {
			t.Errorf("a warning leads to %s", h)
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, h := range ministry {
		code := strings.TrimSuffix(strings.TrimPrefix(h, "/2026/wards/"), "#recognize")
		var level string
		if err := conn.QueryRow(ctx, `SELECT level FROM registrations WHERE year = 2026 AND ward_id = unit_in_year($1, 2026)`, code).Scan(&level); err != nil {
			t.Fatal(err)
		}
		if level != "ministry" {
			t.Errorf("the Ministry was told of %s, registered at %s level", code, level)
		}
	}
	if slices.Contains(city, "/2026/wards/00004#recognize") {
		t.Error("the city was told of a ward at the Ministry's level")
	}
	// Recognised in between: no warning the day before.
	testdb.ExecURL(t, url, `UPDATE assessments SET state = 'recognized', decision_no = '12/QĐ-BCA', decision_date = '2027-04-28', recognized_at = now()
		WHERE year = 2026 AND ward_id = unit_in_year('00004', 2026)`)
	if _, err := st.SweepDeadlines(ctx, time.Date(2027, 4, 29, 9, 0, 0, 0, vn)); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(warned("decision_1", "bocongan"), "/2026/wards/00004#recognize") {
		t.Error("a recognised ward was warned of the day before")
	}
	if n := len(warned("decision_1", "bocongan")) + len(warned("decision_1", "hanoi")); n != len(ministry)+len(city)-1 {
		t.Errorf("%d warnings the day before, want %d", n, len(ministry)+len(city)-1)
	}
}
