-- +goose Up

-- A password an admin set (a new account, a reset, the command line) is
-- the user's to replace at their next sign-in: until then the portal opens
-- only their own page.
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE users DROP COLUMN must_change_password;
