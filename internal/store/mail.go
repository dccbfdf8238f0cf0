package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// OutgoingMail is a mail of the outbox taken to be sent: a notice's
// (worded by the sender) or one with its own words.
type OutgoingMail struct {
	ID       int64
	To       string
	Attempts int
	// The notice it carries, when it carries one.
	Notice *Notification
	// Subject and Text, for mail that is not a notice.
	Subject string
	Text    string
}

// mailLease is how long a copy of the portal holds the mail it took, to
// send it, before another copy may take it again.
const mailLease = 5 * time.Minute

// A notice's mail waits NoticeGather before it is due, and at least
// NoticeInterval after the last mail sent to its address: what happens to
// one person in a burst (495 comments in 26 s) goes in one mail, and a
// person gets one mail every few minutes at most. The notices themselves
// are in the portal at once, one per event.
const (
	NoticeGather   = 2 * time.Minute
	NoticeInterval = 5 * time.Minute
	// maxGathered bounds the notices one mail lists; the rest follow.
	maxGathered = 100
)

// TakeMail takes the mails of up to limit addresses with a mail due at
// now for sending: every mail waiting for such an address, due yet or
// not, so that one mail can carry them all. Each is leased to the caller
// for five minutes, so that copies of the portal sending at once never
// send one twice, and a copy that dies lets it go. The mails come in
// address and queue order.
func (s *Store) TakeMail(ctx context.Context, now time.Time, limit int) ([]OutgoingMail, error) {
	rows, err := s.pool.Query(ctx, `
		WITH waiting AS (
		    SELECT * FROM mail_outbox
		    WHERE sent_at IS NULL AND failed_at IS NULL AND (leased_until IS NULL OR leased_until <= $1)),
		addrs AS (
		    SELECT DISTINCT to_addr FROM waiting WHERE next_attempt_at <= $1 LIMIT $2),
		due AS (
		    SELECT m.id FROM mail_outbox m JOIN waiting w ON w.id = m.id JOIN addrs a ON a.to_addr = m.to_addr
		    WHERE m.next_attempt_at <= $1 OR m.notification_id IS NOT NULL
		    ORDER BY m.id LIMIT $2 * $4 FOR UPDATE OF m SKIP LOCKED),
		taken AS (
		    UPDATE mail_outbox m SET leased_until = $3 FROM due WHERE m.id = due.id
		    RETURNING m.id, m.to_addr, m.attempts, m.subject, m.body_text, m.notification_id)
		SELECT t.id, t.to_addr, t.attempts, t.subject, t.body_text, n.id, coalesce(n.kind, ''), coalesce(n.args, '{}'),
		       coalesce(n.href, ''), coalesce(n.created_at, now()), n.read_at
		FROM taken t LEFT JOIN notifications n ON n.id = t.notification_id
		ORDER BY t.to_addr, t.id`, now, limit, now.Add(mailLease), maxGathered)
	if err != nil {
		return nil, fmt.Errorf("take mail: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OutgoingMail, error) {
		var m OutgoingMail
		var n Notification
		var notice *int64
		if err := r.Scan(&m.ID, &m.To, &m.Attempts, &m.Subject, &m.Text, &notice, &n.Kind, &n.Args, &n.Href, &n.CreatedAt, &n.ReadAt); err != nil {
			return m, err
		}
		if notice != nil {
			n.ID = *notice
			m.Notice = &n
		}
		return m, nil
	})
	if err != nil {
		return nil, fmt.Errorf("take mail: %w", err)
	}
	return out, nil
}

// MailSent records that mail id went out at now.
func (s *Store) MailSent(ctx context.Context, id int64, now time.Time) error {
	if _, err := s.pool.Exec(ctx, `UPDATE mail_outbox SET sent_at = $2, attempts = attempts + 1, last_error = '' WHERE id = $1`, id, now); err != nil {
		return fmt.Errorf("mail %d sent: %w", id, err)
	}
	return nil
}

