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

// StateChange is a workflow step taken on a ward's assessment.
type StateChange struct {
	Ward         string
	Year         int
	Action       assess.Action
	Reason       string
	DecisionNo   string
	DecisionDate *time.Time
	// Version is the assessment's version the decider saw; when set, the
	// step is refused with ErrChanged if the assessment has changed since.
	Version int
	// On is when the step is taken, by the portal's clock: the time kept
	// as submitted, reviewed, approved or recognised, and the day a
	// submission after the deadline is refused on (ErrClosed). The zero
	// time skips that check and keeps the database's time.
	On time.Time
	// Criteria are, for a return, the criteria that need work, each with
	// its reason; none means the whole assessment.
	Criteria map[int]string
	// Issued says a recognition comes from a decision the portal issues
	// (which records it); otherwise it is recorded as one issued on paper.
	Issued bool
}

// ErrDecisionBeforeApproval means a recognition decision is dated before
// the assessment was approved.
var ErrDecisionBeforeApproval = errors.New("the decision is dated before the approval")

// ErrChanged means the assessment changed after the decider opened it.
var ErrChanged = errors.New("the assessment changed since it was opened")

// ChangeState takes a workflow step on an assessment, in one transaction
// with its audit row. The step is judged by assess.Transition against the
// stored state and the standing counted from the stored results; a step it
// refuses returns an error wrapping ErrState.
func (s *Store) ChangeState(ctx context.Context, actor assess.Actor, c StateChange) (assess.State, error) {
	var to assess.State
	err := s.Transact(ctx, func(tx pgx.Tx) (err error) {
		to, err = changeState(ctx, tx, actor, c)
		return err
	})
	return to, err
}

