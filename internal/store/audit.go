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
