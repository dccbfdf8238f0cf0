-- +goose Up

-- The user a confirmation mail was asked for by, and when (the portal's
-- clock): a user may ask for a few an hour, not hundreds to a stranger.
ALTER TABLE mail_outbox ADD COLUMN requested_by bigint REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX mail_outbox_requested_by ON mail_outbox (requested_by, created_at) WHERE requested_by IS NOT NULL;

-- +goose Down
ALTER TABLE mail_outbox DROP COLUMN requested_by;
