package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// RecognisedWard is a model ward as the public list shows it: only what
// the decision made public.
type RecognisedWard struct {
	Year         int
	ProvinceCode string
	Province     string
	ProvinceType string
	District     string
	Code         string
	Name         string
	Level        string
	DecisionNo   string
	DecisionDate time.Time
	RecognizedAt time.Time
}

// recognisedSQL lists the recognised wards of year $1 (every year when 0),
// placed as the tree stood in their year, by province and name; the
// newest first when $2.
var recognisedSQL = `
	SELECT a.year, p.code, p.name, p.type, coalesce(d.name, ''), w.code, w.name, r.level, a.decision_no, a.decision_date, a.recognized_at
	FROM assessments a
	JOIN registrations r ON r.year = a.year AND r.ward_id = a.ward_id
	JOIN units w ON w.id = a.ward_id` + placeWardOn("a.year") + `
	JOIN units p ON p.id = ` + provinceIDSQL + `
	WHERE a.state = 'recognized' AND a.decision_date IS NOT NULL AND ($1 = 0 OR a.year = $1)
	ORDER BY CASE WHEN $2 THEN a.recognized_at END DESC, p.code, w.name
	LIMIT $3`

// RecognisedWards lists the wards recognised in year (every year when 0),
// at most limit, by province, or the newest decisions first.
func (s *Store) RecognisedWards(ctx context.Context, year int, newestFirst bool, limit int) ([]RecognisedWard, error) {
	rows, err := s.readQuery(ctx, recognisedSQL, year, newestFirst, limit)
	if err != nil {
		return nil, fmt.Errorf("recognised wards %d: %w", year, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RecognisedWard, error) {
		var w RecognisedWard
		var at *time.Time
		err := r.Scan(&w.Year, &w.ProvinceCode, &w.Province, &w.ProvinceType, &w.District, &w.Code, &w.Name, &w.Level, &w.DecisionNo, &w.DecisionDate, &at)
		if at != nil {
			w.RecognizedAt = *at
		}
		return w, err
	})
	if err != nil {
		return nil, fmt.Errorf("recognised wards %d: %w", year, err)
	}
	return list, nil
}

// RecognitionYears are the years with a recognised ward, newest first.
func (s *Store) RecognitionYears(ctx context.Context) ([]int, error) {
	rows, err := s.readQuery(ctx, `SELECT DISTINCT year FROM assessments WHERE state = 'recognized' ORDER BY year DESC`)
	if err != nil {
		return nil, fmt.Errorf("recognition years: %w", err)
	}
	years, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("recognition years: %w", err)
	}
	return years, nil
}
