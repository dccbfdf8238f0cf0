-- +goose Up

-- A user's e-mail address (optional; set by an admin, or by the user and
-- confirmed by a link sent to it) and whether they want notices by mail.
ALTER TABLE users
    ADD COLUMN email text CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    ADD COLUMN email_pending text CHECK (email_pending ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    ADD COLUMN email_token_hash bytea,
    ADD COLUMN email_token_expires timestamptz,
    ADD COLUMN mail_off boolean NOT NULL DEFAULT false;

-- Mail waiting to go out, written in the transaction of the notice it
-- carries (or of the address to confirm), sent by a worker with retries,
-- so that a mail server that is down loses nothing and never slows a page.
-- A notice's mail is worded when it is sent; other mail carries its words.
CREATE TABLE mail_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id bigint REFERENCES notifications (id) ON DELETE CASCADE,
    to_addr         text NOT NULL,
    subject         text NOT NULL DEFAULT '',
    body_text       text NOT NULL DEFAULT '',
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    failed_at       timestamptz,
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (notification_id IS NOT NULL OR subject <> '')
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- +goose Down
DROP TABLE mail_outbox;
ALTER TABLE users DROP COLUMN mail_off, DROP COLUMN email_token_expires, DROP COLUMN email_token_hash,
    DROP COLUMN email_pending, DROP COLUMN email;
