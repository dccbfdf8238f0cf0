package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
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
	rows, err := s.pool.Query(ctx, `
		SELECT seq, id, hash = audit_row_hash(prev_hash, a),
		       prev_hash = coalesce(lag(hash) OVER (ORDER BY seq), ''::bytea) AND seq = coalesce(lag(seq) OVER (ORDER BY seq), 0) + 1
		FROM audit_log a ORDER BY seq`)
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
