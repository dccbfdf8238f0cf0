package assess

import (
	"errors"
	"testing"
)

func TestJudge(t *testing.T) {
	check := Criterion{Number: 2, Kind: Check}
	yearEndCheck := Criterion{Number: 1, Kind: Check, YearEnd: true}
	solved := Criterion{Number: 13, Kind: Measure, Scale: Share, Comparator: GreaterEqual, Threshold: "90"}
	yearEndMeasure := Criterion{Number: 30, Kind: Measure, Scale: Count, Comparator: LessEqual, Threshold: "0", YearEnd: true}
	ok := []struct {
		c         Criterion
		status    Status
		raw       string
		open      bool
		want      Status
		wantValue string
	}{
		{check, Met, "", true, Met, ""},
		{check, NotMet, "", false, NotMet, ""},
		{check, "", "", true, NotStarted, ""},
		{check, InProgress, "42", true, InProgress, ""}, // a check keeps no value
		{solved, "", "91,5", true, Met, "91.5"},
		{solved, NotMet, "91", true, Met, "91"}, // the value decides, not the status sent
		{solved, Met, "89,9", true, NotMet, "89.9"},
		{solved, InProgress, "", true, InProgress, ""},
		{yearEndCheck, InProgress, "", false, InProgress, ""},
		{yearEndCheck, Met, "", true, Met, ""},
		{yearEndMeasure, Met, "0", false, InProgress, "0"},
		{yearEndMeasure, "", "0", true, Met, "0"},
	}
	for _, tt := range ok {
		st, v, err := tt.c.Judge(tt.status, tt.raw, tt.open)
		if err != nil || st != tt.want || v != tt.wantValue {
			t.Errorf("criterion %d %q %q open=%v = %s %q %v; want %s %q", tt.c.Number, tt.status, tt.raw, tt.open, st, v, err, tt.want, tt.wantValue)
		}
	}
	bad := []struct {
		c      Criterion
		status Status
		raw    string
		open   bool
		want   error
	}{
		{check, "done", "", true, ErrStatus},
		{check, PendingYearEnd, "", true, ErrStatus},
		{yearEndCheck, Met, "", false, ErrYearEndClosed},
		{yearEndCheck, NotMet, "", false, ErrYearEndClosed},
		{solved, Met, "", true, ErrMeasureNeeds},
		{solved, "", "abc", true, ErrValueNotNumber},
		{solved, "", "101", true, ErrValueShare},
	}
	for _, tt := range bad {
		if st, v, err := tt.c.Judge(tt.status, tt.raw, tt.open); !errors.Is(err, tt.want) {
			t.Errorf("criterion %d %q %q = %s %q %v; want %v", tt.c.Number, tt.status, tt.raw, st, v, err, tt.want)
		}
	}
}
