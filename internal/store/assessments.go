package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// Assessment is a ward's assessment for a year. A ward that has not started
// its assessment has none: Exists is false and State is empty.
type Assessment struct {
	Exists       bool
	ID           int64
	WardCode     string
	Year         int
	State        assess.State
	ReturnReason string
	DecisionNo   string
	DecisionDate *time.Time
	SubmittedAt  *time.Time
	Version      int
	UpdatedAt    time.Time
	Results      map[int]Result
}

// Result is the recorded judgement of one criterion.
type Result struct {
	Number    int
	Status    assess.Status
	Value     string // decimal as stored, empty when none
	Note      string
	Version   int
	UpdatedBy string
	UpdatedAt time.Time
}

// Assessment returns the assessment of ward code in year, with its results.
func (s *Store) Assessment(ctx context.Context, year int, code string) (Assessment, error) {
	a := Assessment{WardCode: code, Year: year, Results: map[int]Result{}}
	err := s.pool.QueryRow(ctx, `
		SELECT id, state, return_reason, decision_no, decision_date, submitted_at, version, updated_at
		FROM assessments WHERE ward_code = $1 AND year = $2`, code, year).
		Scan(&a.ID, &a.State, &a.ReturnReason, &a.DecisionNo, &a.DecisionDate, &a.SubmittedAt, &a.Version, &a.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, nil
	}
	if err != nil {
		return Assessment{}, fmt.Errorf("assessment %s %d: %w", code, year, err)
	}
	a.Exists = true
	rows, err := s.pool.Query(ctx, `
		SELECT r.number, r.status, coalesce(r.value::text, ''), r.note, r.version,
		       coalesce(u.full_name, ''), r.updated_at
		FROM results r LEFT JOIN users u ON u.id = r.updated_by
		WHERE r.assessment_id = $1`, a.ID)
	if err != nil {
		return Assessment{}, fmt.Errorf("results %s %d: %w", code, year, err)
	}
	results, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Result, error) {
		var res Result
		err := r.Scan(&res.Number, &res.Status, &res.Value, &res.Note, &res.Version, &res.UpdatedBy, &res.UpdatedAt)
		return res, err
	})
	if err != nil {
		return Assessment{}, fmt.Errorf("results %s %d: %w", code, year, err)
	}
	for _, r := range results {
		a.Results[r.Number] = r
	}
	return a, nil
}

// Stored returns the stored status of each criterion, for assess.ComputeStanding.
func (a Assessment) Stored() map[int]assess.Status {
	m := make(map[int]assess.Status, len(a.Results))
	for n, r := range a.Results {
		m[n] = r.Status
	}
	return m
}
