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
	Until     string
	Reason    string
	Errors    map[string]string
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
