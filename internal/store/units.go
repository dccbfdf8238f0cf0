package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Unit is one node of the unit tree.
type Unit struct {
	Code       string
	Kind       string
	Name       string
	ParentCode string
	ValidFrom  *time.Time
	ValidTo    *time.Time
}

// unitPathSQL lists unit $1 and its ancestors, root first.
const unitPathSQL = `
		WITH RECURSIVE path AS (
		    SELECT code, kind, name, parent_code, valid_from, valid_to, 0 AS depth
		    FROM units WHERE code = $1
		    UNION ALL
		    SELECT u.code, u.kind, u.name, u.parent_code, u.valid_from, u.valid_to, path.depth + 1
		    FROM units u JOIN path ON u.code = path.parent_code
		)
		SELECT code, kind, name, coalesce(parent_code, ''), valid_from, valid_to
		FROM path ORDER BY depth DESC`

// UnitPath returns the unit with code and its ancestors, root first.
func (s *Store) UnitPath(ctx context.Context, code string) ([]Unit, error) {
	rows, err := s.pool.Query(ctx, unitPathSQL, code)
	if err != nil {
		return nil, fmt.Errorf("unit path %s: %w", code, err)
	}
	path, err := pgx.CollectRows(rows, scanUnit)
	if err != nil {
		return nil, fmt.Errorf("unit path %s: %w", code, err)
	}
	if len(path) == 0 {
		return nil, fmt.Errorf("unit %s: %w", code, ErrNotFound)
	}
	return path, nil
}

// Children lists the units directly under code that exist at some time in
// year, by code.
func (s *Store) Children(ctx context.Context, year int, code string) ([]Unit, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT code, kind, name, coalesce(parent_code, ''), valid_from, valid_to
		FROM units
		WHERE parent_code = $2
		  AND (valid_from IS NULL OR valid_from <= make_date($1, 12, 31))
		  AND (valid_to IS NULL OR valid_to >= make_date($1, 1, 1))
		ORDER BY code`, year, code)
	if err != nil {
		return nil, fmt.Errorf("children of %s: %w", code, err)
	}
	children, err := pgx.CollectRows(rows, scanUnit)
	if err != nil {
		return nil, fmt.Errorf("children of %s: %w", code, err)
	}
	return children, nil
}

// HasDemo reports whether the demo data has been loaded, so that pages can
// say their figures are illustrative.
func (s *Store) HasDemo(ctx context.Context) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM audit_log WHERE action = 'seed_demo')`).Scan(&ok)
	return ok, err
}

func scanUnit(r pgx.CollectableRow) (Unit, error) {
	var u Unit
	err := r.Scan(&u.Code, &u.Kind, &u.Name, &u.ParentCode, &u.ValidFrom, &u.ValidTo)
	return u, err
}
