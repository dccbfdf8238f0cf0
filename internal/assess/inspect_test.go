package assess

import (
	"errors"
	"testing"
)

// A finding is met or not met, a measure's from its value; one that differs
// from the appraisal needs its note; a year-end criterion waits for the
// year end.
func TestFind(t *testing.T) {
	check := Criterion{Number: 2, Kind: Check}
	measure := Criterion{Number: 3, Kind: Measure, Comparator: GreaterEqual, Threshold: "90", Scale: Share}
	yearEnd := Criterion{Number: 1, Kind: Check, YearEnd: true}
	cases := []struct {
		name                string
		c                   Criterion
		choice, value, note string
		appraised           Status
		yearEndOpen         bool
		want                Finding
		err                 error
	}{
		{"agrees", check, "met", "", "", Met, false, Finding{Status: Met}, nil},
		{"differs without a note", check, "not_met", "", " ", Met, false, Finding{}, ErrFindingNote},
		{"differs with a note", check, "not_met", "", "Sổ sách chưa cập nhật", Met, false, Finding{Status: NotMet, Note: "Sổ sách chưa cập nhật"}, nil},
		{"no choice", check, "agree", "", "", Met, false, Finding{}, ErrFindingChoice},
		{"a measure from its value", measure, "met", "85", "Đếm lại tại chỗ", Met, false, Finding{Status: NotMet, Value: "85", Note: "Đếm lại tại chỗ"}, nil},
		{"a measure without a value", measure, "met", "", "", Met, false, Finding{}, ErrMeasureNeeds},
		{"year end closed", yearEnd, "met", "", "", PendingYearEnd, false, Finding{}, ErrFindingYearEnd},
		{"year end open", yearEnd, "met", "", "x", InProgress, true, Finding{Status: Met, Note: "x"}, nil},
	}
	for _, c := range cases {
		got, err := c.c.Find(c.choice, c.value, c.note, c.appraised, c.yearEndOpen)
		if !errors.Is(err, c.err) || got != c.want {
			t.Errorf("%s: %+v, %v; want %+v, %v", c.name, got, err, c.want, c.err)
		}
	}
}
