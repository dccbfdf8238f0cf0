-- +goose Up

-- API tokens for other Ministry systems: each acts for one user, with that
-- user's scope. Only the SHA-256 of a token is kept.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id),
    name         text NOT NULL CHECK (name <> '' AND length(name) <= 100),
    token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    created_by   bigint NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    revoked_by   bigint REFERENCES users (id),
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);

-- +goose Down
DROP TABLE api_tokens;