// MailFailed records a failed attempt at mail id: tried again at retry,
// or given up for good when retry is zero.
func (s *Store) MailFailed(ctx context.Context, id int64, now, retry time.Time, reason string) error {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	_, err := s.pool.Exec(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2, leased_until = NULL,
		next_attempt_at = CASE WHEN $3::timestamptz IS NULL THEN next_attempt_at ELSE $3 END,
		failed_at = CASE WHEN $3::timestamptz IS NULL THEN $4::timestamptz END WHERE id = $1`, id, reason, nullTime(retry), now)
	if err != nil {
		return fmt.Errorf("mail %d failed: %w", id, err)
	}
	return nil
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// MailQueued counts the mail waiting to go out.
func (s *Store) MailQueued(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("mail queued: %w", err)
	}
	return n, nil
}

// SetEmail sets username's address (empty: none) as an admin or the
// command line gives it, trusted as it is; audited.
func (s *Store) SetEmail(ctx context.Context, actor assess.Actor, username, email string) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		var before string
		err := tx.QueryRow(ctx, `SELECT coalesce(email, '') FROM users WHERE username = $1 FOR UPDATE`, username).Scan(&before)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("user %s: %w", username, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET email = NULLIF($2, ''), email_pending = NULL, email_token_hash = NULL, updated_at = now()
			WHERE username = $1`, username, email); err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "user_email",
			Entity: "user", EntityKey: username, Before: fmt.Appendf(nil, `{"email": %q}`, before), After: fmt.Appendf(nil, `{"email": %q}`, email)})
	})
}

// ErrBadToken means an e-mail confirmation link is wrong, used or expired.
var ErrBadToken = errors.New("the confirmation link is not valid")

// RequestEmail keeps email as user's address to confirm, with the hash of
// the token the link carries, valid until expires, and queues the mail
// with that link (subject, text) in the same transaction.
func (s *Store) RequestEmail(ctx context.Context, user int64, email string, tokenHash []byte, now, expires time.Time, subject, text string) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		// The user's row, locked: two requests at once are counted one
		// after the other.
		var asked int
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM mail_outbox WHERE requested_by = u.id AND created_at > $2)
			FROM users u WHERE u.id = $1 FOR UPDATE`, user, now.Add(-ConfirmationWindow)).Scan(&asked); err != nil {
			return err
		}
		if asked >= ConfirmationsPerWindow {
			return fmt.Errorf("user %d asked for %d confirmation mails: %w", user, asked, ErrTooManyMails)
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET email_pending = $2, email_token_hash = $3, email_token_expires = $4 WHERE id = $1`,
			user, email, tokenHash, expires); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO mail_outbox (to_addr, subject, body_text, requested_by, created_at, next_attempt_at)
			VALUES ($1, $2, $3, $4, $5, $5)`, email, subject, text, user, now)
		return err
	})
}

// A user may ask for ConfirmationsPerWindow confirmation mails in each
// ConfirmationWindow; more is ErrTooManyMails.
const (
	ConfirmationsPerWindow = 3
	ConfirmationWindow     = time.Hour
)

// ErrTooManyMails refuses a confirmation mail over the user's limit.
var ErrTooManyMails = errors.New("too many confirmation mails asked for")

// ConfirmEmail makes user's pending address theirs if tokenHash is its
// link's and has not expired at now; audited. ErrBadToken otherwise.
func (s *Store) ConfirmEmail(ctx context.Context, actor assess.Actor, tokenHash []byte, now time.Time) (string, error) {
	var email string
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE users SET email = email_pending, email_pending = NULL, email_token_hash = NULL, email_token_expires = NULL,
			updated_at = now()
			WHERE id = $1 AND email_token_hash = $2 AND email_token_expires > $3 RETURNING email`, actor.ID, tokenHash, now).Scan(&email)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrBadToken
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "user_email",
			Entity: "user", EntityKey: actor.Username, After: fmt.Appendf(nil, `{"email": %q, "confirmed": true}`, email)})
	})
	if err != nil {
		return "", fmt.Errorf("confirm email of %s: %w", actor.Username, err)
	}
	return email, nil
}

// SetMailOff turns mail of notices off (or on again) for user.
func (s *Store) SetMailOff(ctx context.Context, user int64, off bool) error {
	if _, err := s.pool.Exec(ctx, `UPDATE users SET mail_off = $2 WHERE id = $1`, user, off); err != nil {
		return fmt.Errorf("mail off: %w", err)
	}
	return nil
}
