package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
	"modelward/internal/units"
)

// UnitTree returns every unit by code, and every successor pair.
func (s *Store) UnitTree(ctx context.Context) (map[string]units.Unit, map[[2]string]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT code, kind, name, coalesce(parent_code, ''), valid_from, valid_to FROM units`)
	if err != nil {
		return nil, nil, fmt.Errorf("unit tree: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (units.Unit, error) {
		var u units.Unit
		err := r.Scan(&u.Code, &u.Kind, &u.Name, &u.Parent, &u.ValidFrom, &u.ValidTo)
		return u, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("unit tree: %w", err)
	}
	tree := make(map[string]units.Unit, len(list))
	for _, u := range list {
		tree[u.Code] = u
	}
	rows, err = s.pool.Query(ctx, `SELECT old_code, new_code FROM unit_successors`)
	if err != nil {
		return nil, nil, fmt.Errorf("successors: %w", err)
	}
	pairs := map[[2]string]bool{}
	var oldCode, newCode string
	_, err = pgx.ForEachRow(rows, []any{&oldCode, &newCode}, func() error {
		pairs[[2]string{oldCode, newCode}] = true
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("successors: %w", err)
	}
	return tree, pairs, nil
}

func unitRecord(u units.Unit) []byte {
	date := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return t.Format(time.DateOnly)
	}
	b, _ := json.Marshal(map[string]any{"code": u.Code, "kind": u.Kind, "name": u.Name, "parent": u.Parent,
		"valid_from": date(u.ValidFrom), "valid_to": date(u.ValidTo)})
	return b
}

// ApplyUnits writes a planned import in one transaction: every add and
// change, each audited, or nothing.
func (s *Store) ApplyUnits(ctx context.Context, actor assess.Actor, plan units.Plan) error {
	if !plan.OK() {
		return fmt.Errorf("apply units: the plan has %d problems", len(plan.Problems))
	}
	return s.Transact(ctx, func(tx pgx.Tx) error {
		// Adds come parents first; a child's new parent may itself be a change,
		// so parents are set after every row exists.
		for _, l := range plan.Adds {
			u := l.Unit
			if _, err := tx.Exec(ctx, `INSERT INTO units (code, kind, name, parent_code, valid_from, valid_to)
				VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6)`, u.Code, u.Kind, u.Name, u.Parent, u.ValidFrom, u.ValidTo); err != nil {
				return fmt.Errorf("line %d: add %s: %w", l.N, u.Code, err)
			}
			if err := audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), Action: "unit_add",
				Entity: "unit", EntityKey: u.Code, After: unitRecord(u)}); err != nil {
				return err
			}
		}
		for _, c := range plan.Changes {
			u := c.After
			if _, err := tx.Exec(ctx, `UPDATE units SET kind = $2, name = $3, parent_code = NULLIF($4, ''), valid_from = $5, valid_to = $6
				WHERE code = $1`, u.Code, u.Kind, u.Name, u.Parent, u.ValidFrom, u.ValidTo); err != nil {
				return fmt.Errorf("line %d: change %s: %w", c.Line, u.Code, err)
			}
			if err := audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), Action: "unit_update",
				Entity: "unit", EntityKey: u.Code, Before: unitRecord(c.Before), After: unitRecord(u)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// ApplySuccessors writes a planned successors import in one transaction.
func (s *Store) ApplySuccessors(ctx context.Context, actor assess.Actor, plan units.SuccessorPlan) error {
	if !plan.OK() {
		return fmt.Errorf("apply successors: the plan has %d problems", len(plan.Problems))
	}
	return s.Transact(ctx, func(tx pgx.Tx) error {
		for _, p := range plan.Adds {
			if _, err := tx.Exec(ctx, `INSERT INTO unit_successors (old_code, new_code) VALUES ($1, $2)`, p.Old, p.New); err != nil {
				return fmt.Errorf("line %d: %w", p.Line, err)
			}
			after, _ := json.Marshal(map[string]string{"old": p.Old, "new": p.New})
			if err := audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), Action: "successor_add",
				Entity: "unit", EntityKey: p.Old, After: after}); err != nil {
				return err
			}
		}
		return nil
	})
}

// ErrSpan means a unit would end before it begins.
var ErrSpan = errors.New("a unit cannot end before it begins")

// DeactivateUnit ends a unit's validity on a date; its history stays.
func (s *Store) DeactivateUnit(ctx context.Context, actor assess.Actor, code string, until time.Time) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		var before units.Unit
		err := tx.QueryRow(ctx, `SELECT code, kind, name, coalesce(parent_code, ''), valid_from, valid_to FROM units WHERE code = $1 FOR UPDATE`, code).
			Scan(&before.Code, &before.Kind, &before.Name, &before.Parent, &before.ValidFrom, &before.ValidTo)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("unit %s: %w", code, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if before.ValidFrom != nil && until.Before(*before.ValidFrom) {
			return fmt.Errorf("deactivate %s on %s: %w", code, until.Format(time.DateOnly), ErrSpan)
		}
		after := before
		after.ValidTo = &until
		if _, err := tx.Exec(ctx, `UPDATE units SET valid_to = $2 WHERE code = $1`, code, until); err != nil {
			return fmt.Errorf("deactivate %s: %w", code, err)
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), Action: "unit_deactivate",
			Entity: "unit", EntityKey: code, Before: unitRecord(before), After: unitRecord(after)})
	})
}

// TakenOverWithin reports whether a ward that took ward over — directly or
// through later mergers — lies in the subtree of unit: the people of a
// successor may read the history of the wards it replaced.
func (s *Store) TakenOverWithin(ctx context.Context, ward, unit string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `
		WITH RECURSIVE later AS (
		    SELECT new_code AS code FROM unit_successors WHERE old_code = $1
		    UNION
		    SELECT s.new_code FROM unit_successors s JOIN later ON s.old_code = later.code
		),
		above AS (
		    SELECT code, parent_code FROM units WHERE code IN (SELECT code FROM later)
		    UNION
		    SELECT u.code, u.parent_code FROM units u JOIN above ON u.code = above.parent_code
		)
		SELECT EXISTS (SELECT 1 FROM above WHERE code = $2)`, ward, unit).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("successors of %s within %s: %w", ward, unit, err)
	}
	return ok, nil
}

// lineageSQL lists the wards ward $1 took over ('from') and those that took
// it over ('to').
const lineageSQL = `
		SELECT 'from', u.code, u.kind, u.name, coalesce(u.parent_code, ''), u.valid_from, u.valid_to
		FROM unit_successors s JOIN units u ON u.code = s.old_code WHERE s.new_code = $1
		UNION ALL
		SELECT 'to', u.code, u.kind, u.name, coalesce(u.parent_code, ''), u.valid_from, u.valid_to
		FROM unit_successors s JOIN units u ON u.code = s.new_code WHERE s.old_code = $1
		ORDER BY 1, 2`

func collectLineage(rows pgx.Rows) (predecessors, successors []Unit, err error) {
	var dir string
	var u Unit
	_, err = pgx.ForEachRow(rows, []any{&dir, &u.Code, &u.Kind, &u.Name, &u.ParentCode, &u.ValidFrom, &u.ValidTo}, func() error {
		if dir == "from" {
			predecessors = append(predecessors, u)
		} else {
			successors = append(successors, u)
		}
		return nil
	})
	return predecessors, successors, err
}
