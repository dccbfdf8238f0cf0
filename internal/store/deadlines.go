package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// deadline is one date of a year's calendar the sweep warns of: which
// wards' work is still open for it (wardsSQL, with the year as $1 and
// args after), who is told (by the ward's registration level), and where
// the notice leads.
type deadline struct {
	key    string // the calendar's field, as the notice names it
	kind   string // the notice's kind, before its _7 or _1
	anchor string
	wards  string
	args   []any
	whom   func(level string) audience
}

// openWardsSQL lists the registered wards of year $1 whose assessment is
// in one of states $2 ("" for none yet) and has no extension in force.
const openWardsSQL = `
	SELECT w.id, w.code, w.name, r.level FROM registrations r
	JOIN units w ON w.id = r.ward_id
	LEFT JOIN assessments a ON a.ward_id = r.ward_id AND a.year = r.year
	WHERE r.year = $1 AND coalesce(a.state, '') = ANY($2)
	  AND NOT EXISTS (SELECT 1 FROM extensions e WHERE e.year = r.year AND e.ward_id = r.ward_id AND e.revoked_at IS NULL)
	ORDER BY w.code`

// undecidedWardsSQL lists the registered wards of year $1 approved and
// recognisable (recognisableSQL), not yet recognised.
const undecidedWardsSQL = `
	SELECT w.id, w.code, w.name, r.level FROM registrations r
	JOIN units w ON w.id = r.ward_id
	JOIN assessments a ON a.ward_id = r.ward_id AND a.year = r.year
	LEFT JOIN inspection_wards v ON v.assessment_id = a.id
	WHERE r.year = $1 AND a.state = 'approved' AND ` + recognisableSQL + `
	ORDER BY w.code`

func always(whom audience) func(string) audience { return func(string) audience { return whom } }

// decider is who recognises a ward at level: the Ministry, or the province.
func decider(level string) audience {
	if level == "ministry" {
		return ministryUsers
	}
	return provinceReviewers
}

// deadlines are the calendar's dates the sweep warns of, in the order the
// sweep reads them: self-assessment, review, decision.
var deadlines = []deadline{
	{key: "self_assessment_due", kind: "deadline", wards: openWardsSQL,
		args: []any{[]string{"", "draft", "returned"}}, whom: always(wardOfficers)},
	{key: "review_due", kind: "deadline", anchor: "#review", wards: openWardsSQL,
		args: []any{[]string{"submitted"}}, whom: always(provinceReviewers)},
	{key: "decision_due", kind: "decision", anchor: "#recognize", wards: undecidedWardsSQL, whom: decider},
}

// SweepDeadlines warns, 7 days and then 1 day before a deadline, those
// whose work is still open: a ward's officers before the self-assessment
// deadline while its file is not submitted (and it has no extension), the
// province's reviewers before the review deadline while a file waits for
// them, and whoever decides (the Ministry, or the province for a ward at
// its level) before the decision is due while a ward approved and meeting
// every criterion has none. Each warning is given once per user (its
// key), however often the sweep runs; copies running it at once do not
// both (an advisory lock). It returns how many wards were concerned.
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
			year int
			on   time.Time
			d    deadline
		}
		var dues []due
		var year int
		var self, review, decision *time.Time
		_, err = pgx.ForEachRow(rows, []any{&year, &self, &review, &decision}, func() error {
			for i, on := range []*time.Time{self, review, decision} {
				if on != nil {
					dues = append(dues, due{year, *on, deadlines[i]})
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, d := range dues {
			left := assess.DaysLeft(d.on, now)
			var kind string
			switch {
			case left >= 0 && left <= 1:
				kind = d.d.kind + "_1"
			case left > 1 && left <= 7:
				kind = d.d.kind + "_7"
			default:
				continue
			}
			n, err := warn(ctx, tx, d.year, d.on, kind, d.d)
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

// warn writes the warning kind of deadline d (on) of year for every ward
// still open for it, to those d says.
func warn(ctx context.Context, tx pgx.Tx, year int, on time.Time, kind string, d deadline) (int, error) {
	rows, err := tx.Query(ctx, d.wards, append([]any{year}, d.args...)...)
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
		n := notice{Kind: kind, Args: []string{w.name, fmt.Sprint(year), d.key, on.Format("02/01/2006")},
			Href: fmt.Sprintf("/%d/wards/%s%s", year, w.code, d.anchor), Ward: w.id, Year: year,
			Key: fmt.Sprintf("%s/%s/%d/%d", kind, d.key, year, w.id)}
		if err := notify(ctx, tx, n, d.whom(w.level)); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}
