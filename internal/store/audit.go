package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// auditEntry is one row of the audit log, written in the transaction of the
// change it records.
type auditEntry struct {
	ActorID   *int64
	Actor     string
	Action    string
	Entity    string
	EntityKey string
	// ClientAddr is the client's address, for sign-in events.
	ClientAddr string
	Before     []byte // JSON, or nil
	After      []byte // JSON, or nil
}

func audit(ctx context.Context, tx pgx.Tx, e auditEntry) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO audit_log (actor_id, actor, action, entity, entity_key, client_addr, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.ActorID, e.Actor, e.Action, e.Entity, e.EntityKey, e.ClientAddr, e.Before, e.After)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", e.Action, e.Entity, err)
	}
	return nil
}

// AuditBreak is where the audit log's chain breaks: the row whose content
// no longer matches its hash, or whose link to the row before is wrong.
type AuditBreak struct {
	Seq int64
	ID  int64
	// Content says the row itself was changed; otherwise its link to the
	// previous row is broken (a row removed, or put in between).
	Content bool
}

// VerifyAudit recomputes the audit log's hash chain, in its order, and
// returns how many rows it checked and the first break, if any.
func (s *Store) VerifyAudit(ctx context.Context) (int64, *AuditBreak, error) {
	// The first entry follows the last one archived, if any.
	seq, hash, err := s.auditAnchor(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("verify audit log: %w", err)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT seq, id, hash = audit_row_hash(prev_hash, a),
		       prev_hash = coalesce(lag(hash) OVER (ORDER BY seq), $1) AND seq = coalesce(lag(seq) OVER (ORDER BY seq), $2) + 1
		FROM audit_log a ORDER BY seq`, hash, seq)
	if err != nil {
		return 0, nil, fmt.Errorf("verify audit log: %w", err)
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		var b AuditBreak
		var self, link bool
		if err := rows.Scan(&b.Seq, &b.ID, &self, &link); err != nil {
			return n, nil, fmt.Errorf("verify audit log: %w", err)
		}
		n++
		if !self || !link {
			b.Content = !self
			return n, &b, nil
		}
	}
	if err := rows.Err(); err != nil {
		return n, nil, fmt.Errorf("verify audit log: %w", err)
	}
	return n, nil, nil
}

// AuditFilter narrows the audit log as the admin's viewer asks.
type AuditFilter struct {
	Actor  string // who, by username (exact)
	Action string // exact
	Key    string // the entity's key starts with this (a ward code, a year…)
	// Unit is a unit's code: the entries about the wards ever below a unit
	// that carried it (or about that ward), in the entry's year.
	Unit string
	From *time.Time
	To   *time.Time // exclusive
}

// AuditRow is one entry of the audit log as the viewer shows it.
type AuditRow struct {
	Seq        int64
	At         time.Time
	Actor      string
	Role       string
	Action     string
	Entity     string
	EntityKey  string
	ClientAddr string
	Before     string
	After      string
}

// auditWith is the units a unit filter ($6) reaches: every unit that has
// carried the code, and every unit ever below one of them.
const auditWith = `
	WITH RECURSIVE below AS (
	    SELECT id FROM units WHERE code = $6 AND $6 <> ''
	    UNION
	    SELECT l.child_id FROM unit_parents l JOIN below ON l.parent_id = below.id
	)`

// auditWhere filters by $1 actor, $2 action, $3 key prefix, $4 from, $5
// to and $6 unit. An entry is about a ward's year when its key starts
// with the ward's code and the year (ward/year, ward/year/criterion):
// the code is read as the unit it named that year (a CASE, so that no
// other key is ever cast).
const auditWhere = `
	WHERE ($1 = '' OR a.actor = $1) AND ($2 = '' OR a.action = $2)
	  AND ($3 = '' OR a.entity_key LIKE replace(replace(replace($3, '\', '\\'), '%', '\%'), '_', '\_') || '%')
	  AND ($4::timestamptz IS NULL OR a.at >= $4) AND ($5::timestamptz IS NULL OR a.at < $5)
	  AND ($6 = '' OR CASE WHEN a.entity_key ~ '^[0-9]{5}/[0-9]{4}(/|$)'
	       THEN unit_in_year(split_part(a.entity_key, '/', 1), split_part(a.entity_key, '/', 2)::int) END IN (SELECT id FROM below))`

// EachAuditEntry calls fn for every entry matching f, newest first.
func (s *Store) EachAuditEntry(ctx context.Context, f AuditFilter, fn func(AuditRow) error) error {
	return s.eachAudit(ctx, fn, auditWith+auditSelect+auditWhere+` ORDER BY a.seq DESC`, f.Actor, f.Action, f.Key, f.From, f.To, f.Unit)
}

// AuditEntries lists up to limit entries matching f, newest first, older
// than the entry at chain place before (0: from the newest).
func (s *Store) AuditEntries(ctx context.Context, f AuditFilter, before int64, limit int) ([]AuditRow, error) {
	var list []AuditRow
	err := s.eachAudit(ctx, func(r AuditRow) error { list = append(list, r); return nil },
		auditWith+auditSelect+auditWhere+` AND ($7 = 0 OR a.seq < $7) ORDER BY a.seq DESC LIMIT $8`,
		f.Actor, f.Action, f.Key, f.From, f.To, f.Unit, before, limit)
	return list, err
}

const auditSelect = `
	SELECT a.seq, a.at, a.actor, coalesce(u.role, ''), a.action, a.entity, a.entity_key, a.client_addr,
	       coalesce(a.before::text, ''), coalesce(a.after::text, '')
	FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id`

// eachAudit runs sql and calls fn for each entry it reads.
func (s *Store) eachAudit(ctx context.Context, fn func(AuditRow) error, sql string, args ...any) error {
	rows, err := s.readQuery(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("audit entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func scanAudit(rows pgx.Rows) (AuditRow, error) {
	var r AuditRow
	if err := rows.Scan(&r.Seq, &r.At, &r.Actor, &r.Role, &r.Action, &r.Entity, &r.EntityKey, &r.ClientAddr, &r.Before, &r.After); err != nil {
		return r, fmt.Errorf("audit entry: %w", err)
	}
	return r, nil
}

// AuditActions lists the actions the log holds, for the viewer's filter.
func (s *Store) AuditActions(ctx context.Context) ([]string, error) {
	rows, err := s.readQuery(ctx, `SELECT DISTINCT action FROM audit_log ORDER BY action`)
	if err != nil {
		return nil, fmt.Errorf("audit actions: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// RecordRead audits a read of personal data or an export: who, from
// where, what.
func (s *Store) RecordRead(ctx context.Context, actor assess.Actor, action, entity, key string) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: action,
			Entity: entity, EntityKey: key})
	})
}

// AuditLoad records, in tx, a bulk load by a tool (actor) with what it
// loaded (after, JSON): the synthetic country, the benchmark's programme.
func AuditLoad(ctx context.Context, tx pgx.Tx, actor, action string, after []byte) error {
	return audit(ctx, tx, auditEntry{Actor: actor, Action: action, Entity: "demo", After: after})
}
