package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// Waiting is an assessment waiting on someone, as a home page lists it.
type Waiting struct {
	Year     int
	Code     string
	Name     string
	District string
	State    assess.State
	// Since is when it started waiting: submitted, approved or returned.
	Since        time.Time
	ReturnReason string
	Standing     assess.Standing
	Level        string
	// Visit is its inspection, as recognition's rule reads it.
	Visit assess.Visit
}

// waitingSQL lists the assessments in states $2 of the wards below unit
// $1 (the unit itself for a ward; every ward for the Ministry, $3), across
// years, oldest first. Each ward is placed as the tree stood on its day of
// the assessment's year, as dashboards place it.
var waitingSQL = `
	SELECT a.year, w.code, w.name, coalesce(d.name, ''), a.state,
	       CASE a.state WHEN 'submitted' THEN a.submitted_at
	                    WHEN 'approved' THEN coalesce(a.approved_at, a.reviewed_at)
	                    ELSE coalesce(a.reviewed_at, a.updated_at) END AS since,
	       a.return_reason, a.met, (SELECT count(*) FROM criteria c WHERE c.year = a.year), a.pending, r.level,
	       v.assessment_id IS NOT NULL, coalesce(v.proposal, '')
	FROM assessments a
	JOIN registrations r ON r.year = a.year AND r.ward_id = a.ward_id
	LEFT JOIN inspection_wards v ON v.assessment_id = a.id
	JOIN units w ON w.id = a.ward_id` + placeWardOn("a.year") + `
	WHERE a.state = ANY($2) AND ($3 OR $1 IN (w.id, l1.parent_id, l2.parent_id))
	ORDER BY since, a.year, w.code
	LIMIT $4`

// Waiting lists up to limit assessments in one of states below the unit
// with id unit (all of them for the Ministry), oldest first.
func (s *Store) Waiting(ctx context.Context, unit int64, ministry bool, states []assess.State, limit int) ([]Waiting, error) {
	names := make([]string, len(states))
	for i, st := range states {
		names[i] = string(st)
	}
	rows, err := s.readQuery(ctx, waitingSQL, unit, names, ministry, limit)
	if err != nil {
		return nil, fmt.Errorf("waiting: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Waiting, error) {
		var w Waiting
		var since *time.Time
		err := r.Scan(&w.Year, &w.Code, &w.Name, &w.District, &w.State, &since, &w.ReturnReason,
			&w.Standing.Met, &w.Standing.Total, &w.Standing.PendingYearEnd, &w.Level, &w.Visit.Planned, &w.Visit.Proposal)
		if since != nil {
			w.Since = *since
		}
		return w, err
	})
	if err != nil {
		return nil, fmt.Errorf("waiting: %w", err)
	}
	return list, nil
}
