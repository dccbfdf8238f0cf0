package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// ErrLocked means the year's catalogue is locked: an assessment of the year
// has been submitted, so a change needs an explicit new revision.
var ErrLocked = errors.New("catalogue is locked")

// ErrInUse means a criterion has results, evidence or comments.
var ErrInUse = errors.New("criterion is in use")

// CatalogueInfo describes a year's catalogue for the admin list.
type CatalogueInfo struct {
	Year         int
	YearEndOpens time.Time
	Criteria     int
	Revision     int
	Locked       bool
}

const lockedSQL = `EXISTS (SELECT 1 FROM assessments a WHERE a.year = c.year AND a.submitted_at IS NOT NULL)`

// Catalogues lists every year's catalogue, newest first.
func (s *Store) Catalogues(ctx context.Context) ([]CatalogueInfo, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT c.year, c.year_end_opens, (SELECT count(*) FROM criteria k WHERE k.year = c.year), c.revision, `+lockedSQL+`
		FROM catalogues c ORDER BY c.year DESC`)
	if err != nil {
		return nil, fmt.Errorf("catalogues: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CatalogueInfo, error) {
		var c CatalogueInfo
		err := r.Scan(&c.Year, &c.YearEndOpens, &c.Criteria, &c.Revision, &c.Locked)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("catalogues: %w", err)
	}
	return list, nil
}

// CatalogueInfo describes one year's catalogue.
func (s *Store) CatalogueInfo(ctx context.Context, year int) (CatalogueInfo, error) {
	c := CatalogueInfo{Year: year}
	err := s.pool.QueryRow(ctx, `
		SELECT c.year_end_opens, (SELECT count(*) FROM criteria k WHERE k.year = c.year), c.revision, `+lockedSQL+`
		FROM catalogues c WHERE c.year = $1`, year).Scan(&c.YearEndOpens, &c.Criteria, &c.Revision, &c.Locked)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("catalogue %d: %w", year, ErrNotFound)
	}
	return c, err
}

// CopyCatalogue creates year to's catalogue as a copy of year from's, with
// its own year-end opening date.
func (s *Store) CopyCatalogue(ctx context.Context, actor assess.Actor, from, to int, yearEndOpens time.Time) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO catalogues (year, year_end_opens) SELECT $2, $3 FROM catalogues WHERE year = $1
			ON CONFLICT (year) DO NOTHING`, from, to, yearEndOpens)
		if err != nil {
			return fmt.Errorf("copy catalogue %d to %d: %w", from, to, err)
		}
		if tag.RowsAffected() == 0 {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM catalogues WHERE year = $1)`, to).Scan(&exists); err != nil {
				return err
			}
			if exists {
				return fmt.Errorf("catalogue %d: %w", to, ErrExists)
			}
			return fmt.Errorf("catalogue %d: %w", from, ErrNotFound)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO criteria (year, number, group_code, group_vi, group_en, title_vi, title_en, kind, unit, comparator, threshold, scale, year_end)
			SELECT $2, number, group_code, group_vi, group_en, title_vi, title_en, kind, unit, comparator, threshold, scale, year_end
			FROM criteria WHERE year = $1`, from, to); err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"from": from, "year_end_opens": yearEndOpens.Format(time.DateOnly)})
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "catalogue_copy",
			Entity: "catalogue", EntityKey: fmt.Sprint(to), After: after})
	})
}

// lockCatalogue locks a year's catalogue row for a change and refuses the
// change when the catalogue is locked and no new revision is asked for; with
// one, it counts the revision.
func lockCatalogue(ctx context.Context, tx pgx.Tx, actor assess.Actor, year int, revision bool, what string) error {
	var locked bool
	var rev int
	err := tx.QueryRow(ctx, `SELECT `+lockedSQL+`, c.revision FROM catalogues c WHERE c.year = $1 FOR UPDATE`, year).Scan(&locked, &rev)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("catalogue %d: %w", year, ErrNotFound)
	}
	if err != nil {
		return err
	}
	if !locked {
		return nil
	}
	if !revision {
		return fmt.Errorf("catalogue %d: %w", year, ErrLocked)
	}
	if _, err := tx.Exec(ctx, `UPDATE catalogues SET revision = revision + 1 WHERE year = $1`, year); err != nil {
		return err
	}
	after, _ := json.Marshal(map[string]any{"revision": rev + 1, "change": what})
	return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "catalogue_revision",
		Entity: "catalogue", EntityKey: fmt.Sprint(year), Before: fmt.Appendf(nil, `{"revision": %d}`, rev), After: after})
}

func criterionRecord(c assess.Criterion) []byte {
	b, _ := json.Marshal(c)
	return b
}

// SaveCriterion adds a criterion to a year's catalogue or changes one, and
// judges every stored value of a measure again against the new rule, so
// that standings follow the catalogue. A locked catalogue needs revision.
func (s *Store) SaveCriterion(ctx context.Context, actor assess.Actor, year int, c assess.Criterion, isNew, revision bool) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		if err := lockCatalogue(ctx, tx, actor, year, revision, fmt.Sprintf("criterion %d", c.Number)); err != nil {
			return err
		}
		var before []byte
		args := criterionArgs(year, c)
		if isNew {
			tag, err := tx.Exec(ctx, insertCriterionSQL+` ON CONFLICT (year, number) DO NOTHING`, args...)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("criterion %d of %d: %w", c.Number, year, ErrExists)
			}
		} else {
			old, err := catalogueCriterion(ctx, tx, year, c.Number)
			if err != nil {
				return err
			}
			before = criterionRecord(old)
			_, err = tx.Exec(ctx, `
				UPDATE criteria SET group_code = $3, group_vi = $4, group_en = $5, title_vi = $6, title_en = $7, kind = $8,
				       unit = $9, comparator = $10, threshold = $11::numeric, scale = $12, year_end = $13
				WHERE year = $1 AND number = $2`, args...)
			if err != nil {
				return err
			}
		}
		saved, err := catalogueCriterion(ctx, tx, year, c.Number)
		if err != nil {
			return err
		}
		if err := rejudge(ctx, tx, year, saved); err != nil {
			return err
		}
		if err := refreshYear(ctx, tx, year); err != nil {
			return err
		}
		action := "criterion_update"
		if isNew {
			action = "criterion_add"
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: action,
			Entity: "catalogue", EntityKey: fmt.Sprintf("%d/%d", year, c.Number), Before: before, After: criterionRecord(saved)})
	})
}

