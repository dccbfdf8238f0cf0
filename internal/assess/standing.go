package assess

// Standing is how far a ward is in a year: criteria met out of the
// catalogue's count, and how many year-end criteria are still to be judged.
type Standing struct {
	Met            int
	Total          int
	PendingYearEnd int
}

// Full reports whether every criterion is met.
func (s Standing) Full() bool { return s.Total > 0 && s.Met == s.Total }

// ComputeStanding counts a ward's standing from the year's catalogue and the
// stored statuses by criterion number (a missing result is not started).
// This is the one definition of a standing; the SQL that aggregates
// standings for dashboards is tested against it.
func ComputeStanding(catalogue []Criterion, stored map[int]Status) Standing {
	s := Standing{Total: len(catalogue)}
	for _, c := range catalogue {
		switch c.Shown(stored[c.Number]) {
		case Met:
			s.Met++
		case PendingYearEnd:
			s.PendingYearEnd++
		}
	}
	return s
}
