package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"modelward/internal/assess"
)

// ErrExists means a record with the same key exists already.
var ErrExists = errors.New("already exists")

// User is an account.
type User struct {
	ID           int64
	Username     string
	FullName     string
	Role         assess.Role
	UnitID       int64
	UnitCode     string
	UnitName     string
	UnitKind     string
	Active       bool
	PasswordHash string
	// HasFactor says the user has set up a second factor.
	HasFactor bool
	// MustChangePassword says an admin set the password, which the user
	// must replace before anything else.
	MustChangePassword bool
	// LastSignIn is when the user last signed in; nil for never.
	LastSignIn *time.Time
	// LastUse is when the account was last used: its last sign-in, its
	// creation, or when an admin last enabled it, whichever is latest.
	LastUse time.Time
	// Unread counts the user's unread notices.
	Unread int
	// Email is the user's address ("" for none), EmailPending one waiting
	// for its confirmation; MailOff says they want no notices by mail.
	Email        string
	EmailPending string
	MailOff      bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Actor is the user as the access policy sees them.
func (u User) Actor() assess.Actor {
	return assess.Actor{ID: u.ID, Username: u.Username, Name: u.FullName, Role: u.Role, UnitID: u.UnitID, UnitCode: u.UnitCode}
}

const userColumns = `u.id, u.username, u.full_name, u.role, u.unit_id, un.code, un.name, un.kind,
	u.active, u.password_hash, u.totp_secret IS NOT NULL, u.must_change_password, u.last_sign_in_at,
	greatest(u.created_at, u.last_sign_in_at, u.enabled_at),
	(SELECT count(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL),
	coalesce(u.email, ''), coalesce(u.email_pending, ''), u.mail_off, u.created_at, u.updated_at`

func scanUser(r pgx.CollectableRow) (User, error) {
	var u User
	err := r.Scan(&u.ID, &u.Username, &u.FullName, &u.Role, &u.UnitID, &u.UnitCode, &u.UnitName, &u.UnitKind,
		&u.Active, &u.PasswordHash, &u.HasFactor, &u.MustChangePassword, &u.LastSignIn, &u.LastUse, &u.Unread, &u.Email, &u.EmailPending, &u.MailOff, &u.CreatedAt, &u.UpdatedAt)
	return u, err
}

// UserByUsername returns the user with that username.
func (s *Store) UserByUsername(ctx context.Context, username string) (User, error) {
	return s.oneUser(ctx, `WHERE u.username = $1`, username)
}

// UserByID returns the user with that id.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	return s.oneUser(ctx, `WHERE u.id = $1`, id)
}

