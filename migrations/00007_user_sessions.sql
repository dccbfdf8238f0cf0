-- +goose Up

-- Who each session belongs to, so that a password change or a disable
-- ends every session of the user at once, on every device, and users can
-- see and end their own. A session without a row here is over: the
-- portal reads the signed-in user through this table. (Sessions opened
-- before this migration have no row, so everyone signs in once again.)
CREATE TABLE user_sessions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token      text NOT NULL UNIQUE,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL,
    address    text NOT NULL DEFAULT '',
    device     text NOT NULL DEFAULT ''
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);

-- +goose Down
DROP TABLE user_sessions;
