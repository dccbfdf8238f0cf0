package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Unit is one node of the unit tree: one identity, in force over a span of
// days. Its code names it only within that span; another unit may carry
// the same code before or after.
type Unit struct {
	ID         int64
	Code       string
	Kind       string
	Type       string // the official type: phuong, xa, thi_tran, dac_khu, quan, huyen, thi_xa, thanh_pho, tinh
	Name       string
	ParentCode string
	ValidFrom  *time.Time
	ValidTo    *time.Time
}

// unitColumns are the columns scanUnit reads, of a units row named u;
// wardColumns the same of one named w.
const (
	unitColumns = `u.id, u.code, u.kind, u.type, u.name, coalesce(u.parent_code, ''), u.valid_from, u.valid_to`
	wardColumns = `w.id, w.code, w.kind, w.type, w.name, coalesce(w.parent_code, ''), w.valid_from, w.valid_to`
)

// pathSQL lists, root first, the unit with id (ANCHOR) and its ancestors
// as they stood on the unit's day in year $2.
const pathSQL = `
		WITH RECURSIVE path AS (
		    SELECT u.*, 0 AS depth, unit_day(u.valid_to, $2) AS day
		    FROM units u WHERE u.id = (ANCHOR)
		    UNION ALL
		    SELECT u.*, path.depth + 1, path.day
		    FROM path
		    JOIN unit_parents l ON l.child_id = path.id AND l.span @> path.day
		    JOIN units u ON u.id = l.parent_id
		)
		SELECT ` + unitColumns + ` FROM path u ORDER BY depth DESC`

var (
	// unitPathSQL starts from the unit that code $1 names in year $2.
	unitPathSQL = strings.Replace(pathSQL, "(ANCHOR)", "unit_in_year($1, $2)", 1)
	// unitPathByIDSQL starts from the unit with id $1.
	unitPathByIDSQL = strings.Replace(pathSQL, "(ANCHOR)", "$1::bigint", 1)
)

// UnitPath returns the unit that code names in year (the resolution rule
// of unit_in_year) and its ancestors as they stood that year, root first.
// A code that names no unit in the year is ErrNotFound, or a
// *CodeElsewhereError when the code names units in other years.
func (s *Store) UnitPath(ctx context.Context, year int, code string) ([]Unit, error) {
	path, err := s.path(ctx, unitPathSQL, code, year)
	if err == nil && len(path) == 0 {
		err = s.notInYear(ctx, year, code)
	}
	return path, err
}

// UnitPathByID is UnitPath for a unit known by its identity.
func (s *Store) UnitPathByID(ctx context.Context, year int, id int64) ([]Unit, error) {
	path, err := s.path(ctx, unitPathByIDSQL, id, year)
	if err == nil && len(path) == 0 {
		err = fmt.Errorf("unit %d: %w", id, ErrNotFound)
	}
	return path, err
}

func (s *Store) path(ctx context.Context, sql string, unit any, year int) ([]Unit, error) {
	rows, err := s.pool.Query(ctx, sql, unit, year)
	if err != nil {
		return nil, fmt.Errorf("unit path %v in %d: %w", unit, year, err)
	}
	path, err := pgx.CollectRows(rows, scanUnit)
	if err != nil {
		return nil, fmt.Errorf("unit path %v in %d: %w", unit, year, err)
	}
	return path, nil
}

// CodeElsewhereError says that a code names no unit in the year asked
// for, and which units it named at other times.
type CodeElsewhereError struct {
	Code  string
	Year  int
	Units []Addressed
}

func (e *CodeElsewhereError) Error() string {
	return fmt.Sprintf("code %s names no unit in %d (it names %d at other times)", e.Code, e.Year, len(e.Units))
}

// Unwrap makes the error a not-found one for the status it maps to.
func (e *CodeElsewhereError) Unwrap() error { return ErrNotFound }

func (s *Store) notInYear(ctx context.Context, year int, code string) error {
	units, err := s.UnitsWithCode(ctx, code)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		return fmt.Errorf("unit %s: %w", code, ErrNotFound)
	}
	return &CodeElsewhereError{Code: code, Year: year, Units: units}
}

// UnitsWithCode lists every unit that has carried code, oldest first,
// each with its last year.
func (s *Store) UnitsWithCode(ctx context.Context, code string) ([]Addressed, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+unitColumns+`, `+lastYearSQL+` FROM units u WHERE u.code = $1 ORDER BY lower(u.span) NULLS FIRST`, code)
	if err != nil {
		return nil, fmt.Errorf("units with code %s: %w", code, err)
	}
	units, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Addressed, error) {
		var a Addressed
		var year *int
		err := r.Scan(&a.ID, &a.Code, &a.Kind, &a.Type, &a.Name, &a.ParentCode, &a.ValidFrom, &a.ValidTo, &year)
		if year != nil {
			a.Year = *year
		}
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("units with code %s: %w", code, err)
	}
	return units, nil
}

// Children lists the units directly under unit id at some time in year,
// by code.
func (s *Store) Children(ctx context.Context, year int, id int64) ([]Unit, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT `+unitColumns+`
		FROM unit_parents l JOIN units u ON u.id = l.child_id
		WHERE l.parent_id = $2
		  AND l.span @> unit_day(u.valid_to, $1)
		  AND u.span && daterange(make_date($1, 1, 1), make_date($1, 12, 31), '[]')
		ORDER BY u.code`, year, id)
	if err != nil {
		return nil, fmt.Errorf("children of %d: %w", id, err)
	}
	children, err := pgx.CollectRows(rows, scanUnit)
	if err != nil {
		return nil, fmt.Errorf("children of %d: %w", id, err)
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
	err := r.Scan(&u.ID, &u.Code, &u.Kind, &u.Type, &u.Name, &u.ParentCode, &u.ValidFrom, &u.ValidTo)
	return u, err
}

// UnitsOn lists every unit in force on day, the ministry left out, by
// code: the tree as the official lists give it.
func (s *Store) UnitsOn(ctx context.Context, day time.Time) ([]Unit, error) {
	rows, err := s.readQuery(ctx, `SELECT `+unitColumns+` FROM units u WHERE u.span @> $1::date AND u.kind <> 'ministry' ORDER BY u.code`, day)
	if err != nil {
		return nil, fmt.Errorf("units on %s: %w", day.Format(time.DateOnly), err)
	}
	list, err := pgx.CollectRows(rows, scanUnit)
	if err != nil {
		return nil, fmt.Errorf("units on %s: %w", day.Format(time.DateOnly), err)
	}
	return list, nil
}

// Link is a successor link between two units, as the history of a code
// shows it.
type Link struct {
	OldID, NewID     int64
	OldCode, NewCode string
	OldName, NewName string
	On               time.Time
	Share            string
}

// LinksOfCode lists every successor link into or out of a unit that has
// carried code, by day.
func (s *Store) LinksOfCode(ctx context.Context, code string) ([]Link, error) {
	rows, err := s.readQuery(ctx, `
		SELECT l.old_id, l.new_id, o.code, n.code, o.name, n.name, l."on", l.share
		FROM unit_links l JOIN units o ON o.id = l.old_id JOIN units n ON n.id = l.new_id
		WHERE o.code = $1 OR n.code = $1
		ORDER BY l."on", o.code, n.code`, code)
	if err != nil {
		return nil, fmt.Errorf("links of %s: %w", code, err)
	}
	links, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Link, error) {
		var l Link
		err := r.Scan(&l.OldID, &l.NewID, &l.OldCode, &l.NewCode, &l.OldName, &l.NewName, &l.On, &l.Share)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("links of %s: %w", code, err)
	}
	return links, nil
}
