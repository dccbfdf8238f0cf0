package assess

import (
	"fmt"
	"testing"
)

// Each tier takes its own judgement over the one before, the official
// standing is the last tier reached, and a year-end criterion nobody has
// judged stays pending in every tier.
func TestStandings(t *testing.T) {
	catalogue := []Criterion{{Number: 1, YearEnd: true}, {Number: 2}, {Number: 3}, {Number: 4}}
	claims := map[int]Status{1: InProgress, 2: Met, 3: Met, 4: Met}
	cases := []struct {
		name      string
		j         Judgements
		reached   Tier
		appraised *Standing
		inspected *Standing
		official  Standing
	}{
		{"claim only", Judgements{Claims: claims}, TierClaim, nil, nil,
			Standing{Met: 3, Total: 4, PendingYearEnd: 1}},
		{"approved without appraisals agrees with every claim", Judgements{Claims: claims, Approved: true}, TierAppraisal,
			&Standing{Met: 3, Total: 4, PendingYearEnd: 1}, nil, Standing{Met: 3, Total: 4, PendingYearEnd: 1}},
		{"an appraisal differs", Judgements{Claims: claims, Appraisals: map[int]Status{2: NotMet}}, TierAppraisal,
			&Standing{Met: 2, Total: 4, PendingYearEnd: 1}, nil, Standing{Met: 2, Total: 4, PendingYearEnd: 1}},
		{"a finding overturns the appraisal", Judgements{Claims: claims, Appraisals: map[int]Status{2: NotMet}, Approved: true, Findings: map[int]Status{2: Met, 3: NotMet}},
			TierInspection, &Standing{Met: 2, Total: 4, PendingYearEnd: 1}, &Standing{Met: 2, Total: 4, PendingYearEnd: 1}, Standing{Met: 2, Total: 4, PendingYearEnd: 1}},
		{"a concluded visit without findings agrees", Judgements{Claims: claims, Approved: true, Concluded: true}, TierInspection,
			&Standing{Met: 3, Total: 4, PendingYearEnd: 1}, &Standing{Met: 3, Total: 4, PendingYearEnd: 1}, Standing{Met: 3, Total: 4, PendingYearEnd: 1}},
		{"the inspection judges the year-end criterion", Judgements{Claims: claims, Approved: true, Findings: map[int]Status{1: Met}}, TierInspection,
			&Standing{Met: 3, Total: 4, PendingYearEnd: 1}, &Standing{Met: 4, Total: 4}, Standing{Met: 4, Total: 4}},
	}
	for _, c := range cases {
		if got := c.j.Reached(); got != c.reached {
			t.Errorf("%s: reached %s, want %s", c.name, got, c.reached)
		}
		s := ComputeStandings(catalogue, c.j)
		if s.Claimed != (Standing{Met: 3, Total: 4, PendingYearEnd: 1}) {
			t.Errorf("%s: claimed %+v", c.name, s.Claimed)
		}
		if !sameStanding(s.Appraised, c.appraised) || !sameStanding(s.Inspected, c.inspected) {
			t.Errorf("%s: appraised %+v inspected %+v, want %+v %+v", c.name, s.Appraised, s.Inspected, c.appraised, c.inspected)
		}
		if s.Official() != c.official {
			t.Errorf("%s: official %+v, want %+v", c.name, s.Official(), c.official)
		}
	}
	// The claims are never changed by the tiers above them.
	if claims[2] != Met || claims[3] != Met {
		t.Errorf("claims changed: %v", claims)
	}
}

func sameStanding(a, b *Standing) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Recognition follows the level: a Ministry-level ward only after an
// inspection proposing it, a city-level one after its inspection if one
// was planned; always with every criterion met at the official tier.
func TestRecognitionBar(t *testing.T) {
	full := Standings{Claimed: Standing{Met: 2, Total: 2}}
	short := Standings{Claimed: Standing{Met: 2, Total: 2}, Inspected: &Standing{Met: 1, Total: 2}}
	cases := []struct {
		level string
		v     Visit
		s     Standings
		want  error
	}{
		{"ministry", Visit{}, full, ErrNeedsInspection},
		{"ministry", Visit{Planned: true}, full, ErrInspectionOpen},
		{"ministry", Visit{Planned: true, Proposal: "decline"}, full, ErrInspectionDeclined},
		{"ministry", Visit{Planned: true, Proposal: "recognize"}, short, ErrNotAllMet},
		{"ministry", Visit{Planned: true, Proposal: "recognize"}, full, nil},
		{"city", Visit{}, full, nil},
		{"city", Visit{}, Standings{Claimed: Standing{Met: 2, Total: 2}, Appraised: &Standing{Met: 1, Total: 2}}, ErrNotAllMet},
		{"city", Visit{Planned: true}, full, ErrInspectionOpen},
		{"city", Visit{Planned: true, Proposal: "recognize"}, full, nil},
	}
	for _, c := range cases {
		if got := RecognitionBar(c.level, c.v, c.s.Official()); got != c.want {
			t.Errorf("%s %+v %+v: %v, want %v", c.level, c.v, c.s.Official(), got, c.want)
		}
	}
}

// A tier overturns the one before only where its judgement, as shown,
// differs: an appraisal that agrees, or a finding equal to the appraisal,
// changes nothing.
func TestChanged(t *testing.T) {
	catalogue := []Criterion{{Number: 1, YearEnd: true}, {Number: 2}, {Number: 3}, {Number: 4}}
	j := Judgements{
		Claims:     map[int]Status{1: InProgress, 2: Met, 3: Met, 4: NotMet},
		Appraisals: map[int]Status{1: PendingYearEnd, 2: NotMet, 3: Met},
		Findings:   map[int]Status{2: NotMet, 3: NotMet, 4: Met},
	}
	appraisal, inspection := Changed(catalogue, j)
	if fmt.Sprint(appraisal) != "[2]" || fmt.Sprint(inspection) != "[3 4]" {
		t.Errorf("changed by the appraisal %v, by the inspection %v", appraisal, inspection)
	}
}
