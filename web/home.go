package web

import (
	"time"

	"modelward/internal/assess"
)

// HomePage is what the signed-in user must do now, across years.
type HomePage struct {
	Page
	UnitName string
	// UnitHref is the user's own unit page in its current year, and
	// UnitYear that year.
	UnitHref string
	UnitYear int
	// InspectionsHref lists the year's inspections on site, for the
	// Ministry and the provinces.
	InspectionsHref string
	DecisionsHref   string
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
	// Watched is the next date the units below the user keep (a
	// province's wards, the Ministry's provinces), after the user's own.
	Watched *Deadline
}

// WaitingRow is one assessment waiting on the user.
type WaitingRow struct {
	Year     int
	Name     string
	District string
	Href     string
	Since    time.Time
	Days     int
	// Overdue says the step the row waits for is past its date (the
	// review's, the decision's).
	Overdue  bool
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
	// State is the file's; what the section says follows it. A file
	// sent back lists what to work on (Returned, each with its reason, or
	// the whole file with ReturnReason); one submitted, approved or
	// recognised says since when, by whom, and what comes next.
	State        assess.State
	On           string // the day of the last step: submitted, returned, approved, recognised
	Returned     []ReturnedItem
	ReturnReason string
	ApprovedBy   string
	// Next is the step after approval, a message key; Short says the file
	// does not meet every criterion and cannot be recognised.
	Next       string
	Short      bool
	Standings  string // "18/20", for Short
	DecisionNo string
}

// ReturnedItem is a criterion sent back, with the reviewer's reason.
type ReturnedItem struct {
	Crumb
	Reason string
}

// anyDistrict says whether any row lies in a district (none since 2025).
func anyDistrict(rows []WaitingRow) bool {
	for _, w := range rows {
		if w.District != "" {
			return true
		}
	}
	return false
}
