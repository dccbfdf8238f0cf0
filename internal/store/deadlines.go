package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// SweepDeadlines warns, 7 days and then 1 day before a deadline, those
// whose work is still open: a ward's officers before the self-assessment
// deadline while its file is not submitted (and it has no extension), the
// province's reviewers before the review deadline while a file waits for
// them. Each warning is given once per user (its key), however often the
// sweep runs; copies running it at once do not both (an advisory lock).
// It returns how many wards were concerned.
func (s *Store) SweepDeadlines(ctx context.Context, now time.Time) (int, error) {
	wards := 0
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		var mine bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(hashtextextended('deadline sweep', 0))`).Scan(&mine); err != nil || !mine {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT year, self_assessment_due, review_due FROM catalogues
			WHERE self_assessment_due IS NOT NULL OR review_due IS NOT NULL`)
		if err != nil {
			return err
		}
		type due struct {
			year   int
			key    string
			on     time.Time
			states []string
			whom   audience
		}
		var dues []due
		var year int
		var self, review *time.Time
		_, err = pgx.ForEachRow(rows, []any{&year, &self, &review}, func() error {
			if self != nil {
				dues = append(dues, due{year, "self_assessment_due", *self, []string{"", "draft", "returned"}, wardOfficers})
			}
			if review != nil {
				dues = append(dues, due{year, "review_due", *review, []string{"submitted"}, provinceReviewers})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, d := range dues {
			left := assess.DaysLeft(d.on, now)
			kind := ""
			switch {
			case left >= 0 && left <= 1:
				kind = "deadline_1"
			case left > 1 && left <= 7:
				kind = "deadline_7"
			default:
				continue
			}
			n, err := warnOpen(ctx, tx, d.year, d.key, d.on, kind, d.states, d.whom)
			if err != nil {
				return err
			}
			wards += n
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sweep deadlines: %w", err)
	}
	return wards, nil
}

// warnOpen writes the warning kind of deadline key (on) of year for every
// registered ward whose assessment is in one of states ("" for none yet)
// and has no extension in force, to its audience.
func warnOpen(ctx context.Context, tx pgx.Tx, year int, key string, on time.Time, kind string, states []string, whom audience) (int, error) {
	rows, err := tx.Query(ctx, `
		SELECT w.id, w.code, w.name FROM registrations r
		JOIN units w ON w.id = r.ward_id
		LEFT JOIN assessments a ON a.ward_id = r.ward_id AND a.year = r.year
		WHERE r.year = $1 AND coalesce(a.state, '') = ANY($2)
		  AND NOT EXISTS (SELECT 1 FROM extensions e WHERE e.year = r.year AND e.ward_id = r.ward_id AND e.revoked_at IS NULL)
		ORDER BY w.code`, year, states)
	if err != nil {
		return 0, err
	}
	type ward struct {
		id         int64
		code, name string
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ward, error) {
		var w ward
		return w, r.Scan(&w.id, &w.code, &w.name)
	})
	if err != nil {
		return 0, err
	}
	anchor := ""
	if whom == provinceReviewers {
		anchor = "#review"
	}
	for _, w := range list {
		n := notice{Kind: kind, Args: []string{w.name, fmt.Sprint(year), key, on.Format("02/01/2006")},
			Href: fmt.Sprintf("/%d/wards/%s%s", year, w.code, anchor), Ward: w.id, Year: year,
			Key: fmt.Sprintf("%s/%s/%d/%d", kind, key, year, w.id)}
		if err := notify(ctx, tx, n, whom); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}