// changeState is ChangeState inside tx: an issued decision takes this
// step for each of its wards in its own transaction.
func changeState(ctx context.Context, tx pgx.Tx, actor assess.Actor, c StateChange) (assess.State, error) {
	var to assess.State
	at := nullTime(c.On)
	err := func() error {
		id, from, err := lockAssessment(ctx, tx, c.Ward, c.Year, false)
		if err != nil {
			return err
		}
		if c.Action == assess.Submit && from.Editable() {
			if err := checkOpenAssessment(ctx, tx, id, c.Year, c.On); err != nil {
				return err
			}
		}
		if c.Version != 0 {
			var version int
			if err := tx.QueryRow(ctx, `SELECT version FROM assessments WHERE id = $1`, id).Scan(&version); err != nil {
				return err
			}
			if version != c.Version {
				return fmt.Errorf("%s %s %d: seen version %d, now %d: %w", c.Action, c.Ward, c.Year, c.Version, version, ErrChanged)
			}
		}
		f, err := fileOf(ctx, tx, id, c.Year)
		if err != nil {
			return err
		}
		if c.Action == assess.Approve {
			f.Judgements.Approved = true // the approval concludes the appraisal
		}
		standing := f.standings().Official()
		var snapshot SnapshotRef
		to, err = assess.Transition(from, c.Action, standing, c.Reason)
		if errors.Is(err, assess.ErrTransition) {
			return fmt.Errorf("%w: %w", ErrState, err)
		}
		if err != nil {
			return err
		}
		if c.Action == assess.Recognize {
			if err := assess.RecognitionBar(f.Level, f.Visit, f.standings().Official()); err != nil {
				return fmt.Errorf("recognize %s %d: %w: %w", c.Ward, c.Year, ErrState, err)
			}
		}
		switch c.Action {
		case assess.Submit:
			_, err = tx.Exec(ctx, `UPDATE assessments SET state = $2, submitted_at = coalesce($3, now()), return_reason = '' WHERE id = $1`, id, to, at)
		case assess.Return:
			_, err = tx.Exec(ctx, `UPDATE assessments SET state = $2, reviewed_at = coalesce($4, now()), return_reason = $3 WHERE id = $1`, id, to, c.Reason, at)
			if err == nil {
				err = returnCriteria(ctx, tx, id, c.Year, c.Criteria)
			}
			if err == nil {
				snapshot, err = takeSnapshot(ctx, tx, id, "return", at)
			}
		case assess.Approve:
			_, err = tx.Exec(ctx, `UPDATE assessments SET state = $2, reviewed_at = coalesce($3, now()), approved_at = coalesce($3, now()) WHERE id = $1`, id, to, at)
			if err == nil {
				snapshot, err = takeSnapshot(ctx, tx, id, "approve", at)
			}
		case assess.Recognize:
			var early bool
			if err := tx.QueryRow(ctx, `SELECT approved_at IS NOT NULL AND $2::date < (approved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
				FROM assessments WHERE id = $1`, id, c.DecisionDate).Scan(&early); err != nil {
				return err
			}
			if early {
				return fmt.Errorf("recognize %s %d: %w", c.Ward, c.Year, ErrDecisionBeforeApproval)
			}
			_, err = tx.Exec(ctx, `UPDATE assessments SET state = $2, recognized_at = coalesce($5, now()), decision_no = $3, decision_date = $4 WHERE id = $1`,
				id, to, c.DecisionNo, c.DecisionDate, at)
			if err == nil && !c.Issued {
				err = recordPaperDecision(ctx, tx, actor, id, c, at)
			}
		case assess.Revoke:
			// The recognition is withdrawn by the revoking decision; the
			// decision that made it and the revocation both stay.
			_, err = tx.Exec(ctx, `UPDATE assessments SET state = $2, decision_no = '', decision_date = NULL, recognized_at = NULL WHERE id = $1`, id, to)
			if err == nil {
				_, err = tx.Exec(ctx, `UPDATE decision_wards SET revoked_at = coalesce($3, now()), revoked_by = $4, revoke_reason = $2,
					revoke_no = $5, revoke_date = $6
					WHERE assessment_id = $1 AND token IS NOT NULL AND revoked_at IS NULL`, id, c.Reason, at, actorID(actor), c.DecisionNo, c.DecisionDate)
			}
		case assess.Reopen:
			_, err = tx.Exec(ctx, `UPDATE assessments SET state = $2, decision_no = '', decision_date = NULL, recognized_at = NULL WHERE id = $1`, id, to)
			// A recognition undone by reopening no longer stands: its
			// certificate says so, and the history keeps both.
			if err == nil && from == assess.Recognized {
				_, err = tx.Exec(ctx, `UPDATE decision_wards SET revoked_at = coalesce($3, now()), revoked_by = $4, revoke_reason = $2,
					revoke_date = (coalesce($3, now()) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
					WHERE assessment_id = $1 AND token IS NOT NULL AND revoked_at IS NULL`, id, c.Reason, at, actorID(actor))
			}
		}
		if err != nil {
			return fmt.Errorf("%s %s %d: %w", c.Action, c.Ward, c.Year, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE assessments SET version = version + 1, updated_at = coalesce($2, now()) WHERE id = $1`, id, at); err != nil {
			return err
		}
		// An approval concludes the appraisal, a reopening may undo it:
		// the official standing moves with the state.
		if err := refreshAssessment(ctx, tx, id, c.Year); err != nil {
			return err
		}
		before, _ := json.Marshal(map[string]any{"state": from})
		afterRec := map[string]any{"state": to, "met": standing.Met, "total": standing.Total}
		if c.Reason != "" {
			afterRec["reason"] = c.Reason
		}
		if len(c.Criteria) > 0 {
			afterRec["criteria"] = c.Criteria
		}
		if c.DecisionNo != "" {
			afterRec["decision_no"] = c.DecisionNo
		}
		if snapshot.ID != 0 {
			afterRec["snapshot"] = snapshot
		}
		after, _ := json.Marshal(afterRec)
		err = audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "assessment_" + string(c.Action),
			Entity: "assessment", EntityKey: assessmentKey(c.Ward, c.Year), Before: before, After: after})
		if err != nil {
			return err
		}
		return notifyStep(ctx, tx, id, actorID(actor), c, f)
	}()
	return to, err
}

// notifyStep tells those concerned of a workflow step, in its transaction:
// a submission the province's reviewers, a return (with its reason) and
// an approval the ward's officers, a recognition both; an approved ward
// that may be recognised (assess.RecognitionBar) awaits a decision from the
// Ministry, or from the province for a ward at its level.
func notifyStep(ctx context.Context, tx pgx.Tx, id int64, actor *int64, c StateChange, f file) error {
	switch c.Action {
	case assess.Submit:
		n, err := wardNotice(ctx, tx, id, "submitted", "#review", actor)
		if err != nil {
			return err
		}
		return notify(ctx, tx, n, provinceReviewers)
	case assess.Return:
		n, err := wardNotice(ctx, tx, id, "returned", "", actor, c.Reason)
		if err != nil {
			return err
		}
		return notify(ctx, tx, n, wardOfficers)
	case assess.Approve:
		n, err := wardNotice(ctx, tx, id, "approved", "", actor)
		if err != nil {
			return err
		}
		if err := notify(ctx, tx, n, wardOfficers); err != nil {
			return err
		}
		// A Ministry-level ward awaits its inspection first (ConcludeVisit
		// tells the deciders then).
		if assess.RecognitionBar(f.Level, f.Visit, f.standings().Official()) != nil {
			return nil
		}
		d, err := wardNotice(ctx, tx, id, "decision_due", "#recognize", actor)
		if err != nil {
			return err
		}
		return notify(ctx, tx, d, decider(f.Level))
	case assess.Revoke:
		n, err := wardNotice(ctx, tx, id, "revoked", "", actor, c.DecisionNo, c.Reason)
		if err != nil {
			return err
		}
		return notify(ctx, tx, n, wardOfficers, provinceReviewers)
	case assess.Recognize:
		n, err := wardNotice(ctx, tx, id, "recognized", "", actor, c.DecisionNo)
		if err != nil {
			return err
		}
		return notify(ctx, tx, n, wardOfficers, provinceReviewers)
	}
	return nil
}

// fileOf reads, inside tx, what an assessment's standings and recognition
// are judged on: the year's catalogue (numbers and year-end flags, in
// order), the judgements of each tier, the level it is registered at and
// its inspection.
func fileOf(ctx context.Context, tx pgx.Tx, assessmentID int64, year int) (file, error) {
	f := file{Judgements: assess.Judgements{Claims: map[int]assess.Status{}, Appraisals: map[int]assess.Status{}, Findings: map[int]assess.Status{}}}
	rows, err := tx.Query(ctx, `
		SELECT c.number, c.year_end, coalesce(r.status, 'not_started'), coalesce(p.status, ''), coalesce(f.status, '')
		FROM criteria c
		LEFT JOIN results r ON r.assessment_id = $1 AND r.number = c.number
		LEFT JOIN appraisals p ON p.assessment_id = $1 AND p.number = c.number
		LEFT JOIN findings f ON f.assessment_id = $1 AND f.number = c.number
		WHERE c.year = $2 ORDER BY c.number`, assessmentID, year)
	if err != nil {
		return f, err
	}
	for rows.Next() {
		var c assess.Criterion
		var claim, appraisal, finding assess.Status
		if err := rows.Scan(&c.Number, &c.YearEnd, &claim, &appraisal, &finding); err != nil {
			return f, err
		}
		f.Catalogue = append(f.Catalogue, c)
		f.Judgements.Claims[c.Number] = claim
		if appraisal != "" {
			f.Judgements.Appraisals[c.Number] = appraisal
		}
		if finding != "" {
			f.Judgements.Findings[c.Number] = finding
		}
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	var state assess.State
	err = tx.QueryRow(ctx, `
		SELECT a.state, r.level, v.assessment_id IS NOT NULL, coalesce(v.proposal, '')
		FROM assessments a
		JOIN registrations r ON r.ward_id = a.ward_id AND r.year = a.year
		LEFT JOIN inspection_wards v ON v.assessment_id = a.id
		WHERE a.id = $1`, assessmentID).Scan(&state, &f.Level, &f.Visit.Planned, &f.Visit.Proposal)
	f.Judgements.Approved = state == assess.Approved || state == assess.Recognized
	f.Judgements.Concluded = f.Visit.Proposal != ""
	return f, err
}

// file is an assessment as its standings and recognition are judged.
type file struct {
	Catalogue  []assess.Criterion
	Judgements assess.Judgements
	Level      string
	Visit      assess.Visit
}

func (f file) standings() assess.Standings { return assess.ComputeStandings(f.Catalogue, f.Judgements) }

// recordPaperDecision records, for a recognition entered from a decision
// issued on paper (the one-ward route), that decision, marked as such,
// with the ward's verification token: its certificate verifies like any.
func recordPaperDecision(ctx context.Context, tx pgx.Tx, actor assess.Actor, assessment int64, c StateChange, at *time.Time) error {
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO decisions (year, level, province_id, number, decided_on, state, on_paper, created_by, issued_by, issued_at)
		SELECT a.year, r.level, CASE WHEN r.level = 'city' THEN `+provinceIDSQL+` END, $2, $3, 'issued', true, $4, $4, coalesce($5, now())
		FROM assessments a
		JOIN registrations r ON r.ward_id = a.ward_id AND r.year = a.year
		JOIN units w ON w.id = a.ward_id`+placeWardOn("a.year")+`
		WHERE a.id = $1
		RETURNING id`, assessment, c.DecisionNo, c.DecisionDate, actorID(actor), at).Scan(&id)
	if err != nil {
		return fmt.Errorf("paper decision %s: %w", c.DecisionNo, err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO decision_wards (decision_id, assessment_id, token) VALUES ($1, $2, $3)`, id, assessment, newToken())
	return err
}
