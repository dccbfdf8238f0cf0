package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// Catalogue is one year's criteria.
type Catalogue struct {
	Year         int
	YearEndOpens time.Time
	Criteria     []assess.Criterion
	// Calendar is the year's dates, for loading the demo; the pages read
	// it with Store.Calendar.
	Calendar assess.Calendar
}

// yearEndSQL reads the year-end opening date of year $1.
const yearEndSQL = `SELECT year_end_opens FROM catalogues WHERE year = $1`

// criteriaSQL lists the criteria of year $1 in their order.
const criteriaSQL = `
		SELECT number, group_code, group_vi, group_en, title_vi, title_en, kind, unit,
		       coalesce(comparator, ''), coalesce(threshold::text, ''), coalesce(scale, ''), year_end
		FROM criteria WHERE year = $1 ORDER BY number`

// insertCriterionSQL adds a criterion to a catalogue; criterionArgs gives
// its arguments.
const insertCriterionSQL = `
	INSERT INTO criteria (year, number, group_code, group_vi, group_en, title_vi, title_en, kind, unit, comparator, threshold, scale, year_end)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::numeric, $12, $13)`

// criterionArgs are criterion k of year's columns, in insertCriterionSQL's
// order; a check has no comparator, threshold or scale.
func criterionArgs(year int, k assess.Criterion) []any {
	var cmp, threshold, scale *string
	if k.Kind == assess.Measure {
		cmp, threshold, scale = (*string)(&k.Comparator), &k.Threshold, (*string)(&k.Scale)
	}
	return []any{year, k.Number, k.Group, k.GroupVI, k.GroupEN, k.TitleVI, k.TitleEN, k.Kind, k.Unit, cmp, threshold, scale, k.YearEnd}
}

func scanCriterion(r pgx.CollectableRow) (assess.Criterion, error) {
	var k assess.Criterion
	err := r.Scan(&k.Number, &k.Group, &k.GroupVI, &k.GroupEN, &k.TitleVI, &k.TitleEN,
		&k.Kind, &k.Unit, &k.Comparator, &k.Threshold, &k.Scale, &k.YearEnd)
	return k, err
}

// yearsSQL lists the years that have a catalogue, newest first.
const yearsSQL = `SELECT year FROM catalogues ORDER BY year DESC`

// Years lists the years that have a catalogue, newest first.
func (s *Store) Years(ctx context.Context) ([]int, error) {
	rows, err := s.pool.Query(ctx, yearsSQL)
	if err != nil {
		return nil, fmt.Errorf("years: %w", err)
	}
	years, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("years: %w", err)
	}
	return years, nil
}

// Catalogue returns the criteria of a year in their order.
func (s *Store) Catalogue(ctx context.Context, year int) (Catalogue, error) {
	c := Catalogue{Year: year}
	err := s.pool.QueryRow(ctx, yearEndSQL, year).Scan(&c.YearEndOpens)
	if errors.Is(err, pgx.ErrNoRows) {
		return Catalogue{}, fmt.Errorf("catalogue %d: %w", year, ErrNotFound)
	}
	if err != nil {
		return Catalogue{}, fmt.Errorf("catalogue %d: %w", year, err)
	}
	rows, err := s.pool.Query(ctx, criteriaSQL, year)
	if err != nil {
		return Catalogue{}, fmt.Errorf("catalogue %d: %w", year, err)
	}
	c.Criteria, err = pgx.CollectRows(rows, scanCriterion)
	if err != nil {
		return Catalogue{}, fmt.Errorf("catalogue %d: %w", year, err)
	}
	return c, nil
}

// EnsureCatalogues gives each year without a catalogue a copy of
// catalogue, its year-end window opening on 1 November, in tx (for
// loaders of synthetic data).
func EnsureCatalogues(ctx context.Context, tx pgx.Tx, years []int, catalogue []assess.Criterion) error {
	for _, year := range years {
		c := Catalogue{Year: year, YearEndOpens: time.Date(year, time.November, 1, 0, 0, 0, 0, time.UTC), Criteria: catalogue}
		if _, err := AddCatalogue(ctx, tx, c); err != nil {
			return err
		}
	}
	return nil
}

// CriteriaIn reads year's catalogue as stored, in tx (for loaders of
// synthetic data, which count stored standings against it).
func CriteriaIn(ctx context.Context, tx pgx.Tx, year int) ([]assess.Criterion, error) {
	rows, err := tx.Query(ctx, criteriaSQL, year)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanCriterion)
}
