-- +goose Up

-- When each account was last used, so that accounts unused for 45 days
-- are disabled (TCVN 14423:2026 level 3) and the access review shows it:
-- the last sign-in, and when an admin last enabled it (a fresh start).
ALTER TABLE users ADD COLUMN last_sign_in_at timestamptz, ADD COLUMN enabled_at timestamptz;
UPDATE users u SET last_sign_in_at = (SELECT max(a.at) FROM audit_log a WHERE a.action = 'sign_in' AND a.actor_id = u.id);

-- +goose Down
ALTER TABLE users DROP COLUMN enabled_at, DROP COLUMN last_sign_in_at;
