package assess

import (
	"testing"
	"time"
)

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

func TestCalendar(t *testing.T) {
	c := Calendar{RegistrationDue: date(2026, 3, 31), SelfAssessmentDue: date(2026, 12, 31), ReviewDue: date(2027, 1, 31), DecisionDue: date(2027, 4, 30)}
	if k := c.OutOfOrder(); k != "" {
		t.Errorf("the demo's calendar is out of order at %s", k)
	}
	bad := c
	bad.DecisionDue = date(2027, 1, 1)
	if k := bad.OutOfOrder(); k != "decision_due" {
		t.Errorf("a decision before the review: %q, want decision_due", k)
	}
	// The inspection window may fall before the files are due, not before
	// registration closes or after the decision; it ends after it starts.
	windowed := c
	windowed.InspectionFrom, windowed.InspectionTo = date(2026, 12, 1), date(2026, 12, 20)
	if k := windowed.OutOfOrder(); k != "" {
		t.Errorf("a December inspection window is out of order at %s", k)
	}
	for _, tt := range []struct {
		from, to *time.Time
		want     string
	}{
		{date(2026, 3, 1), date(2026, 12, 20), "inspection_from"},
		{date(2026, 12, 1), date(2026, 11, 30), "inspection_to"},
		{date(2026, 12, 1), date(2027, 5, 1), "decision_due"},
	} {
		bad := windowed
		bad.InspectionFrom, bad.InspectionTo = tt.from, tt.to
		if k := bad.OutOfOrder(); k != tt.want {
			t.Errorf("window %s–%s: %q, want %q", tt.from.Format(time.DateOnly), tt.to.Format(time.DateOnly), k, tt.want)
		}
	}
	vn := time.FixedZone("ICT", 7*3600)
	// The deadline holds to the end of its day in Vietnam.
	for _, tt := range []struct {
		now    time.Time
		passed bool
		left   int
	}{
		{time.Date(2026, 12, 1, 9, 0, 0, 0, vn), false, 30},
		{time.Date(2026, 12, 31, 23, 59, 0, 0, vn), false, 0},
		{time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC), true, -1}, // 00:30 on 1 January in Vietnam
		{time.Date(2027, 1, 3, 8, 0, 0, 0, vn), true, -3},
	} {
		if got := Passed(c.SelfAssessmentDue, tt.now); got != tt.passed {
			t.Errorf("at %s passed = %t", tt.now, got)
		}
		if got := DaysLeft(*c.SelfAssessmentDue, tt.now); got != tt.left {
			t.Errorf("at %s days left = %d, want %d", tt.now, got, tt.left)
		}
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, vn)
	if d, ok := c.Next(now, DeadlinesOf(WardOfficer)...); !ok || d.Key != "self_assessment_due" {
		t.Errorf("an officer's next: %+v %t", d, ok)
	}
	// The Ministry's own date first (the decision), the provinces' review
	// among those it watches.
	if d, ok := c.Next(now, DeadlinesOf(Ministry)...); !ok || d.Key != "decision_due" {
		t.Errorf("the Ministry's next: %+v %t", d, ok)
	}
	if d, ok := c.Next(now, WatchedBy(Ministry)...); !ok || d.Key != "review_due" {
		t.Errorf("the Ministry's next watched: %+v %t", d, ok)
	}
	if _, ok := c.Next(time.Date(2027, 6, 1, 0, 0, 0, 0, vn), CalendarKeys...); ok {
		t.Error("a date is next after the year's last")
	}
	after := time.Date(2027, 1, 3, 8, 0, 0, 0, vn)
	if OpenToWard(c.SelfAssessmentDue, nil, after) || !OpenToWard(c.SelfAssessmentDue, date(2027, 1, 10), after) ||
		OpenToWard(c.SelfAssessmentDue, date(2027, 1, 2), after) || !OpenToWard(nil, nil, after) {
		t.Error("OpenToWard: a ward is open only before its deadline or extension, or without either")
	}
}

// An extension runs at most to the review deadline, or 60 days past the
// self-assessment deadline, or to the year's end.
func TestLatestExtension(t *testing.T) {
	day := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); return &t }
	for _, tt := range []struct {
		cal  Calendar
		want time.Time
	}{
		{Calendar{SelfAssessmentDue: day(2026, 12, 31), ReviewDue: day(2027, 1, 31)}, *day(2027, 1, 31)},
		{Calendar{SelfAssessmentDue: day(2026, 12, 31)}, *day(2027, 3, 1)},
		{Calendar{}, *day(2026, 12, 31)},
	} {
		if got := tt.cal.LatestExtension(2026); !got.Equal(tt.want) {
			t.Errorf("%+v: %v, want %v", tt.cal, got, tt.want)
		}
	}
}
