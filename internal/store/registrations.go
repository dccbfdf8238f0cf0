package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"modelward/internal/assess"
)

// Registration is a ward on a province's list for a year.
type Registration struct {
	WardCode      string
	WardName      string
	District      string // empty for a ward directly under the province
	Level         string // ministry or city
	RegisteredBy  string
	RegisteredAt  time.Time
	HasAssessment bool
}

// Levels of registration: the Ministry's (recognised by the Minister's
// decision) and the province's own.
const (
	LevelMinistry = "ministry"
	LevelCity     = "city"
)

// Errors of registration.
var (
	// ErrNotWard means the code names a unit that is not a ward that year.
	ErrNotWard = errors.New("not a ward")
	// ErrOutside means the ward is not in the province that year.
	ErrOutside = errors.New("the ward is not in the province")
)

// Registrations lists the wards registered in year in the province with
// id province, by code, with who registered each and whether it has an
// assessment (then it cannot be removed).
func (s *Store) Registrations(ctx context.Context, year int, province int64) ([]Registration, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT w.code, w.name, coalesce(d.name, ''), r.level, coalesce(u.full_name, u.username, ''), r.registered_at,
		       EXISTS (SELECT 1 FROM assessments a WHERE a.ward_id = w.id AND a.year = r.year)
		FROM registrations r
		JOIN units w ON w.id = r.ward_id`+placeWardSQL+`
		LEFT JOIN users u ON u.id = r.registered_by
		WHERE r.year = $1 AND $2 = `+provinceIDSQL+`
		ORDER BY w.code`, year, province)
	if err != nil {
		return nil, fmt.Errorf("registrations %d: %w", year, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Registration, error) {
		var g Registration
		err := r.Scan(&g.WardCode, &g.WardName, &g.District, &g.Level, &g.RegisteredBy, &g.RegisteredAt, &g.HasAssessment)
		return g, err
	})
	if err != nil {
		return nil, fmt.Errorf("registrations %d: %w", year, err)
	}
	return list, nil
}

// QuotaOf returns the Ministry's quota for unit in year: a province's own,
// or for the Ministry the sum over the provinces that have one; nil when
// there is none (a district has none).
func (s *Store) QuotaOf(ctx context.Context, year int, unit Unit) (*int, error) {
	rows, err := s.readQuery(ctx, `SELECT sum(quota)::int FROM quotas WHERE year = $1 AND (province_id = $2 OR $3 = 'ministry')`,
		year, unit.ID, unit.Kind)
	if err != nil {
		return nil, fmt.Errorf("quota %d: %w", year, err)
	}
	q, err := pgx.CollectExactlyOneRow(rows, pgx.RowTo[*int])
	if err != nil {
		return nil, fmt.Errorf("quota %d: %w", year, err)
	}
	return q, nil
}

// WardsIn lists the wards in force at some time in year in the province
// with id province, placed as on their day of the year: the candidates
// for registration.
func (s *Store) WardsIn(ctx context.Context, year int, province int64) ([]Unit, error) {
	rows, err := s.pool.Query(ctx, `
		WITH RECURSIVE below AS (
		    SELECT $2::bigint AS id
		    UNION
		    SELECT l.child_id FROM unit_parents l JOIN below ON l.parent_id = below.id
		)
		SELECT `+wardColumns+`
		FROM below JOIN units w ON w.id = below.id`+placeWardSQL+`
		WHERE w.kind = 'ward' AND w.span && daterange(make_date($1, 1, 1), make_date($1, 12, 31), '[]')
		  AND $2 = `+provinceIDSQL+`
		ORDER BY w.code`, year, province)
	if err != nil {
		return nil, fmt.Errorf("wards in %d: %w", province, err)
	}
	wards, err := pgx.CollectRows(rows, scanUnit)
	if err != nil {
		return nil, fmt.Errorf("wards in %d: %w", province, err)
	}
	return wards, nil
}

// Register puts the ward that code names in year on the list of the
// province with id province, at level, audited. A code naming no unit that
// year is ErrNotFound, a unit that is not a ward ErrNotWard, a ward of
// another province ErrOutside, a ward already on the list ErrExists.
func (s *Store) Register(ctx context.Context, actor assess.Actor, year int, province int64, code, level string) error {
	if level != LevelMinistry && level != LevelCity {
		return fmt.Errorf("level %q: %w", level, ErrState)
	}
	path, err := s.UnitPath(ctx, year, code)
	if err != nil {
		return err
	}
	ward := path[len(path)-1]
	if ward.Kind != "ward" {
		return fmt.Errorf("register %s: %w", code, ErrNotWard)
	}
	if !slices.ContainsFunc(path, func(u Unit) bool { return u.ID == province }) {
		return fmt.Errorf("register %s in %d: %w", code, province, ErrOutside)
	}
	return s.Transact(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO registrations (year, ward_id, level, registered_by) VALUES ($1, $2, $3, $4)`,
			year, ward.ID, level, actorID(actor))
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return fmt.Errorf("register %s %d: %w", code, year, ErrExists)
		}
		if err != nil {
			return fmt.Errorf("register %s %d: %w", code, year, err)
		}
		after, _ := json.Marshal(map[string]any{"ward": code, "ward_id": ward.ID, "year": year, "level": level})
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "registration_add",
			Entity: "registration", EntityKey: assessmentKey(code, year), After: after})
	})
}