func catalogueCriterion(ctx context.Context, tx pgx.Tx, year, number int) (assess.Criterion, error) {
	var k assess.Criterion
	err := tx.QueryRow(ctx, `
		SELECT number, group_code, group_vi, group_en, title_vi, title_en, kind, unit,
		       coalesce(comparator, ''), coalesce(threshold::text, ''), coalesce(scale, ''), year_end
		FROM criteria WHERE year = $1 AND number = $2`, year, number).
		Scan(&k.Number, &k.Group, &k.GroupVI, &k.GroupEN, &k.TitleVI, &k.TitleEN, &k.Kind, &k.Unit, &k.Comparator, &k.Threshold, &k.Scale, &k.YearEnd)
	if errors.Is(err, pgx.ErrNoRows) {
		return k, fmt.Errorf("criterion %d of %d: %w", number, year, ErrNotFound)
	}
	return k, err
}

// rejudge judges a measure's stored statuses again from their values
// after its threshold or comparator changed: the ward's claims (a judged
// claim without a value goes back in progress), and the appraisals and
// findings that carry a value, so that every tier follows the revision.
func rejudge(ctx context.Context, tx pgx.Tx, year int, c assess.Criterion) error {
	if c.Kind != assess.Measure {
		return nil
	}
	for _, tier := range []struct {
		table, update string
		keepWithout   bool // a judgement without a value stays as it is
	}{
		{"results", `UPDATE results SET status = $3, version = version + 1, updated_at = now() WHERE assessment_id = $1 AND number = $2`, false},
		{"appraisals", `UPDATE appraisals SET status = $3 WHERE assessment_id = $1 AND number = $2`, true},
		{"findings", `UPDATE findings SET status = $3 WHERE assessment_id = $1 AND number = $2`, true},
	} {
		rows, err := tx.Query(ctx, `SELECT x.assessment_id, coalesce(x.value::text, ''), x.status FROM `+tier.table+` x
			JOIN assessments a ON a.id = x.assessment_id WHERE a.year = $1 AND x.number = $2`, year, c.Number)
		if err != nil {
			return err
		}
		type change struct {
			id     int64
			status assess.Status
		}
		var changes []change
		var id int64
		var value string
		var status assess.Status
		if _, err := pgx.ForEachRow(rows, []any{&id, &value, &status}, func() error {
			want := status
			switch {
			case value != "":
				var err error
				if want, err = c.Evaluate(value); err != nil {
					return err
				}
			case status.Judged() && !tier.keepWithout:
				want = assess.InProgress
			}
			if want != status {
				changes = append(changes, change{id, want})
			}
			return nil
		}); err != nil {
			return err
		}
		for _, ch := range changes {
			if _, err := tx.Exec(ctx, tier.update, ch.id, c.Number, ch.status); err != nil {
				return err
			}
		}
	}
	return nil
}

// RemoveCriterion takes a criterion out of a year's catalogue; one that has
// results, evidence or comments is kept (ErrInUse).
func (s *Store) RemoveCriterion(ctx context.Context, actor assess.Actor, year, number int, revision bool) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		if err := lockCatalogue(ctx, tx, actor, year, revision, fmt.Sprintf("remove criterion %d", number)); err != nil {
			return err
		}
		old, err := catalogueCriterion(ctx, tx, year, number)
		if err != nil {
			return err
		}
		var used bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM results WHERE year = $1 AND number = $2)
			OR EXISTS (SELECT 1 FROM evidence WHERE year = $1 AND number = $2)
			OR EXISTS (SELECT 1 FROM comments WHERE year = $1 AND number = $2)`, year, number).Scan(&used); err != nil {
			return err
		}
		if used {
			return fmt.Errorf("criterion %d of %d: %w", number, year, ErrInUse)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM criteria WHERE year = $1 AND number = $2`, year, number); err != nil {
			return err
		}
		if err := refreshYear(ctx, tx, year); err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "criterion_remove",
			Entity: "catalogue", EntityKey: fmt.Sprintf("%d/%d", year, number), Before: criterionRecord(old)})
	})
}

// SetYearEndOpens changes the date from which year-end criteria are judged.
func (s *Store) SetYearEndOpens(ctx context.Context, actor assess.Actor, year int, opens time.Time, revision bool) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		if err := lockCatalogue(ctx, tx, actor, year, revision, "year-end opening date"); err != nil {
			return err
		}
		var before time.Time
		if err := tx.QueryRow(ctx, `SELECT year_end_opens FROM catalogues WHERE year = $1`, year).Scan(&before); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE catalogues SET year_end_opens = $2 WHERE year = $1`, year, opens); err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "catalogue_year_end",
			Entity: "catalogue", EntityKey: fmt.Sprint(year),
			Before: fmt.Appendf(nil, `{"year_end_opens": %q}`, before.Format(time.DateOnly)),
			After:  fmt.Appendf(nil, `{"year_end_opens": %q}`, opens.Format(time.DateOnly))})
	})
}
