package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// ErrCodeUsed means a second-factor code was accepted once already, or a
// recovery code was used or never issued.
var ErrCodeUsed = errors.New("code used already")

// FactorSecret returns the second factor's secret of user, opened with
// the store's FactorKeys when sealed, and the last step whose code was
// accepted; ErrNotFound when the user has none, ErrFactorKey when it does
// not open.
func (s *Store) FactorSecret(ctx context.Context, user int64) (secret string, lastStep int64, err error) {
	var sec *string
	var last *int64
	err = s.pool.QueryRow(ctx, `SELECT totp_secret, totp_last_step FROM users WHERE id = $1`, user).Scan(&sec, &last)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && sec == nil {
		return "", 0, fmt.Errorf("factor of user %d: %w", user, ErrNotFound)
	}
	if err != nil {
		return "", 0, fmt.Errorf("factor of user %d: %w", user, err)
	}
	if last != nil {
		lastStep = *last
	}
	secret, err = s.FactorKeys.open(user, *sec)
	return secret, lastStep, err
}

// UseFactorStep records that user's code of step was accepted, unless a
// code of that step or a later one was accepted before (ErrCodeUsed): two
// sign-ins racing with one code cannot both pass.
func (s *Store) UseFactorStep(ctx context.Context, user, step int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users SET totp_last_step = $2
		WHERE id = $1 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2)`, user, step)
	if err != nil {
		return fmt.Errorf("use factor step of user %d: %w", user, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("factor step %d of user %d: %w", step, user, ErrCodeUsed)
	}
	return nil
}

// UseRecoveryCode spends one of user's recovery codes, by its hash, and
// says how many are left; ErrCodeUsed when it was spent or never issued.
// Audited, so that the user and the admins see that a code stood in.
func (s *Store) UseRecoveryCode(ctx context.Context, user int64, username string, hash []byte, now time.Time, address string) (left int, err error) {
	err = s.Transact(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`, user, hash, now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrCodeUsed
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, user).Scan(&left); err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{ActorID: &user, Actor: username, Action: "recovery_code_used",
			Entity: "user", EntityKey: username, ClientAddr: address, After: fmt.Appendf(nil, `{"left": %d}`, left)})
	})
	if err != nil {
		return 0, fmt.Errorf("recovery code of user %d: %w", user, err)
	}
	return left, nil
}

// RecoveryCodesLeft says how many unused recovery codes user has.
func (s *Store) RecoveryCodesLeft(ctx context.Context, user int64) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, user).Scan(&n); err != nil {
		return 0, fmt.Errorf("recovery codes of user %d: %w", user, err)
	}
	return n, nil
}

// EnrolFactor sets up user's second factor: its secret, the step of the
// code that confirmed it (spent), and the hashes of fresh recovery codes,
// replacing any earlier ones. The secret is sealed with the store's first
// FactorKey, when there is one. Audited, never with the secret.
func (s *Store) EnrolFactor(ctx context.Context, user int64, username, secret string, step int64, recovery [][]byte, now time.Time, address string) error {
	stored, err := s.FactorKeys.seal(user, secret)
	if err != nil {
		return fmt.Errorf("seal factor of user %d: %w", user, err)
	}
	return s.Transact(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET totp_secret = $2, totp_enrolled_at = $3, totp_last_step = $4, updated_at = now() WHERE id = $1`,
			user, stored, now, step); err != nil {
			return err
		}
		if err := replaceRecoveryCodes(ctx, tx, user, recovery); err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{ActorID: &user, Actor: username, Action: "factor_enrol",
			Entity: "user", EntityKey: username, ClientAddr: address, After: fmt.Appendf(nil, `{"recovery_codes": %d}`, len(recovery))})
	})
}

func replaceRecoveryCodes(ctx context.Context, tx pgx.Tx, user int64, recovery [][]byte) error {
	if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, user); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])`, user, recovery)
	return err
}

// ResetFactor removes the second factor of username and its recovery
// codes (a lost phone), and ends the user's sessions but the one with
// token keep (the user's own, when they remove it themselves): they set it
// up again at their next sign-in. Audited as actor's act.
func (s *Store) ResetFactor(ctx context.Context, actor assess.Actor, username, keep string) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		var id int64
		var had bool
		err := tx.QueryRow(ctx, `SELECT id, totp_secret IS NOT NULL FROM users WHERE username = $1 FOR UPDATE`, username).Scan(&id, &had)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("user %s: %w", username, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET totp_secret = NULL, totp_enrolled_at = NULL, totp_last_step = NULL, updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, id); err != nil {
			return err
		}
		ended, err := endSessions(ctx, tx, id, 0, keep)
		if err != nil {
			return err
		}
		action := "factor_reset"
		if actor.ID == id {
			action = "factor_remove"
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: action,
			Entity: "user", EntityKey: username, Before: fmt.Appendf(nil, `{"factor": %t}`, had), After: fmt.Appendf(nil, `{"factor": false, "sessions_ended": %d}`, ended)})
	})
}
