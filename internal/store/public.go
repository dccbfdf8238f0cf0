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
	// RevokedOn is the day the recognition was revoked, nil while it stands.
	RevokedOn *time.Time
	// DecisionID is the signed decision the portal holds, 0 for one issued
	// on paper.
	DecisionID int64
}

// recognisedSQL lists the recognitions of year $1 (every year when 0),
// standing or revoked, the wards placed as the tree stood in their year,
// by province and name; the newest first (a revocation at its day) when
// $2.
var recognisedSQL = `
	SELECT year, province_code, province, province_type, district, code, name, level, decision_no, decision_date, recognized_at, revoked_on,
	       coalesce(decision_id, 0)
	FROM (
	    SELECT a.year, p.code AS province_code, p.name AS province, p.type AS province_type, coalesce(d.name, '') AS district,
	           w.code, w.name, r.level, a.decision_no, a.decision_date, a.recognized_at, NULL::date AS revoked_on,
	           (SELECT max(x.decision_id) FROM decision_wards x JOIN decisions dd ON dd.id = x.decision_id
	            WHERE x.assessment_id = a.id AND dd.state = 'issued' AND NOT dd.on_paper AND x.revoked_at IS NULL) AS decision_id
	    FROM assessments a
	    JOIN registrations r ON r.year = a.year AND r.ward_id = a.ward_id
	    JOIN units w ON w.id = a.ward_id` + placeWardOn("a.year") + `
	    JOIN units p ON p.id = ` + provinceIDSQL + `
	    WHERE a.state = 'recognized' AND a.decision_date IS NOT NULL AND ($1 = 0 OR a.year = $1)
	    UNION ALL
	    SELECT a.year, p.code, p.name, p.type, coalesce(d.name, ''), w.code, w.name, r.level, dec.number, dec.decided_on,
	           coalesce(dec.issued_at, dec.decided_on), x.revoke_date, CASE WHEN dec.on_paper THEN NULL ELSE dec.id END
	    FROM decision_wards x
	    JOIN decisions dec ON dec.id = x.decision_id
	    JOIN assessments a ON a.id = x.assessment_id
	    JOIN registrations r ON r.year = a.year AND r.ward_id = a.ward_id
	    JOIN units w ON w.id = a.ward_id` + placeWardOn("a.year") + `
	    JOIN units p ON p.id = ` + provinceIDSQL + `
	    WHERE x.revoked_at IS NOT NULL AND dec.state = 'issued' AND ($1 = 0 OR a.year = $1)
	) recognitions
	ORDER BY CASE WHEN $2 THEN coalesce(revoked_on::timestamptz, recognized_at) END DESC, province_code, name
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
		err := r.Scan(&w.Year, &w.ProvinceCode, &w.Province, &w.ProvinceType, &w.District, &w.Code, &w.Name, &w.Level, &w.DecisionNo, &w.DecisionDate, &at, &w.RevokedOn, &w.DecisionID)
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
