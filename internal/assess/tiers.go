package assess

import "errors"

// Tier is a level of judgement of a ward's file: the ward's own claim (tự
// đánh giá), the province's appraisal (thẩm định), the inspection team's
// finding on site (kiểm tra thực tế). None overwrites another.
type Tier string

const (
	TierClaim      Tier = "claimed"
	TierAppraisal  Tier = "appraised"
	TierInspection Tier = "inspected"
)

// Judgements are what each tier said of a ward's file, by criterion number.
type Judgements struct {
	Claims     map[int]Status
	Appraisals map[int]Status
	Findings   map[int]Status
	// Approved says the province approved the file, which concludes its
	// appraisal: it agrees with every claim it did not appraise.
	Approved bool
	// Concluded says the inspection team concluded its visit.
	Concluded bool
}

// Reached is the last tier reached: the inspection once it has a finding
// or is concluded, the appraisal once it has a judgement or the file is
// approved, the claim otherwise.
func (j Judgements) Reached() Tier {
	switch {
	case j.Concluded || len(j.Findings) > 0:
		return TierInspection
	case j.Approved || len(j.Appraisals) > 0:
		return TierAppraisal
	}
	return TierClaim
}

// At is the statuses tier t stands on: each tier takes its own judgement
// of a criterion where it made one, and the tier before's otherwise.
func (j Judgements) At(t Tier) map[int]Status {
	out := make(map[int]Status, len(j.Claims))
	for n, s := range j.Claims {
		out[n] = s
	}
	if t == TierClaim {
		return out
	}
	for n, s := range j.Appraisals {
		out[n] = s
	}
	if t == TierAppraisal {
		return out
	}
	for n, s := range j.Findings {
		out[n] = s
	}
	return out
}

// Standings are a file's standing in each tier reached (nil for a tier
// not reached); the official standing is that of the last.
type Standings struct {
	Claimed   Standing
	Appraised *Standing
	Inspected *Standing
}

// Official is the standing of the last tier reached: what dashboards
// count, the public list shows and recognition requires.
func (s Standings) Official() Standing {
	switch {
	case s.Inspected != nil:
		return *s.Inspected
	case s.Appraised != nil:
		return *s.Appraised
	}
	return s.Claimed
}

// ComputeStandings counts a file's standing in each tier it has reached,
// with ComputeStanding: the one place tiers are counted.
func ComputeStandings(catalogue []Criterion, j Judgements) Standings {
	s := Standings{Claimed: ComputeStanding(catalogue, j.Claims)}
	reached := j.Reached()
	if reached != TierClaim {
		a := ComputeStanding(catalogue, j.At(TierAppraisal))
		s.Appraised = &a
	}
	if reached == TierInspection {
		i := ComputeStanding(catalogue, j.At(TierInspection))
		s.Inspected = &i
	}
	return s
}

// Changed lists, in catalogue order, where each tier overturned the one
// before: the criteria whose appraisal differs from the ward's claim, and
// those whose finding differs from the appraisal's tier (statuses as
// shown). This is what tells the Ministry which files can be trusted.
func Changed(catalogue []Criterion, j Judgements) (appraisal, inspection []int) {
	appraised := j.At(TierAppraisal)
	for _, c := range catalogue {
		if s, ok := j.Appraisals[c.Number]; ok && c.Shown(s) != c.Shown(j.Claims[c.Number]) {
			appraisal = append(appraisal, c.Number)
		}
		if s, ok := j.Findings[c.Number]; ok && c.Shown(s) != c.Shown(appraised[c.Number]) {
			inspection = append(inspection, c.Number)
		}
	}
	return appraisal, inspection
}

// Visit is a ward's inspection as recognition's rule reads it.
type Visit struct {
	Planned  bool   // the ward is in an inspection's plan
	Proposal string // the leader's conclusion: recognize, decline, or "" until concluded
}

// Why recognition is refused; each has a message.
var (
	ErrNeedsInspection    = errors.New("a Ministry-level ward is recognised only after an inspection on site")
	ErrInspectionOpen     = errors.New("the ward's inspection is not concluded")
	ErrInspectionDeclined = errors.New("the inspection did not propose recognition")
	ErrNotAllMet          = errors.New("not every criterion is met at the official tier")
)

// RecognitionBar is recognition's rule for a ward registered at level:
// a Ministry-level ward needs an inspection concluded proposing
// recognition; a city-level ward its inspection's if one was planned, its
// appraisal otherwise; and every criterion met at the last tier reached.
// official is the file's official standing (Standings.Official). It
// returns nil when the ward may be recognised.
func RecognitionBar(level string, v Visit, official Standing) error {
	switch {
	case !v.Planned && level == "ministry":
		return ErrNeedsInspection
	case v.Planned && v.Proposal == "":
		return ErrInspectionOpen
	case v.Planned && v.Proposal != "recognize":
		return ErrInspectionDeclined
	case !official.Full():
		return ErrNotAllMet
	}
	return nil
}
