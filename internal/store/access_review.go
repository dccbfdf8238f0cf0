package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// DisableUnused disables every active account not used since before now
// less unused (no sign-in, creation or enabling since), ends its sessions
// and audits each as the system's act; it returns their usernames. Copies
// of the portal running it at once do not both: the one that does not get
// the lock does nothing.
func (s *Store) DisableUnused(ctx context.Context, now time.Time, unused time.Duration) ([]string, error) {
	var names []string
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		var mine bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(hashtextextended('disable unused accounts', 0))`).Scan(&mine); err != nil || !mine {
			return err
		}
		rows, err := tx.Query(ctx, `
			UPDATE users SET active = false, updated_at = now()
			WHERE active AND greatest(created_at, last_sign_in_at, enabled_at) < $1
			RETURNING id, username, greatest(created_at, last_sign_in_at, enabled_at)`, now.Add(-unused))
		if err != nil {
			return err
		}
		type gone struct {
			id   int64
			name string
			last time.Time
		}
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (gone, error) {
			var g gone
			return g, r.Scan(&g.id, &g.name, &g.last)
		})
		if err != nil {
			return err
		}
		for _, g := range list {
			if _, err := endSessions(ctx, tx, g.id, 0, ""); err != nil {
				return err
			}
			err := audit(ctx, tx, auditEntry{Actor: "system", Action: "user_disable_unused", Entity: "user", EntityKey: g.name,
				Before: []byte(`{"active": true}`), After: fmt.Appendf(nil, `{"active": false, "last_use": %q}`, g.last.UTC().Format(time.RFC3339))})
			if err != nil {
				return err
			}
			names = append(names, g.name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("disable unused accounts: %w", err)
	}
	return names, nil
}

// AccessReview is the last access review an admin recorded.
type AccessReview struct {
	At       time.Time
	By       string
	Accounts int
}

// LastAccessReview is the latest review recorded; ok false when none.
func (s *Store) LastAccessReview(ctx context.Context) (AccessReview, bool, error) {
	var a AccessReview
	err := s.pool.QueryRow(ctx, `SELECT at, actor, coalesce((after->>'accounts')::int, 0) FROM audit_log
		WHERE action = 'access_review' ORDER BY seq DESC LIMIT 1`).Scan(&a.At, &a.By, &a.Accounts)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, false, nil
	}
	if err != nil {
		return a, false, fmt.Errorf("last access review: %w", err)
	}
	return a, true, nil
}

// RecordAccessReview records that actor reviewed the accounts, as the
// six-monthly review asks: who, when, and how many accounts were listed.
func (s *Store) RecordAccessReview(ctx context.Context, actor assess.Actor, accounts int) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "access_review",
			Entity: "users", EntityKey: "all", After: fmt.Appendf(nil, `{"accounts": %d}`, accounts)})
	})
}
