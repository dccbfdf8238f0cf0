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
	// ReviewedAt is when the file was last approved or returned.
	ReviewedAt *time.Time
	Version    int
	UpdatedAt  time.Time
	Results    map[int]Result
	// Appraisals are the province's appraisal of each criterion it has
	// appraised, Findings the inspection team's finding on each criterion
	// it has judged (WardView reads them; nil elsewhere).
	Appraisals map[int]Appraisal
	Findings   map[int]Finding
	// Visit is the file's inspection on site, nil when none is planned.
	Visit *Visit
}

// Visit is a ward's place in an inspection: which one, and the leader's
// conclusion once the visit is concluded.
type Visit struct {
	Inspection  int64
	Version     int    // moves on with every finding: a sheet saves at the version it showed
	Proposal    string // recognize or decline; empty until concluded
	Note        string
	ConcludedAt *time.Time
	From, To    time.Time // the inspection's days
}

// Judgements are the file's judgements tier by tier, as assess counts
// its standings.
func (a Assessment) Judgements() assess.Judgements {
	j := assess.Judgements{
		Claims:     a.Stored(),
		Appraisals: make(map[int]assess.Status, len(a.Appraisals)),
		Findings:   make(map[int]assess.Status, len(a.Findings)),
		Approved:   a.State == assess.Approved || a.State == assess.Recognized,
		Concluded:  a.Visit != nil && a.Visit.Proposal != "",
	}
	for n, p := range a.Appraisals {
		j.Appraisals[n] = p.Status
	}
	for n, f := range a.Findings {
		j.Findings[n] = f.Status
	}
	return j
}

// RecognitionVisit is the file's inspection as recognition's rule reads it.
func (a Assessment) RecognitionVisit() assess.Visit {
	if a.Visit == nil {
		return assess.Visit{}
	}
	return assess.Visit{Planned: true, Proposal: a.Visit.Proposal}
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

// Assessment returns the assessment of ward code in year, with its
// results, appraisals and findings.
func (s *Store) Assessment(ctx context.Context, year int, code string) (Assessment, error) {
	a := Assessment{WardCode: code, Year: year, Results: map[int]Result{}}
	if err := scanAssessment(s.pool.QueryRow(ctx, assessmentSQL, code, year), &a); err != nil {
		return Assessment{}, fmt.Errorf("assessment %s %d: %w", code, year, err)
	}
	if !a.Exists {
		return a, nil
	}
	rows, err := s.pool.Query(ctx, resultsSQL, code, year)
	if err != nil {
		return Assessment{}, fmt.Errorf("results %s %d: %w", code, year, err)
	}
	if err := collectResults(rows, &a); err != nil {
		return Assessment{}, fmt.Errorf("results %s %d: %w", code, year, err)
	}
	rows, err = s.pool.Query(ctx, judgementsByCodeSQL, code, year)
	if err != nil {
		return Assessment{}, fmt.Errorf("judgements %s %d: %w", code, year, err)
	}
	if err := collectJudgements(rows, &a); err != nil {
		return Assessment{}, fmt.Errorf("judgements %s %d: %w", code, year, err)
	}
	return a, nil
}

// assessmentSQL reads the assessment of ward $1 in year $2, and its
// inspection if one is planned.
const assessmentSQL = `
	SELECT a.id, a.state, a.return_reason, a.decision_no, a.decision_date, a.submitted_at, a.reviewed_at, a.version, a.updated_at,
	       v.inspection_id, coalesce(v.version, 0), coalesce(v.proposal, ''), coalesce(v.note, ''), v.concluded_at,
	       i.starts_on, i.ends_on
	FROM assessments a
	LEFT JOIN inspection_wards v ON v.assessment_id = a.id
	LEFT JOIN inspections i ON i.id = v.inspection_id
	WHERE a.ward_id = unit_in_year($1, $2) AND a.year = $2`

// resultsSQL reads the results of the assessment of ward $1 in year $2.
const resultsSQL = `
	SELECT r.number, r.status, coalesce(r.value::text, ''), r.note, r.version,
	       coalesce(u.full_name, ''), r.updated_at
	FROM results r
	JOIN assessments a ON a.id = r.assessment_id
	LEFT JOIN users u ON u.id = r.updated_by
	WHERE a.ward_id = unit_in_year($1, $2) AND a.year = $2`

// scanAssessment reads an assessmentSQL row into a; no row leaves a.Exists false.
func scanAssessment(row pgx.Row, a *Assessment) error {
	var inspection *int64
	var from, to *time.Time
	var v Visit
	err := row.Scan(&a.ID, &a.State, &a.ReturnReason, &a.DecisionNo, &a.DecisionDate, &a.SubmittedAt, &a.ReviewedAt, &a.Version, &a.UpdatedAt,
		&inspection, &v.Version, &v.Proposal, &v.Note, &v.ConcludedAt, &from, &to)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if inspection != nil {
		v.Inspection, v.From, v.To = *inspection, *from, *to
		a.Visit = &v
	}
	a.Exists = err == nil
	return err
}

func collectResults(rows pgx.Rows, a *Assessment) error {
	results, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Result, error) {
		var res Result
		err := r.Scan(&res.Number, &res.Status, &res.Value, &res.Note, &res.Version, &res.UpdatedBy, &res.UpdatedAt)
		return res, err
	})
	for _, r := range results {
		a.Results[r.Number] = r
	}
	return err
}

// Stored returns the stored status of each criterion, for assess.ComputeStanding.
func (a Assessment) Stored() map[int]assess.Status {
	m := make(map[int]assess.Status, len(a.Results))
	for n, r := range a.Results {
		m[n] = r.Status
	}
	return m
}