// Unregister takes the ward that code names in year off the list of the
// province with id province, audited; refused with ErrState once the ward
// has an assessment for the year.
func (s *Store) Unregister(ctx context.Context, actor assess.Actor, year int, province int64, code string) error {
	path, err := s.UnitPath(ctx, year, code)
	if err != nil {
		return err
	}
	ward := path[len(path)-1]
	if !slices.ContainsFunc(path, func(u Unit) bool { return u.ID == province }) {
		return fmt.Errorf("unregister %s in %d: %w", code, province, ErrOutside)
	}
	return s.Transact(ctx, func(tx pgx.Tx) error {
		var level string
		var assessed bool
		err := tx.QueryRow(ctx, `
			SELECT level, EXISTS (SELECT 1 FROM assessments a WHERE a.ward_id = r.ward_id AND a.year = r.year)
			FROM registrations r WHERE year = $1 AND ward_id = $2 FOR UPDATE`, year, ward.ID).Scan(&level, &assessed)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("registration %s %d: %w", code, year, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if assessed {
			return fmt.Errorf("unregister %s %d: it has an assessment: %w", code, year, ErrState)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM registrations WHERE year = $1 AND ward_id = $2`, year, ward.ID); err != nil {
			return err
		}
		before, _ := json.Marshal(map[string]any{"ward": code, "ward_id": ward.ID, "year": year, "level": level})
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "registration_remove",
			Entity: "registration", EntityKey: assessmentKey(code, year), Before: before})
	})
}

// SetQuota sets (or, with nil, clears) the Ministry's quota for the
// province with id province in year, audited.
func (s *Store) SetQuota(ctx context.Context, actor assess.Actor, year int, province int64, quota *int) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		var before *int
		err := tx.QueryRow(ctx, `SELECT quota FROM quotas WHERE year = $1 AND province_id = $2 FOR UPDATE`, year, province).Scan(&before)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if quota == nil {
			_, err = tx.Exec(ctx, `DELETE FROM quotas WHERE year = $1 AND province_id = $2`, year, province)
		} else {
			_, err = tx.Exec(ctx, `
				INSERT INTO quotas (year, province_id, quota, set_by) VALUES ($1, $2, $3, $4)
				ON CONFLICT (year, province_id) DO UPDATE SET quota = EXCLUDED.quota, set_by = EXCLUDED.set_by, set_at = now()`,
				year, province, *quota, actorID(actor))
		}
		if err != nil {
			return fmt.Errorf("quota %d: %w", year, err)
		}
		b, _ := json.Marshal(map[string]any{"quota": before})
		a, _ := json.Marshal(map[string]any{"quota": quota})
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "quota_set",
			Entity: "quota", EntityKey: fmt.Sprintf("%d/%d", province, year), Before: b, After: a})
	})
}
