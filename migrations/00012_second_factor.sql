-- +goose Up

-- A second factor (TOTP, RFC 6238): the shared secret in base32, when it
-- was set up, and the last 30-second step whose code was accepted, so that
-- no code signs in twice.
ALTER TABLE users
    ADD COLUMN totp_secret text,
    ADD COLUMN totp_enrolled_at timestamptz,
    ADD COLUMN totp_last_step bigint,
    ADD CONSTRAINT users_totp_whole CHECK ((totp_secret IS NULL) = (totp_enrolled_at IS NULL));

-- Single-use codes for a lost phone, stored as their SHA-256.
CREATE TABLE recovery_codes (
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- +goose Down
DROP TABLE recovery_codes;
ALTER TABLE users DROP CONSTRAINT users_totp_whole,
    DROP COLUMN totp_last_step, DROP COLUMN totp_enrolled_at, DROP COLUMN totp_secret;
