package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
	"modelward/internal/units"
)

// UnitTree returns every unit and every successor link, as the import
// planner sees them.
func (s *Store) UnitTree(ctx context.Context) ([]units.Unit, []units.ExistingLink, error) {
	return unitTree(ctx, s.pool)
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func unitTree(ctx context.Context, q querier) ([]units.Unit, []units.ExistingLink, error) {
	rows, err := q.Query(ctx, `SELECT id, code, kind, type, name, coalesce(parent_code, ''), valid_from, valid_to FROM units`)
	if err != nil {
		return nil, nil, fmt.Errorf("unit tree: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (units.Unit, error) {
		var u units.Unit
		err := r.Scan(&u.ID, &u.Code, &u.Kind, &u.Type, &u.Name, &u.Parent, &u.ValidFrom, &u.ValidTo)
		return u, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("unit tree: %w", err)
	}
	rows, err = q.Query(ctx, `SELECT old_id, new_id, "on", share FROM unit_links`)
	if err != nil {
		return nil, nil, fmt.Errorf("successors: %w", err)
	}
	links, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (units.ExistingLink, error) {
		var l units.ExistingLink
		err := r.Scan(&l.OldID, &l.NewID, &l.On, &l.Share)
		return l, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("successors: %w", err)
	}
	return list, links, nil
}

func unitRecord(u units.Unit) []byte {
	date := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return t.Format(time.DateOnly)
	}
	b, _ := json.Marshal(map[string]any{"code": u.Code, "kind": u.Kind, "type": u.Type, "name": u.Name, "parent": u.Parent,
		"valid_from": date(u.ValidFrom), "valid_to": date(u.ValidTo)})
	return b
}

// rebuildParentsSQL derives every parent link from the units' parent
// codes: a child hangs under each unit with its parent code whose span
// meets its own, for the days they share; a province under the ministry.
const rebuildParentsSQL = `
	DELETE FROM unit_parents;
	INSERT INTO unit_parents (child_id, parent_id, span)
	SELECT c.id, p.id, c.span * p.span
	FROM units c JOIN units p ON p.code = c.parent_code AND p.span && c.span
	UNION ALL
	SELECT c.id, m.id, c.span
	FROM units c JOIN units m ON m.kind = 'ministry'
	WHERE c.kind = 'province' AND c.parent_code IS NULL`

// ImportCounts says what an import wrote.
type ImportCounts struct {
	Added, Changed, Linked int
}

// ApplyImport writes a planned import of units and, when links is not
// nil, of successors, in one transaction: every add, change and link,
// each audited, or nothing. Added units are written with COPY, so that
// the whole official tree loads in a few seconds.
func (s *Store) ApplyImport(ctx context.Context, actor assess.Actor, plan units.Plan, links *units.SuccessorPlan) (ImportCounts, error) {
	var counts ImportCounts
	err := s.Transact(ctx, func(tx pgx.Tx) (err error) {
		counts, err = applyImport(ctx, tx, actor, plan, links)
		return err
	})
	return counts, err
}

func applyImport(ctx context.Context, tx pgx.Tx, actor assess.Actor, plan units.Plan, links *units.SuccessorPlan) (ImportCounts, error) {
	if !plan.OK() || (links != nil && !links.OK()) {
		return ImportCounts{}, errors.New("apply import: the plan has problems")
	}
	ids, err := applyUnits(ctx, tx, actor, plan)
	if err != nil {
		return ImportCounts{}, err
	}
	counts := ImportCounts{Added: len(plan.Adds), Changed: len(plan.Changes)}
	if links == nil || len(links.Adds) == 0 {
		return counts, nil
	}
	id := func(u units.Unit) int64 {
		if u.ID < 0 {
			return ids[u.ID]
		}
		return u.ID
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"unit_links"}, []string{"old_id", "new_id", "on", "share", "basis"},
		pgx.CopyFromSlice(len(links.Adds), func(i int) ([]any, error) {
			l := links.Adds[i]
			return []any{id(l.Old), id(l.New), l.On, l.Share, l.Basis}, nil
		})); err != nil {
		return counts, fmt.Errorf("copy successors: %w", err)
	}
	counts.Linked = len(links.Adds)
	return counts, copyAudit(ctx, tx, actor, len(links.Adds), func(i int) auditEntry {
		l := links.Adds[i]
		after, _ := json.Marshal(map[string]any{"old": l.Old.Code, "old_id": id(l.Old), "new": l.New.Code, "new_id": id(l.New),
			"on": l.On.Format(time.DateOnly), "share": l.Share, "basis": l.Basis})
		return auditEntry{Action: "successor_add", Entity: "unit", EntityKey: strconv.FormatInt(id(l.Old), 10), After: after}
	})
}

