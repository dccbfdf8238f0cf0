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

// ErrState means the assessment's workflow state does not allow the change
// (a submitted assessment is read-only, for instance).
var ErrState = errors.New("not allowed in the assessment's state")

// ErrNotRegistered means the ward is not registered for the year, so it
// has no assessment to record in.
var ErrNotRegistered = errors.New("the ward is not registered for the year")

// StaleError means the result changed since the editor loaded it; Current
// is what is stored now.
type StaleError struct {
	Current Result
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("result %d is at version %d", e.Current.Number, e.Current.Version)
}

// ResultChange is a new value for one criterion of a ward's assessment.
type ResultChange struct {
	Year   int
	Ward   string
	Number int
	Status assess.Status
	Value  string // a plain decimal, or empty
	Note   string
	// Version is the version the editor saw: 0 when there was no result yet.
	Version int
	// On is when the change is made, to hold it to the year's deadline;
	// the zero time does not (data loaded in bulk).
	On time.Time
}

// lockAssessment returns the id and state of a ward's assessment for a
// year, creating it in draft when create is set, and locks it: every change
// to an assessment goes through this lock, so changes to one assessment
// happen one at a time.
func lockAssessment(ctx context.Context, tx pgx.Tx, ward string, year int, create bool) (int64, assess.State, error) {
	var id int64
	var state assess.State
	lock := func() error {
		return tx.QueryRow(ctx, `
			SELECT id, state FROM assessments WHERE ward_id = unit_in_year($1, $2) AND year = $2 FOR UPDATE`, ward, year).Scan(&id, &state)
	}
	err := lock()
	if errors.Is(err, pgx.ErrNoRows) && create {
		// Only a ward registered for the year has an assessment. Another
		// request may create it first; then it is locked as it stands.
		err = tx.QueryRow(ctx, `
			INSERT INTO assessments (ward_id, year)
			SELECT ward_id, year FROM registrations WHERE ward_id = unit_in_year($1, $2) AND year = $2
			ON CONFLICT (ward_id, year) DO NOTHING RETURNING id, state`, ward, year).Scan(&id, &state)
		if errors.Is(err, pgx.ErrNoRows) {
			if err = lock(); errors.Is(err, pgx.ErrNoRows) {
				return 0, "", fmt.Errorf("assessment %s %d: %w", ward, year, ErrNotRegistered)
			}
		}
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, "", fmt.Errorf("assessment %s %d: %w", ward, year, ErrNotFound)
	}
	if err != nil {
		return 0, "", fmt.Errorf("assessment %s %d: %w", ward, year, err)
	}
	return id, state, nil
}

// lockEditable locks a ward's assessment for a change the ward makes at
// now, refusing with ErrState once it is no longer open to the ward, and
// with ErrClosed once its deadline has passed.
func lockEditable(ctx context.Context, tx pgx.Tx, ward string, year int, create bool, now time.Time) (int64, error) {
	id, state, err := lockAssessment(ctx, tx, ward, year, create)
	if err != nil {
		return 0, err
	}
	if !state.Editable() {
		return 0, fmt.Errorf("assessment %s %d is %s: %w", ward, year, state, ErrState)
	}
	if err := checkOpenAssessment(ctx, tx, id, year, now); err != nil {
		return 0, err
	}
	return id, nil
}

func checkOpenAssessment(ctx context.Context, tx pgx.Tx, id int64, year int, now time.Time) error {
	if now.IsZero() {
		return nil
	}
	var ward int64
	if err := tx.QueryRow(ctx, `SELECT ward_id FROM assessments WHERE id = $1`, id).Scan(&ward); err != nil {
		return err
	}
	return checkOpen(ctx, tx, year, ward, now)
}

func resultKey(ward string, year, number int) string {
	return fmt.Sprintf("%s/%d/%d", ward, year, number)
}

func assessmentKey(ward string, year int) string { return fmt.Sprintf("%s/%d", ward, year) }

// resultRecord is what the audit log keeps of a result.
func resultRecord(r Result) []byte {
	b, _ := json.Marshal(map[string]any{"status": r.Status, "value": r.Value, "note": r.Note, "version": r.Version})
	return b
}

// SaveResult records one criterion's result. The first save of a year
// creates the assessment. The save is refused with a *StaleError when the
// result has changed since version, and with ErrState when the assessment
// is not open for the ward. Standings are counted from the results, so the
// ward page, dashboards and exports agree as soon as this commits.
func (s *Store) SaveResult(ctx context.Context, actor assess.Actor, c ResultChange) (Result, error) {
	var saved Result
	err := s.Transact(ctx, func(tx pgx.Tx) (err error) {
		var id int64
		if saved, id, err = saveResult(ctx, tx, actor, c, nil, 0); err != nil {
			return err
		}
		return refreshAssessment(ctx, tx, id, c.Year)
	})
	return saved, err
}

