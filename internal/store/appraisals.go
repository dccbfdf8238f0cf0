package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// Appraisal is the province's appraisal of one criterion, with who made it
// and when.
type Appraisal struct {
	Number int
	assess.Appraisal
	By string
	At time.Time
}

// AppraisalChange is an appraisal of criterion Number of the ward's file
// for Year, made on the file's Version.
type AppraisalChange struct {
	Ward      string
	Year      int
	Number    int
	Appraisal assess.Appraisal
	Version   int
}

// Finding is the inspection team's finding on one criterion, with who
// made it and when.
type Finding struct {
	Number int
	Status assess.Status
	Value  string
	Note   string
	By     string
	At     time.Time
}

// judgementsSQL reads the appraisals and the findings of the ward's file
// ($1 the ward's id, $2 the year), one statement for both tiers.
const judgementsSQL = `
	SELECT 'appraisal', p.number, p.agreed, p.status, coalesce(p.value::text, ''), p.reason, coalesce(u.full_name, ''), p.appraised_at
	FROM appraisals p
	JOIN assessments a ON a.id = p.assessment_id
	LEFT JOIN users u ON u.id = p.appraised_by
	WHERE a.ward_id = $1 AND a.year = $2
	UNION ALL
	SELECT 'finding', f.number, false, f.status, coalesce(f.value::text, ''), f.note, coalesce(u.full_name, ''), f.found_at
	FROM findings f
	JOIN assessments a ON a.id = f.assessment_id
	LEFT JOIN users u ON u.id = f.found_by
	WHERE a.ward_id = $1 AND a.year = $2`

// judgementsByCodeSQL is judgementsSQL for the ward that code $1 names in
// year $2.
var judgementsByCodeSQL = strings.ReplaceAll(judgementsSQL, "a.ward_id = $1", "a.ward_id = unit_in_year($1, $2)")

func collectJudgements(rows pgx.Rows, a *Assessment) error {
	a.Appraisals, a.Findings = map[int]Appraisal{}, map[int]Finding{}
	var tier string
	var p Appraisal
	_, err := pgx.ForEachRow(rows, []any{&tier, &p.Number, &p.Agreed, &p.Status, &p.Value, &p.Reason, &p.By, &p.At}, func() error {
		if tier == "finding" {
			a.Findings[p.Number] = Finding{Number: p.Number, Status: p.Status, Value: p.Value, Note: p.Reason, By: p.By, At: p.At}
		} else {
			a.Appraisals[p.Number] = p
		}
		return nil
	})
	return err
}

// SaveAppraisal records the province's appraisal of one criterion, while
// the file is submitted and at the version the reviewer saw (a stale one
// is a *StaleError), audited in the same transaction. The file's version
// moves on: an approval decides on the appraisal it saw.
func (s *Store) SaveAppraisal(ctx context.Context, actor assess.Actor, c AppraisalChange) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		id, state, err := lockAssessment(ctx, tx, c.Ward, c.Year, false)
		if errors.Is(err, ErrNotFound) || err == nil && state != assess.Submitted {
			// No file, or not one under review: nothing to appraise.
			return fmt.Errorf("appraise %s %d: %w", c.Ward, c.Year, ErrState)
		}
		if err != nil {
			return err
		}
		var version int
		if err := tx.QueryRow(ctx, `SELECT version FROM assessments WHERE id = $1`, id).Scan(&version); err != nil {
			return err
		}
		if version != c.Version {
			return &StaleError{Current: Result{Number: c.Number, Version: version}}
		}
		var before []byte
		err = tx.QueryRow(ctx, `SELECT jsonb_build_object('agreed', agreed, 'status', status, 'value', value, 'reason', reason)
			FROM appraisals WHERE assessment_id = $1 AND number = $2`, id, c.Number).Scan(&before)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		a := c.Appraisal
		var value *string
		if a.Value != "" {
			value = &a.Value
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO appraisals (assessment_id, number, agreed, status, value, reason, appraised_by, appraised_at)
			VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, now())
			ON CONFLICT (assessment_id, number) DO UPDATE
			SET agreed = EXCLUDED.agreed, status = EXCLUDED.status, value = EXCLUDED.value, reason = EXCLUDED.reason,
			    appraised_by = EXCLUDED.appraised_by, appraised_at = EXCLUDED.appraised_at`,
			id, c.Number, a.Agreed, a.Status, value, a.Reason, actorID(actor))
		if err != nil {
			return fmt.Errorf("appraise %d of %s %d: %w", c.Number, c.Ward, c.Year, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE assessments SET version = version + 1, updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"agreed": a.Agreed, "status": a.Status, "value": a.Value, "reason": a.Reason})
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "appraisal_update",
			Entity: "result", EntityKey: resultKey(c.Ward, c.Year, c.Number), Before: before, After: after})
	})
}
