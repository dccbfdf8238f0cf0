package assess

import (
	"errors"
	"testing"
)

// A reviewer agrees, or judges otherwise with a reason; a judgement equal
// to the claim is an agreement; a measure's status follows the value the
// reviewer accepts.
func TestAppraise(t *testing.T) {
	check := Criterion{Number: 1, Kind: Check}
	rate := Criterion{Number: 13, Kind: Measure, Comparator: GreaterEqual, Threshold: "90", Unit: "%", Scale: Share}
	for _, tt := range []struct {
		name               string
		c                  Criterion
		choice, value, why string
		claim              Status
		claimValue         string
		want               Appraisal
		err                error
	}{
		{"agree", check, "agree", "", "", Met, "", Appraisal{Agreed: true, Status: Met}, nil},
		{"agree with nothing claimed", check, "agree", "", "", "", "", Appraisal{Agreed: true, Status: NotStarted}, nil},
		{"the same as the claim", check, "met", "", "", Met, "", Appraisal{Agreed: true, Status: Met}, nil},
		{"differs, with its reason", check, "not_met", "", " Biên bản chưa ký. ", Met, "", Appraisal{Status: NotMet, Reason: "Biên bản chưa ký."}, nil},
		{"differs, no reason", check, "not_met", "", " ", Met, "", Appraisal{}, ErrAppraisalReason},
		{"a measure's lower value", rate, "met", "88,5", "Số liệu thống kê quý IV thấp hơn.", Met, "91", Appraisal{Status: NotMet, Value: "88.5", Reason: "Số liệu thống kê quý IV thấp hơn."}, nil},
		{"a measure without a value", rate, "met", "", "x", Met, "91", Appraisal{}, ErrMeasureNeeds},
		{"no such choice", check, "maybe", "", "", Met, "", Appraisal{}, ErrAppraisalChoice},
	} {
		got, err := tt.c.Appraise(tt.choice, tt.value, tt.why, tt.claim, tt.claimValue, true)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("%s: %+v %v, want %+v %v", tt.name, got, err, tt.want, tt.err)
		}
	}
}
