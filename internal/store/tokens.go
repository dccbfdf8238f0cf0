package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// APIToken is a token as listed; the token itself is never stored.
type APIToken struct {
	ID         int64
	Name       string
	Username   string
	CreatedBy  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	ExpiresAt  time.Time
}

// CreateToken stores the hash of a new token that acts for username,
// issued at on and valid until expires.
func (s *Store) CreateToken(ctx context.Context, actor assess.Actor, username, name, token string, on, expires time.Time) (int64, error) {
	sum := sha256.Sum256([]byte(token))
	var id int64
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO api_tokens (user_id, name, token_sha256, created_by, created_at, expires_at)
			SELECT id, $2, $3, $4, $5, $6 FROM users WHERE username = $1 AND active
			RETURNING id`, username, name, sum[:], actorID(actor), on, expires).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("user %s: %w", username, ErrNotFound)
		}
		if err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"id": id, "name": name, "user": username, "expires": expires.UTC().Format(time.RFC3339)})
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "token_create",
			Entity: "api_token", EntityKey: fmt.Sprint(id), After: after})
	})
	return id, err
}

// RevokeToken ends a token, audited.
func (s *Store) RevokeToken(ctx context.Context, actor assess.Actor, id int64) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL`, id, actorID(actor))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("token %d: %w", id, ErrNotFound)
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "token_revoke",
			Entity: "api_token", EntityKey: fmt.Sprint(id)})
	})
}

// Tokens lists every token, newest first.
func (s *Store) Tokens(ctx context.Context) ([]APIToken, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT t.id, t.name, u.username, c.username, t.created_at, t.last_used_at, t.revoked_at, t.expires_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN users c ON c.id = t.created_by
		ORDER BY t.created_at DESC, t.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (APIToken, error) {
		var t APIToken
		err := r.Scan(&t.ID, &t.Name, &t.Username, &t.CreatedBy, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt, &t.ExpiresAt)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	return list, nil
}

// UserByToken returns the active user a live token acts for, and notes
// that the token was used.
func (s *Store) UserByToken(ctx context.Context, token string, now time.Time) (User, error) {
	sum := sha256.Sum256([]byte(token))
	var id int64
	err := s.pool.QueryRow(ctx, `
		UPDATE api_tokens SET last_used_at = $2
		WHERE token_sha256 = $1 AND revoked_at IS NULL AND expires_at > $2
		RETURNING user_id`, sum[:], now).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("token: %w", err)
	}
	return s.UserByID(ctx, id)
}
