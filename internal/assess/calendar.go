package assess

import (
	"errors"
	"time"
)

// Calendar is a year's dates, each optional: registration closes, wards'
// self-assessments are due, the province's review is due, the Ministry
// inspects (from, to), the decision is expected. Dates are days in
// Vietnam; a deadline holds to the end of its day.
type Calendar struct {
	RegistrationDue   *time.Time
	SelfAssessmentDue *time.Time
	ReviewDue         *time.Time
	InspectionFrom    *time.Time
	InspectionTo      *time.Time
	DecisionDue       *time.Time
}

// MaxExtensionDays is how far past the self-assessment deadline an
// extension may run in a year without a review deadline.
const MaxExtensionDays = 60

// LatestExtension is the last day a ward's self-assessment may be
// extended to: the review deadline (the province must still have time to
// review), or MaxExtensionDays past the self-assessment deadline, or the
// year's end.
func (c Calendar) LatestExtension(year int) time.Time {
	switch {
	case c.ReviewDue != nil:
		return *c.ReviewDue
	case c.SelfAssessmentDue != nil:
		return c.SelfAssessmentDue.AddDate(0, 0, MaxExtensionDays)
	}
	return time.Date(year, time.December, 31, 0, 0, 0, 0, time.UTC)
}

// CalendarKeys name the calendar's dates, in order, as forms and messages
// call them.
var CalendarKeys = []string{"registration_due", "self_assessment_due", "review_due", "inspection_from", "inspection_to", "decision_due"}

// Dates are the calendar's dates in the order of CalendarKeys.
func (c *Calendar) Dates() []**time.Time {
	return []**time.Time{&c.RegistrationDue, &c.SelfAssessmentDue, &c.ReviewDue, &c.InspectionFrom, &c.InspectionTo, &c.DecisionDue}
}

// ErrCalendarOrder means a date of the calendar comes before an earlier
// step's.
var ErrCalendarOrder = errors.New("the calendar's dates are out of order")

// OutOfOrder is the key of the first date that comes before a date given
// for an earlier step, or "" when the dates given are in order. The steps
// run in two lines from registration to the decision: the wards' files,
// then the province's review; and the inspection window, which may fall
// while the files are still open (Hà Nội inspected on 10/11/2023).
func (c Calendar) OutOfOrder() string {
	lines := [][]int{{0, 1, 2, 5}, {0, 3, 4, 5}}
	dates := c.Dates()
	for i, key := range CalendarKeys {
		for _, line := range lines {
			var last *time.Time
			for _, k := range line {
				if d := *dates[k]; d != nil {
					if k == i && last != nil && d.Before(*last) {
						return key
					}
					if k == i {
						break
					}
					last = d
				}
			}
		}
	}
	return ""
}

// Day is t's calendar day in Vietnam, as a date at midnight UTC, the way
// dates are stored.
func Day(t time.Time) time.Time {
	y, m, d := t.In(Vietnam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// AfterToday says whether a typed day comes after today in Vietnam: the
// one comparison of a typed date with the present (at 00:30 in Hà Nội it
// is already the new day, though UTC is still on the old one).
func AfterToday(day, now time.Time) bool {
	return day.After(Day(now))
}

// Vietnam is the portal's one time zone (Asia/Ho_Chi_Minh, UTC+7, no
// daylight saving): days, deadlines, and every time shown.
var Vietnam = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()

// Passed says whether the deadline due (a day) is over at now.
func Passed(due *time.Time, now time.Time) bool {
	return due != nil && Day(now).After(*due)
}

// DaysLeft is how many days remain until the day due, counted in Vietnam:
// 0 on the day itself, negative once it has passed.
func DaysLeft(due, now time.Time) int {
	return int(due.Sub(Day(now)).Hours() / 24)
}

// Deadline is a date of the calendar and what it is.
type Deadline struct {
	Key string
	On  time.Time
}

// Next is the first date of the calendar, among keys, not yet passed at
// now; false when none is left.
func (c Calendar) Next(now time.Time, keys ...string) (Deadline, bool) {
	for i, d := range c.Dates() {
		if *d == nil || Passed(*d, now) {
			continue
		}
		for _, k := range keys {
			if k == CalendarKeys[i] {
				return Deadline{Key: k, On: **d}, true
			}
		}
	}
	return Deadline{}, false
}

// DeadlinesOf are the dates a role itself acts by: a ward's officers by
// the self-assessment's, a province's reviewers by registration's and the
// review's, the Ministry by the inspection and the decision.
func DeadlinesOf(r Role) []string {
	switch r {
	case WardOfficer:
		return []string{"self_assessment_due"}
	case Reviewer:
		return []string{"registration_due", "review_due"}
	case Ministry:
		return []string{"inspection_from", "inspection_to", "decision_due"}
	}
	return CalendarKeys
}

// WatchedBy are the dates a role watches the units below it keep: a
// province its wards' self-assessment, the Ministry the provinces'
// registration and review.
func WatchedBy(r Role) []string {
	switch r {
	case Reviewer:
		return []string{"self_assessment_due"}
	case Ministry:
		return []string{"registration_due", "review_due"}
	}
	return nil
}

// OpenToWard says whether a ward may still change its self-assessment at
// now: until the end of the due day, or of the day its extension runs to.
func OpenToWard(due, extendedTo *time.Time, now time.Time) bool {
	if !Passed(due, now) {
		return true
	}
	return extendedTo != nil && !Passed(extendedTo, now)
}
