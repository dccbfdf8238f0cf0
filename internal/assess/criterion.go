// Package assess holds the pure rules of the programme: how a criterion is
// judged, how a ward's standing is counted and which workflow steps are
// allowed. It does no I/O.
package assess

import (
	"fmt"
	"math/big"
)

// Kind says how a criterion is judged.
type Kind string

const (
	// Check is a yes/no criterion judged by people.
	Check Kind = "check"
	// Measure is a number compared with a threshold by the system.
	Measure Kind = "measure"
)

// Status is the stored judgement of one criterion.
type Status string

const (
	NotStarted Status = "not_started"
	InProgress Status = "in_progress"
	Met        Status = "met"
	NotMet     Status = "not_met"
	// PendingYearEnd is never stored: it is how a year-end criterion that has
	// not been judged yet is shown and counted.
	PendingYearEnd Status = "pending_year_end"
)

// Valid reports whether s is a status that may be stored.
func (s Status) Valid() bool {
	switch s {
	case NotStarted, InProgress, Met, NotMet:
		return true
	}
	return false
}

// Judged reports whether the criterion has a final judgement.
func (s Status) Judged() bool { return s == Met || s == NotMet }

// Comparator compares a measure's value with its threshold.
type Comparator string

const (
	Less         Comparator = "<"
	LessEqual    Comparator = "<="
	GreaterEqual Comparator = ">="
	Greater      Comparator = ">"
	Equal        Comparator = "="
)

// Valid reports whether c is a known comparator.
func (c Comparator) Valid() bool {
	switch c {
	case Less, LessEqual, GreaterEqual, Greater, Equal:
		return true
	}
	return false
}

// Criterion is one entry of a year's catalogue.
type Criterion struct {
	Number     int
	Group      string
	GroupVI    string
	GroupEN    string
	TitleVI    string
	TitleEN    string
	Kind       Kind
	Unit       string
	Comparator Comparator
	// Threshold is kept as the decimal string the catalogue holds, so that
	// comparisons are exact (no float rounding at the threshold itself).
	Threshold string
	// Scale says what values a measure takes.
	Scale   Scale
	YearEnd bool
}

// Scale is the range of values a measure takes.
type Scale string

const (
	// Share is a percentage from 0 to 100.
	Share Scale = "share"
	// Count is a whole number, not negative.
	Count Scale = "count"
	// Change is a change against the previous year, any decimal.
	Change Scale = "change"
)

// Valid reports whether s is a known scale.
func (s Scale) Valid() bool { return s == Share || s == Count || s == Change }

// Evaluate judges a measure's value against the criterion's threshold.
// The value is a decimal string as stored ("91", "-8", "91.5").
func (c Criterion) Evaluate(value string) (Status, error) {
	if c.Kind != Measure {
		return "", fmt.Errorf("criterion %d is not a measure", c.Number)
	}
	// Only plain decimals, as stored: big.Rat would also take "1e999999999"
	// and spend its time and memory on the power of ten.
	v, ok := plainDecimal(value)
	if !ok {
		return "", fmt.Errorf("value %q is not a decimal number", value)
	}
	t, ok := plainDecimal(c.Threshold)
	if !ok {
		return "", fmt.Errorf("criterion %d has a bad threshold %q", c.Number, c.Threshold)
	}
	cmp := v.Cmp(t)
	var met bool
	switch c.Comparator {
	case Less:
		met = cmp < 0
	case LessEqual:
		met = cmp <= 0
	case GreaterEqual:
		met = cmp >= 0
	case Greater:
		met = cmp > 0
	case Equal:
		met = cmp == 0
	default:
		return "", fmt.Errorf("criterion %d has an unknown comparator %q", c.Number, c.Comparator)
	}
	if met {
		return Met, nil
	}
	return NotMet, nil
}

// plainDecimal reads a plain decimal of at most 64 characters.
func plainDecimal(s string) (*big.Rat, bool) {
	if len(s) > 64 || !decimalPattern.MatchString(s) {
		return nil, false
	}
	return new(big.Rat).SetString(s)
}

// Shown is the status a result is shown and counted with: a year-end
// criterion that has not been judged yet is pending year end, whatever work
// has started on it, so that a standing never hides why it is short.
func (c Criterion) Shown(stored Status) Status {
	if c.YearEnd && !stored.Judged() {
		return PendingYearEnd
	}
	if stored == "" {
		return NotStarted
	}
	return stored
}
