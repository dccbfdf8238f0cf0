-- +goose Up

-- Every sign-in attempt, counted before its password is compared: an
-- attempt is a failure until it is marked a success, so that attempts
-- made at the same moment cannot all pass the limit (the check and the
-- count happen under one lock, in one transaction).
CREATE TABLE sign_in_attempts (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL,
    username  text NOT NULL,
    address   text NOT NULL,
    succeeded boolean NOT NULL DEFAULT false
);
CREATE INDEX sign_in_attempts_user_idx ON sign_in_attempts (username, at);
CREATE INDEX sign_in_attempts_address_idx ON sign_in_attempts (address, at);

-- +goose Down
DROP TABLE sign_in_attempts;