// applyUnits writes the units of a plan and derives the parent links
// again; it returns the identity given to each added unit, by its
// planned (negative) id.
func applyUnits(ctx context.Context, tx pgx.Tx, actor assess.Actor, plan units.Plan) (map[int64]int64, error) {
	ids := map[int64]int64{}
	if plan.Empty() {
		return ids, nil
	}
	// Provinces hang under the ministry, the root: an import into an empty
	// database puts it there first.
	if err := EnsureMinistry(ctx, tx); err != nil {
		return nil, err
	}
	// Changes first: a unit closed by the file frees its code for the
	// unit the file opens after it.
	for _, c := range plan.Changes {
		u := c.After
		if _, err := tx.Exec(ctx, `UPDATE units SET kind = $2, type = $3, name = $4, parent_code = NULLIF($5, ''), valid_from = $6, valid_to = $7
			WHERE id = $1`, u.ID, u.Kind, u.Type, u.Name, u.Parent, u.ValidFrom, u.ValidTo); err != nil {
			return nil, fmt.Errorf("line %d: change %s: %w", c.Line, u.Code, err)
		}
	}
	if n := len(plan.Adds); n > 0 {
		rows, err := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('units', 'id')) FROM generate_series(1, $1)`, n)
		if err != nil {
			return nil, err
		}
		fresh, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return nil, fmt.Errorf("unit ids: %w", err)
		}
		for i, a := range plan.Adds {
			ids[a.Unit.ID] = fresh[i]
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"units"}, []string{"id", "code", "kind", "type", "name", "parent_code", "valid_from", "valid_to"},
			pgx.CopyFromSlice(n, func(i int) ([]any, error) {
				u := plan.Adds[i].Unit
				var parent *string
				if u.Parent != "" {
					parent = &u.Parent
				}
				return []any{ids[u.ID], u.Code, u.Kind, u.Type, u.Name, parent, u.ValidFrom, u.ValidTo}, nil
			})); err != nil {
			return nil, fmt.Errorf("copy units: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, rebuildParentsSQL); err != nil {
		return nil, fmt.Errorf("parent links: %w", err)
	}
	err := copyAudit(ctx, tx, actor, len(plan.Adds), func(i int) auditEntry {
		u := plan.Adds[i].Unit
		return auditEntry{Action: "unit_add", Entity: "unit", EntityKey: strconv.FormatInt(ids[u.ID], 10), After: unitRecord(u)}
	})
	if err != nil {
		return nil, err
	}
	return ids, copyAudit(ctx, tx, actor, len(plan.Changes), func(i int) auditEntry {
		c := plan.Changes[i]
		return auditEntry{Action: "unit_update", Entity: "unit", EntityKey: strconv.FormatInt(c.After.ID, 10),
			Before: unitRecord(c.Before), After: unitRecord(c.After)}
	})
}

// copyAudit writes n audit rows of one actor with COPY, for imports that
// change thousands of rows at once.
func copyAudit(ctx context.Context, tx pgx.Tx, actor assess.Actor, n int, entry func(int) auditEntry) error {
	if n == 0 {
		return nil
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"audit_log"}, []string{"actor_id", "actor", "client_addr", "action", "entity", "entity_key", "before", "after"},
		pgx.CopyFromSlice(n, func(i int) ([]any, error) {
			e := entry(i)
			return []any{actorID(actor), actorName(actor), actor.Addr, e.Action, e.Entity, e.EntityKey, jsonOrNil(e.Before), jsonOrNil(e.After)}, nil
		}))
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

func jsonOrNil(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// ErrSpan means a unit would end before it begins.
var ErrSpan = errors.New("a unit cannot end before it begins")

// ErrOrphans means ending a unit would leave units under it without a
// parent in force.
var ErrOrphans = errors.New("units under it would be left without a parent")

// DeactivateUnit ends on until the unit that code names on that day; its
// history stays.
func (s *Store) DeactivateUnit(ctx context.Context, actor assess.Actor, code string, until time.Time) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		var before units.Unit
		err := tx.QueryRow(ctx, `SELECT id, code, kind, type, name, coalesce(parent_code, ''), valid_from, valid_to
			FROM units WHERE code = $1 AND span @> $2::date FOR UPDATE`, code, until).
			Scan(&before.ID, &before.Code, &before.Kind, &before.Type, &before.Name, &before.Parent, &before.ValidFrom, &before.ValidTo)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("unit %s on %s: %w", code, until.Format(time.DateOnly), ErrNotFound)
		}
		if err != nil {
			return err
		}
		if before.ValidFrom != nil && until.Before(*before.ValidFrom) {
			return fmt.Errorf("deactivate %s on %s: %w", code, until.Format(time.DateOnly), ErrSpan)
		}
		var orphans bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (
			SELECT 1 FROM unit_parents l JOIN units c ON c.id = l.child_id
			WHERE l.parent_id = $1 AND (upper(l.span) IS NULL OR upper(l.span) > $2::date + 1))`, before.ID, until).Scan(&orphans); err != nil {
			return err
		}
		if orphans {
			return fmt.Errorf("deactivate %s on %s: %w", code, until.Format(time.DateOnly), ErrOrphans)
		}
		after := before
		after.ValidTo = &until
		if _, err := tx.Exec(ctx, `UPDATE units SET valid_to = $2 WHERE id = $1`, before.ID, until); err != nil {
			return fmt.Errorf("deactivate %s: %w", code, err)
		}
		// Its links to its parents end with it; none of its children's
		// outlives it (checked above).
		if _, err := tx.Exec(ctx, `UPDATE unit_parents SET span = span * daterange(NULL, $2::date, '[]') WHERE child_id = $1`, before.ID, until); err != nil {
			return fmt.Errorf("parent links: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM unit_parents WHERE child_id = $1 AND isempty(span)`, before.ID); err != nil {
			return fmt.Errorf("parent links: %w", err)
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "unit_deactivate",
			Entity: "unit", EntityKey: strconv.FormatInt(before.ID, 10), Before: unitRecord(before), After: unitRecord(after)})
	})
}

