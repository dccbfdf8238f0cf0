package assess

import (
	"errors"
	"strings"
)

// Finding is the inspection team's judgement of one criterion on site: met
// or not met (a measure's from the value found), with a note.
type Finding struct {
	Status Status
	Value  string
	Note   string
}

// Errors of a finding as a member sends it; each has a message.
var (
	ErrFindingChoice  = errors.New("finding: met or not met")
	ErrFindingNote    = errors.New("finding: a note where it differs from the appraisal")
	ErrFindingYearEnd = errors.New("finding: a year-end criterion is judged from the year-end opening date")
)

// Find reads a member's finding on criterion c — "met" or "not_met", with
// the value found for a measure, and a note — against the appraisal's
// tier (appraised: the criterion's status there). A finding that differs
// from it needs its note.
func (c Criterion) Find(choice, rawValue, note string, appraised Status, yearEndOpen bool) (Finding, error) {
	note = strings.TrimSpace(note)
	if choice != string(Met) && choice != string(NotMet) {
		return Finding{}, ErrFindingChoice
	}
	status, value, err := c.Judge(Status(choice), rawValue, yearEndOpen)
	if errors.Is(err, ErrYearEndClosed) || err == nil && !status.Judged() {
		return Finding{}, ErrFindingYearEnd
	}
	if err != nil {
		return Finding{}, err
	}
	if status != c.Shown(appraised) && note == "" {
		return Finding{}, ErrFindingNote
	}
	return Finding{Status: status, Value: value, Note: note}, nil
}
