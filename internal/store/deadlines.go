package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// SweepDeadlines warns, 7 days and then 1 day before a deadline, those
// whose work is still open: a ward's officers before the self-assessment
// deadline while its file is not submitted (and it has no extension), the
// province's reviewers before the review deadline while a file waits for
// them, and whoever decides (the Ministry, or the province for a ward at
// its level) before the decision is due while a ward approved and meeting
// every criterion has none. Each warning is given once per user (its key), however often the
// sweep runs; copies running it at once do not both (an advisory lock).
// It returns how many wards were concerned.
func (s *Store) SweepDeadlines(ctx context.Context, now time.Time) (int, error) {
	wards := 0
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		var mine bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(hashtextextended('deadline sweep', 0))`).Scan(&mine); err != nil || !mine {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT year, self_assessment_due, review_due, decision_due FROM catalogues
			WHERE self_assessment_due IS NOT NULL OR review_due IS NOT NULL OR decision_due IS NOT NULL`)
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
		var self, review, decision *time.Time
		_, err = pgx.ForEachRow(rows, []any{&year, &self, &review, &decision}, func() error {
			if self != nil {
				dues = append(dues, due{year, "self_assessment_due", *self, []string{"", "draft", "returned"}, wardOfficers})
			}
			if review != nil {
				dues = append(dues, due{year, "review_due", *review, []string{"submitted"}, provinceReviewers})
			}
			if decision != nil {
				// Whoever decides: the audience follows the ward's level.
				dues = append(dues, due{year, "decision_due", *decision, []string{"approved"}, ""})
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
			var n int
			var err error
			if d.key == "decision_due" {
				n, err = warnUndecided(ctx, tx, d.year, d.on, strings.Replace(kind, "deadline", "decision", 1))
			} else {
				n, err = warnOpen(ctx, tx, d.year, d.key, d.on, kind, d.states, d.whom)
			}
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

// warnUndecided writes the warning kind of the decision due on of year,
// for every registered ward approved and meeting every criterion (its
// stored standing) and not yet recognised, to whoever decides at its level.
func warnUndecided(ctx context.Context, tx pgx.Tx, year int, on time.Time, kind string) (int, error) {
	rows, err := tx.Query(ctx, `
		SELECT w.id, w.code, w.name, r.level FROM registrations r
		JOIN units w ON w.id = r.ward_id
		JOIN assessments a ON a.ward_id = r.ward_id AND a.year = r.year
		WHERE r.year = $1 AND a.state = 'approved' AND a.met = (SELECT count(*) FROM criteria c WHERE c.year = r.year)
		ORDER BY w.code`, year)
	if err != nil {
		return 0, err
	}
	type ward struct {
		id                int64
		code, name, level string
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ward, error) {
		var w ward
		return w, r.Scan(&w.id, &w.code, &w.name, &w.level)
	})
	if err != nil {
		return 0, err
	}
	for _, w := range list {
		whom := provinceReviewers
		if w.level == "ministry" {
			whom = ministryUsers
		}
		n := notice{Kind: kind, Args: []string{w.name, fmt.Sprint(year), "decision_due", on.Format("02/01/2006")},
			Href: fmt.Sprintf("/%d/wards/%s#recognize", year, w.code), Ward: w.id, Year: year,
			Key: fmt.Sprintf("%s/decision_due/%d/%d", kind, year, w.id)}
		if err := notify(ctx, tx, n, whom); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}
