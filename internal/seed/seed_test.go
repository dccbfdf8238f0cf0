package seed

import (
	"testing"
	"time"
)

// Whatever day the demo is seeded on, its workflow happened before that
// day: nothing submitted or approved in the future, nothing approved
// before it was submitted.
func TestDemoStepsAreNeverInTheFuture(t *testing.T) {
	for _, today := range []time.Time{DemoDay, time.Date(2026, time.November, 25, 0, 0, 0, 0, time.UTC), time.Date(2027, time.June, 1, 0, 0, 0, 0, time.UTC)} {
		d, err := Demo(today)
		if err != nil {
			t.Fatal(err)
		}
		end := today.AddDate(0, 0, 1)
		for _, a := range d.Assessments {
			for name, at := range map[string]*time.Time{"submitted": a.SubmittedAt, "approved": a.ApprovedAt} {
				if at != nil && !at.Before(end) {
					t.Errorf("seeded on %s: %s %d %s on %s", today.Format(time.DateOnly), a.WardCode, a.Year, name, at.Format(time.DateOnly))
				}
			}
			if a.SubmittedAt != nil && a.ApprovedAt != nil && a.ApprovedAt.Before(*a.SubmittedAt) {
				t.Errorf("seeded on %s: %s %d approved before it was submitted", today.Format(time.DateOnly), a.WardCode, a.Year)
			}
		}
	}
}