func (s *Store) oneUser(ctx context.Context, where string, arg any) (User, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users u JOIN units un ON un.id = u.unit_id `+where, arg)
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, fmt.Errorf("user %v: %w", arg, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("user %v: %w", arg, err)
	}
	return u, nil
}

// UserFilter narrows the list of users; empty fields match everything.
type UserFilter struct {
	Role   assess.Role
	Unit   string // a unit code: users of that unit and its subtree
	Query  string // part of the username or full name, any case
	Active *bool
}

// Users lists users matching f, by username.
func (s *Store) Users(ctx context.Context, f UserFilter) ([]User, error) {
	rows, err := s.pool.Query(ctx, `
		WITH RECURSIVE subtree AS (
		    SELECT id FROM units WHERE $2::text = '' OR code = $2::text
		    UNION
		    SELECT l.child_id FROM unit_parents l JOIN subtree ON l.parent_id = subtree.id WHERE $2::text <> ''
		)
		SELECT `+userColumns+`
		FROM users u JOIN units un ON un.id = u.unit_id
		WHERE ($1::text = '' OR u.role = $1::text)
		  AND u.unit_id IN (SELECT id FROM subtree)
		  AND ($3::text = '' OR u.username ILIKE '%' || $3 || '%' OR u.full_name ILIKE '%' || $3 || '%')
		  AND ($4::boolean IS NULL OR u.active = $4)
		ORDER BY u.username`, string(f.Role), f.Unit, f.Query, f.Active)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	users, err := pgx.CollectRows(rows, scanUser)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	return users, nil
}

// userRecord is what the audit log keeps of a user: never the password hash.
func userRecord(u NewUser, active bool) []byte {
	b, _ := json.Marshal(map[string]any{
		"username": u.Username, "full_name": u.FullName, "role": u.Role, "unit": u.UnitCode, "unit_on": u.On.Format(time.DateOnly), "active": active,
	})
	return b
}

// CreateUser adds a user, audited as done by actor. The role must fit the
// unit's kind.
func (s *Store) CreateUser(ctx context.Context, actor assess.Actor, u NewUser) (int64, error) {
	var id int64
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		var kind string
		var unit int64
		err := tx.QueryRow(ctx, `SELECT id, kind FROM units WHERE code = $1 AND span @> $2::date`, u.UnitCode, u.On).Scan(&unit, &kind)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("unit %s on %s: %w", u.UnitCode, u.On.Format(time.DateOnly), ErrNotFound)
		}
		if err != nil {
			return err
		}
		if !assess.Role(u.Role).FitsUnit(kind) {
			return fmt.Errorf("role %s in a %s: %w", u.Role, kind, ErrRoleUnit)
		}
		err = tx.QueryRow(ctx, `
			INSERT INTO users (username, full_name, role, unit_id, password_hash, must_change_password, email)
			VALUES ($1, $2, $3, $4, $5, true, NULLIF($6, '')) RETURNING id`,
			u.Username, u.FullName, u.Role, unit, u.PasswordHash, u.Email).Scan(&id)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return fmt.Errorf("user %s: %w", u.Username, ErrExists)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "user_create",
			Entity: "user", EntityKey: u.Username, After: userRecord(u, true)})
	})
	return id, err
}

// ErrRoleUnit means a role does not fit the kind of unit it was given.
var ErrRoleUnit = errors.New("role does not fit the unit")

// SetPassword replaces a user's password hash, audited, and ends every
// session of the user but keep (the session of a user changing their own
// password; empty for none).
func (s *Store) SetPassword(ctx context.Context, actor assess.Actor, username, hash, keep string) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		var id int64
		// A password set by anyone but the user is theirs to replace.
		err := tx.QueryRow(ctx, `UPDATE users SET password_hash = $2, must_change_password = (id IS DISTINCT FROM $3), updated_at = now()
			WHERE username = $1 RETURNING id`, username, hash, actorID(actor)).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("user %s: %w", username, ErrNotFound)
		}
		if err != nil {
			return err
		}
		// A new password ends every session of the user, on every device.
		ended, err := endSessions(ctx, tx, id, 0, keep)
		if err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "user_password",
			Entity: "user", EntityKey: username, After: fmt.Appendf(nil, `{"sessions_ended": %d}`, ended)})
	})
}

// SetActive enables or disables a user, audited. A disabled user's
// sessions stop working at their next request.
func (s *Store) SetActive(ctx context.Context, actor assess.Actor, username string, active bool) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		var id int64
		var before bool
		err := tx.QueryRow(ctx, `SELECT id, active FROM users WHERE username = $1 FOR UPDATE`, username).Scan(&id, &before)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("user %s: %w", username, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if before == active {
			return nil
		}
		// Enabled again, the account starts a fresh 45 days.
		if _, err := tx.Exec(ctx, `UPDATE users SET active = $2, enabled_at = CASE WHEN $2 THEN now() ELSE enabled_at END, updated_at = now()
			WHERE username = $1`, username, active); err != nil {
			return err
		}
		// A disable ends every session at once, so none comes back when
		// the account is enabled again.
		if !active {
			if _, err := endSessions(ctx, tx, id, 0, ""); err != nil {
				return err
			}
		}
		action := "user_disable"
		if active {
			action = "user_enable"
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: action,
			Entity: "user", EntityKey: username,
			Before: fmt.Appendf(nil, `{"active": %t}`, before), After: fmt.Appendf(nil, `{"active": %t}`, active)})
	})
}

func actorID(a assess.Actor) *int64 {
	if a.ID == 0 {
		return nil
	}
	return &a.ID
}

// actorName is who the audit log names: the username, or "cli" for the
// command line.
func actorName(a assess.Actor) string {
	if a.Username == "" {
		return "cli"
	}
	return a.Username
}

// SignInEvent is a sign-in, a failed attempt or a sign-out.
type SignInEvent struct {
	Action     string // sign_in, sign_in_failed, sign_out
	UserID     int64  // 0 when the username is unknown
	Username   string
	ClientAddr string
}

// RecordSignIn writes a sign-in event to the audit log.
func (s *Store) RecordSignIn(ctx context.Context, e SignInEvent) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		var id *int64
		if e.UserID != 0 {
			id = &e.UserID
		}
		return audit(ctx, tx, auditEntry{ActorID: id, Actor: e.Username, Action: e.Action,
			Entity: "session", EntityKey: e.Username, ClientAddr: e.ClientAddr})
	})
}

// SessionStore keeps sessions in the sessions table for scs. cleanup is how
// often expired sessions are deleted; 0 never.
func (s *Store) SessionStore(cleanup time.Duration) *pgxstore.PostgresStore {
	return pgxstore.NewWithCleanupInterval(s.sessions, cleanup)
}

// NewUser is a user to create.
type NewUser struct {
	Username string
	FullName string
	Role     string
	UnitCode string
	// On is the day on which UnitCode names the user's unit.
	On           time.Time
	PasswordHash string
	// FactorSecret is a second factor set up already (base32), for the
	// demo's users only; empty for none.
	FactorSecret string
	// Email is the user's address, empty for none.
	Email string
}
