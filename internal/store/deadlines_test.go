package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

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
