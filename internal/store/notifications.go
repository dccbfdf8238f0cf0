package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Notification is a notice to a user.
type Notification struct {
	ID        int64
	Kind      string
	Args      []string
	Href      string
	CreatedAt time.Time
	ReadAt    *time.Time
}

// audience names a group of users a notice goes to, for one ward in one
// year: its officers, the reviewers of its province (or district), the
// Ministry's users, or those who commented before on one criterion.
type audience string

const (
	wardOfficers      audience = "officers"
	provinceReviewers audience = "reviewers"
	ministryUsers     audience = "ministry"
	commenters        audience = "commenters"
	inspectionTeam    audience = "team"
)

// audienceSQL selects the active users of each audience, for ward $1 in
// year $2 (criterion $3 for commenters).
var audienceSQL = map[audience]string{
	wardOfficers: `SELECT u.id FROM users u WHERE u.active AND u.role = 'ward_officer' AND u.unit_id = $1`,
	provinceReviewers: `SELECT u.id FROM users u WHERE u.active AND u.role = 'reviewer' AND u.unit_id IN (
		SELECT l1.parent_id FROM units w JOIN unit_parents l1 ON l1.child_id = w.id AND l1.span @> unit_day(w.valid_to, $2) WHERE w.id = $1
		UNION
		SELECT l2.parent_id FROM units w JOIN unit_parents l1 ON l1.child_id = w.id AND l1.span @> unit_day(w.valid_to, $2)
		JOIN unit_parents l2 ON l2.child_id = l1.parent_id AND l2.span @> unit_day(w.valid_to, $2) WHERE w.id = $1)`,
	ministryUsers: `SELECT u.id FROM users u JOIN units m ON m.id = u.unit_id WHERE u.active AND u.role = 'ministry' AND m.kind = 'ministry'`,
	commenters: `SELECT c.author_id FROM comments c JOIN assessments a ON a.id = c.assessment_id
		WHERE a.ward_id = $1 AND a.year = $2 AND c.number = $3`,
	inspectionTeam: `SELECT m.user_id FROM inspection_members m WHERE m.inspection_id = $11`,
}

// notice is a notice to write: its kind and words, the page it leads to,
// and for whom; the actor who caused it is not told of their own act.
type notice struct {
	Kind   string
	Args   []string
	Href   string
	Ward   int64
	Year   int
	Number int
	Actor  *int64
	// Key, when set, makes the notice once per user (a deadline's).
	Key string
	// Inspection is the inspection whose team is told (inspectionTeam).
	Inspection int64
}

// notify writes n for every user of the audiences, in tx: the notice is
// part of the change that causes it, or of neither.
func notify(ctx context.Context, tx pgx.Tx, n notice, to ...audience) error {
	parts := make([]string, len(to))
	for i, a := range to {
		parts[i] = audienceSQL[a]
	}
	var key *string
	if n.Key != "" {
		key = &n.Key
	}
	// Each notice goes by mail too to those with an address who want it,
	// gathered with the others of a few minutes (NoticeGather).
	_, err := tx.Exec(ctx, `
		WITH sent AS (
		    INSERT INTO notifications (user_id, kind, args, href, key)
		    SELECT DISTINCT id, $4::text, $5::text[], $6::text, $7::text FROM (`+strings.Join(parts, " UNION ")+`) AS who (id)
		    WHERE id IS DISTINCT FROM $8 AND $1::bigint IS NOT NULL AND $2::int IS NOT NULL AND $3::int IS NOT NULL AND $11::bigint IS NOT NULL
		    ON CONFLICT (user_id, key) WHERE key IS NOT NULL DO NOTHING
		    RETURNING id, user_id)
		INSERT INTO mail_outbox (notification_id, to_addr, next_attempt_at)
		SELECT sent.id, u.email, greatest(now() + $9::interval,
		       (SELECT max(o.sent_at) FROM mail_outbox o WHERE o.to_addr = u.email) + $10::interval)
		FROM sent JOIN users u ON u.id = sent.user_id WHERE u.email IS NOT NULL AND NOT u.mail_off`,
		n.Ward, n.Year, n.Number, n.Kind, n.Args, n.Href, key, n.Actor, NoticeGather, NoticeInterval, n.Inspection)
	if err != nil {
		return fmt.Errorf("notify %s: %w", n.Kind, err)
	}
	return nil
}

// wardNotice is a notice about ward's assessment of year (the ward's id,
// name and code as in the year), leading to its page with anchor.
func wardNotice(ctx context.Context, tx pgx.Tx, assessment int64, kind, anchor string, actor *int64, extra ...string) (notice, error) {
	var n notice
	var code, name string
	err := tx.QueryRow(ctx, `SELECT a.ward_id, a.year, w.code, w.name FROM assessments a JOIN units w ON w.id = a.ward_id WHERE a.id = $1`,
		assessment).Scan(&n.Ward, &n.Year, &code, &name)
	if err != nil {
		return n, err
	}
	n.Kind, n.Actor = kind, actor
	n.Args = append([]string{name, fmt.Sprint(n.Year)}, extra...)
	n.Href = fmt.Sprintf("/%d/wards/%s%s", n.Year, code, anchor)
	return n, nil
}

// Notifications lists user's notices, newest first, at most limit, older
// than the notice before (0: from the newest).
func (s *Store) Notifications(ctx context.Context, user, before int64, limit int) ([]Notification, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, kind, args, href, created_at, read_at FROM notifications
		WHERE user_id = $1 AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3`, user, before, limit)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Notification, error) {
		var n Notification
		return n, r.Scan(&n.ID, &n.Kind, &n.Args, &n.Href, &n.CreatedAt, &n.ReadAt)
	})
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	return list, nil
}

// OpenNotification marks user's notice id read and returns where it leads;
// ErrNotFound when it is not theirs.
func (s *Store) OpenNotification(ctx context.Context, user, id int64) (string, error) {
	var href string
	err := s.pool.QueryRow(ctx, `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING href`,
		id, user).Scan(&href)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("notification %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("notification %d: %w", id, err)
	}
	return href, nil
}

// ReadAllNotifications marks every notice of user read.
func (s *Store) ReadAllNotifications(ctx context.Context, user int64) error {
	if _, err := s.pool.Exec(ctx, `UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL`, user); err != nil {
		return fmt.Errorf("read notifications: %w", err)
	}
	return nil
}
