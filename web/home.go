package web

import "time"

// HomePage is what the signed-in user must do now, across years.
type HomePage struct {
	Page
	UnitName string
	// UnitHref is the user's own unit page in its current year, and
	// UnitYear that year.
	UnitHref string
	UnitYear int
	// TakenOver names the units that took the user's unit over, when it is
	// no longer in force.
	TakenOver []Crumb
	// An officer's: returned assessments first, then the open year's work.
	Returned []WaitingRow
	Open     *OpenYear
	// A reviewer's queue, oldest first; the approved wards awaiting a
	// decision the user may record (the Ministry's, or a province's for
	// its city-level wards).
	Queue     []WaitingRow
	Decisions []WaitingRow
	// Nothing says there is nothing to do now.
	Nothing bool
	// Deadline is the next date of the year's calendar the user acts by;
	// ReviewDue the review's, beside a reviewer's queue.
	Deadline  *Deadline
	ReviewDue *Deadline
}

// WaitingRow is one assessment waiting on the user.
type WaitingRow struct {
	Year     int
	Name     string
	District string
	Href     string
	Since    time.Time
	Days     int
	Reason   string
	Standing string
	Level    string
}

// OpenYear is an officer's work in the open year.
type OpenYear struct {
	Year      int
	Href      string
	Standing  string
	StateWord string
	// NotJudged are the criteria neither met nor not met yet, year-end ones
	// apart; YearEndOpen says those are open to judge now.
	NotJudged   []Crumb
	YearEnd     []Crumb
	YearEndOpen bool
	YearEndFrom string
	Submitted   bool
}
