package assess

import "errors"

// Errors of a judgement as entered.
var (
	ErrStatus        = errors.New("status is not one of not_started, in_progress, met, not_met")
	ErrMeasureNeeds  = errors.New("a measure is judged from its value: enter the value")
	ErrYearEndClosed = errors.New("year-end criteria can be judged only from the year-end opening date")
)

// Judge decides what is stored for a criterion from what an officer
// entered. A check takes the status as given. A measure's status follows
// from its value; without a value it can only be not started or in
// progress. A year-end criterion cannot be judged before the year-end
// window opens. rawValue is parsed with ParseValue.
func (c Criterion) Judge(status Status, rawValue string, yearEndOpen bool) (Status, string, error) {
	if status == "" {
		status = NotStarted
	}
	if !status.Valid() {
		return "", "", ErrStatus
	}
	closed := c.YearEnd && !yearEndOpen
	if c.Kind != Measure {
		if closed && status.Judged() {
			return "", "", ErrYearEndClosed
		}
		return status, "", nil
	}
	if rawValue == "" {
		if status.Judged() {
			return "", "", ErrMeasureNeeds
		}
		return status, "", nil
	}
	value, err := c.ParseValue(rawValue)
	if err != nil {
		return "", "", err
	}
	if closed {
		// The figure may be recorded; the judgement waits for the year end.
		if status.Judged() {
			status = InProgress
		}
		return status, value, nil
	}
	st, err := c.Evaluate(value)
	return st, value, err
}
