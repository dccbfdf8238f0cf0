package store

import (
	"context"
	"fmt"

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