// TakenOverWithin reports whether a unit that took ward over — directly or
// through later mergers — lies, at any time, under unit: the people of a
// successor may read the history of the wards it replaced.
func (s *Store) TakenOverWithin(ctx context.Context, ward, unit int64) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `
		WITH RECURSIVE later AS (
		    SELECT new_id AS id FROM unit_links WHERE old_id = $1
		    UNION
		    SELECT l.new_id FROM unit_links l JOIN later ON l.old_id = later.id
		),
		above AS (
		    SELECT id FROM later
		    UNION
		    SELECT p.parent_id FROM unit_parents p JOIN above ON p.child_id = above.id
		)
		SELECT EXISTS (SELECT 1 FROM above WHERE id = $2)`, ward, unit).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("successors of %d within %d: %w", ward, unit, err)
	}
	return ok, nil
}

// Addressed is a unit with the last year whose address names it under
// the resolution rule (0 while it is in force).
type Addressed struct {
	Unit
	Year int
}

// Lineage is a unit a ward took over or that took it over.
type Lineage struct {
	Addressed
	On    time.Time
	Share string
}

// lineageSQL lists the units that ward code $1 of year $2 took over
// ('from') and those that took it over ('to'), each with the last year
// whose addresses name it.
const lineageSQL = `
		SELECT 'from', ` + unitColumns + `, s."on", s.share, ` + lastYearSQL + `
		FROM unit_links s JOIN units u ON u.id = s.old_id WHERE s.new_id = unit_in_year($1, $2)
		UNION ALL
		SELECT 'to', ` + unitColumns + `, s."on", s.share, ` + lastYearSQL + `
		FROM unit_links s JOIN units u ON u.id = s.new_id WHERE s.old_id = unit_in_year($1, $2)
		ORDER BY 1, 3`

// lastYearSQL is the last year in which unit_in_year names unit u: the
// year it ended, unless another unit with its code is in force on 31
// December of that year; today's year for a unit still in force.
const lastYearSQL = `
		CASE WHEN u.valid_to IS NULL THEN NULL
		     WHEN unit_in_year(u.code, extract(year FROM u.valid_to)::int) = u.id THEN extract(year FROM u.valid_to)::int
		     ELSE extract(year FROM u.valid_to)::int - 1 END`

func collectLineage(rows pgx.Rows) (predecessors, successors []Lineage, err error) {
	var dir string
	var l Lineage
	var year *int
	_, err = pgx.ForEachRow(rows, []any{&dir, &l.ID, &l.Code, &l.Kind, &l.Type, &l.Name, &l.ParentCode, &l.ValidFrom, &l.ValidTo, &l.On, &l.Share, &year}, func() error {
		l.Year = 0
		if year != nil {
			l.Year = *year
		}
		if dir == "from" {
			predecessors = append(predecessors, l)
		} else {
			successors = append(successors, l)
		}
		return nil
	})
	return predecessors, successors, err
}

// EnsureMinistry adds the ministry, the root of the tree, when it is
// missing (in tx: a unit import, or a loader of synthetic data).
func EnsureMinistry(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `INSERT INTO units (code, kind, type, name)
		SELECT 'VN', 'ministry', 'bo', 'Bộ Công an' WHERE NOT EXISTS (SELECT 1 FROM units WHERE kind = 'ministry')`)
	return err
}

// RebuildParents derives every parent link from the units' parent codes,
// in tx, after units were written in bulk.
func RebuildParents(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, rebuildParentsSQL)
	return err
}
