package web

import (
	"fmt"
	"time"
)

// Deadline is a date of the year's calendar as a line of text shows it:
// "Hạn tự đánh giá: 31/12/2026 — còn 30 ngày".
type Deadline struct {
	// Key names the date (assess.CalendarKeys).
	Key      string
	On       time.Time
	DaysLeft int
	// Href is the year's calendar.
	Href string
}

// Text is the deadline in words.
func (d Deadline) Text(l Lang) string {
	var left string
	switch {
	case d.DaysLeft > 0:
		left = l.T("deadline.days", fmt.Sprint(d.DaysLeft))
	case d.DaysLeft == 0:
		left = l.T("deadline.today")
	default:
		left = l.T("deadline.passed", fmt.Sprint(-d.DaysLeft))
	}
	return l.T("deadline."+d.Key) + ": " + l.Date(d.On) + " — " + left
}

// WardDeadline is the ward page's deadline: the self-assessment's, the
// ward's extension, and the form to grant or take back one.
type WardDeadline struct {
	Due *Deadline
	// Closed says the deadline has passed and the ward has no extension
	// in force: the assessment is read-only to the ward.
	Closed    bool
	Extension *ExtensionView
	Form      *ExtensionForm
}

// ExtensionView is an extension in force.
type ExtensionView struct {
	Until     time.Time
	Reason    string
	GrantedBy string
	GrantedAt time.Time
}

// ExtensionForm grants an extension (or replaces one), or revokes it.
type ExtensionForm struct {
	ActionURL string
	RevokeURL string // empty when there is none to revoke
	// Earliest and Latest are the days an extension may run to: after the
	// deadline and not in the past, up to the year's latest.
	Earliest, Latest time.Time
	Until            string
	Reason           string
	Errors           map[string]string
}

// CalendarPage is a year's calendar for everyone signed in.
type CalendarPage struct {
	Page
	Year  int
	Rows  []CalendarRow
	Next  *Deadline
	Empty bool
	// EditHref is the admin's form, empty for others.
	EditHref string
}

// CalendarRow is one date of the calendar.
type CalendarRow struct {
	Key    string
	On     *time.Time
	Passed bool
	// Yours says the date is one the user acts by.
	Yours bool
}

// Example is a day inside the extension's range: two weeks on from the
// earliest, or the latest if sooner.
func (f ExtensionForm) Example() time.Time {
	if e := f.Earliest.AddDate(0, 0, 14); e.Before(f.Latest) {
		return e
	}
	return f.Latest
}

// isoDate is a day as a date field's value and bounds take it.
func isoDate(t time.Time) string { return t.Format(time.DateOnly) }

// yearEndExample is an example of a year-end date: 1 November, the usual.
func yearEndExample(year int) time.Time {
	return time.Date(year, time.November, 1, 0, 0, 0, 0, time.UTC)
}

// dayInYear is a day of year no later than today: today in the current
// year, the year's last day in a past one, its first in a future one.
func dayInYear(year int, today time.Time) time.Time {
	switch {
	case today.Year() == year:
		return today
	case today.Year() > year:
		return time.Date(year, time.December, 31, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
}
