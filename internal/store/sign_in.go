package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// SignInLimits are the failed sign-ins allowed within Window: per account
// from one address (one person's typos), per account from anywhere (a
// guess spread over addresses; it stops only addresses that have failed
// on the account themselves), and per address over every account, set
// much higher so that a police station behind one NAT address is not
// locked out by one person.
type SignInLimits struct {
	Window     time.Duration
	PerPair    int
	PerAccount int
	PerAddress int
}

// ThrottledError refuses a sign-in attempt over a limit, until Until.
type ThrottledError struct {
	Until time.Time
	// Scope is what reached its limit: "pair", "account" or "address".
	Scope string
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("sign-in throttled (%s) until %s", e.Scope, e.Until.Format(time.RFC3339))
}

// ErrThrottled is what a ThrottledError is.
var ErrThrottled = errors.New("sign-in throttled")

func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// ReserveSignIn counts a sign-in attempt for username from address at now,
// before its password is compared, and returns its id; or a
// ThrottledError when a limit is reached. The check and the count are one
// transaction under a lock on the account and one on the address, so
// attempts made at the same moment are counted one after another.
func (s *Store) ReserveSignIn(ctx context.Context, username, address string, now time.Time, lim SignInLimits) (int64, error) {
	var id int64
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		// Account first, then address: every attempt takes them in the
		// same order, so two attempts never wait on each other in a ring.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('sign-in account ' || $1, 0)),
			pg_advisory_xact_lock(hashtextextended('sign-in address ' || $2, 0))`, username, address); err != nil {
			return err
		}
		t, err := throttle(ctx, tx, username, address, now, lim)
		if err != nil {
			return err
		}
		if t != nil {
			return t
		}
		return tx.QueryRow(ctx, `INSERT INTO sign_in_attempts (at, username, address) VALUES ($1, $2, $3) RETURNING id`,
			now, username, address).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("reserve sign-in of %s: %w", username, err)
	}
	return id, nil
}

// throttle says which limit of lim, if any, the failed sign-ins of
// username from address reach at now, and until when.
//
// The account's limit holds only for an address that has itself failed
// on the account in the window: failures from elsewhere never lock the
// owner out of an address that has not failed (a stranger could
// otherwise lock any account, as often as they liked), while every
// address that guesses, however many there are, is stopped once the
// account is under attack.
func throttle(ctx context.Context, tx pgx.Tx, username, address string, now time.Time, lim SignInLimits) (*ThrottledError, error) {
	since := now.Add(-lim.Window)
	var pairFailed bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM sign_in_attempts
		WHERE username = $2 AND address = $3 AND NOT succeeded AND cleared_at IS NULL AND at > $1)`, since, username, address).Scan(&pairFailed); err != nil {
		return nil, err
	}
	for _, c := range []struct {
		scope string
		where string
		args  []any
		limit int
	}{
		{"pair", `username = $3 AND address = $4`, []any{username, address}, lim.PerPair},
		{"account", `username = $3`, []any{username}, lim.PerAccount},
		{"address", `address = $3`, []any{address}, lim.PerAddress},
	} {
		if c.scope == "account" && !pairFailed {
			continue
		}
		// The limit-th latest failure in the window: while there is
		// one, the limit is reached, until it ages out.
		var at time.Time
		err := tx.QueryRow(ctx, `SELECT at FROM sign_in_attempts
			WHERE `+c.where+` AND NOT succeeded AND cleared_at IS NULL AND at > $1
			ORDER BY at DESC OFFSET $2 LIMIT 1`, append([]any{since, c.limit - 1}, c.args...)...).Scan(&at)
		if err == nil {
			return &ThrottledError{Until: at.Add(lim.Window), Scope: c.scope}, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
	}
	return nil, nil
}

// SignInFailed audits a failed attempt (action: a wrong password, or a
// wrong code) of username, user id when known, from address at now; and
// when this failure reaches a limit of lim, that the account is locked
// for the address (or everywhere), until when, which it returns.
func (s *Store) SignInFailed(ctx context.Context, action string, user int64, username, address string, now time.Time, lim SignInLimits) (*ThrottledError, error) {
	var locked *ThrottledError
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		var id *int64
		if user != 0 {
			id = &user
		}
		e := auditEntry{ActorID: id, Actor: username, Action: action, Entity: "session", EntityKey: username, ClientAddr: address}
		if err := audit(ctx, tx, e); err != nil {
			return err
		}
		t, err := throttle(ctx, tx, username, address, now, lim)
		if err != nil || t == nil {
			return err
		}
		locked = t
		e.Action, e.Entity = "account_locked", "user"
		if t.Scope == "address" {
			e.Action, e.Entity, e.EntityKey = "address_locked", "address", address
		}
		e.After = fmt.Appendf(nil, `{"scope": %q, "until": %q}`, t.Scope, t.Until.UTC().Format(time.RFC3339))
		return audit(ctx, tx, e)
	})
	if err != nil {
		return nil, fmt.Errorf("sign-in of %s failed: %w", username, err)
	}
	return locked, nil
}

// SignInSucceeded marks the attempt id a success: it no longer counts.
func (s *Store) SignInSucceeded(ctx context.Context, id int64) error {
	if _, err := s.pool.Exec(ctx, `UPDATE sign_in_attempts SET succeeded = true WHERE id = $1`, id); err != nil {
		return fmt.Errorf("sign-in %d succeeded: %w", id, err)
	}
	return nil
}

// LockedAccounts says, for every account its failed sign-ins lock now
// (the per-account limit of lim reached from any address), until when.
func (s *Store) LockedAccounts(ctx context.Context, now time.Time, lim SignInLimits) (map[string]time.Time, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT username, at FROM (
		    SELECT username, at, row_number() OVER (PARTITION BY username ORDER BY at DESC) AS n
		    FROM sign_in_attempts WHERE NOT succeeded AND cleared_at IS NULL AND at > $1
		) x WHERE n = $2`, now.Add(-lim.Window), lim.PerAccount)
	if err != nil {
		return nil, fmt.Errorf("locked accounts: %w", err)
	}
	locked := map[string]time.Time{}
	for rows.Next() {
		var name string
		var at time.Time
		if err := rows.Scan(&name, &at); err != nil {
			return nil, fmt.Errorf("locked accounts: %w", err)
		}
		locked[name] = at.Add(lim.Window)
	}
	return locked, rows.Err()
}

// UnlockAccount clears the failed sign-ins of username, from every
// address, so that they no longer count; audited as actor's act.
func (s *Store) UnlockAccount(ctx context.Context, actor assess.Actor, username string, now time.Time) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE sign_in_attempts SET cleared_at = $2 WHERE username = $1 AND NOT succeeded AND cleared_at IS NULL`, username, now)
		if err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "user_unlock",
			Entity: "user", EntityKey: username, After: fmt.Appendf(nil, `{"cleared": %d}`, tag.RowsAffected())})
	})
}