// saveResult is SaveResult inside tx, but for the stored standing, which
// the caller counts again (refreshAssessment) for the assessment id it
// returns: once per assessment, however many results an import changes.
// source, when set, says in the audit where the change came from. locked
// is the assessment when the caller has locked it already in tx (with
// lockEditable), 0 otherwise.
func saveResult(ctx context.Context, tx pgx.Tx, actor assess.Actor, c ResultChange, source map[string]any, locked int64) (Result, int64, error) {
	id := locked
	if id == 0 {
		var err error
		if id, err = lockEditable(ctx, tx, c.Ward, c.Year, true, c.On); err != nil {
			return Result{}, 0, fmt.Errorf("save result %d: %w", c.Number, err)
		}
	}
	if err := checkReturnedCriterion(ctx, tx, id, c.Number); err != nil {
		return Result{}, 0, err
	}
	before := Result{Number: c.Number, Status: assess.NotStarted}
	err := tx.QueryRow(ctx, `
		SELECT status, coalesce(value::text, ''), note, version FROM results
		WHERE assessment_id = $1 AND number = $2`, id, c.Number).
		Scan(&before.Status, &before.Value, &before.Note, &before.Version)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return Result{}, 0, err
	}
	if before.Version != c.Version {
		return Result{}, 0, &StaleError{Current: before}
	}
	var value *string
	if c.Value != "" {
		value = &c.Value
	}
	saved := Result{Number: c.Number, Status: c.Status, Note: c.Note, Version: before.Version + 1, UpdatedBy: actor.Name}
	// One round trip (an import makes thousands): the claim written, the
	// province's appraisal of the old claim dropped (it no longer holds),
	// the file's version moved on.
	err = tx.QueryRow(ctx, `
		WITH dropped AS (DELETE FROM appraisals WHERE assessment_id = $1 AND number = $3),
		     bumped AS (UPDATE assessments SET version = version + 1, updated_at = now() WHERE id = $1)
		INSERT INTO results (assessment_id, year, number, status, value, note, version, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, $8, now())
		ON CONFLICT (assessment_id, number) DO UPDATE
		SET status = EXCLUDED.status, value = EXCLUDED.value, note = EXCLUDED.note,
		    version = EXCLUDED.version, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
		RETURNING coalesce(value::text, ''), updated_at`,
		id, c.Year, c.Number, c.Status, value, c.Note, saved.Version, actorID(actor)).Scan(&saved.Value, &saved.UpdatedAt)
	if err != nil {
		return Result{}, 0, fmt.Errorf("save result %d of %s %d: %w", c.Number, c.Ward, c.Year, err)
	}
	after := resultRecord(saved)
	if source != nil {
		rec := map[string]any{"status": saved.Status, "value": saved.Value, "note": saved.Note, "version": saved.Version}
		for k, v := range source {
			rec[k] = v
		}
		after, _ = json.Marshal(rec)
	}
	return saved, id, audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "result_update",
		Entity: "result", EntityKey: resultKey(c.Ward, c.Year, c.Number),
		Before: resultRecord(before), After: after})
}

// Change is one entry of a history: who changed what, when, from what to what.
type Change struct {
	At     time.Time
	Actor  string
	Action string
	Key    string
	Before map[string]any
	After  map[string]any
}

// History lists the changes to a ward's assessment for a year, newest
// first (in the audit chain's order, which no one can date otherwise): to one criterion when number > 0, to everything otherwise.
func (s *Store) History(ctx context.Context, ward string, year, number int, limit int) ([]Change, error) {
	key := assessmentKey(ward, year)
	var rows pgx.Rows
	var err error
	if number > 0 {
		rows, err = s.pool.Query(ctx, `
			SELECT a.at, coalesce(u.full_name, a.actor), a.action, a.entity_key, a.before, a.after
			FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
			WHERE a.entity IN ('result', 'evidence') AND a.entity_key = $1
			ORDER BY a.seq DESC LIMIT $2`, resultKey(ward, year, number), limit)
	} else {
		rows, err = s.pool.Query(ctx, `
			SELECT a.at, coalesce(u.full_name, a.actor), a.action, a.entity_key, a.before, a.after
			FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
			WHERE a.entity IN ('assessment', 'result', 'evidence')
			  AND (a.entity_key = $1 OR a.entity_key LIKE $1 || '/%')
			ORDER BY a.seq DESC LIMIT $2`, key, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", key, err)
	}
	changes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Change, error) {
		var c Change
		err := r.Scan(&c.At, &c.Actor, &c.Action, &c.Key, &c.Before, &c.After)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", key, err)
	}
	return changes, nil
}
