package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
	"modelward/internal/units"
)

// The building blocks below work inside a transaction a loader holds
// (the demo's, in seed): the portal's own rules for the tree, catalogues
// and stored standings, kept here with the rest of its SQL.

// UnitTreeIn reads the unit tree and its successor links, in tx.
func UnitTreeIn(ctx context.Context, tx pgx.Tx) ([]units.Unit, []units.ExistingLink, error) {
	return unitTree(ctx, tx)
}

// ApplyImportIn applies a planned import of the official tree, in tx.
func ApplyImportIn(ctx context.Context, tx pgx.Tx, actor assess.Actor, plan units.Plan, links *units.SuccessorPlan) (ImportCounts, error) {
	return applyImport(ctx, tx, actor, plan, links)
}

// AddCatalogue adds c (its calendar and criteria) in tx unless its year
// has a catalogue already, and says whether it did.
func AddCatalogue(ctx context.Context, tx pgx.Tx, c Catalogue) (bool, error) {
	tag, err := tx.Exec(ctx, `
		INSERT INTO catalogues (year, year_end_opens, `+calendarColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (year) DO NOTHING`, c.Year, c.YearEndOpens, c.Calendar.RegistrationDue, c.Calendar.SelfAssessmentDue,
		c.Calendar.ReviewDue, c.Calendar.InspectionFrom, c.Calendar.InspectionTo, c.Calendar.DecisionDue)
	if err != nil {
		return false, fmt.Errorf("catalogue %d: %w", c.Year, err)
	}
	if tag.RowsAffected() == 0 {
		return false, nil
	}
	for _, k := range c.Criteria {
		if _, err := tx.Exec(ctx, insertCriterionSQL, criterionArgs(c.Year, k)...); err != nil {
			return false, fmt.Errorf("criterion %d of %d: %w", k.Number, c.Year, err)
		}
	}
	return true, nil
}

// RefreshAssessment stores assessment id's standing from its results, in
// tx, as every change of a result does.
func RefreshAssessment(ctx context.Context, tx pgx.Tx, id int64, year int) error {
	return refreshAssessment(ctx, tx, id, year)
}

// LoadIssuedDecision records, in tx, a decision issued before the portal
// held it: the recognised files of year that name it (decision_no), its
// draft rendered by draft and signed by sign, each ward with its
// verification token. Nothing when such a decision is recorded already or
// no file names it; it says whether it recorded one.
func LoadIssuedDecision(ctx context.Context, tx pgx.Tx, year int, number, signer, title string,
	draft func(Decision) ([]byte, error), sign func(draft []byte, on time.Time) ([]byte, string, error)) (bool, error) {
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO decisions (year, level, number, decided_on, signer, signer_title, draft, created_at)
		SELECT $1, min(r.level), $2, min(a.decision_date), $3, $4, '', min(a.decision_date)
		FROM assessments a JOIN registrations r ON r.ward_id = a.ward_id AND r.year = a.year
		WHERE a.year = $1 AND a.decision_no = $2 AND a.state = 'recognized'
		  AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.year = $1 AND d.number = $2)
		HAVING count(*) > 0
		RETURNING id`, year, number, signer, title).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("decision %s of %d: %w", number, year, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO decision_wards (decision_id, assessment_id)
		SELECT $1, id FROM assessments WHERE year = $2 AND decision_no = $3 AND state = 'recognized'`, id, year, number); err != nil {
		return false, err
	}
	d, err := decisionIn(ctx, tx, year, id)
	if err != nil {
		return false, err
	}
	pdf, err := draft(d)
	if err != nil {
		return false, err
	}
	signed, by, err := sign(pdf, d.DecidedOn)
	if err != nil {
		return false, err
	}
	sum := sha256.Sum256(signed)
	if _, err := tx.Exec(ctx, `UPDATE decisions SET draft = $2, signed = $3, sha256 = $4, signed_by = $5, portal_signed = true,
		state = 'issued', issued_at = decided_on WHERE id = $1`, id, pdf, signed, sum[:], by); err != nil {
		return false, err
	}
	rows, err := tx.Query(ctx, `SELECT assessment_id FROM decision_wards WHERE decision_id = $1`, id)
	if err != nil {
		return false, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return false, err
	}
	for _, a := range ids {
		if _, err := tx.Exec(ctx, `UPDATE decision_wards SET token = $3 WHERE decision_id = $1 AND assessment_id = $2`, id, a, newToken()); err != nil {
			return false, err
		}
	}
	return true, nil
}
