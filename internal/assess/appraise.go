package assess

import (
	"errors"
	"strings"
)

// Appraisal is the province's judgement of one criterion of a submitted
// file (thẩm định): agreeing with the ward's claim, or its own status —
// for a measure, from the value it accepts — with a reason where it
// differs. The claim itself is never changed.
type Appraisal struct {
	Agreed bool
	Status Status
	Value  string
	Reason string
}

// Errors of an appraisal as a reviewer sends it; each has a message.
var (
	ErrAppraisalChoice = errors.New("appraisal: agree, met or not met")
	ErrAppraisalReason = errors.New("appraisal: a reason where it differs from the claim")
)

// Appraise reads a reviewer's choice on criterion c — "agree", "met" or
// "not_met", with the value accepted for a measure and a reason — against
// the ward's claim (its stored status and value). A judgement equal to the
// claim is an agreement; one that differs needs its reason.
func (c Criterion) Appraise(choice, rawValue, reason string, claim Status, claimValue string, yearEndOpen bool) (Appraisal, error) {
	reason = strings.TrimSpace(reason)
	if claim == "" {
		claim = NotStarted
	}
	switch choice {
	case "agree":
		return Appraisal{Agreed: true, Status: claim, Value: claimValue, Reason: reason}, nil
	case string(Met), string(NotMet):
	default:
		return Appraisal{}, ErrAppraisalChoice
	}
	status, value, err := c.Judge(Status(choice), rawValue, yearEndOpen)
	if err != nil {
		return Appraisal{}, err
	}
	a := Appraisal{Status: status, Value: value, Reason: reason}
	if status == claim && value == claimValue {
		a.Agreed = true
		return a, nil
	}
	if reason == "" {
		return Appraisal{}, ErrAppraisalReason
	}
	return a, nil
}
