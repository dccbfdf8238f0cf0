-- +goose Up

-- An admin may unlock an account before its failed sign-ins age out:
-- they stay on record, marked cleared, and no longer count.
ALTER TABLE sign_in_attempts ADD COLUMN cleared_at timestamptz;

-- +goose Down
ALTER TABLE sign_in_attempts DROP COLUMN cleared_at;
