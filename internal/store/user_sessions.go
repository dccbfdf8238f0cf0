package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// UserSession is one signed-in session of a user, as /me lists it.
type UserSession struct {
	ID        int64
	CreatedAt time.Time
	LastSeen  time.Time
	Address   string
	Device    string
	// Current is the session the list is read from.
	Current bool
}

// StartSession records that token is a session of user, begun at on
// from address with device (the browser's User-Agent).
func (s *Store) StartSession(ctx context.Context, token string, user int64, on time.Time, address, device string) error {
	if len(device) > 300 {
		device = device[:300]
	}
	_, err := s.sessions.Exec(ctx, `INSERT INTO user_sessions (token, user_id, created_at, last_seen, address, device)
		VALUES ($1, $2, $3, $3, $4, $5)`, token, user, on, address, device)
	if err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE users SET last_sign_in_at = $2 WHERE id = $1`, user, on); err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	return nil
}

// UserBySession reads the user whose session token is; ErrNotFound when
// the session is over (ended, or never recorded).
func (s *Store) UserBySession(ctx context.Context, token string) (User, error) {
	return s.oneUser(ctx, `JOIN user_sessions us ON us.user_id = u.id WHERE us.token = $1`, token)
}

// TouchSession records that the session token was seen at on.
func (s *Store) TouchSession(ctx context.Context, token string, on time.Time) error {
	if _, err := s.sessions.Exec(ctx, `UPDATE user_sessions SET last_seen = $2 WHERE token = $1`, token, on); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// EndSession ends the session token (at sign-out).
func (s *Store) EndSession(ctx context.Context, token string) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			WITH gone AS (DELETE FROM user_sessions WHERE token = $1 RETURNING token)
			DELETE FROM sessions WHERE token IN (SELECT token FROM gone)`, token)
		return err
	})
}

// endSessionsSQL ends the sessions of user $1 (all of them, or the one
// with id $2 when it is not 0), on every device but the session with token
// $3, and returns how many.
const endSessionsSQL = `
	WITH gone AS (DELETE FROM user_sessions WHERE user_id = $1 AND ($2 = 0 OR id = $2) AND token <> $3 RETURNING token)
	DELETE FROM sessions WHERE token IN (SELECT token FROM gone)`

func endSessions(ctx context.Context, tx pgx.Tx, user, id int64, except string) (int64, error) {
	tag, err := tx.Exec(ctx, endSessionsSQL, user, id, except)
	if err != nil {
		return 0, fmt.Errorf("end sessions of user %d: %w", user, err)
	}
	return tag.RowsAffected(), nil
}

// UserSessions lists the sessions of user, the latest seen first; current
// is the token of the session asking.
func (s *Store) UserSessions(ctx context.Context, user int64, current string) ([]UserSession, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, created_at, last_seen, address, device, token = $2
		FROM user_sessions WHERE user_id = $1 ORDER BY last_seen DESC, id DESC`, user, current)
	if err != nil {
		return nil, fmt.Errorf("sessions of user %d: %w", user, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (UserSession, error) {
		var us UserSession
		err := r.Scan(&us.ID, &us.CreatedAt, &us.LastSeen, &us.Address, &us.Device, &us.Current)
		return us, err
	})
	if err != nil {
		return nil, fmt.Errorf("sessions of user %d: %w", user, err)
	}
	return list, nil
}

// EndUserSessions ends sessions of the user named username: the one with
// id, or all of them when id is 0; audited as actor's act.
func (s *Store) EndUserSessions(ctx context.Context, actor assess.Actor, username string, id int64) (int64, error) {
	var n int64
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		var user int64
		err := tx.QueryRow(ctx, `SELECT id FROM users WHERE username = $1`, username).Scan(&user)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("user %s: %w", username, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if n, err = endSessions(ctx, tx, user, id, ""); err != nil {
			return err
		}
		if id != 0 && n == 0 {
			return fmt.Errorf("session %d of %s: %w", id, username, ErrNotFound)
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "sessions_end",
			Entity: "user", EntityKey: username, After: fmt.Appendf(nil, `{"ended": %d, "session": %d}`, n, id)})
	})
	return n, err
}

// EndOtherSessions ends every session of user but the one with token keep,
// audited.
func (s *Store) EndOtherSessions(ctx context.Context, actor assess.Actor, user int64, keep string) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		n, err := endSessions(ctx, tx, user, 0, keep)
		if err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "sessions_end",
			Entity: "user", EntityKey: actorName(actor), After: fmt.Appendf(nil, `{"ended": %d, "kept": "current"}`, n)})
	})
}
