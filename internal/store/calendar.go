package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"modelward/internal/assess"
)

// ErrClosed means the self-assessment deadline has passed for the ward,
// which has no extension in force.
var ErrClosed = errors.New("the self-assessment deadline has passed")

const calendarColumns = `registration_due, self_assessment_due, review_due, inspection_from, inspection_to, decision_due`

func calendarDest(c *assess.Calendar) []any {
	var out []any
	for _, d := range c.Dates() {
		out = append(out, d)
	}
	return out
}

// Calendar is the year's calendar.
func (s *Store) Calendar(ctx context.Context, year int) (assess.Calendar, error) {
	var c assess.Calendar
	err := s.pool.QueryRow(ctx, `SELECT `+calendarColumns+` FROM catalogues WHERE year = $1`, year).Scan(calendarDest(&c)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("calendar %d: %w", year, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("calendar %d: %w", year, err)
	}
	return c, nil
}

func calendarRecord(c assess.Calendar) []byte {
	m := map[string]any{}
	for i, d := range c.Dates() {
		if *d != nil {
			m[assess.CalendarKeys[i]] = (*d).Format(time.DateOnly)
		}
	}
	b, _ := json.Marshal(m)
	return b
}

// SetCalendar replaces the year's calendar, audited; ErrCalendarOrder
// (assess) when its dates are out of order.
func (s *Store) SetCalendar(ctx context.Context, actor assess.Actor, year int, c assess.Calendar) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		var before assess.Calendar
		err := tx.QueryRow(ctx, `SELECT `+calendarColumns+` FROM catalogues WHERE year = $1 FOR UPDATE`, year).Scan(calendarDest(&before)...)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("calendar %d: %w", year, ErrNotFound)
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE catalogues SET registration_due = $2, self_assessment_due = $3, review_due = $4,
			inspection_from = $5, inspection_to = $6, decision_due = $7 WHERE year = $1`,
			year, c.RegistrationDue, c.SelfAssessmentDue, c.ReviewDue, c.InspectionFrom, c.InspectionTo, c.DecisionDue)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.ConstraintName == "catalogues_calendar_in_order" {
			return fmt.Errorf("calendar %d: %w", year, assess.ErrCalendarOrder)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "catalogue_calendar",
			Entity: "catalogue", EntityKey: fmt.Sprint(year), Before: calendarRecord(before), After: calendarRecord(c)})
	})
}

// Extension is a later self-assessment deadline granted to one ward.
type Extension struct {
	Until     time.Time
	Reason    string
	GrantedBy string
	GrantedAt time.Time
}

// checkOpen refuses with ErrClosed a change by the ward with id ward to its
// year's assessment once the deadline, or its extension, has passed at
// now. The zero now skips the check (data loaded in bulk, not a person's
// change).
func checkOpen(ctx context.Context, tx pgx.Tx, year int, ward int64, now time.Time) error {
	if now.IsZero() {
		return nil
	}
	var due, until *time.Time
	err := tx.QueryRow(ctx, `
		SELECT c.self_assessment_due, e.until FROM catalogues c
		LEFT JOIN extensions e ON e.year = c.year AND e.ward_id = $2 AND e.revoked_at IS NULL
		WHERE c.year = $1`, year, ward).Scan(&due, &until)
	if err != nil {
		return err
	}
	if !assess.OpenToWard(due, until, now) {
		return fmt.Errorf("ward %d, %d: due %s: %w", ward, year, due.Format(time.DateOnly), ErrClosed)
	}
	return nil
}

// GrantExtension gives the ward with id ward (code for the record) until
// the day until to finish its year's self-assessment, replacing any
// extension in force; audited.
func (s *Store) GrantExtension(ctx context.Context, actor assess.Actor, year int, ward int64, code string, until time.Time, reason string) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE extensions SET revoked_at = now(), revoked_by = $3 WHERE year = $1 AND ward_id = $2 AND revoked_at IS NULL`,
			year, ward, actorID(actor)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO extensions (year, ward_id, until, reason, granted_by) VALUES ($1, $2, $3, $4, $5)`,
			year, ward, until, reason, actorID(actor)); err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"until": until.Format(time.DateOnly), "reason": reason})
		err := audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "extension_grant",
			Entity: "assessment", EntityKey: assessmentKey(code, year), After: after})
		if err != nil {
			return err
		}
		var name string
		if err := tx.QueryRow(ctx, `SELECT name FROM units WHERE id = $1`, ward).Scan(&name); err != nil {
			return err
		}
		return notify(ctx, tx, notice{Kind: "extended", Args: []string{name, fmt.Sprint(year), until.Format("02/01/2006")},
			Href: fmt.Sprintf("/%d/wards/%s#deadline", year, code), Ward: ward, Year: year, Actor: actorID(actor)}, wardOfficers)
	})
}

// RevokeExtension ends the ward's extension in force, audited;
// ErrNotFound when there is none.
func (s *Store) RevokeExtension(ctx context.Context, actor assess.Actor, year int, ward int64, code string) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		var until time.Time
		err := tx.QueryRow(ctx, `UPDATE extensions SET revoked_at = now(), revoked_by = $3
			WHERE year = $1 AND ward_id = $2 AND revoked_at IS NULL RETURNING until`, year, ward, actorID(actor)).Scan(&until)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("extension of %s %d: %w", code, year, ErrNotFound)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "extension_revoke",
			Entity: "assessment", EntityKey: assessmentKey(code, year), Before: fmt.Appendf(nil, `{"until": %q}`, until.Format(time.DateOnly))})
	})
}
